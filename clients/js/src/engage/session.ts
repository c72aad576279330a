import type { Chorus } from '../index.js';
import { type Clock, systemClock } from '../clock.js';
import type { Message } from '../frames.js';
import { Commands, type Command, type CommandOptions } from './commands.js';
import { EngageError } from './errors.js';
import { Observable, SnapshotFeed } from './observable.js';
import { RoomPresence } from './room-presence.js';
import { isObject, type BreakoutState, type EventSnapshot, type SlidesState, type You } from './wire.js';

/** Limits and timing of the engagement API (all optional). */
export interface EngageOptions {
  /** How long a command waits for its reply before rejecting with `timeout` (default 10 000 ms). */
  readonly commandTimeoutMs?: number;
  /** Commands waiting for a reply before another fails fast with `busy` (default 100). */
  readonly maxPendingCommands?: number;
  /** Replies remembered so that a retry of an answered command settles at once (default 256). */
  readonly maxRecentReplies?: number;
  /** Activity objects kept (default 200, ENGAGE.md's activities per event); the oldest is dropped beyond. */
  readonly maxActivities?: number;
  /** Chat messages kept in `chat.messages` (default 200). */
  readonly maxChatMessages?: number;
  /** Chat messages replayed when chat is first used (default 50). */
  readonly chatRewind?: number;
  /** Messages of engage-me replayed at start, to find the latest `you` and `room` (default 100). */
  readonly meRewind?: number;
  /** ENGAGE.md's command bytes limit (default 4096): larger commands fail at once with `too_large`. */
  readonly maxCommandBytes?: number;
  /** Time for command timeouts and waits; tests drive it. Default the system clock. */
  readonly clock?: Clock;
}

export type ResolvedEngageOptions = Required<EngageOptions>;

export function resolveEngageOptions(o: EngageOptions = {}): ResolvedEngageOptions {
  return {
    commandTimeoutMs: o.commandTimeoutMs ?? 10_000,
    maxPendingCommands: o.maxPendingCommands ?? 100,
    maxRecentReplies: o.maxRecentReplies ?? 256,
    maxActivities: o.maxActivities ?? 200,
    maxChatMessages: o.maxChatMessages ?? 200,
    chatRewind: o.chatRewind ?? 50,
    meRewind: o.meRewind ?? 100,
    maxCommandBytes: o.maxCommandBytes ?? 4096,
    clock: o.clock ?? systemClock,
  };
}

/** What the views (activities, Q&A, chat...) need from their event. */
export interface SessionLink {
  readonly code: string;
  readonly participant: string;
  readonly clock: Clock;
  readonly options: ResolvedEngageOptions;
  /** Subscribes a channel (rewind N); returns the function that unsubscribes. */
  watch(channel: string, onData: (data: unknown, message: Message) => void, rewind: number): () => void;
  /** A participant command on `engage-in:CODE`. */
  send(command: Command, options?: CommandOptions): Promise<void>;
  report(error: unknown): void;
  readonly you: Observable<You>;
  readonly room: Observable<number | null>;
  serverNow(): number;
}

/** Messages older than this (by record time) do not move the server clock estimate. */
const STALE_MS = 30_000;
const CLOCK_SAMPLES = 64;

/**
 * One event as one client sees it: the event snapshot, this participant's own state, and the
 * channels the views open on demand. Participant and staff objects extend it with their commands.
 */
export class SessionCore implements SessionLink {
  readonly event: SnapshotFeed<EventSnapshot>;
  readonly you: Observable<You>;
  readonly room: Observable<number | null>;
  /** Presence in this participant's breakout room (entered by participants, listed on demand). */
  readonly roomPresence: RoomPresence;
  readonly slides: Observable<SlidesState | null>;
  readonly breakoutState: Observable<BreakoutState | null>;
  readonly current: Observable<string | null>;
  readonly commands: Commands;
  readonly clock: Clock;
  private readonly errorListeners = new Set<(e: unknown) => void>();
  private readonly samples: number[] = [];
  private readonly unwatch: Array<() => void> = [];
  private closed = false;

  constructor(
    readonly client: Chorus,
    readonly code: string,
    readonly participant: string,
    readonly options: ResolvedEngageOptions,
    /** Where this side's participant commands go (staff cannot publish on engage-in). */
    private readonly inChannel: string,
  ) {
    this.clock = options.clock;
    const report = (e: unknown) => this.report(e);
    this.event = new SnapshotFeed<EventSnapshot>('event', report, (why) => this.report(new EngageError('unexpected', `engage:${code}: ${why}`)));
    this.you = new Observable<You>(report);
    this.room = new Observable<number | null>(report);
    this.roomPresence = new RoomPresence(this);
    this.slides = new Observable<SlidesState | null>(report);
    this.breakoutState = new Observable<BreakoutState | null>(report);
    this.current = new Observable<string | null>(report);
    this.commands = new Commands({
      clock: options.clock,
      timeoutMs: options.commandTimeoutMs,
      maxPending: options.maxPendingCommands,
      maxRecentReplies: options.maxRecentReplies,
      maxCommandBytes: options.maxCommandBytes,
      newId: () => newCommandId(),
      publish: (channel, data, id) => this.client.channel(channel).publish(undefined, data, { id }),
    });
    this.event.on((e) => {
      changed(this.slides, e.slides ?? null);
      changed(this.breakoutState, e.breakout ?? null);
      changed(this.current, typeof e.current === 'string' ? e.current : null);
    });
  }

  /** Subscribes the event snapshot and (unless watching only) this participant's engage-me channel. */
  async start(withMe: boolean): Promise<void> {
    const ready: Array<Promise<unknown>> = [this.subscribe(`engage:${this.code}`, (d) => this.event.offer(d), 1)];
    if (withMe) ready.push(this.subscribe(`engage-me:${this.code}:${this.participant}`, (d) => this.onMe(d), this.options.meRewind));
    await Promise.all(ready);
  }

  watch(channel: string, onData: (data: unknown, message: Message) => void, rewind: number): () => void {
    let on = true;
    const listener = (m: Message) => {
      if (on) this.deliver(m, onData);
    };
    this.client.channel(channel).subscribe(listener, { rewind }).catch((e) => this.report(e));
    const off = () => {
      if (!on) return;
      on = false;
      this.client.channel(channel).unsubscribe(listener);
    };
    this.unwatch.push(off);
    return off;
  }

  send(command: Command, options?: CommandOptions): Promise<void> {
    return this.commands.send(this.inChannel, command, options);
  }

  /** Staff commands go to `engage-ctl:CODE:ROLE`. */
  sendStaff(role: 'host' | 'moderator' | 'presenter', command: Command, options?: CommandOptions): Promise<void> {
    return this.commands.send(`engage-ctl:${this.code}:${role}`, command, options);
  }

  /**
   * The server's clock as well as the messages tell it (for quiz countdowns: deadlines are record
   * times). A record cannot carry a time later than the server's now when it arrives, so the largest
   * (record time − local time) of recent fresh messages is the best lower bound of the offset.
   */
  serverNow(): number {
    const now = this.clock.now();
    return this.samples.length ? now + Math.max(...this.samples) : now;
  }

  onError(listener: (error: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => {
      this.errorListeners.delete(listener);
    };
  }

  report(error: unknown): void {
    if (this.errorListeners.size === 0) {
      console.error('chorus engage:', error);
      return;
    }
    for (const l of [...this.errorListeners]) {
      try {
        l(error);
      } catch (e) {
        console.error('chorus engage: an error listener threw', e);
      }
    }
  }

  /** Unsubscribes, fails waiting commands with `closed` and closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.commands.close();
    this.roomPresence.close(); // before the connection closes, so that the room sees the leave at once
    for (const off of this.unwatch.splice(0)) off();
    this.client.close();
  }

  private subscribe(channel: string, onData: (data: unknown) => void, rewind: number): Promise<unknown> {
    const listener = (m: Message) => this.deliver(m, onData);
    this.unwatch.push(() => this.client.channel(channel).unsubscribe(listener));
    return this.client.channel(channel).subscribe(listener, { rewind });
  }

  private deliver(m: Message, onData: (data: unknown, message: Message) => void): void {
    this.sample(m.timestamp);
    try {
      onData(m.data, m);
    } catch (error) {
      this.report(error);
    }
  }

  private sample(timestamp: number): void {
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return;
    const offset = timestamp - this.clock.now();
    if (offset < -STALE_MS) return;
    this.samples.push(offset);
    if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
  }

  private onMe(data: unknown): void {
    if (!isObject(data)) return;
    if (data.type === 'reply') this.commands.onMessage(data);
    else if (data.type === 'you') {
      this.you.set({
        votes: isObject(data.votes) ? (data.votes as You['votes']) : {},
        score: typeof data.score === 'number' ? data.score : 0,
        team: typeof data.team === 'string' ? data.team : null,
      });
    } else if (data.type === 'room') {
      const room = typeof data.room === 'number' && data.room >= 1 ? data.room : null;
      if (room !== this.room.value) this.room.set(room);
    }
  }
}

/** Sets the value only when it differs (by JSON), so listeners hear of real changes only. */
function changed<T>(target: Observable<T>, value: T): void {
  if (target.value === undefined || JSON.stringify(target.value) !== JSON.stringify(value)) target.set(value);
}

/** A command id valid as a publish id: crypto.randomUUID where the platform has it. */
export function newCommandId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
