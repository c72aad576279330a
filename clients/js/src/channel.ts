import { Emitter } from './emitter.js';
import { type ChorusError, clientError } from './errors.js';
import { checkEventName, checkPosition, checkPublishId } from './names.js';
import { Occupancy } from './occupancy.js';
import { Presence } from './presence.js';
import type { Publisher } from './publisher.js';
import type { MessageListener, SubscribeOptions, SubscribeResult, Subscriptions } from './subscriptions.js';
import type { HistoryOptions, HistoryPage, Http } from './transports/http.js';
import type { Transport } from './transports/transport.js';

export type ChannelEvents = {
  /** A resubscribe could not continue where it stopped; delivery goes on from `position`. */
  continuity_lost: (reason: string | undefined, position: string) => void;
  /** The subscription ended for good (a non-retryable refusal, or retries exhausted). */
  failed: (error: ChorusError) => void;
};

/** What a Channel needs from its client. */
export interface ChannelHost {
  readonly subscriptions: Subscriptions;
  readonly publisher: Publisher;
  readonly http: Http | undefined;
  /** The transport in use while connected. */
  transport(): Transport | undefined;
  isTerminal(): boolean;
  newId(): string;
  onListenerError(error: unknown): void;
}

/** One channel of a client: subscribe with resume, publish with retries, read history, presence and occupancy. */
export class Channel {
  readonly events: Emitter<ChannelEvents>;
  /** Who is on the channel, and this client's own presence (see Presence). */
  readonly presence: Presence;
  /** How many are on the channel (see Occupancy). */
  readonly occupancy: Occupancy;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {
    this.events = new Emitter<ChannelEvents>((e) => host.onListenerError(e));
    const features = {
      http: host.http,
      want: (feature: 'presence' | 'occupancy', on: boolean) => host.subscriptions.want(name, feature, on),
      transport: () => host.transport(),
      isTerminal: () => host.isTerminal(),
      onListenerError: (e: unknown) => host.onListenerError(e),
    };
    this.presence = new Presence(name, features);
    this.occupancy = new Occupancy(name, features);
  }

  on<K extends keyof ChannelEvents & string>(event: K, listener: ChannelEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Delivers every message of the channel to `listener`, in order and once, across reconnects and
   * transports. Resolves with the server's first answer. A second call adds a listener to the
   * subscription that exists (its options are not used).
   */
  subscribe(listener: MessageListener, options: SubscribeOptions = {}): Promise<SubscribeResult> {
    try {
      if (this.host.isTerminal()) throw clientError('client_closed', 'the client is closed');
      if (options.since !== undefined) checkPosition(options.since, 'since');
      return this.host.subscriptions.add(this.name, listener, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Removes one message listener, or every one; the subscription ends with the last one (unless
   * presence or occupancy listeners still need it).
   */
  unsubscribe(listener?: MessageListener): void {
    this.host.subscriptions.remove(this.name, listener);
  }

  /** Whether the channel has a server subscription (for messages, presence or occupancy). */
  get subscribed(): boolean {
    return this.host.subscriptions.has(this.name);
  }

  /** The position of the last message delivered (or where delivery starts); a valid `since`. */
  get lastPosition(): string | undefined {
    return this.host.subscriptions.tracker.last(this.name);
  }

  /**
   * Resolves with the message's position once Kafka has it. Every publish carries an id (yours or
   * a random one), reused on every resend, so a retry never writes the message twice.
   */
  publish(name: string | undefined, data: unknown, options: { id?: string } = {}): Promise<string> {
    try {
      if (this.host.isTerminal()) throw clientError('client_closed', 'the client is closed');
      if (name !== undefined && name !== null) checkEventName(name);
      const id = options.id ?? this.host.newId();
      checkPublishId(id);
      return this.host.publisher.publish({ channel: this.name, id, name: name ?? undefined, data });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One page of history over HTTP, whatever the transport (PROTOCOL.md "HTTP API"). */
  history(options: HistoryOptions = {}): Promise<HistoryPage> {
    const http = this.host.http;
    if (!http) return Promise.reject(clientError('connection_failed', 'history needs fetch, which this platform lacks'));
    return http.history(this.name, options);
  }
}
