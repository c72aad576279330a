/**
 * Errors are data (PROTOCOL.md "Error codes"): every failure the SDK reports is a ChorusError with
 * the server's numeric code, its wire name and whether the same request can succeed later. Failures
 * that the SDK itself detects (a closed client, a network error) use code 0 and a name of their own,
 * so callers branch on one type only. The server's errors come from schema/vocabulary.json
 * (src/vocabulary.ts is generated from it); only the SDK's own names are listed here.
 */
import { SERVER_ERRORS } from './vocabulary.js';

/** Names of errors raised by the SDK itself (code 0). */
export type ClientErrorName =
  | 'network_error'
  | 'timeout'
  | 'client_closed'
  | 'connection_failed'
  | 'unsubscribed'
  | 'bad_response'
  | 'auth_failed'
  | 'websocket_required';

const CLIENT_RETRYABLE: Record<ClientErrorName, boolean> = {
  network_error: true,
  timeout: true,
  client_closed: false,
  connection_failed: false,
  unsubscribed: false,
  bad_response: true,
  auth_failed: true,
  websocket_required: false,
};

export class ChorusError extends Error {
  /** The protocol's numeric code (e.g. 40004), or 0 for an error the SDK raised itself. */
  readonly code: number;
  /** The protocol's wire name (e.g. 'invalid_channel'), or a ClientErrorName when code is 0. */
  override readonly name: string;
  /** Whether the same request can succeed later. */
  readonly retryable: boolean;
  /** When the server said how long to wait before retrying (rate_limited, overloaded), in ms. */
  retryAfterMs?: number;

  constructor(name: string, message: string, code?: number, retryable?: boolean) {
    super(message);
    const known = SERVER_ERRORS[name];
    this.name = name;
    this.code = code ?? known?.[0] ?? 0;
    this.retryable = retryable ?? known?.[1] ?? CLIENT_RETRYABLE[name as ClientErrorName] ?? false;
  }

  /** The HTTP status the code stands for (its first three digits), or 0 for client errors. */
  get status(): number {
    return Math.floor(this.code / 100);
  }

  /** Reads an `error` frame or an HTTP error body; tolerant of missing fields. */
  static fromWire(body: unknown, fallbackStatus = 0): ChorusError {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const name = typeof b.error === 'string' ? b.error : fallbackStatus >= 500 ? 'internal' : 'bad_response';
    const message = typeof b.message === 'string' ? b.message : `server answered ${fallbackStatus || 'an error'}`;
    const code = typeof b.code === 'number' ? b.code : undefined;
    const retryable = typeof b.retryable === 'boolean' ? b.retryable : undefined;
    const error = new ChorusError(name, message, code, retryable);
    if (typeof b.retryAfterMs === 'number' && b.retryAfterMs > 0) error.retryAfterMs = b.retryAfterMs;
    return error;
  }
}

export function clientError(name: ClientErrorName, message: string): ChorusError {
  return new ChorusError(name, message, 0);
}

/** Presence writes and requests exist only on the WebSocket (`on`: the transport in use, if any). */
export function websocketRequired(what: string, on: string | undefined): ChorusError {
  return clientError('websocket_required', `${what} needs the WebSocket transport; ${on ? `this client is on ${on}` : 'this platform has none'}`);
}
