import type { Backoff } from './backoff.js';
import { type Clock, Timer } from './clock.js';
import { isOffline, watchEnvironment } from './environment.js';
import { ChorusError, clientError } from './errors.js';
import type { Negotiator } from './transports/negotiator.js';
import { CLOSE_NORMAL, type LostInfo, type OpenedInfo, type Transport, type TransportKind, type TransportSink } from './transports/transport.js';
import { type ConnectionState, type StateReason, canMove, isTerminal } from './state.js';
import type { Publisher } from './publisher.js';
import type { Subscriptions } from './subscriptions.js';
import { CLOSE_TERMINAL_FIRST, CLOSE_TERMINAL_LAST, CLOSE_TOKEN_EXPIRED, CLOSE_UNAUTHORIZED } from './vocabulary.js';
import { Watchdog } from './watchdog.js';

export interface ConnectionTiming {
  readonly connectTimeoutMs: number;
  readonly heartbeatMarginMs: number;
  readonly backoffMaxMs: number;
  readonly suspendAfterMs: number;
  readonly suspendedRetryMs: number;
  readonly upgradeIntervalMs: number;
}

export interface ConnectionParts {
  readonly timing: ConnectionTiming;
  readonly clock: Clock;
  readonly backoff: Backoff;
  readonly random: () => number;
  readonly negotiator: Negotiator;
  readonly subscriptions: () => Subscriptions;
  readonly publisher: () => Publisher;
  readonly makeTransport: (kind: TransportKind, sink: TransportSink) => Transport;
  readonly onState: (state: ConnectionState, reason: StateReason) => void;
  readonly onTransport: (kind: TransportKind) => void;
  readonly onStream: (state: string, reason: string | undefined) => void;
  readonly report: (error: unknown) => void;
  readonly auth: ConnectionAuth;
  readonly features: ConnectionFeatures;
}

/** What the connection tells the token's keeper (auth.ts). */
export interface ConnectionAuth {
  accepted(clientId: string | undefined): void;
  refused(error: ChorusError, terminal: boolean): void;
  expiring(expiresAt: number | undefined): void;
  disconnected(): void;
}

/** What rides on the connection besides messages: presence and occupancy. */
export interface ConnectionFeatures {
  /** A transport became usable (also after an upgrade): presence re-enters. */
  connected(transport: Transport): void;
  /** The transport went away: member lists are stale until the next `presence_sync`. */
  disconnected(): void;
  presence(frame: Record<string, unknown>): void;
  occupancy(frame: Record<string, unknown>): void;
  /** The client closed or failed: presence calls still waiting fail with `error`. */
  ended(error: ChorusError): void;
}

/** Past this many failures in a row the backoff is long capped anyway; stops the counter growing. */
const MAX_COUNTED_FAILURES = 1000;

/**
 * The connection state machine (see state.ts) over whichever transport the negotiator picks.
 * `connected` starts when the transport is usable (WebSocket: the `connected` frame, not the open
 * socket). Any loss schedules the next attempt after a full-jitter backoff; the failure count starts
 * over only after a connection that lasted a heartbeat interval, so a gateway that accepts and then
 * drops every client sees growing delays, not a storm. Down for `suspendAfterMs` (or offline that
 * long): `suspended`, retried every `suspendedRetryMs` and at once when the platform comes back
 * online or the page becomes visible. Close codes 4100-4199 end in `failed`, close() in `closed`.
 */
export class Connection {
  state: ConnectionState = 'disconnected';
  private transport?: Transport;
  private probe?: Transport;
  private up = false;
  private started = false;
  private offline = false;
  private failures = 0;
  private connectedAt = 0;
  private stableAfterMs = 0;
  private downSince?: number;
  private readonly retry: Timer;
  private readonly suspend: Timer;
  private readonly upgrade: Timer;
  private readonly watchdog: Watchdog;
  private unwatch?: () => void;

  constructor(private readonly parts: ConnectionParts) {
    this.retry = new Timer(parts.clock);
    this.suspend = new Timer(parts.clock);
    this.upgrade = new Timer(parts.clock);
    this.watchdog = new Watchdog(parts.clock, () => this.onSilence());
  }

  /** The transport in use while connected. */
  current(): Transport | undefined {
    return this.up ? this.transport : undefined;
  }

  connect(): void {
    if (this.started || isTerminal(this.state)) return;
    this.started = true;
    this.unwatch = watchEnvironment({
      online: () => this.onOnline(),
      offline: () => this.onOffline(),
      visible: () => this.retryNow('page visible'),
    });
    if (isOffline()) this.onOffline();
    else this.open('connect');
  }

  close(): void {
    if (isTerminal(this.state)) return;
    this.end('closed', { reason: 'closed by the application', closeCode: CLOSE_NORMAL }, clientError('client_closed', 'the client is closed'));
  }

  // ---- lifecycle ----

  private open(why: string): void {
    this.retry.cancel();
    const kind = this.parts.negotiator.current();
    if (!kind) {
      this.end('failed', { reason: 'no transport is available here' }, clientError('connection_failed', 'no transport (WebSocket, EventSource or fetch) is available'));
      return;
    }
    const t = this.parts.makeTransport(kind, this.sinkFor(() => t));
    this.transport = t;
    this.up = false;
    // Timers are armed before listeners hear of the state, so whoever sees it sees them too.
    this.watchdog.arm(this.parts.timing.connectTimeoutMs);
    this.setState('connecting', { reason: why, transport: kind });
    t.open();
  }

  /** `upgraded`: a probe took over while connected, which is no change of state. */
  private onOpened(t: Transport, info: OpenedInfo, upgraded = false): void {
    const timing = this.parts.timing;
    this.up = true;
    this.connectedAt = this.parts.clock.now();
    this.stableAfterMs = info.heartbeatMs ?? timing.backoffMaxMs;
    this.downSince = undefined;
    this.suspend.cancel();
    this.watchdog.arm(info.heartbeatMs ? info.heartbeatMs + timing.heartbeatMarginMs : 0);
    this.parts.negotiator.succeeded(t.kind);
    this.parts.auth.accepted(info.clientId);
    if (!upgraded) this.setState('connected', { reason: info.connectionId ?? 'connected', transport: t.kind });
    this.resume(t);
  }

  /**
   * On a new transport, subscriptions resume from their positions, unacked publishes go again and
   * presence enters again where it was entered.
   */
  private resume(t: Transport): void {
    this.scheduleUpgrade();
    this.current()?.sync();
    this.parts.publisher().onConnected();
    this.parts.features.connected(t);
  }

  private onLost(t: Transport, info: LostInfo): void {
    const terminal = info.terminal || (info.closeCode !== undefined && info.closeCode >= CLOSE_TERMINAL_FIRST && info.closeCode <= CLOSE_TERMINAL_LAST);
    const refusal = authRefusal(info);
    if (refusal) this.parts.auth.refused(refusal, terminal);
    if (terminal) {
      const error = clientError('connection_failed', `the server refused the connection for good: ${info.closeCode ?? ''} ${info.reason}`);
      this.end('failed', { ...info, transport: t.kind }, error);
    } else {
      // A token provider that failed is no fault of the transport: the next attempt keeps it.
      this.lose({ ...info, transport: t.kind }, info.authFailed !== true, info.neverWorked === true);
    }
  }

  /**
   * `attempted`: a transport was trying or connected, so its failure counts; `neverWorked`: it
   * failed before it carried anything, so the next attempt tries the next transport.
   */
  private lose(why: StateReason, attempted = true, neverWorked = false): void {
    const now = this.parts.clock.now();
    if (attempted && (!this.up || neverWorked)) this.parts.negotiator.failed();
    else if (this.up && now - this.connectedAt >= this.stableAfterMs) this.failures = 0;
    this.detach();
    this.downSince ??= now;
    if (this.offline) {
      // No attempts while the platform says offline: `online` brings the next one.
      this.retry.cancel();
      this.setState('disconnected', { ...why, reason: 'offline' });
    } else if (now - this.downSince >= this.parts.timing.suspendAfterMs) {
      this.enterSuspended(why);
      return;
    } else {
      const wait = this.parts.backoff.delay(this.failures);
      this.failures = Math.min(this.failures + 1, MAX_COUNTED_FAILURES);
      this.retry.set(wait, () => this.open(`reconnect attempt ${this.failures}`));
      this.setState('disconnected', { ...why, retryInMs: wait });
    }
    this.suspend.set(this.downSince + this.parts.timing.suspendAfterMs - now, () => {
      // An attempt in progress goes on; if it fails, lose() suspends.
      if (this.state === 'disconnected') this.enterSuspended(why);
    });
  }

  private enterSuspended(why: StateReason): void {
    const wait = Math.floor(this.parts.random() * (this.parts.timing.suspendedRetryMs + 1));
    this.retry.set(wait, () => this.open('retry while suspended'));
    this.setState('suspended', { ...why, reason: this.offline ? 'offline' : why.reason, retryInMs: wait });
  }

  private end(state: 'failed' | 'closed', why: StateReason, error: ChorusError): void {
    this.detach();
    this.retry.cancel();
    this.suspend.cancel();
    this.unwatch?.();
    this.setState(state, why);
    this.parts.subscriptions().endAll(error);
    this.parts.publisher().failAll(error);
    this.parts.features.ended(error);
  }

  private detach(): void {
    const t = this.transport;
    this.transport = undefined;
    if (this.up) {
      this.parts.auth.disconnected();
      this.parts.features.disconnected();
    }
    this.up = false;
    this.watchdog.stop();
    this.upgrade.cancel();
    this.dropProbe();
    t?.close();
  }

  // ---- platform events ----

  private onOffline(): void {
    if (isTerminal(this.state)) return;
    this.offline = true;
    // A connection through a network interface that went away is dead, however quiet it looks.
    if (this.transport) this.lose({ reason: 'offline', transport: this.transport.kind }, false);
    else if (this.state === 'disconnected') this.lose({ reason: 'offline' }, false);
  }

  private onOnline(): void {
    this.offline = false;
    this.failures = 0;
    this.retryNow('online');
  }

  private retryNow(why: string): void {
    if (this.started && (this.state === 'disconnected' || this.state === 'suspended') && !this.offline) {
      this.open(why);
    }
  }

  private onSilence(): void {
    const t = this.transport;
    if (!t) return;
    this.lose({ reason: this.up ? 'nothing from the server for heartbeatMs + margin' : 'connect timeout', transport: t.kind });
  }

  // ---- upgrade to a better transport ----

  private scheduleUpgrade(): void {
    const better = this.parts.negotiator.upgradeCandidate();
    if (better) this.upgrade.set(this.parts.timing.upgradeIntervalMs, () => this.startProbe(better));
  }

  /**
   * Opens the better transport beside the current one. Once it is usable the current one is closed
   * and the probe takes over: subscriptions resume from their positions, so nothing is lost in the
   * switch, and anything the probe repeats is at or below a position and dropped.
   */
  private startProbe(kind: TransportKind): void {
    if (this.state !== 'connected') return;
    const probe = this.parts.makeTransport(kind, this.sinkFor(() => probe));
    this.probe = probe;
    this.upgrade.set(this.parts.timing.connectTimeoutMs, () => {
      this.dropProbe();
      this.scheduleUpgrade();
    });
    probe.open();
  }

  private switchTo(probe: Transport, info: OpenedInfo): void {
    this.probe = undefined;
    this.upgrade.cancel();
    const old = this.transport;
    this.transport = undefined; // publishes the old one drops now wait for resume()
    old?.close();
    this.transport = probe;
    this.parts.features.disconnected();
    this.parts.onTransport(probe.kind);
    this.onOpened(probe, info, true);
  }

  private dropProbe(): void {
    const p = this.probe;
    this.probe = undefined;
    p?.close();
  }

  // ---- transport events ----

  private sinkFor(self: () => Transport): TransportSink {
    const active = () => this.transport === self() && !isTerminal(this.state);
    return {
      opened: (info) => {
        if (this.probe === self()) this.switchTo(self(), info);
        else if (active() && !this.up) this.onOpened(self(), info);
      },
      heard: () => active() && this.watchdog.heard(),
      heartbeat: (ms) => {
        if (active() && this.up) {
          this.stableAfterMs = ms;
          this.watchdog.arm(ms + this.parts.timing.heartbeatMarginMs);
        }
      },
      subscribed: (frame) => active() && this.parts.subscriptions().onSubscribed(frame),
      message: (m) => active() && this.parts.subscriptions().onMessage(m),
      rewound: (channel, ms) => active() && this.parts.subscriptions().onRewound(channel, ms),
      channelError: (channel, e) => active() && this.parts.subscriptions().onChannelError(channel, e),
      stream: (state, reason) => active() && this.parts.onStream(state, reason),
      presence: (frame) => active() && this.up && this.parts.features.presence(frame),
      occupancy: (frame) => active() && this.up && this.parts.features.occupancy(frame),
      authExpiring: (expiresAt) => active() && this.up && this.parts.auth.expiring(expiresAt),
      problem: (e) => active() && this.parts.report(e),
      lost: (info) => {
        if (this.probe === self()) {
          this.dropProbe();
          this.scheduleUpgrade();
        } else if (active()) {
          this.onLost(self(), info);
        }
      },
    };
  }

  private setState(next: ConnectionState, reason: StateReason): void {
    if (!canMove(this.state, next)) {
      this.parts.report(new Error(`chorus: unexpected state change ${this.state} -> ${next}`));
    }
    this.state = next;
    this.parts.onState(next, reason);
  }
}

/**
 * The token's refusal in a loss, if it was one: a close with 4004 (expired: fetch another) or 4101,
 * or an HTTP answer naming a token error, with the server's error when it sent one.
 */
function authRefusal(info: LostInfo): ChorusError | undefined {
  const e = info.error instanceof ChorusError ? info.error : undefined;
  if (e && e.name.startsWith('token_')) return e;
  if (info.closeCode === CLOSE_TOKEN_EXPIRED) return new ChorusError('token_expired', info.reason || 'the token expired');
  if (info.closeCode === CLOSE_UNAUTHORIZED) return new ChorusError('token_invalid', info.reason || 'the token was refused');
  return undefined;
}
