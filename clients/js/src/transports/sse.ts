import { ChorusError, clientError } from '../errors.js';
import { type SubscribedFrame, toMessage } from '../frames.js';
import { HttpTransport } from './http-transport.js';
import type { TransportContext } from './transport.js';

export type EventSourceLike = new (url: string) => EventSource;

/**
 * `/v1/sse` (PROTOCOL.md "SSE"): one EventSource for the whole channel set, opened from the SDK's own
 * positions. The browser's native reconnect is not used: on any error the stream is closed and the
 * connection reconnects with its backoff and its positions, like every transport. When the channel
 * set, a watch or the entered channels change, or the token is refreshed, the stream is reopened from
 * the current positions (a new stream is a new server session: the presence grace period keeps this
 * client's members through the gap). Publishes go over HTTP.
 */
export class SseTransport extends HttpTransport {
  readonly kind = 'sse' as const;
  private es?: EventSource;

  constructor(
    ctx: TransportContext,
    private readonly EventSourceImpl: EventSourceLike,
  ) {
    super(ctx);
  }

  protected async read(current: () => boolean): Promise<void> {
    const query = this.query();
    this.key = query.key;
    if (query.empty) {
      this.idle(query);
      return;
    }
    let auth: string | undefined;
    try {
      auth = await this.ctx.token();
    } catch (error) {
      if (current()) this.lose({ reason: 'no token: the token provider failed', error, authFailed: true });
      return;
    }
    if (!current()) return;
    this.writes.opening(query.entered);
    // `stream=stalled` when that is what the application last saw: a new stream then opens with `live`
    // if Kafka came back meanwhile (absent means live, so a stalled Kafka is told at once anyway).
    const stalled = this.ctx.streamState() === 'stalled' ? 'stalled' : undefined;
    const es = new this.EventSourceImpl(`${this.ctx.baseUrl}/v1/sse?${query.query(query.ownPositions(), auth, false, stalled)}`);
    this.es = es;
    const names = query.delivered;
    const on = (type: string, fn: (e: MessageEvent) => void) =>
      es.addEventListener(type, (e) => {
        if (this.es !== es) return;
        this.ctx.sink.heard();
        try {
          fn(e as MessageEvent);
        } catch {
          // Only JSON.parse throws here (listeners are guarded further up): the server's bug.
          this.ctx.sink.problem(clientError('bad_response', `the server sent an unreadable ${type} event`));
        }
      });
    on('open', () => {
      this.worked = true;
      this.markUp();
    });
    // The server's `connected` event says how often it pings (`event: ping`), so a stream that
    // went silent without the OS noticing is replaced like a silent WebSocket. It is also the
    // session's acceptance: with the token it was opened with, and the entered channels it carries.
    on('connected', (e) => {
      const info = JSON.parse(e.data) as { heartbeatMs?: number };
      if (typeof info.heartbeatMs === 'number' && info.heartbeatMs > 0) this.ctx.sink.heartbeat(info.heartbeatMs);
      this.accepted(query, info);
    });
    on('ping', () => undefined);
    for (const type of ['stream', 'presence_sync', 'presence_event', 'occupancy', 'entered', 'auth_expiring']) {
      on(type, (e) => this.onEvent({ type, ...(JSON.parse(e.data) as Record<string, unknown>) }, query));
    }
    on('subscribed', (e) => {
      const frame = JSON.parse(e.data) as SubscribedFrame;
      if (names.has(frame.channel)) this.ctx.sink.subscribed(frame);
    });
    on('message', (e) => {
      const m = toMessage(JSON.parse(e.data));
      if (names.has(m.channel)) this.ctx.sink.message(m);
    });
    // `event: error` from the server and EventSource's own connection error share one event name;
    // only the server's carries data.
    on('error', (e) => {
      if (typeof e.data !== 'string') return this.lose({ reason: 'event stream failed', neverWorked: !this.worked });
      const body = JSON.parse(e.data) as { channel?: string };
      const error = ChorusError.fromWire(body);
      if (body.channel !== undefined) this.ctx.sink.channelError(body.channel, error);
      else this.lose({ reason: error.message, error });
    });
  }

  protected stopReading(): void {
    this.es?.close();
    this.es = undefined;
  }
}
