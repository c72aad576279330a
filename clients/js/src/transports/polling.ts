import type { ChorusError } from '../errors.js';
import { type Message, type SubscribedFrame, toMessage } from '../frames.js';
import { HttpTransport } from './http-transport.js';
import { isTerminalAuthError } from './rewind.js';
import type { StreamQuery, WatchesSeen } from './stream-query.js';
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
 * coming back between two polls is never missed. Likewise it says what the application last saw of
 * each watch (`presenceSeen`: the `digest` of the last `presence_sync` or `presence_event` delivered;
 * `occupancySeen`: the last counts), so a member who entered, or counts that changed, between two
 * polls answer the next poll at once instead of riding along with its answer up to a poll timeout later.
 */
export class PollingTransport extends HttpTransport {
  readonly kind = 'polling' as const;
  private controller?: AbortController;
  /** The positions token of the last answer, for the channel set (`channelKey`) it was made for. */
  private saved?: { key: string; token: string | undefined };
  private readonly announced = new Set<string>();
  /** What was delivered last per watched channel (see `WatchesSeen`); cleared for channels no longer watched. */
  private readonly seenMembers = new Map<string, string>();
  private readonly seenCounts = new Map<string, string>();
  private readonly seen: WatchesSeen = {
    members: (channel) => this.seenMembers.get(channel),
    counts: (channel) => this.seenCounts.get(channel),
  };

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
      this.forgetUnwatched(query);
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
        const url = `/v1/poll?${query.query(token, undefined, confirm, this.ctx.streamState(), this.seen)}`;
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
      this.saw(frame, query);
    }
  }

  /** Records what a delivered watch frame told the application. */
  private saw(frame: Record<string, unknown>, query: StreamQuery): void {
    const channel = frame.channel;
    if (typeof channel !== 'string' || !query.delivered.has(channel)) return;
    if (frame.type === 'presence_sync' || frame.type === 'presence_event') {
      // A gateway without digests: say nothing seen, which asks a newer one for the list at once.
      if (typeof frame.digest === 'string') this.seenMembers.set(channel, frame.digest);
      else this.seenMembers.delete(channel);
    } else if (frame.type === 'occupancy' && typeof frame.subscribers === 'number' && typeof frame.members === 'number') {
      this.seenCounts.set(channel, `${frame.subscribers}:${frame.members}`);
    }
  }

  /** A watch that stopped starts again from nothing seen: its next list is news. */
  private forgetUnwatched(query: StreamQuery): void {
    const watched = (p: 'presence' | 'occupancy') => new Set(query.specs.filter((s) => s[p]).map((s) => s.name));
    const presence = watched('presence');
    const occupancy = watched('occupancy');
    for (const ch of [...this.seenMembers.keys()]) if (!presence.has(ch)) this.seenMembers.delete(ch);
    for (const ch of [...this.seenCounts.keys()]) if (!occupancy.has(ch)) this.seenCounts.delete(ch);
  }

  protected stopReading(): void {
    this.controller?.abort();
    this.controller = undefined;
  }
}
