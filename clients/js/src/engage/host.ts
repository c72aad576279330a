import { Chorus } from '../index.js';
import { ActivityView } from './activity.js';
import type { CommandOptions } from './commands.js';
import { type ActivityDefinition, checkActivityId, createCommand } from './definitions.js';
import { EngageError } from './errors.js';
import { EventBase } from './event-base.js';
import { JoinApi, JoinStore, checkCode } from './join-api.js';
import { SnapshotFeed } from './observable.js';
import { type SessionCore, SessionCore as Core, resolveEngageOptions } from './session.js';
import { BreakoutView, ChatView, SlidesView } from './social.js';
import { type ConnectOptions, apiBase, fetchOf, startSession, storageOf } from './start.js';
import type { ModerationSnapshot } from './wire.js';

export interface HostOptions extends ConnectOptions {
  /** Creates a new event with this title (`POST /engage/events`)... */
  readonly title?: string;
  /** ...or reattaches to an event: its code, with `hostToken` or the one stored by an earlier hostEvent. */
  readonly code?: string;
  readonly hostToken?: string;
  /** Outside dev mode, creating an event needs the ingest's `engage.adminKey`. */
  readonly adminKey?: string;
}

export interface ConfigureEvent {
  readonly title: string;
  readonly reactions?: readonly string[];
  readonly chat?: { readonly enabled?: boolean; readonly slowModeMs?: number };
  readonly qa?: { readonly enabled?: boolean; readonly moderated?: boolean };
}

export type ModerationStatus = 'published' | 'dismissed';

export interface BreakoutPlan {
  /** 1..ENGAGE.md's rooms limit. */
  readonly rooms: number;
  readonly assign: 'even' | 'random' | 'chosen';
  /** With `chosen`: participant id → room (from 1). */
  readonly assignments?: Readonly<Record<string, number>>;
  /** A poll run in every room. */
  readonly activity?: string;
}

type Role = 'host' | 'moderator' | 'presenter';

/** The host's chat: the audience's view plus deleting messages. */
export class HostChat extends ChatView {
  constructor(private readonly staff: (role: Role, command: Record<string, unknown> & { type: string }, options?: CommandOptions) => Promise<void>, core: SessionCore) {
    super(core);
  }

  /** `chat.delete` (moderator). */
  delete(message: string, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'chat.delete', message }, options);
  }
}

/** The moderators' view (`engage-mod:CODE`): pending questions and entries, bans, slow mode. */
export class ModerationView {
  private readonly feed: SnapshotFeed<ModerationSnapshot>;
  private unwatch?: () => void;

  constructor(private readonly core: SessionCore) {
    this.feed = new SnapshotFeed<ModerationSnapshot>('moderation', (e) => core.report(e), (why) => core.report(new EngageError('unexpected', `engage-mod:${core.code}: ${why}`)));
  }

  get snapshot(): ModerationSnapshot | undefined {
    this.ensure();
    return this.feed.value;
  }

  onChange(listener: (snapshot: ModerationSnapshot) => void): () => void {
    this.ensure();
    return this.feed.on(listener);
  }

  private ensure(): void {
    if (!this.unwatch) this.unwatch = this.core.watch(`engage-mod:${this.core.code}`, (d) => this.feed.offer(d), 1);
  }
}

/**
 * The host of an event: every staff command of ENGAGE.md, the moderation view, the export, and
 * everything the audience sees (every activity's results, whatever its visibility setting).
 * Commands go to `engage-ctl:CODE:host`, or `:moderator` for the moderator's ones.
 */
export class HostEvent extends EventBase<ActivityView> {
  override readonly chat: HostChat;
  override readonly slides: SlidesView & { show(deck: string, slide: number, state?: Record<string, unknown>, options?: CommandOptions): Promise<void> };
  override readonly breakout: BreakoutView & { open(plan: BreakoutPlan, options?: CommandOptions): Promise<void>; close(options?: CommandOptions): Promise<void> };
  readonly moderation: ModerationView;
  /** quiz.next / quiz.reveal. */
  readonly quiz: { next(activity: string, options?: CommandOptions): Promise<void>; reveal(activity: string, options?: CommandOptions): Promise<void> };

  constructor(
    core: SessionCore,
    /** The host token: keep it to reattach (hostEvent({code, hostToken})). */
    readonly hostToken: string,
    /** The join link the API gave, if any. */
    readonly joinUrl: string | undefined,
    private readonly api: JoinApi,
  ) {
    const staff = (role: Role, command: Record<string, unknown> & { type: string }, options?: CommandOptions) => core.sendStaff(role, command, options);
    const chat = new HostChat(staff, core);
    super(core, chat);
    this.chat = chat;
    this.moderation = new ModerationView(core);
    this.slides = Object.assign(new SlidesView(core.slides), {
      show: (deck: string, slide: number, state?: Record<string, unknown>, options?: CommandOptions) =>
        staff('host', state === undefined ? { type: 'slides.show', deck, slide } : { type: 'slides.show', deck, slide, state }, options),
    });
    this.breakout = Object.assign(new BreakoutView(core.breakoutState, core.room, core.roomPresence), {
      open: (plan: BreakoutPlan, options?: CommandOptions) => staff('host', { type: 'breakout.open', ...plan }, options),
      close: (options?: CommandOptions) => staff('host', { type: 'breakout.close' }, options),
    });
    this.quiz = {
      next: (activity, options) => staff('host', { type: 'quiz.next', activity: checkActivityId(activity) }, options),
      reveal: (activity, options) => staff('host', { type: 'quiz.reveal', activity: checkActivityId(activity) }, options),
    };
  }

  /** `event.configure`. */
  configure(settings: ConfigureEvent, options?: CommandOptions): Promise<void> {
    return this.staff('host', { type: 'event.configure', ...settings }, options);
  }

  /** `activity.create` from a typed definition (choice, rating, ranking, wordcloud, text, quiz). */
  createActivity(definition: ActivityDefinition, options?: CommandOptions): Promise<void> {
    return this.run(() => this.staff('host', createCommand(definition), options));
  }

  open(activity: string, options?: CommandOptions): Promise<void> {
    return this.lifecycle('activity.open', activity, options);
  }

  /** `activity.close` (leave() ends the host's connection). */
  close(activity: string, options?: CommandOptions): Promise<void> {
    return this.lifecycle('activity.close', activity, options);
  }

  reveal(activity: string, options?: CommandOptions): Promise<void> {
    return this.lifecycle('activity.reveal', activity, options);
  }

  rerun(activity: string, options?: CommandOptions): Promise<void> {
    return this.lifecycle('activity.rerun', activity, options);
  }

  /** `event.current`: what every screen shows (null: nothing). */
  setCurrent(activity: string | null, options?: CommandOptions): Promise<void> {
    return this.run(() => this.staff('host', { type: 'event.current', activity: activity === null ? null : checkActivityId(activity) }, options));
  }

  /** `qa.moderate`: publish or dismiss a question, pin it, mark it answered. */
  moderateQuestion(question: string, change: { status?: ModerationStatus; pinned?: boolean; answered?: boolean }, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'qa.moderate', question, ...change }, options);
  }

  /** `poll.moderate`: publish or dismiss an open-text or word-cloud entry. */
  moderateEntry(activity: string, entry: string, status: ModerationStatus, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'poll.moderate', activity, entry, status }, options);
  }

  ban(participant: string, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'participant.ban', participant }, options);
  }

  unban(participant: string, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'participant.unban', participant }, options);
  }

  /** `chat.slowmode`: at most one message per participant every `ms` (0: off). */
  slowMode(ms: number, options?: CommandOptions): Promise<void> {
    return this.staff('moderator', { type: 'chat.slowmode', slowModeMs: ms }, options);
  }

  /** Every accepted response, as CSV or JSON text (`GET /engage/events/CODE/export`). */
  export(format: 'csv' | 'json' = 'csv', options: { activity?: string } = {}): Promise<string> {
    return this.api.export(this.code, this.hostToken, format, options.activity);
  }

  protected makeActivity(id: string): ActivityView {
    return new ActivityView(this.core, id, true);
  }

  private lifecycle(type: string, activity: string, options?: CommandOptions): Promise<void> {
    return this.run(() => this.staff('host', { type, activity: checkActivityId(activity) }, options));
  }

  private staff(role: Role, command: Record<string, unknown> & { type: string }, options?: CommandOptions): Promise<void> {
    return this.core.sendStaff(role, command, options);
  }

  /** Turns a local check's throw into a rejection, like every other failure. */
  private run(f: () => Promise<void>): Promise<void> {
    try {
      return f();
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/**
 * Hosts an event: creates it (`title`) or reattaches (`code`, with `hostToken` or the token an
 * earlier hostEvent stored for that code), connects with the host token and subscribes the event.
 */
export async function hostEvent(options: HostOptions): Promise<HostEvent> {
  const api = new JoinApi(apiBase(options.url), fetchOf(options));
  const store = new JoinStore(storageOf(options), 'chorus.engage.host.');
  let code: string;
  let hostToken: string | undefined;
  let joinUrl: string | undefined;
  if (options.code !== undefined) {
    code = checkCode(options.code);
    hostToken = options.hostToken ?? store.get(code)?.token;
    if (!hostToken) throw new EngageError('token_invalid', `no host token for event ${code}: pass hostToken, or open the host console where the event was created`);
  } else {
    if (typeof options.title !== 'string' || options.title.trim() === '') throw new EngageError('invalid_request', 'hostEvent needs a title (a new event) or a code (an existing one)');
    const created = await api.create(options.title.trim(), options.adminKey);
    code = checkCode(created.code);
    hostToken = created.hostToken;
    joinUrl = created.joinUrl;
  }
  const participant = subjectOf(hostToken);
  store.put(code, { token: hostToken, participant, name: 'host' });
  const client = new Chorus({ ...options.chorus, url: options.url, token: hostToken });
  const core = new Core(client, code, participant, resolveEngageOptions(options), `engage-in:${code}`);
  await startSession(core, true, () => Promise.resolve());
  return new HostEvent(core, hostToken, joinUrl, api);
}

/** The token's `sub` (not verified: the gateway does that); replies to its commands come on its engage-me. */
function subjectOf(token: string): string {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    if (typeof sub === 'string' && sub) return sub;
  } catch {
    // fall through
  }
  throw new EngageError('token_invalid', 'the host token is not a JWT with a sub');
}
