import { ChorusError, clientError } from '../errors.js';
import { type SubscribedFrame, toMessage } from '../frames.js';
import { positionsToken } from '../positions.js';
import { HttpTransport } from './http-transport.js';
import { channelQuery, setKey } from './rewind.js';
import type { TransportContext } from './transport.js';

export type EventSourceLike = new (url: string) => EventSource;

/**
 * `/v1/sse` (PROTOCOL.md "SSE"): one EventSource for the whole channel set, opened from the SDK's own
 * positions. The browser's native reconnect is not used: on any error the stream is closed and the
 * connection reconnects with its backoff and its positions, like every transport. When the channel
 * set changes the stream is reopened from the current positions. Publishes go over HTTP.
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
    const specs = this.ctx.specs();
    this.key = setKey(specs);
    if (specs.length === 0) {
      this.markUp(); // nothing to stream; publishes and history work over HTTP regardless
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
    const positions = positionsToken(specs.map((s) => s.since));
    const es = new this.EventSourceImpl(`${this.ctx.baseUrl}/v1/sse?${channelQuery(specs, positions, auth)}`);
    this.es = es;
    const names = new Set(specs.map((s) => s.name));
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
    // went silent without the OS noticing is replaced like a silent WebSocket.
    on('connected', (e) => {
      const info = JSON.parse(e.data) as { heartbeatMs?: number };
      if (typeof info.heartbeatMs === 'number' && info.heartbeatMs > 0) this.ctx.sink.heartbeat(info.heartbeatMs);
    });
    on('ping', () => undefined);
    on('stream', (e) => {
      const notice = JSON.parse(e.data) as { state: string; reason?: string };
      this.ctx.sink.stream(notice.state, notice.reason);
    });
    on('subscribed', (e) => this.ctx.sink.subscribed(JSON.parse(e.data) as SubscribedFrame));
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
