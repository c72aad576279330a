import { ChorusError, clientError } from '../errors.js';
import { type AckFrame, type ConnectedFrame, type SubscribedFrame, toMessage } from '../frames.js';
import type {
  ChannelSpec, LostInfo, PublishOutcome, PublishWire, RequestFrame, RequestOutcome, Transport, TransportContext,
} from './transport.js';
import { CLOSE_NORMAL } from './transport.js';

/** The WebSocket constructor the SDK needs: the browser's, Node 22's, or one given in the options. */
export type WebSocketLike = new (url: string) => WebSocket;

type Frame = Record<string, unknown> & { type?: string; ref?: string; channel?: string };
type Reply = (frame: Frame) => void;

/** Per channel: the ref of the subscribe in flight, or 'live'; and the spec's revision it was made for. */
interface ChannelState {
  ref: string;
  readonly revision: number | undefined;
}

/**
 * `/v1/ws` (PROTOCOL.md "WebSocket"): one JSON object per text frame; requests carry a `ref` that the
 * reply echoes. Per channel this socket is either subscribing (a subscribe is out: messages are
 * dropped until its `subscribed`, which the server sends before the first message) or live. A spec
 * whose revision changed (presence or occupancy added or dropped) is unsubscribed and subscribed
 * again from its position: the server handles requests in order, so nothing is lost in between.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  private ws?: WebSocket;
  private nextRef = 0;
  private readonly replies = new Map<string, Reply>();
  private readonly publishes = new Map<string, (o: PublishOutcome) => void>();
  private readonly requests = new Map<string, (o: RequestOutcome) => void>();
  private readonly channels = new Map<string, ChannelState>();
  /** The last `error` without ref or channel: at connect, the reason a close with 4004/4101 follows. */
  private lastError?: ChorusError;
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
      (error) => this.lose({ reason: 'no token: the token provider failed', error, authFailed: true }),
    );
  }

  private connect(token: string | undefined): void {
    if (this.closed) return;
    const q = new URLSearchParams();
    if (token) q.set('token', token);
    // As on SSE: after a reconnect the server says `live` if Kafka came back while we were away.
    if (this.ctx.streamState() === 'stalled') q.set('stream', 'stalled');
    const query = q.toString();
    const url = `${this.ctx.baseUrl.replace(/^http/, 'ws')}/v1/ws${query ? `?${query}` : ''}`;
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
    ws.onclose = (e) => this.lose({ reason: e.reason || 'websocket closed', closeCode: e.code, error: this.lastError });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.detach();
    try {
      this.ws?.close(CLOSE_NORMAL, 'client closed');
    } catch {
      // Closing a socket that is still connecting throws on some stacks; it is going anyway.
    }
    dropped();
  }

  sync(): void {
    if (!this.up || this.closed) return;
    const specs = this.ctx.specs();
    const wanted = new Set(specs.map((s) => s.name));
    for (const channel of [...this.channels.keys()]) {
      if (!wanted.has(channel)) this.unsubscribe(channel);
    }
    for (const spec of specs) {
      const state = this.channels.get(spec.name);
      if (state && state.revision === spec.revision) continue;
      if (state) this.unsubscribe(spec.name);
      this.subscribe(spec);
    }
  }

  private subscribe(spec: ChannelSpec): void {
    const frame: Frame = { type: 'subscribe', channel: spec.name };
    if (spec.since !== undefined) frame.since = spec.since;
    else if (spec.rewind) frame.rewind = spec.rewind;
    if (spec.presence) frame.presence = true;
    if (spec.occupancy) frame.occupancy = true;
    const ref = this.send(frame, (reply) => this.onSubscribeReply(spec.name, ref, reply));
    this.channels.set(spec.name, { ref, revision: spec.revision });
  }

  private unsubscribe(channel: string): void {
    this.channels.delete(channel);
    // not_subscribed in reply is fine: the goal is reached either way.
    this.send({ type: 'unsubscribe', channel }, () => undefined);
  }

  request(frame: RequestFrame, done: (o: RequestOutcome) => void): void {
    if (!this.up || this.closed) {
      done({ dropped: true });
      return;
    }
    const ref = this.send(frame, (reply) => {
      this.requests.delete(ref);
      done(reply.type === 'error' ? { error: ChorusError.fromWire(reply) } : { reply });
    });
    this.requests.set(ref, done);
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

  private send(frame: Frame, onReply: Reply): string {
    const ref = String(++this.nextRef);
    this.replies.set(ref, onReply);
    this.ws?.send(JSON.stringify({ ...frame, ref }));
    return ref;
  }

  private onSubscribeReply(channel: string, ref: string, reply: Frame): void {
    const state = this.channels.get(channel);
    if (state?.ref !== ref) return; // unsubscribed (or replaced) meanwhile
    if (reply.type === 'subscribed') {
      state.ref = 'live';
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
        if (frame.channel !== undefined && this.channels.get(frame.channel)?.ref === 'live') {
          this.ctx.sink.message(toMessage(frame));
        }
        return;
      case 'presence_sync':
      case 'presence_event':
        if (frame.channel !== undefined && this.channels.get(frame.channel)?.ref === 'live') this.ctx.sink.presence(frame);
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
        return this.ctx.sink.authExpiring(typeof frame.expiresAt === 'number' ? frame.expiresAt : undefined);
      case 'occupancy':
        if (frame.ref !== undefined) break; // the answer to an `occupancy` request
        if (frame.channel !== undefined && this.channels.get(frame.channel)?.ref === 'live') this.ctx.sink.occupancy(frame);
        return;
    }
    const reply = frame.ref !== undefined ? this.replies.get(frame.ref) : undefined;
    if (reply) {
      this.replies.delete(frame.ref as string);
      reply(frame);
    } else if (frame.type === 'error' && frame.channel !== undefined && frame.ref === undefined) {
      // The subscription ended (PROTOCOL.md): forget it here; the connection resubscribes.
      if (this.channels.delete(frame.channel)) this.ctx.sink.channelError(frame.channel, ChorusError.fromWire(frame));
    } else if (frame.type === 'error') {
      const error = ChorusError.fromWire(frame);
      // A refused token at connect: the close (4004 or 4101) follows and carries it to the 'auth' event.
      if (!this.up && error.name.startsWith('token_')) this.lastError = error;
      else this.ctx.sink.problem(error);
    }
  }

  private onConnected(frame: ConnectedFrame): void {
    if (this.up) return;
    this.up = true;
    this.maxFrameBytes = frame.limits?.maxFrameBytes ?? Infinity;
    this.ctx.sink.opened({ heartbeatMs: frame.heartbeatMs, connectionId: frame.connectionId, clientId: frame.clientId });
  }

  private lose(info: LostInfo): void {
    if (this.closed) return;
    this.closed = true;
    const dropped = this.detach();
    // The connection hears of the loss first, so that it resends these after the reconnect
    // instead of retrying them on a socket that is gone.
    this.ctx.sink.lost(info);
    dropped();
  }

  /** Stops every callback; returns what reports the requests still waiting for an answer as dropped. */
  private detach(): () => void {
    if (this.ws) {
      this.ws.onmessage = null;
      this.ws.onclose = null;
      this.ws.onerror = null;
    }
    this.replies.clear();
    const pending = [...this.publishes.values(), ...this.requests.values()];
    this.publishes.clear();
    this.requests.clear();
    return () => pending.forEach((done) => done({ dropped: true }));
  }
}
