import { Auth, type AuthInfo, type AuthState } from './auth.js';
import { Backoff } from './backoff.js';
import { Channel } from './channel.js';
import { Connection } from './connection.js';
import { Emitter } from './emitter.js';
import type { ChorusError } from './errors.js';
import { checkChannel } from './names.js';
import { type ChorusOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { Publisher } from './publisher.js';
import { type ConnectionState, type StateReason, isTerminal } from './state.js';
import { Subscriptions } from './subscriptions.js';
import { Http } from './transports/http.js';
import { Negotiator } from './transports/negotiator.js';
import { PollingTransport } from './transports/polling.js';
import { SseTransport } from './transports/sse.js';
import type { StreamState, Transport, TransportKind, TransportSink } from './transports/transport.js';
import { WebSocketTransport } from './transports/websocket.js';

export type ClientEvents = {
  /** Every change of the connection state, with why. */
  state: (state: ConnectionState, reason: StateReason) => void;
  /** The transport changed while connected (an upgrade probe took over). */
  transport: (kind: TransportKind) => void;
  /**
   * The gateway's notice that Kafka stopped answering ('stalled': nothing flows, publishes are
   * refused) or answers again ('live': delivery goes on with no gap). Nothing to do but show it.
   * Emitted when `streamState` changes, on any transport and across reconnects.
   */
  stream: (state: StreamState, reason: string | undefined) => void;
  /**
   * The token's fortunes: `authenticated` (a connection accepted it, or an in-band refresh did),
   * `refreshing` (the server warned that it expires; a new one is being fetched), `failed` (the
   * token provider failed or the server refused the token; `info.error` says why, and the SDK tries
   * again with backoff unless the refusal was terminal, which also fails the client).
   */
  auth: (state: AuthState, info: AuthInfo) => void;
  /** Problems that belong to no request: unreadable frames, errors without ref, listener exceptions. */
  error: (error: unknown) => void;
};

/**
 * A Chorus client: one connection to a gateway over the best transport available, any number of
 * channels. See README.md for the state machine, transports and resume rules.
 */
export class Chorus {
  private readonly options: ResolvedOptions;
  private readonly events: Emitter<ClientEvents>;
  private readonly connection: Connection;
  private readonly subscriptions: Subscriptions;
  private readonly publisher: Publisher;
  private readonly http?: Http;
  private readonly channels = new Map<string, Channel>();
  private readonly negotiator: Negotiator;
  private readonly auth: Auth;
  private authInfo: AuthInfo = {};
  private stream: StreamState = 'live';

  constructor(options: ChorusOptions) {
    const o = (this.options = resolveOptions(options));
    this.events = new Emitter<ClientEvents>((e) => this.reportError(e));
    const backoff = new Backoff(o.backoffInitialMs, o.backoffMaxMs, o.random);
    this.auth = new Auth(o.auth.fetch, o.auth.renewable, o.clock, backoff, o.connectTimeoutMs, {
      sendInBand: (token) => this.sendAuth(token),
    }, (state, info) => {
      this.authInfo = info;
      this.events.emit('auth', state, info);
    });
    this.http = o.fetch ? new Http(o.url, o.fetch, o.clock, this.auth) : undefined;
    this.negotiator = new Negotiator(o.transports, (k) => this.available(k), o.url, o.storage);
    const link = {
      isUp: () => this.connection.current() !== undefined,
      sync: () => this.connection.current()?.sync(),
      transport: () => this.connection.current(),
    };
    this.subscriptions = new Subscriptions(link, backoff, o.clock, o.publishRetryLimit, {
      continuityLost: (channel, reason, position) =>
        this.channels.get(channel)?.events.emit('continuity_lost', reason, position),
      failed: (channel, error) => this.channels.get(channel)?.events.emit('failed', error),
      featureFailed: (channel, feature, error) => this.channels.get(channel)?.[feature].onFailed(error),
      listenerError: (e) => this.reportError(e),
    });
    this.publisher = new Publisher(link, backoff, o.clock, o.publishRetryLimit, o.maxPublishesInFlight);
    this.connection = new Connection({
      timing: o,
      clock: o.clock,
      backoff,
      random: o.random,
      negotiator: this.negotiator,
      subscriptions: () => this.subscriptions,
      publisher: () => this.publisher,
      makeTransport: (kind, sink) => this.makeTransport(kind, sink),
      onState: (state, reason) => this.events.emit('state', state, reason),
      onTransport: (kind) => this.events.emit('transport', kind),
      onStream: (state, reason) => this.onStream(state, reason),
      report: (e) => this.reportError(e),
      auth: this.auth,
      features: {
        connected: (t) => this.channels.forEach((ch) => ch.presence.onConnected(t)),
        disconnected: () => this.channels.forEach((ch) => ch.presence.onDisconnected()),
        presence: (frame) => this.channels.get(String(frame.channel))?.presence.onFrame(frame),
        occupancy: (frame) => this.channels.get(String(frame.channel))?.occupancy.onFrame(frame),
        ended: (error) => {
          this.auth.stop();
          this.channels.forEach((ch) => ch.presence.onEnded(error));
        },
      },
    });
    // A microtask later, so that listeners added right after the constructor see `connecting`.
    if (o.autoConnect) queueMicrotask(() => this.connection.connect());
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /**
   * Whether messages flow ('live') or the gateway told that Kafka stopped answering ('stalled'), as
   * last told by any gateway; 'live' until told otherwise.
   */
  get streamState(): StreamState {
    return this.stream;
  }

  /** The transport in use while connected. */
  get transport(): TransportKind | undefined {
    return this.connection.current()?.kind;
  }

  /** The authenticated client id (the token's `sub`, or the connection id when anonymous), once known. */
  get clientId(): string | undefined {
    return this.authInfo.clientId;
  }

  /** The transports this platform offers, in the configured order. */
  get transports(): readonly TransportKind[] {
    return this.negotiator.usable;
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** Starts connecting (only needed with autoConnect: false). */
  connect(): void {
    this.connection.connect();
  }

  /** The channel of that name (one object per name); throws ChorusError invalid_channel. */
  channel(name: string): Channel {
    checkChannel(name);
    let ch = this.channels.get(name);
    if (!ch) {
      ch = new Channel(name, {
        subscriptions: this.subscriptions,
        publisher: this.publisher,
        http: this.http,
        transport: () => this.connection.current(),
        isTerminal: () => isTerminal(this.connection.state),
        newId: () => newId(),
        onListenerError: (e) => this.reportError(e),
      });
      this.channels.set(name, ch);
    }
    return ch;
  }

  /** Closes the connection for good; pending subscribes and publishes fail with client_closed. */
  close(): void {
    this.connection.close();
  }

  private available(kind: TransportKind): boolean {
    const o = this.options;
    if (kind === 'websocket') return typeof o.WebSocket === 'function';
    if (kind === 'sse') return typeof o.EventSource === 'function' && this.http !== undefined;
    return this.http !== undefined;
  }

  private makeTransport(kind: TransportKind, sink: TransportSink): Transport {
    const o = this.options;
    const ctx = {
      baseUrl: o.url,
      specs: () => this.subscriptions.specs(),
      sink,
      http: this.http as Http,
      clock: o.clock,
      token: () => this.auth.token(),
      entered: () => this.entered(),
      streamState: () => this.stream,
      pollRequestTimeoutMs: o.pollRequestTimeoutMs,
    };
    if (kind === 'websocket' && o.WebSocket) return new WebSocketTransport(ctx, o.WebSocket);
    if (kind === 'sse' && o.EventSource) return new SseTransport(ctx, o.EventSource);
    return new PollingTransport(ctx);
  }

  /**
   * A `stream` notice. Only a change reaches the application: a session opened while Kafka is stalled
   * says so although this client may know it already (it said nothing, or another pod told it).
   */
  private onStream(state: string, reason: string | undefined): void {
    if ((state !== 'live' && state !== 'stalled') || state === this.stream) return;
    this.stream = state;
    this.events.emit('stream', state, reason);
  }

  /** Channel → member data of every channel this client wants to be entered in. */
  private entered(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [name, ch] of this.channels) {
      const data = ch.presence.wantedData();
      if (data !== undefined) out.set(name, data);
    }
    return out;
  }

  /**
   * The in-band refresh: `auth` on the WebSocket in use; on SSE and long-polling a new stream or poll
   * with the new token (the transport takes the same request). Undefined when disconnected.
   */
  private sendAuth(token: string): Promise<{ clientId?: string; expiresAt?: number } | undefined> {
    const t = this.connection.current();
    if (!t) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      t.request({ type: 'auth', token }, (outcome) => {
        if ('reply' in outcome) resolve(outcome.reply as { clientId?: string; expiresAt?: number });
        else if ('error' in outcome) reject(outcome.error);
        else resolve(undefined);
      });
    });
  }

  private reportError(error: unknown): void {
    if (this.events.has('error')) this.events.emit('error', error);
    else console.error('chorus:', error);
  }
}

/** A random publish id: crypto.randomUUID where the platform has it (secure contexts, Node). */
function newId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

export type { ChorusError };
