import type { Backoff } from './backoff.js';
import { type Clock, Timer } from './clock.js';
import { ChorusError } from './errors.js';

/** What the application sees of authentication: `client.on('auth', (state, info) => …)`. */
export type AuthState = 'authenticated' | 'refreshing' | 'failed';

export interface AuthInfo {
  /** The authenticated client id (the token's `sub`), when the server said it. */
  readonly clientId?: string;
  /** When the current token expires, epoch ms (from the server's `authed`/`auth_expiring`, else the JWT's `exp`). */
  readonly expiresAt?: number;
  /** Why it failed: the token provider threw, or the server refused the token. */
  readonly error?: ChorusError;
  /** When the SDK tries again by itself, in ms. */
  readonly retryInMs?: number;
}

/** Gets a token: the application's `authCallback`/`token` function, an `authUrl` fetch, or a constant. */
export type TokenFetcher = () => Promise<string | undefined>;

/** A token expiring within this is not used for a new connection: it would be refused or cut at once. */
const STALE_MARGIN_MS = 1_000;
/** Floor of the ahead-of-expiry timer, so a skewed client clock cannot make refreshes spin. */
const MIN_REFRESH_DELAY_MS = 1_000;

export interface AuthLink {
  /**
   * Sends `{"type":"auth","token"}` on the current WebSocket, or reopens the SSE stream (polls again)
   * with the new token. Resolves with the `authed` answer (SSE: the new stream's `connected`), or
   * undefined when disconnected (or the transport went away before answering): the next connection
   * presents the new token anyway. Rejects with the server's refusal.
   */
  sendInBand(token: string): Promise<{ clientId?: string; expiresAt?: number } | undefined>;
}

/**
 * The token the SDK presents, and its renewal (PROTOCOL.md "Authentication"). The token is cached
 * and fetched again only when it is known to be expiring or was refused: the server's
 * `auth_expiring`, a close with 4004, a 401 `token_expired`, or the expiry the SDK knows (the
 * server's `authed.expiresAt`, else the JWT's `exp`). Concurrent askers share one fetch, so a burst
 * of HTTP requests costs the auth endpoint one call.
 *
 * An in-band refresh that fails (the provider throws, the server refuses the new token) is retried
 * with backoff rather than at once: an auth endpoint that is down must not be hammered. If the token
 * runs out meanwhile, the server closes with 4004 and the reconnect, also under backoff, fetches again.
 */
export class Auth {
  private cached?: string;
  private expiresAt?: number;
  private clientId?: string;
  /** The cached token must not be used again (expiring, expired or refused). */
  private stale = false;
  private inFlight?: Promise<string | undefined>;
  private failures = 0;
  /** An in-band refresh is under way: the server's warning and the SDK's own timer share it. */
  private refreshing = false;
  private readonly refreshTimer: Timer;
  private stopped = false;

  constructor(
    private readonly fetcher: TokenFetcher,
    /** False for a constant token: nothing to refresh. */
    private readonly renewable: boolean,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly fetchTimeoutMs: number,
    private readonly link: AuthLink,
    private readonly onState: (state: AuthState, info: AuthInfo) => void,
  ) {
    this.refreshTimer = new Timer(clock);
  }

  /** The token for a connection attempt or an HTTP request; fetches a new one when needed. */
  token(): Promise<string | undefined> {
    if (this.cached !== undefined && !this.stale && !this.expiresSoon()) return Promise.resolve(this.cached);
    return this.fetch();
  }

  /**
   * The server refused or expired `token` (4004, 401 token_expired): the next connection fetches a
   * new one. A token fetched since is left alone.
   */
  invalidate(token?: string): void {
    if (token === undefined || token === this.cached) this.stale = true;
  }

  /** A connection was accepted: the token works, and names this client. */
  accepted(clientId: string | undefined): void {
    this.failures = 0;
    if (clientId !== undefined) this.clientId = clientId;
    this.onState('authenticated', { clientId: this.clientId, expiresAt: this.expiresAt });
    this.scheduleAhead();
  }

  /** The server refused the token at connect: 4004 (fetch another) or 4101 (terminal). */
  refused(error: ChorusError, terminal: boolean): void {
    this.stale = true;
    this.refreshTimer.cancel();
    this.onState('failed', { clientId: this.clientId, error, retryInMs: terminal ? undefined : 0 });
  }

  /** The server's `auth_expiring`: refresh in band now. */
  expiring(expiresAt: number | undefined): void {
    if (typeof expiresAt === 'number') this.expiresAt = expiresAt;
    this.stale = true;
    this.refreshInBand();
  }

  /** The connection went away: in-band refreshes wait for the next one. */
  disconnected(): void {
    this.refreshTimer.cancel();
  }

  stop(): void {
    this.stopped = true;
    this.refreshTimer.cancel();
  }

  /**
   * One fetch at a time, bounded by `fetchTimeoutMs`: a provider that never answers must not hold
   * every later connection attempt on the same unsettled promise.
   */
  private fetch(): Promise<string | undefined> {
    if (this.inFlight) return this.inFlight;
    const timer = new Timer(this.clock);
    const bounded = new Promise<string | undefined>((resolve, reject) => {
      timer.set(this.fetchTimeoutMs, () =>
        reject(new ChorusError('auth_failed', `the token provider did not answer within ${this.fetchTimeoutMs} ms`, 0, true)));
      Promise.resolve()
        .then(() => this.fetcher())
        .then(resolve, reject)
        .finally(() => timer.cancel());
    });
    const p = bounded.then(
      (token) => {
        if (this.inFlight === p) this.inFlight = undefined;
        this.cached = token;
        this.stale = false;
        this.expiresAt = token ? jwtExpiry(token) : undefined;
        return token;
      },
      (cause: unknown) => {
        if (this.inFlight === p) this.inFlight = undefined;
        throw asAuthError(cause);
      },
    );
    this.inFlight = p;
    return p;
  }

  private expiresSoon(): boolean {
    return this.expiresAt !== undefined && this.clock.now() >= this.expiresAt - STALE_MARGIN_MS;
  }

  /**
   * A refresh ahead of the expiry the SDK knows, at 3/4 of the lifetime left, so that a slow or
   * failing token provider has a quarter of it for its retries. The server's `auth_expiring`
   * (`auth.expiryWarning`, 60 s by default, before `exp`) triggers one too, whichever comes first.
   */
  private scheduleAhead(): void {
    if (!this.renewable || this.stopped || this.expiresAt === undefined) return;
    const left = this.expiresAt - this.clock.now();
    const wait = Math.max(MIN_REFRESH_DELAY_MS, Math.floor(left * 0.75));
    this.refreshTimer.set(wait, () => this.refreshInBand());
  }

  private refreshInBand(): void {
    if (!this.renewable || this.stopped || this.refreshing) return;
    this.refreshing = true;
    this.refreshTimer.cancel();
    this.onState('refreshing', { clientId: this.clientId, expiresAt: this.expiresAt });
    this.stale = true;
    this.fetch()
      .then((token) => {
        if (!token) throw new ChorusError('auth_failed', 'the token provider gave no token', 0, true);
        return this.link.sendInBand(token);
      })
      .then(
        (authed) => {
          this.refreshing = false;
          if (!authed || this.stopped) return; // disconnected: the next connection uses the new token
          this.failures = 0;
          if (authed.clientId !== undefined) this.clientId = authed.clientId;
          if (typeof authed.expiresAt === 'number') this.expiresAt = authed.expiresAt;
          this.onState('authenticated', { clientId: this.clientId, expiresAt: this.expiresAt });
          this.scheduleAhead();
        },
        (error: unknown) => {
          this.refreshing = false;
          if (this.stopped) return;
          const e = asAuthError(error);
          const wait = this.backoff.delay(this.failures++);
          this.onState('failed', { clientId: this.clientId, expiresAt: this.expiresAt, error: e, retryInMs: wait });
          this.refreshTimer.set(wait, () => this.refreshInBand());
        },
      );
  }
}

/** The `exp` of a JWT, in epoch ms, or undefined for a token that is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function asAuthError(cause: unknown): ChorusError {
  if (cause instanceof ChorusError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return Object.assign(new ChorusError('auth_failed', `the token provider failed: ${message}`, 0, true), { cause });
}

/**
 * `authUrl`: a GET with the page's credentials (cookies), whose body is the token, as plain text or
 * as JSON `{"token": "…"}`. Any other answer is an `auth_failed` error, which the SDK backs off from.
 */
export function authUrlFetcher(
  url: string,
  headers: Readonly<Record<string, string>>,
  fetchImpl: (input: string, init?: RequestInit) => Promise<Response>,
): TokenFetcher {
  return async () => {
    let res: Response;
    try {
      res = await fetchImpl(url, { method: 'GET', credentials: 'include', headers: { ...headers } });
    } catch (cause) {
      throw Object.assign(new ChorusError('auth_failed', `authUrl could not be fetched: ${String((cause as Error)?.message ?? cause)}`, 0, true), { cause });
    }
    const body = (await res.text()).trim();
    if (!res.ok) throw new ChorusError('auth_failed', `authUrl answered ${res.status}`, 0, true);
    let token: unknown = body;
    if (body.startsWith('{') || body.startsWith('"')) {
      try {
        const parsed = JSON.parse(body) as unknown;
        token = typeof parsed === 'string' ? parsed : (parsed as { token?: unknown })?.token;
      } catch {
        token = undefined;
      }
    }
    if (typeof token !== 'string' || token === '') {
      throw new ChorusError('auth_failed', 'authUrl answered without a token (plain text, or JSON {"token": "..."})', 0, true);
    }
    return token;
  };
}
