/**
 * The snapshots and messages of ENGAGE.md "Snapshots and messages", as the SDK reads them. Fields the
 * contract leaves open are optional, and unknown fields pass through, so a newer ingest does not
 * break an older page.
 */

export type ActivityKind = 'choice' | 'rating' | 'ranking' | 'wordcloud' | 'text' | 'quiz';
export type ActivityState = 'draft' | 'open' | 'closed' | 'results';
/** When results are shown: always, to those who responded, or from close on. */
export type ResultsVisibility = 'live' | 'voted' | 'closed';

export interface Option {
  readonly id: string;
  readonly label: string;
}

/** `engage:CODE`. */
export interface EventSnapshot {
  readonly type: 'event';
  readonly seq: number;
  readonly code?: string;
  readonly title: string;
  readonly current: string | null;
  readonly activities: readonly ActivitySummary[];
  readonly slides?: SlidesState | null;
  readonly breakout?: BreakoutState | null;
  readonly reactions: readonly string[];
  readonly chat: { readonly enabled: boolean; readonly slowModeMs: number };
  readonly qa: { readonly enabled: boolean; readonly moderated: boolean };
  readonly participants: number;
  readonly [field: string]: unknown;
}

export interface ActivitySummary {
  readonly id: string;
  readonly kind: ActivityKind;
  readonly title: string;
  readonly state: ActivityState;
  readonly round: number;
}

export interface SlidesState {
  readonly deck: string;
  readonly slide: number;
  readonly state?: Readonly<Record<string, unknown>> | null;
  readonly at?: number;
}

export interface BreakoutState {
  readonly open: boolean;
  readonly rooms: number;
  readonly activity?: string | null;
  readonly [field: string]: unknown;
}

/** A quiz's current question, as the audience may see it. */
export interface QuizQuestion {
  readonly index: number;
  readonly text?: string;
  readonly options?: readonly Option[];
  /** Record time (server clock, epoch ms) after which answers are refused `too_late`. */
  readonly deadline?: number;
  readonly revealed?: boolean;
  readonly correct?: string;
  readonly counts?: Readonly<Record<string, number>>;
}

export interface LeaderboardEntry {
  readonly participant: string;
  readonly name?: string;
  readonly score: number;
}

/** What an activity's `results` may hold, depending on its kind. */
export interface Results {
  readonly counts?: Readonly<Record<string, number>>;
  readonly ratings?: { readonly histogram?: Readonly<Record<string, number>>; readonly mean?: number | null; readonly [f: string]: unknown };
  readonly ranking?: Readonly<Record<string, number>>;
  readonly words?: ReadonlyArray<{ readonly word: string; readonly count: number }>;
  readonly texts?: ReadonlyArray<{ readonly id?: string; readonly text: string; readonly at?: number; readonly [f: string]: unknown }>;
  readonly question?: QuizQuestion;
  readonly leaderboard?: readonly LeaderboardEntry[];
  readonly teams?: unknown;
  /** Scope `rooms`: the same results per room number. */
  readonly rooms?: Readonly<Record<string, Results>>;
  readonly [field: string]: unknown;
}

/** `engage:CODE:a:ID`. */
export interface ActivitySnapshot {
  readonly type: 'activity';
  readonly seq: number;
  readonly id: string;
  readonly kind: ActivityKind;
  readonly title: string;
  readonly state: ActivityState;
  readonly round: number;
  readonly responses?: number;
  readonly options?: readonly Option[];
  readonly maxChoices?: number;
  readonly min?: number;
  readonly max?: number;
  readonly maxEntries?: number;
  readonly questions?: ReadonlyArray<{ readonly text: string; readonly options: readonly Option[]; readonly timeLimitMs?: number; readonly correct?: string }>;
  readonly teams?: unknown;
  /** The settings of activity.create. */
  readonly settings?: { readonly allowChange?: boolean; readonly results?: ResultsVisibility; readonly scope?: 'event' | 'rooms' };
  /** The quiz's current question (also read from results.question). */
  readonly question?: QuizQuestion;
  readonly leaderboard?: readonly LeaderboardEntry[];
  /** Present when visible; the SDK strips it for a `voted` activity this participant has not answered. */
  readonly results?: Results;
  readonly [field: string]: unknown;
}

export interface QaQuestion {
  readonly id: string;
  readonly text: string;
  readonly author?: string;
  readonly upvotes: number;
  readonly pinned: boolean;
  readonly answered: boolean;
  readonly at: number;
}

/** `engage:CODE:qa`. */
export interface QaSnapshot {
  readonly type: 'qa';
  readonly seq: number;
  readonly questions: readonly QaQuestion[];
  readonly [field: string]: unknown;
}

/** `engage:CODE:reactions`. */
export interface ReactionsSnapshot {
  readonly type: 'reactions';
  readonly seq: number;
  /** Counts per emoji in the last window. */
  readonly counts: Readonly<Record<string, number>>;
  /** Running totals per emoji, when ingest sends them. */
  readonly totals?: Readonly<Record<string, number>>;
  readonly [field: string]: unknown;
}

/** `engage-mod:CODE`. */
export interface ModerationSnapshot {
  readonly type: 'moderation';
  readonly seq: number;
  readonly questions?: ReadonlyArray<{ readonly id: string; readonly text: string; readonly participant?: string; readonly name?: string; readonly anonymous?: boolean; readonly at?: number }>;
  readonly entries?: ReadonlyArray<{ readonly activity: string; readonly entry: string; readonly text: string; readonly participant?: string; readonly name?: string; readonly at?: number }>;
  readonly bans?: ReadonlyArray<string | { readonly participant: string; readonly [f: string]: unknown }>;
  readonly slowModeMs?: number;
  readonly [field: string]: unknown;
}

/** A chat message of `engage-chat:CODE` or `engage-chat:CODE:room:N`; `room` is added by the SDK. */
export interface ChatMessage {
  readonly id: string;
  readonly participant: string;
  readonly name: string;
  readonly text: string;
  readonly at: number;
  /** The room it was said in, or null for the main chat. */
  readonly room: number | null;
}

/** This participant's own state (`{type: "you"}` on engage-me). */
export interface You {
  /** Their response per activity (with its `round` when ingest sends it). */
  readonly votes: Readonly<Record<string, Readonly<Record<string, unknown>> & { readonly round?: number }>>;
  readonly score: number;
  readonly team: string | null;
}

/** `{type: "reply"}` on engage-me. */
export interface Reply {
  readonly type: 'reply';
  readonly id: string;
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message?: string; readonly retryAfterMs?: number };
}

/** A participant's response to a poll (`poll.vote`), by kind. */
export type Vote =
  | { readonly choices: readonly string[] }
  | { readonly rating: number }
  | { readonly ranking: readonly string[] }
  | { readonly words: readonly string[] }
  | { readonly text: string };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
