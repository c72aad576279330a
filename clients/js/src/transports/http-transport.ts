import { websocketRequired } from '../errors.js';
import { HttpPublishes } from './http.js';
import { serveRewinds, setKey } from './rewind.js';
import type { LostInfo, PublishOutcome, PublishWire, RequestFrame, RequestOutcome, Transport, TransportContext } from './transport.js';

/**
 * What the HTTP transports (SSE, long-polling) share: publishes over HTTP, no in-band requests, and
 * one "generation" of reading per channel set. When the set changes (`sync`) the reading in flight is
 * stopped and a new one starts from the SDK's own positions, after any rewinds are served from
 * history. A failure ends the transport once (`lose`); the connection then reconnects with its backoff.
 */
export abstract class HttpTransport implements Transport {
  abstract readonly kind: Transport['kind'];
  /** The channel set being read (`setKey`). */
  protected key = '';
  /** Whether any reading ever succeeded on this transport (a first failure may mean "not supported"). */
  protected worked = false;
  protected closed = false;
  private generation = 0;
  private up = false;
  private readonly publishes: HttpPublishes;

  constructor(protected readonly ctx: TransportContext) {
    this.publishes = new HttpPublishes(ctx.http);
  }

  open(): void {
    void this.restart();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.publishes.abortAll();
  }

  sync(): void {
    if (this.closed || !this.up) return;
    if (setKey(this.ctx.specs()) !== this.key) {
      this.stop();
      void this.restart();
    }
  }

  publish(wire: PublishWire, done: (o: PublishOutcome) => void): void {
    if (this.closed) done({ dropped: true });
    else this.publishes.send(wire, done);
  }

  request(frame: RequestFrame, done: (o: RequestOutcome) => void): void {
    done({ error: websocketRequired(frame.type, this.kind) });
  }

  /** Reads the current channel set while `current()` holds. Called after the rewinds were served. */
  protected abstract read(current: () => boolean): Promise<void>;

  /** Stops the stream or request in flight. */
  protected abstract stopReading(): void;

  /** The transport works: said once. */
  protected markUp(): void {
    if (this.up) return;
    this.up = true;
    this.ctx.sink.opened({});
  }

  protected lose(info: LostInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.ctx.sink.lost(info);
    this.publishes.abortAll();
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
