import type { ChorusError } from '../errors.js';
import { type Message, type SubscribedFrame, toMessage } from '../frames.js';
import { positionsToken } from '../positions.js';
import { HttpTransport } from './http-transport.js';
import { channelQuery, isTerminalAuthError, setKey } from './rewind.js';
import type { TransportContext } from './transport.js';

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
export class PollingTransport extends HttpTransport {
  readonly kind = 'polling' as const;
  private controller?: AbortController;
  private saved?: { key: string; token: string | undefined };
  private readonly announced = new Set<string>();

  protected async read(current: () => boolean): Promise<void> {
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

  protected stopReading(): void {
    this.controller?.abort();
    this.controller = undefined;
  }
}
