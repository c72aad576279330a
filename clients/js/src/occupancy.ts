import { Emitter } from './emitter.js';
import type { ChorusError } from './errors.js';
import { type FeatureHost, readChannelState } from './requests.js';

/** How many are on a channel: subscriptions across all pods, and presence members. */
export interface OccupancyCounts {
  readonly channel: string;
  readonly subscribers: number;
  readonly members: number;
}

export type OccupancyListener = (counts: OccupancyCounts) => void;

export type OccupancyEvents = {
  /** The server refused occupancy on this channel: the listeners were removed. */
  failed: (error: ChorusError) => void;
};

/**
 * A channel's counts (PROTOCOL.md "Occupancy"). Subscribing makes the channel's server
 * subscription carry `occupancy: true`: one count after `subscribed`, then one whenever the counts
 * changed, at most once per `presence.occupancyInterval` (1 s by default), on every transport
 * (SSE and long-polling: `occupancy=` on the stream).
 */
export class Occupancy {
  readonly events: Emitter<OccupancyEvents>;
  private readonly listeners = new Set<OccupancyListener>();
  private last?: OccupancyCounts;

  constructor(
    readonly channel: string,
    private readonly host: FeatureHost,
  ) {
    this.events = new Emitter<OccupancyEvents>((e) => host.onListenerError(e));
  }

  /** Adds a listener for the counts; returns the function that removes it. */
  subscribe(listener: OccupancyListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.host.want('occupancy', true);
    return () => this.unsubscribe(listener);
  }

  unsubscribe(listener?: OccupancyListener): void {
    if (listener) this.listeners.delete(listener);
    else this.listeners.clear();
    if (this.listeners.size === 0) {
      this.last = undefined;
      this.host.want('occupancy', false);
    }
  }

  on<K extends keyof OccupancyEvents & string>(event: K, listener: OccupancyEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** The last counts received while subscribed. */
  get current(): OccupancyCounts | undefined {
    return this.last;
  }

  /** The counts now: an `occupancy` request on the WebSocket, else `GET /v1/channels/{channel}/occupancy`. */
  get(): Promise<OccupancyCounts> {
    return readChannelState<OccupancyCounts>(this.host, this.channel, 'occupancy');
  }

  // ---- from the client ----

  onFrame(frame: Record<string, unknown>): void {
    if (this.listeners.size === 0) return;
    const counts: OccupancyCounts = {
      channel: this.channel,
      subscribers: typeof frame.subscribers === 'number' ? frame.subscribers : 0,
      members: typeof frame.members === 'number' ? frame.members : 0,
    };
    this.last = counts;
    for (const listener of [...this.listeners]) {
      try {
        listener(counts);
      } catch (error) {
        this.host.onListenerError(error);
      }
    }
  }

  onFailed(error: ChorusError): void {
    if (this.listeners.size === 0) return;
    this.listeners.clear();
    this.last = undefined;
    this.events.emit('failed', error);
  }
}
