import { Timer } from '../clock.js';
import type { ChorusOptions } from '../index.js';
import { baseUrl } from '../options.js';
import type { FetchLike } from '../transports/http.js';
import { EngageError } from './errors.js';
import { type TokenStorage } from './join-api.js';
import type { EngageOptions, SessionCore } from './session.js';

/** How to reach the gateway and the join API (same origin in `chorus dev`). */
export interface ConnectOptions extends EngageOptions {
  /** The gateway's http(s) base URL; the join API is at `/engage/*` under it. */
  readonly url: string;
  /** Where tokens are kept between page loads; default localStorage, null for none. */
  readonly storage?: TokenStorage | null;
  /** Default the global fetch. */
  readonly fetch?: FetchLike;
  /** Options for the Chorus client underneath (transports, timing...); auth is the engagement API's. */
  readonly chorus?: Omit<ChorusOptions, 'url' | 'token' | 'authCallback' | 'authUrl' | 'authHeaders'>;
}

export function apiBase(url: string): string {
  if (typeof url !== 'string' || !/^(https?|wss?):\/\//i.test(url)) throw new EngageError('invalid_request', 'url must be the gateway\'s http(s):// base URL');
  return baseUrl(url);
}

export function fetchOf(o: ConnectOptions): FetchLike {
  const f = o.fetch ?? (o.chorus?.fetch || undefined) ?? (globalThis as { fetch?: FetchLike }).fetch?.bind(globalThis);
  if (!f) throw new EngageError('network_error', 'the join API needs fetch, which this platform lacks');
  return f;
}

export function storageOf(o: ConnectOptions): TokenStorage | undefined {
  if (o.storage === null) return undefined;
  if (o.storage) return o.storage;
  try {
    const s = (globalThis as { localStorage?: Storage }).localStorage;
    s?.getItem('chorus');
    return s;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes the session's channels and runs `then`, within commandTimeoutMs; on any failure the
 * connection is closed, so a failed join leaves nothing running.
 */
export async function startSession(core: SessionCore, withMe: boolean, then: () => Promise<void>): Promise<void> {
  const timer = new Timer(core.clock);
  const ms = core.options.commandTimeoutMs;
  try {
    await Promise.race([
      core.start(withMe).catch((e) => {
        throw wrap(e);
      }),
      new Promise<never>((_, reject) => timer.set(ms, () => reject(new EngageError('timeout', `the event's channels were not subscribed within ${ms} ms`)))),
    ]);
    timer.cancel();
    await then();
  } catch (e) {
    timer.cancel();
    core.close();
    throw e;
  }
}

function wrap(e: unknown): EngageError {
  if (e instanceof EngageError) return e;
  const name = (e as { name?: string })?.name;
  const message = (e as Error)?.message ?? String(e);
  if (name === 'forbidden') return new EngageError('forbidden', message, { cause: e });
  return new EngageError('not_delivered', message, { cause: e, retryable: (e as { retryable?: boolean })?.retryable ?? false });
}
