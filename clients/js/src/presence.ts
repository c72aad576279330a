import { Emitter } from './emitter.js';
import type { ChorusError } from './errors.js';
import { type Member, MemberMap, type PresenceEvent, type PresenceSet } from './members.js';
import { Membership } from './membership.js';
import { type FeatureHost, readChannelState } from './requests.js';
import type { Transport } from './transports/transport.js';

export type PresenceListener = (event: PresenceEvent) => void;

export type PresenceEvents = {
  /**
   * A `presence_sync` replaced the member list: after the first subscribe and after every
   * reconnect. The differences were reported to the listeners as events just before.
   */
  sync: (set: PresenceSet) => void;
  /** The server refused presence on this channel (e.g. `forbidden`): the listeners were removed. */
  failed: (error: ChorusError) => void;
};

/**
 * Who is on a channel (PROTOCOL.md "Presence and occupancy"): this connection's own presence
 * (`enter`, `update`, `leave`) and the member list with its events, on every transport. On SSE and
 * long-polling a `leave` resolves once the stream without the channel is open, but other clients see
 * the leave only after the server's presence grace period (15 s by default): a stream has no
 * upstream to say "leave now", so the server cannot tell a leave from a reconnect.
 *
 * Subscribing makes the channel's one server subscription carry `presence: true` (subscribing it
 * when the channel has no message listener). The SDK keeps the list from `presence_sync` and
 * `presence_event`; after a reconnect the fresh `presence_sync` replaces it and the listeners hear
 * only the differences, so a member that stayed through the cut is neither left nor entered. On
 * long-polling every answer carries a fresh `presence_sync`, diffed the same way (and a `sync` event).
 */
export class Presence {
  readonly events: Emitter<PresenceEvents>;
  private readonly map = new MemberMap();
  private readonly listeners = new Set<PresenceListener>();
  private readonly membership: Membership;
  private isSynced = false;

  constructor(
    readonly channel: string,
    private readonly host: FeatureHost,
  ) {
    this.events = new Emitter<PresenceEvents>((e) => host.onListenerError(e));
    this.membership = new Membership(channel, {
      transport: () => host.transport(),
      isTerminal: () => host.isTerminal(),
      report: (e) => host.onListenerError(e),
    });
  }

  /**
   * Enters this client into the channel's members, with `data` (any JSON, 1 KiB by default on the
   * server). Resolves once the server stored it. The SDK enters again by itself after a reconnect.
   */
  enter(data?: unknown): Promise<void> {
    return this.membership.write('enter', data);
  }

  /** Changes this member's data (entering if it had not). */
  update(data: unknown): Promise<void> {
    return this.membership.write('update', data);
  }

  /** Leaves; rejects with `not_present` (40403) when this connection had not entered. */
  leave(): Promise<void> {
    return this.membership.write('leave', undefined);
  }

  /** Whether this client asked to be entered (and has not left since). */
  get entered(): boolean {
    return this.membership.entered;
  }

  /**
   * Adds a listener for `enter`, `update` and `leave` events; returns the function that removes it.
   * The first listener subscribes the channel with presence; its first `presence_sync` reports the
   * members already there as `enter` events.
   */
  subscribe(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.host.want('presence', true);
    return () => this.unsubscribe(listener);
  }

  /** Removes one listener, or all; without listeners the member list is no longer kept. */
  unsubscribe(listener?: PresenceListener): void {
    if (listener) this.listeners.delete(listener);
    else this.listeners.clear();
    if (this.listeners.size === 0) this.stopListening();
  }

  on<K extends keyof PresenceEvents & string>(event: K, listener: PresenceEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** The members as the SDK knows them (kept while subscribed; check `synced`). */
  get members(): Member[] {
    return this.map.snapshot(this.channel).members;
  }

  /** True while subscribed and the list is current (a `presence_sync` came on this connection). */
  get synced(): boolean {
    return this.isSynced;
  }

  /**
   * The current members: the SDK's own list when it is subscribed and synced, else a `presence`
   * request on the WebSocket, else `GET /v1/channels/{channel}/presence` (SSE, long-polling, or
   * disconnected).
   */
  get(): Promise<PresenceSet> {
    if (this.isSynced) return Promise.resolve(this.map.snapshot(this.channel));
    return readChannelState<PresenceSet>(this.host, this.channel, 'presence');
  }

  // ---- from the client ----

  onFrame(frame: Record<string, unknown>): void {
    if (this.listeners.size === 0) return;
    if (frame.type === 'presence_sync') {
      const changes = this.map.sync(frame);
      this.isSynced = true;
      changes.forEach((e) => this.tell(e));
      this.events.emit('sync', this.map.snapshot(this.channel));
    } else {
      const e = this.map.apply(frame as { action?: unknown; member?: unknown });
      if (e) this.tell(e);
    }
  }

  /** The member data while this client wants to be entered here, else undefined (for `enter=`). */
  wantedData(): unknown {
    return this.membership.wantedData;
  }

  onConnected(t: Transport): void {
    this.membership.connected(t);
  }

  /** The list is kept, to be compared with the next `presence_sync`, but is no longer current. */
  onDisconnected(): void {
    this.isSynced = false;
  }

  /** The server refused the presence subscription. */
  onFailed(error: ChorusError): void {
    if (this.listeners.size === 0) return;
    this.listeners.clear();
    this.map.clear();
    this.isSynced = false;
    this.events.emit('failed', error);
  }

  onEnded(error: ChorusError): void {
    this.membership.ended(error);
    this.listeners.clear();
    this.map.clear();
    this.isSynced = false;
  }

  private stopListening(): void {
    this.map.clear();
    this.isSynced = false;
    this.host.want('presence', false);
  }

  private tell(event: PresenceEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.host.onListenerError(error);
      }
    }
  }
}
