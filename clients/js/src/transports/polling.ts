import type { ChorusError } from '../errors.js';
import { type Message, type SubscribedFrame, toMessage } from '../frames.js';
import { HttpTransport } from './http-transport.js';
import { isTerminalAuthError } from './rewind.js';
import type { StreamQuery } from './stream-query.js';
import type { TransportContext } from './transport.js';

interface PollAnswer {
  positions?: string;
  subscribed?: SubscribedFrame[];
  messages?: Array<Record<string, unknown>>;
  /** presence_sync, presence_event, occupancy, entered, auth_expiring and stream frames, in order. */
  events?: Array<Record<string, unknown>>;
}

/**
 * `/v1/poll` (PROTOCOL.md "long-polling"): a loop of requests, each sending the positions token of
 * the previous answer. When the channel set changes the request in flight is aborted and the next
 * one starts from the SDK's own positions (the server's token is only valid for the set it was made
 * for). The server lists in `subscribed` only the channels that started live or lost continuity;
 * the others resumed where asked, and the transport reports that as `resumed: true` itself.
 *
 * Each poll is a server session of its own: it enters the entered channels again (the presence grace
 * period bridges the gap between polls, so others see nothing) and a watch gets a fresh
 * `presence_sync` in every answer, which the member list diffs against what it had. A presence write
 * or a token refresh aborts the waiting poll and polls again at once with the new query.
 *
 * Each poll also says which stream state the application last saw (`stream=live|stalled`): the
 * server answers at once with a `stream` notice when that is no longer true, so Kafka going away or
 * coming back between two polls is never missed.
 */
export class PollingTransport extends HttpTransport {
  readonly kind = 'polling' as const;
  private controller?: AbortController;
  /** The positions token of the last answer, for the channel set (`channelKey`) it was made for. */
  private saved?: { key: string; token: string | undefined };
  private readonly announced = new Set<string>();

  constructor(ctx: TransportContext) {
    super(ctx, true);
  }

  protected async read(current: () => boolean): Promise<void> {
    while (current()) {
      const query = this.query();
      this.key = query.key;
      if (query.empty) {
        this.idle(query); // until sync()
        return;
      }
      const token = this.saved?.key === query.channelKey ? this.saved.token : query.ownPositions();
      const controller = (this.controller = new AbortController());
      // A presence write waits for this poll: ask for the answer once it is stored, not at the timeout.
      // So does the first poll of a channel set: subscribe() settles with its answer, and when every
      // channel resumes (a reload with stored positions) the server would hold it to the poll timeout.
      const confirm = this.writes.needsNewStream || this.saved?.key !== query.channelKey;
      this.writes.opening(query.entered);
      let answer: PollAnswer;
      try {
        // Always says what it last saw: a notice then answers the poll at once, and a transition that
        // fell between two polls comes with the next one.
        const url = `/v1/poll?${query.query(token, undefined, confirm, this.ctx.streamState())}`;
        answer = await this.ctx.http.json<PollAnswer>(url, {
          signal: controller.signal,
          timeoutMs: this.ctx.pollRequestTimeoutMs,
        });
      } catch (error) {
        if (!current()) return;
        if (this.worked && this.refused(error as ChorusError, query)) return this.again();
        const terminal = isTerminalAuthError(error);
        const authFailed = (error as ChorusError).name === 'auth_failed';
        this.lose({ reason: (error as ChorusError).message, error, neverWorked: !this.worked && !authFailed, terminal, authFailed });
        return;
      }
      if (!current()) return;
      this.worked = true;
      this.markUp();
      this.ctx.sink.heard();
      this.deliver(query, answer, current);
      if (!current()) return;
      this.saved = { key: query.channelKey, token: answer.positions };
    }
  }

  private deliver(query: StreamQuery, answer: PollAnswer, current: () => boolean): void {
    const specs = query.specs;
    const listed = new Set<string>();
    this.accepted(query);
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
    const names = query.delivered;
    for (const name of [...this.announced]) if (!names.has(name)) this.announced.delete(name);
    for (const raw of answer.messages ?? []) {
      if (!current()) return; // a listener closed the client or changed the set
      const m: Message = toMessage(raw);
      if (names.has(m.channel)) this.ctx.sink.message(m);
    }
    for (const frame of answer.events ?? []) {
      if (!current()) return;
      this.onEvent(frame, query);
    }
  }

  protected stopReading(): void {
    this.controller?.abort();
    this.controller = undefined;
  }
}
