import type { Backoff } from './backoff.js';
import { type Clock, Timer } from './clock.js';
import { type Deferred, deferred } from './deferred.js';
import { type ChorusError, clientError } from './errors.js';
import type { Message, SubscribedFrame } from './frames.js';
import { ResumeTracker } from './resume.js';
import type { ChannelSpec } from './transports/transport.js';

export interface SubscribeOptions {
  /** Deliver every message after this position (e.g. a stored `lastPosition`), then live. */
  readonly since?: string;
  /** Deliver the last N messages first (1..maxRewind, 100 by default on the server), then live. */
  readonly rewind?: number;
}

export interface SubscribeResult {
  readonly channel: string;
  /** Where delivery starts: every message after it follows. */
  readonly position: string;
  /** True when a `since` was honoured with no gap. */
  readonly resumed: boolean;
  /** Why not, when resumed is false after a `since` (PROTOCOL.md reasons). */
  readonly reason?: string;
}

export type MessageListener = (message: Message) => void;

/** What a channel's server subscription may carry besides messages. */
export type Feature = 'presence' | 'occupancy';

/** What the bookkeeping tells the application, per channel. */
export interface ChannelNotices {
  continuityLost(channel: string, reason: string | undefined, position: string): void;
  failed(channel: string, error: ChorusError): void;
  /** The server refused the subscription with presence or occupancy: that feature is off now. */
  featureFailed(channel: string, feature: Feature, error: ChorusError): void;
  listenerError(error: unknown): void;
}

interface Sub {
  readonly channel: string;
  readonly listeners: Set<MessageListener>;
  ready: Deferred<SubscribeResult>;
  readonly retryTimer: Timer;
  rewind?: number;
  answered: boolean;
  /** A retry is scheduled: the channel stays out of the specs until then. */
  waiting: boolean;
  retries: number;
  presence: boolean;
  occupancy: boolean;
  /** Changes when the server subscription must be made again (features or a new start). */
  revision: number;
}

/**
 * The client's subscriptions, one per channel, and their resume: whichever transport is up asks
 * `specs()` what to subscribe to, and gets `since` = the last position delivered. What the server
 * answers is routed to the `ready` promise (the first answer) or to the notices (later ones).
 * Mirrors the Java SDK's Subscriptions.
 *
 * The server has one subscription per channel and connection, so presence and occupancy ride on
 * the message subscription as flags: a channel is subscribed while it has a message listener or a
 * feature, and a feature turned on or off makes the subscription again (from its position).
 */
export class Subscriptions {
  readonly tracker = new ResumeTracker();
  private readonly subs = new Map<string, Sub>();
  private revisions = 0;

  constructor(
    private readonly link: { isUp(): boolean; sync(): void },
    private readonly backoff: Backoff,
    private readonly clock: Clock,
    private readonly retryLimit: number,
    private readonly notices: ChannelNotices,
  ) {}

  has(channel: string): boolean {
    return this.subs.has(channel);
  }

  /**
   * A second subscribe on a channel adds its listener to the subscription that exists. On a channel
   * subscribed only for presence or occupancy, the first message listener's `since` or `rewind`
   * starts the subscription again from there.
   */
  add(channel: string, listener: MessageListener, options: SubscribeOptions): Promise<SubscribeResult> {
    const existing = this.subs.get(channel);
    if (existing && existing.listeners.size > 0) {
      existing.listeners.add(listener);
      return existing.ready.promise;
    }
    if (existing) {
      existing.listeners.add(listener);
      if (options.since === undefined && !options.rewind) return existing.ready.promise;
      existing.ready = deferred<SubscribeResult>();
      existing.answered = false;
      existing.rewind = options.since === undefined ? options.rewind : undefined;
      existing.revision = ++this.revisions;
      this.tracker.reset(channel, options.since);
      this.link.sync();
      return existing.ready.promise;
    }
    const sub = this.create(channel, options);
    sub.listeners.add(listener);
    this.link.sync();
    return sub.ready.promise;
  }

  /** Turns presence or occupancy on the channel's subscription on or off (creating or ending it). */
  want(channel: string, feature: Feature, on: boolean): void {
    const sub = this.subs.get(channel) ?? (on ? this.create(channel, {}) : undefined);
    if (!sub || sub[feature] === on) return;
    sub[feature] = on;
    sub.revision = ++this.revisions;
    if (!this.needed(sub)) this.end(sub, clientError('unsubscribed', `unsubscribed from ${channel} before the server answered`));
    this.link.sync();
  }

  private create(channel: string, options: SubscribeOptions): Sub {
    const sub: Sub = {
      channel,
      listeners: new Set(),
      ready: deferred<SubscribeResult>(),
      retryTimer: new Timer(this.clock),
      rewind: options.since === undefined ? options.rewind : undefined,
      answered: false,
      waiting: false,
      retries: 0,
      presence: false,
      occupancy: false,
      revision: ++this.revisions,
    };
    this.subs.set(channel, sub);
    this.tracker.reset(channel, options.since);
    return sub;
  }

  private needed(sub: Sub): boolean {
    return sub.listeners.size > 0 || sub.presence || sub.occupancy;
  }

  /**
   * Removes one message listener, or all; true when the subscription ended (the server must hear
   * of it). Presence or occupancy keep it going without message listeners.
   */
  remove(channel: string, listener?: MessageListener): boolean {
    const sub = this.subs.get(channel);
    if (!sub) return false;
    if (listener) sub.listeners.delete(listener);
    else sub.listeners.clear();
    if (this.needed(sub)) return false;
    this.end(sub, clientError('unsubscribed', `unsubscribed from ${channel} before the server answered`));
    this.link.sync();
    return true;
  }

  specs(): ChannelSpec[] {
    const out: ChannelSpec[] = [];
    for (const sub of this.subs.values()) {
      if (sub.waiting) continue;
      const since = this.tracker.last(sub.channel);
      const flags = { presence: sub.presence, occupancy: sub.occupancy, revision: sub.revision };
      out.push(since !== undefined ? { name: sub.channel, since, ...flags } : { name: sub.channel, rewind: sub.rewind, ...flags });
    }
    return out;
  }

  onSubscribed(frame: SubscribedFrame): void {
    const sub = this.subs.get(frame.channel);
    if (!sub) return;
    sub.retries = 0;
    sub.rewind = undefined; // served: from now on the channel resumes from positions
    if (frame.resumed === false || this.tracker.last(sub.channel) === undefined) {
      this.tracker.reset(sub.channel, frame.position);
    } else {
      this.tracker.advance(sub.channel, frame.position);
    }
    if (!sub.answered) {
      sub.answered = true;
      sub.ready.resolve({
        channel: sub.channel,
        position: frame.position,
        resumed: frame.resumed === true,
        reason: frame.reason,
      });
    } else if (frame.resumed === false) {
      this.notices.continuityLost(sub.channel, frame.reason, frame.position);
    }
  }

  onMessage(message: Message): void {
    const sub = this.subs.get(message.channel);
    if (!sub || !this.tracker.accept(message.channel, message.position)) return;
    for (const listener of [...sub.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.notices.listenerError(error);
      }
    }
  }

  /** Messages an HTTP transport read from history for a `rewind`, oldest first. */
  onRewound(channel: string, messages: Message[]): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    sub.rewind = undefined;
    for (const m of messages) {
      if (this.subs.get(channel) === sub) this.onMessage(m);
    }
  }

  /**
   * A retryable refusal (of the first subscribe or a resubscribe) or a retryable end of a
   * subscription is retried with backoff up to the limit. Otherwise a first subscribe fails its
   * `ready`, and a subscription that was running fails with a `failed` notice.
   */
  onChannelError(channel: string, error: ChorusError): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    if (!error.retryable && (sub.presence || sub.occupancy) && sub.listeners.size > 0) {
      // Perhaps only the feature is refused (presence needs its own capability): the messages
      // carry on without it, and if the channel itself is refused the next answer says so.
      this.dropFeatures(sub, error);
      this.link.sync();
      return;
    }
    if (error.retryable && sub.retries < this.retryLimit) {
      sub.waiting = true;
      this.link.sync();
      const wait = Math.max(this.backoff.delay(sub.retries++), error.retryAfterMs ?? 0);
      sub.retryTimer.set(wait, () => {
        sub.waiting = false;
        this.link.sync();
      });
      return;
    }
    const answered = sub.answered;
    const features = sub.listeners.size === 0;
    this.end(sub, error);
    this.link.sync();
    if (features) this.dropFeatures(sub, error);
    else if (answered) this.notices.failed(channel, error);
  }

  private dropFeatures(sub: Sub, error: ChorusError): void {
    const dropped = (['presence', 'occupancy'] as const).filter((f) => sub[f]);
    sub.presence = sub.occupancy = false;
    sub.revision = ++this.revisions;
    for (const f of dropped) this.notices.featureFailed(sub.channel, f, error);
  }

  /** The client is closing or failed: every subscription ends; unanswered ones fail with `why`. */
  endAll(why: ChorusError): void {
    for (const sub of [...this.subs.values()]) this.end(sub, why);
  }

  private end(sub: Sub, why: ChorusError): void {
    this.subs.delete(sub.channel);
    this.tracker.forget(sub.channel);
    sub.retryTimer.cancel();
    if (!sub.answered) {
      sub.answered = true;
      sub.ready.reject(why);
    }
  }
}
