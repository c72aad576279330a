import { type TokenFetcher, authUrlFetcher } from './auth.js';
import { type Clock, systemClock } from './clock.js';
import { defaultStorage } from './environment.js';
import type { FetchLike } from './transports/http.js';
import type { EventSourceLike } from './transports/sse.js';
import type { TransportKind } from './transports/transport.js';
import type { WebSocketLike } from './transports/websocket.js';

export interface ChorusOptions {
  /** The gateway's HTTP base, e.g. http://127.0.0.1:8080; the WebSocket URL is derived (/v1/ws). */
  readonly url: string;
  /**
   * The JWT the gateway authenticates with (PROTOCOL.md "Authentication"), or a function giving a
   * fresh one (the same as `authCallback`). Sent as `Authorization: Bearer` over fetch and as the
   * `token` query parameter on WebSocket and EventSource, which cannot send headers. A constant
   * token is never refreshed. Default: none (dev gateways accept anonymous clients).
   */
  readonly token?: string | TokenCallback;
  /**
   * The usual way to authenticate: a function (sync or async) that gets a fresh JWT from your
   * backend. Called when the SDK has no token, when its token expires or is about to (the server's
   * `auth_expiring`, a close with 4004, the known expiry), and when the server refused it; the
   * token is cached in between. A `token` function behaves the same. Give one of `token`,
   * `authCallback` and `authUrl`.
   */
  readonly authCallback?: TokenCallback;
  /**
   * A URL the SDK GETs (with credentials, i.e. cookies) whenever it needs a token, as for
   * `authCallback`. The body is the token as plain text, or JSON `{"token": "..."}`.
   */
  readonly authUrl?: string;
  /** Extra headers for the `authUrl` request. */
  readonly authHeaders?: Readonly<Record<string, string>>;
  /** Transports to use, best first. Default ['websocket', 'sse', 'polling']. */
  readonly transports?: readonly TransportKind[];
  /** Start connecting in the constructor (default true); else call connect(). */
  readonly autoConnect?: boolean;
  /** First reconnect/retry delay ceiling (default 250 ms); doubles per failure, full jitter. */
  readonly backoffInitialMs?: number;
  /** Cap of the delay ceiling (default 10 000 ms). */
  readonly backoffMaxMs?: number;
  /** How long past the server's heartbeatMs a silent WebSocket is still trusted (default 5 000 ms). */
  readonly heartbeatMarginMs?: number;
  /** Handshake plus the wait until a transport is usable (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Down this long (or offline this long): state `suspended` (default 60 000 ms). */
  readonly suspendAfterMs?: number;
  /** While suspended, attempts come at a uniform draw in [0, this] (default 30 000 ms). */
  readonly suspendedRetryMs?: number;
  /** On a lesser transport, how often to probe the best one (default 60 000 ms). */
  readonly upgradeIntervalMs?: number;
  /** Client-side bound of one long-poll request (default 40 000 ms; the server answers within 25 s). */
  readonly pollRequestTimeoutMs?: number;
  /** Retries of a publish or a resubscribe refused with a retryable error (default 5). */
  readonly publishRetryLimit?: number;
  /** Publishes waiting for their ack before publish() fails fast with `busy` (default 1000). */
  readonly maxPublishesInFlight?: number;
  /** Injectable platform pieces (tests, Node without the globals); null: do without it. */
  readonly fetch?: FetchLike | null;
  readonly WebSocket?: WebSocketLike | null;
  readonly EventSource?: EventSourceLike | null;
  /** Where the transport that worked is remembered; null disables it. Default localStorage. */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** The jitter source, uniform in [0, 1); seed it in tests. Default Math.random. */
  readonly random?: () => number;
  readonly clock?: Clock;
}

export type TokenCallback = () => string | undefined | Promise<string | undefined>;

type Unresolved = 'fetch' | 'WebSocket' | 'EventSource' | 'storage' | 'token' | 'authCallback' | 'authUrl' | 'authHeaders';

export type ResolvedOptions = Required<Omit<ChorusOptions, Unresolved>> & {
  /** Where tokens come from; `renewable` is false for a constant (or no) token. */
  readonly auth: { readonly fetch: TokenFetcher; readonly renewable: boolean };
  readonly fetch?: FetchLike;
  readonly WebSocket?: WebSocketLike;
  readonly EventSource?: EventSourceLike;
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'>;
};

const g = globalThis as unknown as { fetch?: FetchLike; WebSocket?: WebSocketLike; EventSource?: EventSourceLike };

/** Accepts http(s)://host[/prefix] and also a ws(s):// URL or one ending in /v1/ws. */
export function baseUrl(url: string): string {
  return url
    .replace(/^ws(s?):\/\//i, 'http$1://')
    .replace(/\/+$/, '')
    .replace(/\/v1\/ws$/, '');
}

export function resolveOptions(o: ChorusOptions): ResolvedOptions {
  if (!o || typeof o.url !== 'string' || !/^(https?|wss?):\/\//i.test(o.url)) {
    throw new TypeError('Chorus needs options.url, the gateway\'s http(s):// base URL');
  }
  // Bound at resolution: a browser's fetch called with another `this` throws "Illegal invocation".
  const fetch = o.fetch === null ? undefined : (o.fetch ?? (g.fetch ? g.fetch.bind(globalThis) : undefined));
  return {
    url: baseUrl(o.url),
    auth: tokenSource(o, fetch),
    transports: o.transports ?? ['websocket', 'sse', 'polling'],
    autoConnect: o.autoConnect ?? true,
    backoffInitialMs: o.backoffInitialMs ?? 250,
    backoffMaxMs: o.backoffMaxMs ?? 10_000,
    heartbeatMarginMs: o.heartbeatMarginMs ?? 5_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    suspendAfterMs: o.suspendAfterMs ?? 60_000,
    suspendedRetryMs: o.suspendedRetryMs ?? 30_000,
    upgradeIntervalMs: o.upgradeIntervalMs ?? 60_000,
    pollRequestTimeoutMs: o.pollRequestTimeoutMs ?? 40_000,
    publishRetryLimit: o.publishRetryLimit ?? 5,
    maxPublishesInFlight: o.maxPublishesInFlight ?? 1000,
    fetch,
    WebSocket: o.WebSocket === null ? undefined : (o.WebSocket ?? g.WebSocket),
    EventSource: o.EventSource === null ? undefined : (o.EventSource ?? g.EventSource),
    storage: o.storage === null ? undefined : (o.storage ?? defaultStorage()),
    random: o.random ?? Math.random,
    clock: o.clock ?? systemClock,
  };
}

function tokenSource(o: ChorusOptions, fetch: FetchLike | undefined): ResolvedOptions['auth'] {
  const given = [o.token !== undefined, o.authCallback !== undefined, o.authUrl !== undefined].filter(Boolean).length;
  if (given > 1) throw new TypeError('give one of token, authCallback and authUrl');
  const callback = o.authCallback ?? (typeof o.token === 'function' ? o.token : undefined);
  if (callback) return { fetch: async () => (await callback()) || undefined, renewable: true };
  if (o.authUrl !== undefined) {
    if (!fetch) throw new TypeError('authUrl needs fetch, which this platform lacks');
    return { fetch: authUrlFetcher(o.authUrl, o.authHeaders ?? {}, fetch), renewable: true };
  }
  const token = (o.token as string | undefined) || undefined;
  return { fetch: () => Promise.resolve(token), renewable: false };
}
