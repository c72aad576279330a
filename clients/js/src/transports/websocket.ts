import { ChorusError, clientError } from '../errors.js';
import { type AckFrame, type ConnectedFrame, type SubscribedFrame, toMessage } from '../frames.js';
import type { PublishOutcome, PublishWire, Transport, TransportContext } from './transport.js';

/** The WebSocket constructor the SDK needs: the browser's, Node 22's, or one given in the options. */
export type WebSocketLike = new (url: string) => WebSocket;

type Frame = Record<string, unknown> & { type?: string; ref?: string; channel?: string };
type Reply = (frame: Frame) => void;

/**
 * `/v1/ws` (PROTOCOL.md "WebSocket"): one JSON object per text frame; requests carry a `ref` that the
 * reply echoes. Per channel this socket is either subscribing (a subscribe is out: messages are
 * dropped until its `subscribed`, which the server sends before the first message) or live.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  private ws?: WebSocket;
  private nextRef = 0;
  private readonly replies = new Map<string, Reply>();
  private readonly publishes = new Map<string, (o: PublishOutcome) => void>();
  /** channel -> ref of the subscribe in flight, or 'live'. */
  private readonly channels = new Map<string, string>();
  private up = false;
  private closed = false;
  private maxFrameBytes = Infinity;

  constructor(
    private readonly ctx: TransportContext,
    private readonly WebSocketImpl: WebSocketLike,
  ) {}

  open(): void {
    this.ctx.token().then(
      (token) => this.connect(token),
      (error) => this.lose({ reason: 'the token provider failed', error }),
    );
  }

  private connect(token: string | undefined): void {
    if (this.closed) return;
    const url = `${this.ctx.baseUrl.replace(/^http/, 'ws')}/v1/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    let ws: WebSocket;
    try {
      ws = new this.WebSocketImpl(url);
    } catch (error) {
      this.lose({ reason: 'websocket could not be created', error });
      return;
    }
    this.ws = ws;
    ws.onmessage = (e) => this.onText(e.data);
    // Browsers and undici follow every error with a close; the close carries the code.
    ws.onerror = () => undefined;
    ws.onclose = (e) => this.lose({ reason: e.reason || 'websocket closed', closeCode: e.code });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.detach();
    try {
      this.ws?.close(1000, 'client closed');
    } catch {
      // Closing a socket that is still connecting throws on some stacks; it is going anyway.
    }
    dropped.forEach((done) => done({ dropped: true }));
  }

  sync(): void {
    if (!this.up || this.closed) return;
    const specs = this.ctx.specs();
    const wanted = new Set(specs.map((s) => s.name));
    for (const channel of [...this.channels.keys()]) {
      if (!wanted.has(channel)) {
        this.channels.delete(channel);
        // not_subscribed in reply is fine: the goal is reached either way.
        this.request({ type: 'unsubscribe', channel }, () => undefined);
      }
    }
    for (const spec of specs) {
      if (this.channels.has(spec.name)) continue;
      const frame: Frame = { type: 'subscribe', channel: spec.name };
      if (spec.since !== undefined) frame.since = spec.since;
      else if (spec.rewind) frame.rewind = spec.rewind;
      const ref = this.request(frame, (reply) => this.onSubscribeReply(spec.name, ref, reply));
      this.channels.set(spec.name, ref);
    }
  }

  publish(wire: PublishWire, done: (o: PublishOutcome) => void): void {
    if (!this.up || this.closed) {
      done({ dropped: true });
      return;
    }
    const frame: Frame = { type: 'publish', channel: wire.channel, id: wire.id, data: wire.data };
    if (wire.name !== undefined) frame.name = wire.name;
    if (wire.retry) frame.retry = true;
    const ref = String(++this.nextRef);
    const text = JSON.stringify({ ...frame, ref });
    // A frame over maxFrameBytes makes the server drop the connection, and resending it after the
    // reconnect would drop it again, forever (PROTOCOL.md close codes 1006/1009): refuse it here.
    if (new TextEncoder().encode(text).length > this.maxFrameBytes) {
      done({ error: new ChorusError('message_too_large', `the publish frame is larger than maxFrameBytes (${this.maxFrameBytes})`) });
      return;
    }
    this.publishes.set(ref, done);
    this.replies.set(ref, (reply) => {
      this.publishes.delete(ref);
      if (reply.type === 'ack') done({ ack: reply as unknown as AckFrame });
      else done({ error: ChorusError.fromWire(reply) });
    });
    this.ws?.send(text);
  }

  private request(frame: Frame, onReply: Reply): string {
    const ref = String(++this.nextRef);
    this.replies.set(ref, onReply);
    this.ws?.send(JSON.stringify({ ...frame, ref }));
    return ref;
  }

  private onSubscribeReply(channel: string, ref: string, reply: Frame): void {
    if (this.channels.get(channel) !== ref) return; // unsubscribed (or replaced) meanwhile
    if (reply.type === 'subscribed') {
      this.channels.set(channel, 'live');
      this.ctx.sink.subscribed(reply as unknown as SubscribedFrame);
    } else {
      this.channels.delete(channel);
      this.ctx.sink.channelError(channel, ChorusError.fromWire(reply));
    }
  }

  private onText(data: unknown): void {
    if (this.closed) return;
    this.ctx.sink.heard();
    let frame: Frame;
    try {
      frame = JSON.parse(String(data)) as Frame;
    } catch {
      this.ctx.sink.problem(clientError('bad_response', 'the server sent a frame that is not JSON'));
      return;
    }
    this.dispatch(frame);
  }

  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case 'message':
        if (frame.channel !== undefined && this.channels.get(frame.channel) === 'live') {
          this.ctx.sink.message(toMessage(frame));
        }
        return;
      case 'ping':
        this.ws?.send('{"type":"pong"}');
        return;
      case 'connected':
        return this.onConnected(frame as ConnectedFrame);
      case 'pong':
        return; // the watchdog has counted it already
      case 'stream':
        return this.ctx.sink.stream(String(frame.state), frame.reason as string | undefined);
      case 'auth_expiring':
        return this.refreshToken();
    }
    const reply = frame.ref !== undefined ? this.replies.get(frame.ref) : undefined;
    if (reply) {
      this.replies.delete(frame.ref as string);
      reply(frame);
    } else if (frame.type === 'error' && frame.channel !== undefined && frame.ref === undefined) {
      // The subscription ended (PROTOCOL.md): forget it here; the connection resubscribes.
      if (this.channels.delete(frame.channel)) this.ctx.sink.channelError(frame.channel, ChorusError.fromWire(frame));
    } else if (frame.type === 'error') {
      this.ctx.sink.problem(ChorusError.fromWire(frame));
    }
  }

  /** In-band refresh (PROTOCOL.md "Refresh in band"): the subscriptions survive the new token. */
  private refreshToken(): void {
    this.ctx.token().then((token) => {
      if (!token || !this.up || this.closed) return;
      this.request({ type: 'auth', token }, (reply) => {
        if (reply.type === 'error') this.ctx.sink.problem(ChorusError.fromWire(reply));
      });
    }, (error) => this.ctx.sink.problem(error));
  }

  private onConnected(frame: ConnectedFrame): void {
    if (this.up) return;
    this.up = true;
    this.maxFrameBytes = frame.limits?.maxFrameBytes ?? Infinity;
    this.ctx.sink.opened({ heartbeatMs: frame.heartbeatMs, connectionId: frame.connectionId });
  }

  private lose(info: { reason: string; closeCode?: number; error?: unknown }): void {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.detach();
    // The connection hears of the loss first, so that it resends these after the reconnect
    // instead of retrying them on a socket that is gone.
    this.ctx.sink.lost(info);
    dropped.forEach((done) => done({ dropped: true }));
  }

  /** Stops every callback; returns the publishes that were waiting for their ack. */
  private detach(): Array<(o: PublishOutcome) => void> {
    if (this.ws) {
      this.ws.onmessage = null;
      this.ws.onclose = null;
      this.ws.onerror = null;
    }
    this.replies.clear();
    const pending = [...this.publishes.values()];
    this.publishes.clear();
    return pending;
  }
}
