import { type Deferred, deferred } from './deferred.js';
import { type ChorusError, clientError } from './errors.js';
import type { RequestOutcome, Transport } from './transports/transport.js';

/** What a Membership needs from its client. */
export interface MembershipHost {
  /** The transport in use while connected. */
  transport(): Transport | undefined;
  isTerminal(): boolean;
  /** A failure that belongs to no call (a re-enter refused after a reconnect). */
  report(error: unknown): void;
}

type Kind = 'enter' | 'update' | 'leave';

interface Op {
  readonly kind: Kind;
  readonly data: unknown;
  /** The calls this request answers: its own, or, for a re-enter, every call it stands for. */
  readonly waiters: Array<Deferred<void>>;
  /** Which send this is, so that an answer to an older send (a dropped socket) is ignored. */
  attempt: number;
  /** The SDK's own enter after a reconnect, on a connection that is not entered yet. */
  readonly rejoin?: boolean;
}

interface Standing {
  readonly entered: boolean;
  readonly data: unknown;
}

const OUT: Standing = { entered: false, data: null };

/**
 * This connection's own presence on one channel: enter, update and leave (PROTOCOL.md "Members").
 * It keeps the standing the application asked for (`wanted`) and the one the server confirmed.
 * Calls go out at once and resolve on the server's answer: `entered`/`updated`/`left` on a WebSocket;
 * on SSE and long-polling the wanted standing rides in the stream's `enter=` parameter, and the
 * transport reopens its stream and answers from it (StreamWrites).
 *
 * After a reconnect the server no longer has this connection entered (the member is kept for the
 * grace period), so the SDK sends one `enter` with the data last asked for when the application
 * wants to be entered: other clients see no leave and no enter. The calls that were waiting when
 * the connection dropped are settled by that re-enter, or, when the application wants to be out,
 * at once: a new connection is not entered, and the old one's member goes at the end of the grace.
 */
export class Membership {
  private wanted: Standing = OUT;
  private confirmed: Standing = OUT;
  private ops: Op[] = [];
  private attempts = 0;

  constructor(
    private readonly channel: string,
    private readonly host: MembershipHost,
  ) {}

  get entered(): boolean {
    return this.wanted.entered;
  }

  /** The data the member has (or will have once the server answers). */
  get data(): unknown {
    return this.wanted.data;
  }

  /** The member data while the application wants to be entered, else undefined. */
  get wantedData(): unknown {
    return this.wanted.entered ? (this.wanted.data ?? null) : undefined;
  }

  write(kind: Kind, data: unknown): Promise<void> {
    const result = deferred<void>();
    const t = this.host.transport();
    if (this.host.isTerminal()) {
      result.reject(clientError('client_closed', 'the client is closed'));
    } else {
      this.wanted = kind === 'leave' ? { entered: false, data: this.wanted.data } : { entered: true, data: data ?? null };
      const op: Op = { kind, data: kind === 'leave' ? undefined : (data ?? null), waiters: [result], attempt: 0 };
      this.ops.push(op);
      if (t) this.send(op, t);
    }
    return result.promise;
  }

  /** A transport is usable: enter again as wanted. */
  connected(t: Transport): void {
    const waiting = this.ops.flatMap((op) => op.waiters);
    this.ops = [];
    if (!this.wanted.entered) {
      // Nothing to do on a connection that is not entered: the old one's member ends with the grace.
      this.confirmed = OUT;
      waiting.forEach((w) => w.resolve());
      return;
    }
    this.confirmed = OUT; // a new connection has entered nothing yet
    const rejoin: Op = { kind: 'enter', data: this.wanted.data, waiters: waiting, attempt: 0, rejoin: true };
    this.ops.push(rejoin);
    this.send(rejoin, t);
  }

  /** The client closed or failed: every call still waiting fails with `why`. */
  ended(why: ChorusError): void {
    const waiting = this.ops.flatMap((op) => op.waiters);
    this.ops = [];
    this.wanted = this.confirmed = OUT;
    waiting.forEach((w) => w.reject(why));
  }

  private send(op: Op, t: Transport): void {
    const attempt = (op.attempt = ++this.attempts);
    const frame: Record<string, unknown> & { type: Kind } = { type: op.kind, channel: this.channel };
    if (op.kind !== 'leave') frame.data = op.data;
    t.request(frame, (outcome) => {
      if (op.attempt === attempt && this.ops.includes(op)) this.onOutcome(op, outcome);
    });
  }

  private onOutcome(op: Op, outcome: RequestOutcome): void {
    if ('dropped' in outcome) return; // with the connection: connected() settles it
    this.ops.splice(this.ops.indexOf(op), 1);
    if ('reply' in outcome) {
      this.confirmed = op.kind === 'leave' ? { entered: false, data: this.confirmed.data } : { entered: true, data: op.data };
      op.waiters.forEach((w) => w.resolve());
      return;
    }
    // Refused: unless later calls decide otherwise, the standing is what the server last confirmed,
    // so a refused enter (forbidden, data too large) is not re-sent after every reconnect.
    if (outcome.error.name === 'not_present' || op.rejoin) this.confirmed = OUT;
    if (this.ops.length === 0) this.wanted = this.confirmed;
    if (op.waiters.length > 0) op.waiters.forEach((w) => w.reject(outcome.error));
    else this.host.report(outcome.error);
  }
}
