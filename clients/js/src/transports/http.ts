import type { Clock } from '../clock.js';
import { ChorusError, clientError } from '../errors.js';
import type { AckFrame, Message } from '../frames.js';
import type { PublishOutcome, PublishWire } from './transport.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HistoryOptions {
  readonly limit?: number;
  readonly since?: string;
  readonly before?: string;
}

export interface HistoryPage {
  readonly channel: string;
  /** Forward reads (`since`): oldest first. Backward reads: newest first, as the server sends them. */
  readonly messages: Message[];
  /** The URL of the following page, or null when a backward read reached the first message. */
  readonly next: string | null;
  readonly resumed?: boolean;
  readonly reason?: string;
}

export function channelPath(channel: string, resource: 'messages' | 'presence' | 'occupancy' = 'messages'): string {
  return `/v1/channels/${encodeURIComponent(channel)}/${resource}`;
}

/**
 * The REST side of the gateway (PROTOCOL.md "HTTP API") and the long-poll request: JSON in, JSON
 * out, every failure a ChorusError (the server's body when it sent one, else network_error/timeout).
 */
export class Http {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: FetchLike,
    private readonly clock: Clock,
    private readonly auth: { token(): Promise<string | undefined>; invalidate(token?: string): void },
  ) {}

  async json<T>(path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<T> {
    // Before the request's own timeout: a token provider that fails rejects with auth_failed.
    const token = await this.auth.token();
    const controller = new AbortController();
    const outer = init.signal;
    const abort = () => controller.abort();
    outer?.addEventListener('abort', abort);
    let timedOut = false;
    const timer = init.timeoutMs
      ? this.clock.setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, init.timeoutMs)
      : undefined;
    try {
      let res: Response;
      try {
        const headers = { ...(init.headers as Record<string, string> | undefined) };
        if (token) headers.authorization = `Bearer ${token}`;
        res = await this.fetchImpl(this.baseUrl + path, { ...init, headers, signal: controller.signal });
      } catch (e) {
        if (timedOut) throw clientError('timeout', `no answer from ${path} within ${init.timeoutMs} ms`);
        throw Object.assign(clientError('network_error', `request to ${path} failed: ${describe(e)}`), { cause: e });
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        const error = ChorusError.fromWire(body, res.status);
        // The next request (or reconnect) fetches a new token instead of presenting this one again.
        if (error.name === 'token_expired' || error.name === 'token_not_yet_valid') this.auth.invalidate(token);
        throw error;
      }
      if (body === undefined) throw clientError('bad_response', `${path} answered ${res.status} without JSON`);
      return body as T;
    } finally {
      if (timer !== undefined) this.clock.clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    }
  }

  history(channel: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const q = new URLSearchParams();
    if (options.since !== undefined) q.set('since', options.since);
    if (options.before !== undefined) q.set('before', options.before);
    if (options.limit !== undefined) q.set('limit', String(options.limit));
    const query = q.toString();
    return this.json<HistoryPage>(channelPath(channel) + (query ? `?${query}` : ''));
  }

  /** POST with the id as Idempotency-Key: the gateway always checks its dedup window for it. */
  publish(wire: PublishWire, signal?: AbortSignal): Promise<AckFrame> {
    const body: Record<string, unknown> = { data: wire.data, id: wire.id };
    if (wire.name !== undefined) body.name = wire.name;
    return this.json<AckFrame>(channelPath(wire.channel), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': wire.id },
      body: JSON.stringify(body),
      signal,
    });
  }
}

/** The publishes an HTTP transport has in flight, so that closing it reports each as `dropped`. */
export class HttpPublishes {
  private readonly inFlight = new Map<AbortController, (o: PublishOutcome) => void>();

  constructor(private readonly http: Http) {}

  send(wire: PublishWire, done: (o: PublishOutcome) => void): void {
    const controller = new AbortController();
    this.inFlight.set(controller, done);
    const finish = (o: PublishOutcome) => {
      if (this.inFlight.delete(controller)) done(o);
    };
    this.http.publish(wire, controller.signal).then(
      (ack) => finish({ ack }),
      // A network failure leaves the outcome unknown: the publisher resends with the same id.
      (error: ChorusError) => finish(error.code === 0 ? { dropped: true } : { error }),
    );
  }

  abortAll(): void {
    const all = [...this.inFlight];
    this.inFlight.clear();
    for (const [controller, done] of all) {
      controller.abort();
      done({ dropped: true });
    }
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
