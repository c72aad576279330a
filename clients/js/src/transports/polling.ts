import { ChorusError, websocketRequired } from '../errors.js';
import { type Message, type SubscribedFrame, toMessage } from '../frames.js';
import { positionsToken } from '../positions.js';
import { HttpPublishes } from './http.js';
import { channelQuery, isTerminalAuthError, serveRewinds, setKey } from './rewind.js';
import type { LostInfo, PublishOutcome, PublishWire, RequestFrame, RequestOutcome, Transport, TransportContext } from './transport.js';

interface PollAnswer {
  positions?: string;
  subscribed?: SubscribedFrame[];
  messages?: Array<Record<string, unknown>>;
}

/**
 * `/v1/poll` (PROTOCOL.md "long-polling"): a loop of requests, each sending the positions token of
 * the previous answer. When the channel set changes the request in flight is aborted and the next
 * one starts from the SDK's own positions (the server's token is only valid for the set it was made
 * for). The server lists in `subscribed` only the channels that started live or lost continuity;
 * the others resumed where asked, and the transport reports that as `resumed: true` itself.
 */
export class PollingTransport implements Transport {
  readonly kind = 'polling' as const;
  private generation = 0;
  private controller?: AbortController;
  private key = '';
  private saved?: { key: string; token: string | undefined };
  private readonly announced = new Set<string>();
  private up = false;
  private worked = false;
  private closed = false;
  private readonly publishes: HttpPublishes;

  constructor(private readonly ctx: TransportContext) {
    this.publishes = new HttpPublishes(ctx.http);
  }

  open(): void {
    void this.loop();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopLoop();
    this.publishes.abortAll();
  }

  sync(): void {
    if (this.closed || !this.up) return;
    if (setKey(this.ctx.specs()) !== this.key) {
      this.stopLoop();
      void this.loop();
    }
  }

  publish(wire: PublishWire, done: (o: PublishOutcome) => void): void {
    if (this.closed) done({ dropped: true });
    else this.publishes.send(wire, done);
  }

  request(frame: RequestFrame, done: (o: RequestOutcome) => void): void {
    done({ error: websocketRequired(frame.type, this.kind) });
  }

  private async loop(): Promise<void> {
    const generation = ++this.generation;
    const current = () => !this.closed && generation === this.generation;
    try {
      await serveRewinds(this.ctx, current);
    } catch (error) {
      if (current()) this.lose({ reason: 'history for rewind failed', error });
      return;
    }
    while (current()) {
      const specs = this.ctx.specs();
      this.key = setKey(specs);
      if (specs.length === 0) {
        this.markUp(); // idle until sync(): nothing to poll for
        return;
      }
      const token = this.saved?.key === this.key ? this.saved.token : positionsToken(specs.map((s) => s.since));
      const controller = (this.controller = new AbortController());
      let answer: PollAnswer;
      try {
        answer = await this.ctx.http.json<PollAnswer>(`/v1/poll?${channelQuery(specs, token)}`, {
          signal: controller.signal,
          timeoutMs: this.ctx.pollRequestTimeoutMs,
        });
      } catch (error) {
        const terminal = isTerminalAuthError(error);
        const authFailed = (error as ChorusError).name === 'auth_failed';
        if (current()) this.lose({ reason: (error as ChorusError).message, error, neverWorked: !this.worked && !authFailed, terminal, authFailed });
        return;
      }
      if (!current()) return;
      this.worked = true;
      this.markUp();
      this.ctx.sink.heard();
      this.deliver(specs, answer, current);
      this.saved = { key: this.key, token: answer.positions };
    }
  }

  private deliver(specs: ReturnType<TransportContext['specs']>, answer: PollAnswer, current: () => boolean): void {
    const listed = new Set<string>();
    for (const frame of answer.subscribed ?? []) {
      listed.add(frame.channel);
      this.announced.add(frame.channel);
      this.ctx.sink.subscribed(frame);
    }
    for (const spec of specs) {
      if (!this.announced.has(spec.name) && spec.since !== undefined && !listed.has(spec.name)) {
        this.announced.add(spec.name);
        this.ctx.sink.subscribed({ channel: spec.name, position: spec.since, resumed: true });
      }
    }
    const names = new Set(specs.map((s) => s.name));
    for (const name of [...this.announced]) if (!names.has(name)) this.announced.delete(name);
    for (const raw of answer.messages ?? []) {
      if (!current()) return; // a listener closed the client or changed the set
      const m: Message = toMessage(raw);
      if (names.has(m.channel)) this.ctx.sink.message(m);
    }
  }

  private markUp(): void {
    if (this.up) return;
    this.up = true;
    this.ctx.sink.opened({});
  }

  private stopLoop(): void {
    this.generation++;
    this.controller?.abort();
    this.controller = undefined;
  }

  private lose(info: LostInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.stopLoop();
    this.ctx.sink.lost(info);
    this.publishes.abortAll();
  }
}
