import { type CommandOptions, handled } from './commands.js';
import { EngageError } from './errors.js';
import { Observable, Signal, SnapshotFeed } from './observable.js';
import type { RoomMember, RoomMembers, RoomPresence } from './room-presence.js';
import type { SessionLink } from './session.js';
import { isObject, type BreakoutState, type ChatMessage, type QaQuestion, type QaSnapshot, type ReactionsSnapshot, type SlidesState } from './wire.js';

const badSnapshot = (link: SessionLink, channel: string) => (why: string) => link.report(new EngageError('unexpected', `${channel}: ${why}`));

/** Q&A: the published questions (`engage:CODE:qa`, subscribed on first use), ask and upvote. */
export class QaView {
  private readonly feed: SnapshotFeed<QaSnapshot>;
  private readonly mine = new Set<string>();
  private unwatch?: () => void;

  constructor(private readonly link: SessionLink) {
    this.feed = new SnapshotFeed<QaSnapshot>('qa', (e) => link.report(e), badSnapshot(link, this.channel));
  }

  get channel(): string {
    return `engage:${this.link.code}:qa`;
  }

  /** Published questions: pinned first, then by upvotes, then by time (ingest's order). */
  get questions(): readonly QaQuestion[] {
    this.ensure();
    return this.feed.value?.questions ?? [];
  }

  onChange(listener: (questions: readonly QaQuestion[], snapshot: QaSnapshot) => void): () => void {
    this.ensure();
    return this.feed.on((s) => listener(Array.isArray(s.questions) ? s.questions : [], s));
  }

  /** `qa.ask`: anonymous by default (moderators still know who asked). */
  ask(text: string, options: CommandOptions & { anonymous?: boolean } = {}): Promise<void> {
    const { anonymous = true, ...command } = options;
    return this.link.send({ type: 'qa.ask', text, anonymous }, command);
  }

  /** `qa.upvote`: one per participant, `on` toggles it (idempotent). */
  upvote(question: string, on = true, options?: CommandOptions): Promise<void> {
    return handled(this.link.send({ type: 'qa.upvote', question, on }, options).then(() => {
      if (on) {
        if (this.mine.size >= 1000) this.mine.delete(this.mine.values().next().value as string);
        this.mine.add(question);
      } else this.mine.delete(question);
    }));
  }

  /** Whether this page upvoted the question (remembered for this page only). */
  upvoted(question: string): boolean {
    return this.mine.has(question);
  }

  private ensure(): void {
    if (!this.unwatch) this.unwatch = this.link.watch(this.channel, (d) => this.feed.offer(d), 1);
  }
}

/**
 * Chat: the event's chat and, while this participant is in a breakout room, that room's
 * (`engage-chat:CODE:room:N`), both subscribed on first use. `messages` keeps the latest
 * maxChatMessages, deletions applied.
 */
export class ChatView {
  private readonly kept: ChatMessage[] = [];
  private readonly messageSignal = new Signal<ChatMessage>((e) => this.link.report(e));
  private readonly deletedSignal = new Signal<{ id: string; room: number | null }>((e) => this.link.report(e));
  private started = false;
  private roomOff?: () => void;

  constructor(protected readonly link: SessionLink) {}

  /** Recent messages, oldest first (main chat and room chat together). */
  get messages(): readonly ChatMessage[] {
    this.start();
    return [...this.kept];
  }

  onMessage(listener: (message: ChatMessage) => void): () => void {
    this.start();
    return this.messageSignal.on(listener);
  }

  onDeleted(listener: (deleted: { id: string; room: number | null }) => void): () => void {
    this.start();
    return this.deletedSignal.on(listener);
  }

  /** `chat.send`: to this participant's room while in one, else to the main chat; `room: null` forces the main chat. */
  send(text: string, options: CommandOptions & { room?: number | null } = {}): Promise<void> {
    const { room = this.link.room.value ?? null, ...command } = options;
    return this.link.send(room === null ? { type: 'chat.send', text } : { type: 'chat.send', text, room }, command);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.link.watch(`engage-chat:${this.link.code}`, (d) => this.onData(d, null), this.link.options.chatRewind);
    this.link.room.on((room) => {
      this.roomOff?.();
      this.roomOff = undefined;
      if (room !== null) {
        this.roomOff = this.link.watch(`engage-chat:${this.link.code}:room:${room}`, (d) => this.onData(d, room), this.link.options.chatRewind);
      }
    });
  }

  private onData(data: unknown, room: number | null): void {
    if (!isObject(data) || typeof data.id !== 'string') return;
    if (data.type === 'chat') {
      if (this.kept.some((m) => m.id === data.id)) return; // replayed by a rewind after re-entering a room
      const m: ChatMessage = {
        id: data.id,
        participant: String(data.participant ?? ''),
        name: String(data.name ?? ''),
        text: String(data.text ?? ''),
        at: typeof data.at === 'number' ? data.at : 0,
        room,
      };
      this.kept.push(m);
      if (this.kept.length > this.link.options.maxChatMessages) this.kept.shift();
      this.messageSignal.emit(m);
    } else if (data.type === 'chat.deleted') {
      const i = this.kept.findIndex((m) => m.id === data.id);
      if (i >= 0) this.kept.splice(i, 1);
      this.deletedSignal.emit({ id: data.id, room });
    }
  }

}

/**
 * Reactions: the counts of the last window (`engage:CODE:reactions`, subscribed on first use), and
 * per snapshot the `burst`: how many of each emoji came since the previous one (from `totals` when
 * ingest sends them, else from the counts' increase), for emoji floating up on a screen.
 */
export class ReactionsView {
  private readonly feed: SnapshotFeed<ReactionsSnapshot>;
  private unwatch?: () => void;

  constructor(private readonly link: SessionLink) {
    this.feed = new SnapshotFeed<ReactionsSnapshot>('reactions', (e) => link.report(e), badSnapshot(link, `engage:${link.code}:reactions`));
  }

  get snapshot(): ReactionsSnapshot | undefined {
    this.ensure();
    return this.feed.value;
  }

  on(listener: (snapshot: ReactionsSnapshot, burst: Readonly<Record<string, number>>) => void): () => void {
    this.ensure();
    let previous: ReactionsSnapshot | undefined;
    return this.feed.on((s) => {
      const burst = previous ? bursts(previous, s) : {};
      previous = s;
      listener(s, burst);
    });
  }

  private ensure(): void {
    if (!this.unwatch) this.unwatch = this.link.watch(`engage:${this.link.code}:reactions`, (d) => this.feed.offer(d), 1);
  }
}

function bursts(before: ReactionsSnapshot, after: ReactionsSnapshot): Record<string, number> {
  const useTotals = isObject(before.totals) && isObject(after.totals);
  const a = (useTotals ? after.totals : after.counts) ?? {};
  const b = (useTotals ? before.totals : before.counts) ?? {};
  const out: Record<string, number> = {};
  for (const [emoji, n] of Object.entries(a)) {
    const d = (typeof n === 'number' ? n : 0) - (typeof b[emoji] === 'number' ? (b[emoji] as number) : 0);
    if (d > 0) out[emoji] = d;
  }
  return out;
}

/** Slides: what the presenter shows (the event snapshot's `slides`). */
export class SlidesView {
  constructor(private readonly source: Observable<SlidesState | null>) {}

  get current(): SlidesState | null {
    return this.source.value ?? null;
  }

  /** The slide whenever it changes (the current one at once). */
  onChange(listener: (slides: SlidesState | null) => void): () => void {
    return this.source.on(listener);
  }
}

/** Breakout rooms: the event's breakout state, this participant's room and who is in it. */
export class BreakoutView {
  constructor(
    private readonly state: Observable<BreakoutState | null>,
    private readonly room: Observable<number | null>,
    private readonly presence: RoomPresence,
  ) {}

  /** Who is in this participant's room, sorted by name ([] in the main event); kept from first use. */
  get members(): readonly RoomMember[] {
    this.presence.listen();
    return this.presence.members.value?.members ?? [];
  }

  /**
   * The room's members whenever they change: at once, on each enter and leave, and with an empty
   * list and `room: null` when back in the main event.
   */
  onMembers(listener: (members: readonly RoomMember[], room: RoomMembers) => void): () => void {
    this.presence.listen();
    return this.presence.members.on((r) => listener(r.members, r));
  }

  /** This participant's room (from 1), or null in the main event. */
  get myRoom(): number | null {
    return this.room.value ?? null;
  }

  get current(): BreakoutState | null {
    return this.state.value ?? null;
  }

  /** This participant's room whenever it changes: a number when sent to a room, null when back. */
  onAssigned(listener: (room: number | null) => void): () => void {
    return this.room.on(listener);
  }

  /** The event's breakout state (`{open, rooms, ...}`) whenever it changes. */
  onChange(listener: (state: BreakoutState | null) => void): () => void {
    return this.state.on(listener);
  }
}
