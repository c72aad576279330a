import { positionsToken } from '../positions.js';
import type { ChannelSpec } from './transport.js';

/** What a long-poll's client last saw of its watches: a member list's `digest`, counts as `subscribers:members`. */
export interface WatchesSeen {
  members(channel: string): string | undefined;
  counts(channel: string): string | undefined;
}

/**
 * What one SSE stream or long-poll asks for (PROTOCOL.md "Fallback transports"): the subscribed
 * channels with their watches (`presence=`, `occupancy=`) and the channels this client is entered in
 * (`enter=`, a JSON object of channel to member data). HTTP transports have no upstream, so every
 * change to any of these is a new stream or poll: `key` says when one is needed.
 *
 * A client that is entered somewhere but subscribed nowhere sends no channel at all: the server
 * takes a request that only enters.
 */
export class StreamQuery {
  /** The request's `channel` parameters, in order. */
  readonly channels: readonly string[];
  /** The channels whose messages and frames the application asked for. */
  readonly delivered: ReadonlySet<string>;
  /** Channel to member data as JSON text, as `enter=` carries it. */
  readonly entered: ReadonlyMap<string, string>;
  /** Changes with the channel set (and pending rewinds): a positions token is valid for one set. */
  readonly channelKey: string;
  /** Changes with anything in the query but positions and token. */
  readonly key: string;

  constructor(
    readonly specs: readonly ChannelSpec[],
    entered: ReadonlyMap<string, unknown>,
  ) {
    this.entered = new Map([...entered].map(([channel, data]) => [channel, JSON.stringify(data ?? null)]));
    const names = specs.map((s) => s.name);
    this.delivered = new Set(names);
    this.channels = names;
    this.channelKey = specs.map((s) => (s.rewind && s.since === undefined ? `${s.name}~${s.rewind}` : s.name)).join(' ');
    const watches = specs.map((s) => `${s.presence ? 'p' : ''}${s.occupancy ? 'o' : ''}`).join(' ');
    this.key = `${this.channelKey}|${watches}|${this.enterParam() ?? ''}`;
  }

  /** Nothing to stream: no channel subscribed, none entered. */
  get empty(): boolean {
    return this.channels.length === 0 && this.entered.size === 0;
  }

  /** The positions token from the SDK's own positions. */
  ownPositions(): string | undefined {
    return positionsToken(this.specs.map((s) => s.since));
  }

  /**
   * `channel=A&channel=B[&presence=A][&occupancy=B][&enter={…}][&positions=TOKEN][&token=JWT][&timeout=0][&stream=S]`
   * `[&presenceSeen=D,…][&occupancySeen=S:M,…]`;
   * `answerAtOnce` (long-polling): answer as soon as the channels started and the enters were stored;
   * `stream`: the stream state the client last saw; `seen` (long-polling): what it last saw of each
   * watch, so that a change between two polls answers the next one at once.
   */
  query(positions: string | undefined, token?: string, answerAtOnce = false, stream?: string, seen?: WatchesSeen): string {
    const q = new URLSearchParams();
    for (const c of this.channels) q.append('channel', c);
    for (const s of this.specs) if (s.presence) q.append('presence', s.name);
    for (const s of this.specs) if (s.occupancy) q.append('occupancy', s.name);
    const enter = this.enterParam();
    if (enter !== undefined) q.set('enter', enter);
    if (positions !== undefined) q.set('positions', positions);
    if (token) q.set('token', token);
    if (answerAtOnce) q.set('timeout', '0');
    if (stream !== undefined) q.set('stream', stream);
    if (seen) {
      // One entry per channel parameter, in order (like positions); empty: not watched, or nothing seen yet.
      if (this.specs.some((s) => s.presence)) q.set('presenceSeen', this.specs.map((s) => (s.presence ? seen.members(s.name) ?? '' : '')).join(','));
      if (this.specs.some((s) => s.occupancy)) q.set('occupancySeen', this.specs.map((s) => (s.occupancy ? seen.counts(s.name) ?? '' : '')).join(','));
    }
    return q.toString();
  }

  private enterParam(): string | undefined {
    if (this.entered.size === 0) return undefined;
    return `{${[...this.entered].map(([channel, data]) => `${JSON.stringify(channel)}:${data}`).join(',')}}`;
  }
}
