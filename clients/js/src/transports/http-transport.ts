import { type ChorusError, websocketRequired } from '../errors.js';
import { HttpPublishes } from './http.js';
import { serveRewinds } from './rewind.js';
import { StreamQuery } from './stream-query.js';
import { StreamWrites } from './stream-writes.js';
import type { LostInfo, PublishOutcome, PublishWire, RequestFrame, RequestOutcome, Transport, TransportContext } from './transport.js';

/**
 * What the HTTP transports (SSE, long-polling) share: publishes over HTTP, and one "generation" of
 * reading per query (channels, watches, entered channels). When the query changes (`sync`) the
 * reading in flight is stopped and a new one starts from the SDK's own positions, after any rewinds
 * are served from history. There is no upstream: presence writes and token refreshes change the
 * query too, and are answered by the new stream (`StreamWrites`). A failure ends the transport once
 * (`lose`); the connection then reconnects with its backoff.
 */
export abstract class HttpTransport implements Transport {
  abstract readonly kind: Transport['kind'];
  /** The query being read (`StreamQuery.key`). */
  protected key = '';
  /** Whether any reading ever succeeded on this transport (a first failure may mean "not supported"). */
  protected worked = false;
  protected closed = false;
  protected readonly writes: StreamWrites;
  private generation = 0;
  private up = false;
  private syncQueued = false;
  /** The watches (`channel:p`, `channel:o`) of the last query the server accepted. */
  private acceptedWatches = new Set<string>();
  private readonly publishes: HttpPublishes;

  /** `authOnSend`: a token refresh is done once the new request is sent (long-polling, see StreamWrites). */
  constructor(protected readonly ctx: TransportContext, authOnSend = false) {
    this.publishes = new HttpPublishes(ctx.http);
    this.writes = new StreamWrites(authOnSend);
  }

  open(): void {
    void this.restart();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.publishes.abortAll();
    this.writes.dropAll();
  }

  sync(): void {
    if (this.closed || !this.up) return;
    if (this.query().key !== this.key || this.writes.needsNewStream) {
      this.stop();
      void this.restart();
    }
  }

  publish(wire: PublishWire, done: (o: PublishOutcome) => void): void {
    if (this.closed) done({ dropped: true });
    else this.publishes.send(wire, done);
  }

  /**
   * enter, update, leave: the SDK's wanted presence (`ctx.entered`) changed already; the stream is
   * reopened (or the waiting poll aborted and sent again) with it. auth: the token source has the new
   * token; the stream is reopened with it. Several calls in one turn share one reopen.
   */
  request(frame: RequestFrame, done: (o: RequestOutcome) => void): void {
    if (this.closed || !this.up) {
      done({ dropped: true });
      return;
    }
    if (!['enter', 'update', 'leave', 'auth'].includes(frame.type)) {
      done({ error: websocketRequired(frame.type, this.kind) });
      return;
    }
    this.writes.wait(frame, done);
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      this.sync();
    });
  }

  /** Reads the current query while `current()` holds. Called after the rewinds were served. */
  protected abstract read(current: () => boolean): Promise<void>;

  /** Stops the stream or request in flight. */
  protected abstract stopReading(): void;

  /** What to ask for now: the subscriptions' specs and the channels this client wants to be entered in. */
  protected query(): StreamQuery {
    return new StreamQuery(this.ctx.specs(), this.writes.carry(this.ctx.entered()));
  }

  /**
   * Nothing to stream or poll for: the transport is usable as it is (publishes and history go over
   * HTTP regardless), and a leave of the last entered channel is done.
   */
  protected idle(query: StreamQuery): void {
    this.writes.opening(query.entered);
    this.markUp();
    this.accepted(query);
  }

  /** The transport works: said once. */
  protected markUp(): void {
    if (this.up) return;
    this.up = true;
    this.ctx.sink.opened({});
  }

  /** The server accepted this query (SSE `connected`, a poll answered); `info`: clientId, expiresAt. */
  protected accepted(query: StreamQuery, info?: Record<string, unknown>): void {
    this.acceptedWatches = watches(query);
    this.writes.onAccepted(info);
  }

  /**
   * A frame that SSE sends as an event and long-polling in `events`, other than messages and
   * subscription answers: presence, occupancy, `entered`, `auth_expiring`, `stream`.
   */
  protected onEvent(frame: Record<string, unknown>, query: StreamQuery): void {
    const channel = typeof frame.channel === 'string' ? frame.channel : undefined;
    switch (frame.type) {
      case 'presence_sync':
      case 'presence_event':
        if (channel !== undefined && query.delivered.has(channel)) this.ctx.sink.presence(frame);
        return;
      case 'occupancy':
        if (channel !== undefined && query.delivered.has(channel)) this.ctx.sink.occupancy(frame);
        return;
      case 'entered':
        if (channel !== undefined) this.writes.onEntered(channel);
        return;
      case 'auth_expiring':
        return this.ctx.sink.authExpiring(typeof frame.expiresAt === 'number' ? frame.expiresAt : undefined);
      case 'stream':
        return this.ctx.sink.stream(String(frame.state), frame.reason as string | undefined);
    }
  }

  /**
   * The stream or poll was refused before it began. A refusal that names what this query added is
   * answered where it belongs, as the WebSocket's error reply would be, and the next query goes
   * without it: the enters it carried (`forbidden`, `message_too_large`, `too_many_subscriptions`)
   * fail, or the channels whose presence or occupancy watch it added (`forbidden`) report it, so the
   * subscriptions drop those features. True when the
   * caller should read again rather than lose the transport.
   */
  protected refused(error: ChorusError, query: StreamQuery): boolean {
    if (error.retryable || error.name.startsWith('token_')) return false;
    if (this.writes.refuseEnters(error)) return true;
    if (error.name !== 'forbidden') return false;
    const added = new Set([...watches(query)].filter((w) => !this.acceptedWatches.has(w)).map((w) => w.slice(0, -2)));
    added.forEach((channel) => this.ctx.sink.channelError(channel, error));
    return added.size > 0;
  }

  /** Stops what is in flight and starts again with the current query (after `refused`). */
  protected again(): void {
    this.stop();
    void this.restart();
  }

  protected lose(info: LostInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    // The connection hears of the loss first, so that it resends these after the reconnect.
    this.ctx.sink.lost(info);
    this.publishes.abortAll();
    this.writes.dropAll();
  }

  private async restart(): Promise<void> {
    const generation = ++this.generation;
    const current = () => !this.closed && generation === this.generation;
    try {
      await serveRewinds(this.ctx, current);
    } catch (error) {
      if (current()) this.lose({ reason: 'history for rewind failed', error });
      return;
    }
    if (current()) await this.read(current);
  }

  private stop(): void {
    this.generation++;
    this.stopReading();
  }
}

function watches(query: StreamQuery): Set<string> {
  const out = new Set<string>();
  for (const s of query.specs) {
    if (s.presence) out.add(`${s.name}:p`);
    if (s.occupancy) out.add(`${s.name}:o`);
  }
  return out;
}
