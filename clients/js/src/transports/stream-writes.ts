import { ChorusError } from '../errors.js';
import type { RequestFrame, RequestOutcome } from './transport.js';

type Done = (outcome: RequestOutcome) => void;
type Kind = 'enter' | 'update' | 'leave' | 'auth';

interface Waiter {
  readonly kind: Kind;
  readonly channel: string;
  /** The member data asked for, as JSON text (enter, update). */
  readonly data?: string;
  /** The first stream (by serial) that can answer it. */
  readonly from: number;
  readonly done: Done;
}

const REPLY: Record<Kind, string> = { enter: 'entered', update: 'updated', leave: 'left', auth: 'authed' };

/**
 * The requests an HTTP transport answers by opening a new stream or poll instead of sending a frame
 * (enter, update, leave, auth), and when each is answered. Every stream or poll gets a serial; a
 * request is answered by the first stream that carries what it asked for:
 *
 * - enter/update: by that stream's `{"type":"entered","channel"}` (the server stored the member
 *   with this data; a stream carrying the same data already answers one made while it runs);
 * - leave: once a stream without the channel is accepted. The server keeps the old stream's member
 *   for the presence grace period, so other clients see the leave only then;
 * - auth: once a stream opened after the request (with the new token) is accepted, or, on
 *   long-polling (`authOnSend`), once the poll with the new token is sent: a poll is accepted only
 *   when it is answered, which may be `poll.timeout` later, and the refresh must not wait for that
 *   (a refused token still shows: that poll is answered 401 and the transport is lost);
 * - an enter or update overtaken by a leave, or a leave by an enter, once that stream is accepted,
 *   as a WebSocket would answer both in turn.
 *
 * A stream that fails leaves them waiting; the transport's loss reports them `dropped` (`dropAll`),
 * and the SDK enters again on the next connection, as after any WebSocket drop.
 */
export class StreamWrites {
  private serial = 0;
  private carried: ReadonlyMap<string, string> = new Map();
  private readonly confirmed = new Set<string>();
  private accepted = false;
  private waiters: Waiter[] = [];
  /** The channels this transport was asked to enter (and not to leave since). */
  private readonly asked = new Set<string>();

  constructor(private readonly authOnSend = false) {}

  /** Whether a request waits for a stream not opened yet (auth always does). */
  get needsNewStream(): boolean {
    return this.waiters.some((w) => w.from > this.serial);
  }

  /**
   * What a stream carries in `enter=`: the channels the SDK wants to be entered in (`wanted`, with the
   * data last asked for) that were asked of this transport. A new transport's first stream enters
   * nothing; the SDK's re-enter after `opened` reopens it, so that every enter a stream carries has
   * a request to answer, and to fail if the server refuses the stream for it.
   */
  carry(wanted: ReadonlyMap<string, unknown>): Map<string, unknown> {
    return new Map([...wanted].filter(([channel]) => this.asked.has(channel)));
  }

  /** A stream or poll with these entered channels (channel → data JSON) is being sent. */
  opening(entered: ReadonlyMap<string, string>): void {
    this.serial++;
    this.carried = entered;
    this.confirmed.clear();
    this.accepted = false;
    if (this.authOnSend) this.settleWhere((w) => w.kind === 'auth' && w.from <= this.serial, {});
  }

  /** Takes a request; answers at once what the current stream already answered. */
  wait(frame: RequestFrame, done: Done): void {
    const kind = frame.type as Kind;
    const channel = String(frame.channel ?? '');
    if (kind === 'leave' && !this.asked.delete(channel)) {
      done({ error: new ChorusError('not_present', `this connection has not entered ${channel}`) });
      return;
    }
    if (kind === 'enter' || kind === 'update') this.asked.add(channel);
    const data = kind === 'enter' || kind === 'update' ? JSON.stringify(frame.data ?? null) : undefined;
    const current = kind === 'auth' ? false : kind === 'leave' ? !this.carried.has(channel) : this.carried.get(channel) === data;
    const w: Waiter = { kind, channel, data, from: current ? this.serial : this.serial + 1, done };
    if (current && this.answers(w)) this.answer(w);
    else this.waiters.push(w);
  }

  /** The current stream was accepted (SSE `connected`, a poll answered); `info`: clientId, expiresAt. */
  onAccepted(info: Record<string, unknown> = {}): void {
    this.accepted = true;
    this.settle(info);
  }

  /** The current stream's `entered` for this channel. */
  onEntered(channel: string): void {
    this.confirmed.add(channel);
    this.settle({});
  }

  /** The transport is gone: every request waiting is `dropped` (the connection settles it). */
  dropAll(): void {
    const all = this.waiters;
    this.waiters = [];
    all.forEach((w) => w.done({ dropped: true }));
  }

  /**
   * The current stream was refused with `error` before it began: fails the enters and updates it
   * carried that the server had not confirmed, as a WebSocket's error reply would; true if any.
   */
  refuseEnters(error: ChorusError): boolean {
    const refused = this.waiters.filter((w) => w.from <= this.serial && (w.kind === 'enter' || w.kind === 'update') && this.carried.has(w.channel));
    this.waiters = this.waiters.filter((w) => !refused.includes(w));
    refused.forEach((w) => w.done({ error }));
    return refused.length > 0;
  }

  private settle(info: Record<string, unknown>): void {
    this.settleWhere((w) => w.from <= this.serial && this.answers(w), info);
  }

  private settleWhere(test: (w: Waiter) => boolean, info: Record<string, unknown>): void {
    const ready = this.waiters.filter(test);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    ready.forEach((w) => this.answer(w, info));
  }

  private answers(w: Waiter): boolean {
    if (!this.accepted) return false;
    if (w.kind === 'auth' || w.kind === 'leave' || !this.carried.has(w.channel)) return true;
    return this.confirmed.has(w.channel);
  }

  private answer(w: Waiter, info: Record<string, unknown> = {}): void {
    const reply: Record<string, unknown> = { type: REPLY[w.kind] };
    if (w.kind === 'auth') {
      if (typeof info.clientId === 'string') reply.clientId = info.clientId;
      if (typeof info.expiresAt === 'number') reply.expiresAt = info.expiresAt;
    } else {
      reply.channel = w.channel;
    }
    w.done({ reply });
  }
}
