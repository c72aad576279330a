import { positionsToken } from '../positions.js';
import type { ChannelSpec } from './transport.js';

/**
 * What one SSE stream or long-poll asks for (PROTOCOL.md "Fallback transports"): the subscribed
 * channels with their watches (`presence=`, `occupancy=`) and the channels this client is entered in
 * (`enter=`, a JSON object of channel to member data). HTTP transports have no upstream, so every
 * change to any of these is a new stream or poll: `key` says when one is needed.
 *
 * The server wants at least one channel per request. A client that is entered somewhere but
 * subscribed nowhere asks for its first entered channel as a live channel; the messages that brings
 * are not delivered (`delivered` lists only the subscribed channels).
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
    const carrier = names.length === 0 ? [...this.entered.keys()].slice(0, 1) : [];
    this.channels = [...names, ...carrier];
    this.channelKey = [...specs.map((s) => (s.rewind && s.since === undefined ? `${s.name}~${s.rewind}` : s.name)), ...carrier].join(' ');
    const watches = specs.map((s) => `${s.presence ? 'p' : ''}${s.occupancy ? 'o' : ''}`).join(' ');
    this.key = `${this.channelKey}|${watches}|${this.enterParam() ?? ''}`;
  }

  /** Nothing to stream: no channel subscribed, none entered. */
  get empty(): boolean {
    return this.channels.length === 0;
  }

  /** The positions token from the SDK's own positions (the carrier channel, if any, is live). */
  ownPositions(): string | undefined {
    return positionsToken([...this.specs.map((s) => s.since), ...this.channels.slice(this.specs.length).map(() => undefined)]);
  }

  /** `channel=A&channel=B[&presence=A][&occupancy=B][&enter={…}][&positions=TOKEN][&token=JWT]`. */
  query(positions: string | undefined, token?: string): string {
    const q = new URLSearchParams();
    for (const c of this.channels) q.append('channel', c);
    for (const s of this.specs) if (s.presence) q.append('presence', s.name);
    for (const s of this.specs) if (s.occupancy) q.append('occupancy', s.name);
    const enter = this.enterParam();
    if (enter !== undefined) q.set('enter', enter);
    if (positions !== undefined) q.set('positions', positions);
    if (token) q.set('token', token);
    return q.toString();
  }

  private enterParam(): string | undefined {
    if (this.entered.size === 0) return undefined;
    return `{${[...this.entered].map(([channel, data]) => `${JSON.stringify(channel)}:${data}`).join(',')}}`;
  }
}
