import type { FetchLike } from '../transports/http.js';
import { EngageError, JOIN_ERRORS, type JoinErrorCode } from './errors.js';
import { isObject } from './wire.js';

/** Where tokens are kept between page loads (localStorage in a browser). */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>;

/** What joinEvent keeps per event code: enough to come back as the same participant. */
export interface StoredJoin {
  readonly token: string;
  readonly participant: string;
  readonly name: string;
}

export interface JoinAnswer {
  readonly token: string;
  readonly participant: string;
  readonly expiresAt?: number;
}

export interface CreatedEvent {
  readonly code: string;
  readonly hostToken: string;
  readonly joinUrl?: string;
}

/** Event codes: 6 characters of ENGAGE.md's alphabet (no I, O, 0, 1). */
export const CODE_PATTERN = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/;

/** Upper-cases and trims what a person typed; throws `invalid_request` for anything but a code. */
export function checkCode(code: unknown): string {
  const c = typeof code === 'string' ? code.trim().toUpperCase() : '';
  if (!CODE_PATTERN.test(c)) throw new EngageError('invalid_request', 'an event code is 6 characters of A-Z and 2-9 (no I, O, 0 or 1)');
  return c;
}

/** The join API of ENGAGE.md: `POST /engage/events`, `POST /engage/join`, the export. */
export class JoinApi {
  constructor(
    private readonly base: string,
    private readonly fetch: FetchLike,
  ) {}

  async create(title: string, adminKey?: string): Promise<CreatedEvent> {
    const body = await this.request('POST', '/engage/events', { title }, adminKey);
    if (typeof body.code !== 'string' || typeof body.hostToken !== 'string') throw badAnswer('/engage/events');
    return { code: body.code, hostToken: body.hostToken, joinUrl: typeof body.joinUrl === 'string' ? body.joinUrl : undefined };
  }

  async join(code: string, name: string, token?: string): Promise<JoinAnswer> {
    const body = await this.request('POST', '/engage/join', token ? { code, name, token } : { code, name });
    if (typeof body.token !== 'string' || typeof body.participant !== 'string') throw badAnswer('/engage/join');
    return { token: body.token, participant: body.participant, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : undefined };
  }

  /** Every accepted response as CSV or JSON text (host token required). */
  async export(code: string, hostToken: string, format: 'csv' | 'json', activity?: string): Promise<string> {
    const q = new URLSearchParams({ format });
    if (activity !== undefined) q.set('activity', activity);
    const res = await this.send('GET', `/engage/events/${encodeURIComponent(code)}/export?${q}`, undefined, hostToken);
    if (!res.ok) throw await httpError(res);
    return res.text();
  }

  private async request(method: string, path: string, body: unknown, bearer?: string): Promise<Record<string, unknown>> {
    const res = await this.send(method, path, body, bearer);
    if (!res.ok) throw await httpError(res);
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (cause) {
      throw new EngageError('network_error', `${path} answered something that is not JSON`, { cause });
    }
    if (!isObject(parsed)) throw badAnswer(path);
    return parsed;
  }

  private async send(method: string, path: string, body: unknown, bearer?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    try {
      return (await this.fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })) as Response;
    } catch (cause) {
      throw new EngageError('network_error', `${path} could not be reached: ${(cause as Error)?.message ?? cause}`, { cause });
    }
  }
}

const BY_STATUS: Record<number, JoinErrorCode> = { 400: 'invalid_request', 401: 'token_invalid', 403: 'forbidden', 404: 'unknown_event' };

async function httpError(res: Response): Promise<EngageError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const b = isObject(body) ? body : {};
  const named = typeof b.error === 'string' && (JOIN_ERRORS as readonly string[]).includes(b.error) ? (b.error as JoinErrorCode) : undefined;
  const code = named ?? BY_STATUS[res.status];
  const message = typeof b.message === 'string' ? b.message : `the join API answered HTTP ${res.status}`;
  return code ? new EngageError(code, message) : new EngageError('network_error', message, { retryable: res.status >= 500 });
}

function badAnswer(path: string): EngageError {
  return new EngageError('network_error', `${path} answered without the expected fields`);
}

/** Reads and writes StoredJoin under `chorus.engage.CODE`; a broken entry counts as none. */
export class JoinStore {
  constructor(
    private readonly storage: TokenStorage | undefined,
    private readonly prefix = 'chorus.engage.',
  ) {}

  get(code: string): StoredJoin | undefined {
    try {
      const raw = this.storage?.getItem(this.prefix + code);
      const v: unknown = raw ? JSON.parse(raw) : undefined;
      if (isObject(v) && typeof v.token === 'string' && typeof v.participant === 'string') {
        return { token: v.token, participant: v.participant, name: typeof v.name === 'string' ? v.name : '' };
      }
    } catch {
      // unreadable or storage refused: start again
    }
    return undefined;
  }

  put(code: string, value: StoredJoin): void {
    try {
      this.storage?.setItem(this.prefix + code, JSON.stringify(value));
    } catch {
      // full or refused (private mode): the participant id lasts this page only
    }
  }

  remove(code: string): void {
    try {
      this.storage?.removeItem?.(this.prefix + code);
    } catch {
      // as above
    }
  }
}
