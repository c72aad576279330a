/**
 * The engagement API (ENGAGE.md): live events with polls, quizzes, Q&A, reactions, chat, slides and
 * breakout rooms on top of the Chorus client. A separate entry (`@chorus/client/engage`, served as
 * /sdk/engage.js beside /sdk/chorus.js, which it imports), so plain clients do not pay for it.
 */
export { joinEvent, watchEvent, LiveEvent, type JoinOptions } from './live.js';
export { hostEvent, HostEvent, HostChat, ModerationView, type HostOptions, type ConfigureEvent, type BreakoutPlan, type ModerationStatus } from './host.js';
export { EventBase } from './event-base.js';
export { ActivityView, LiveActivity, LiveQuiz } from './activity.js';
export { QaView, ChatView, ReactionsView, SlidesView, BreakoutView } from './social.js';
export { Observable, SnapshotFeed, Signal, type Listener } from './observable.js';
export type { RoomMember, RoomMembers } from './room-presence.js';
export {
  EngageError,
  COMMAND_ERRORS,
  JOIN_ERRORS,
  SDK_ERRORS,
  type EngageErrorCode,
  type CommandErrorCode,
  type JoinErrorCode,
  type SdkErrorCode,
} from './errors.js';
export type { CommandOptions, Command } from './commands.js';
export type { EngageOptions } from './session.js';
export type { ConnectOptions } from './start.js';
export type { TokenStorage } from './join-api.js';
export { CODE_PATTERN } from './join-api.js';
export type {
  ActivityDefinition,
  ActivitySettings,
  ChoiceDefinition,
  RatingDefinition,
  RankingDefinition,
  WordcloudDefinition,
  TextDefinition,
  QuizDefinition,
  QuizQuestionDefinition,
} from './definitions.js';
export type * from './wire.js';
