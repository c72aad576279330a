import { EngageError } from './errors.js';
import type { Option, ResultsVisibility } from './wire.js';

/** Settings every kind shares (ENGAGE.md `activity.create`). */
export interface ActivitySettings {
  /** `[A-Za-z0-9_-]{1,32}`. */
  readonly id: string;
  readonly title: string;
  /** A second response replaces the first (default false: `already_voted`). */
  readonly allowChange?: boolean;
  /** When results are shown: `live` (default), `voted` (to those who responded), `closed` (from close on). */
  readonly results?: ResultsVisibility;
  /** `rooms`: also tallied per breakout room. */
  readonly scope?: 'event' | 'rooms';
}

export interface ChoiceDefinition extends ActivitySettings {
  readonly kind: 'choice';
  readonly options: readonly Option[];
  /** 1 (default) for a single choice. */
  readonly maxChoices?: number;
}

export interface RatingDefinition extends ActivitySettings {
  readonly kind: 'rating';
  readonly min: number;
  readonly max: number;
}

export interface RankingDefinition extends ActivitySettings {
  readonly kind: 'ranking';
  readonly options: readonly Option[];
}

export interface WordcloudDefinition extends ActivitySettings {
  readonly kind: 'wordcloud';
  /** Entries per participant. */
  readonly maxEntries?: number;
  /** Entries wait for `poll.moderate`. */
  readonly moderated?: boolean;
}

export interface TextDefinition extends ActivitySettings {
  readonly kind: 'text';
  /** Entries wait for `poll.moderate`. */
  readonly moderated?: boolean;
}

export interface QuizQuestionDefinition {
  readonly text: string;
  readonly options: readonly Option[];
  /** The correct option's id. */
  readonly correct: string;
  readonly timeLimitMs: number;
}

export interface QuizDefinition extends ActivitySettings {
  readonly kind: 'quiz';
  readonly questions: readonly QuizQuestionDefinition[];
  readonly teams?: readonly string[];
}

export type ActivityDefinition =
  | ChoiceDefinition
  | RatingDefinition
  | RankingDefinition
  | WordcloudDefinition
  | TextDefinition
  | QuizDefinition;

const ACTIVITY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KINDS = new Set(['choice', 'rating', 'ranking', 'wordcloud', 'text', 'quiz']);

/** Throws `invalid_command` for an id ingest would refuse, before anything is sent. */
export function checkActivityId(id: unknown): string {
  if (typeof id !== 'string' || !ACTIVITY_ID.test(id)) throw new EngageError('invalid_command', 'an activity id is 1 to 32 characters of A-Z, a-z, 0-9, _ and -');
  return id;
}

/**
 * The `activity.create` command for a definition. Only the shape is checked here (id, kind, title);
 * ingest checks the rest and refuses with a message that names the field.
 */
export function createCommand(def: ActivityDefinition): Record<string, unknown> & { type: string } {
  if (!def || typeof def !== 'object') throw new EngageError('invalid_command', 'an activity definition is an object');
  const { id, kind, ...fields } = def;
  checkActivityId(id);
  if (!KINDS.has(kind)) throw new EngageError('invalid_command', `unknown kind '${String(kind)}': one of ${[...KINDS].join(', ')}`);
  if (typeof def.title !== 'string' || def.title.trim() === '') throw new EngageError('invalid_command', 'an activity needs a title');
  return { type: 'activity.create', activity: id, kind, ...fields };
}
