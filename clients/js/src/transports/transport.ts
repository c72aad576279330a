import type { Clock } from '../clock.js';
import type { ChorusError } from '../errors.js';
import type { AckFrame, Message, SubscribedFrame } from '../frames.js';
import type { Http } from './http.js';

/**
 * The one small contract between the connection and a transport (WebSocket, SSE, long-polling), so
 * that every rule about ordering, resume, dedup and retries lives once, above the transports. A
 * transport only moves frames: it asks `specs()` what to subscribe to, reports what arrives to its
 * sink, and after `close()` it reports nothing more.
 */
export type TransportKind = 'websocket' | 'sse' | 'polling';

/** Whether messages flow (`live`) or Kafka stopped answering the gateway (`stalled`). */
export type StreamState = 'live' | 'stalled';

/**
 * What one channel needs from the server now: resume after `since`, else replay `rewind`, else live;
 * with the member list and events (`presence`) and counts (`occupancy`) on the same subscription
 * (SSE and long-polling: `presence=`/`occupancy=` on the stream). `revision` changes whenever the
 * subscription must be made again with new flags: the WebSocket then unsubscribes and subscribes
 * from `since`, the HTTP transports reopen from the positions, losing nothing.
 */
export interface ChannelSpec {
  readonly name: string;
  readonly since?: string;
  readonly rewind?: number;
  readonly presence?: boolean;
  readonly occupancy?: boolean;
  readonly revision?: number;
}

/** A request frame without its `ref` (presence, occupancy, auth), and its outcome. */
export type RequestFrame = Readonly<Record<string, unknown>> & { readonly type: string };
export type RequestOutcome = { reply: Record<string, unknown> } | { error: ChorusError } | { dropped: true };

export interface PublishWire {
  readonly channel: string;
  readonly id: string;
  readonly name?: string;
  readonly data: unknown;
  /** This id may have been sent before (PROTOCOL.md "Publish ids and retries"). */
  readonly retry: boolean;
}

/** `dropped`: the connection went away before an answer; the outcome is unknown. */
export type PublishOutcome = { ack: AckFrame } | { error: ChorusError } | { dropped: true };

export interface OpenedInfo {
  /** The server's heartbeat interval, when the transport makes pings visible (WebSocket only). */
  readonly heartbeatMs?: number;
  readonly connectionId?: string;
  /** The authenticated client id (WebSocket `connected`). */
  readonly clientId?: string;
}

/** RFC 6455's normal closure (the client asked); the server's own codes are in vocabulary.ts. */
export const CLOSE_NORMAL = 1000;

export interface LostInfo {
  readonly reason: string;
  readonly closeCode?: number;
  readonly error?: unknown;
  /**
   * The transport's stream never worked, although the transport had reported `opened` (SSE and
   * long-polling are usable at once while there is no channel to stream): a connect failure.
   */
  readonly neverWorked?: boolean;
  /** Reconnecting cannot help (e.g. a refused token over HTTP): the client fails. */
  readonly terminal?: boolean;
  /**
   * No token could be had (the provider failed): not the transport's fault, so the next attempt
   * keeps the same transport, after the usual backoff.
   */
  readonly authFailed?: boolean;
}

export interface TransportSink {
  /** The transport is usable: WebSocket `connected`, SSE stream open, first poll answered. */
  opened(info: OpenedInfo): void;
  /** Anything arrived; feeds the watchdog. */
  heard(): void;
  /** The server's heartbeat interval, learnt after `opened` (SSE's `connected` event): arms the watchdog. */
  heartbeat(heartbeatMs: number): void;
  subscribed(frame: SubscribedFrame): void;
  message(message: Message): void;
  /** HTTP transports serve `rewind` from history: these messages, oldest first, precede the stream. */
  rewound(channel: string, messages: Message[]): void;
  /** The server refused a channel's subscription or ended it. */
  channelError(channel: string, error: ChorusError): void;
  /** A `stream` notice: Kafka stopped answering (`stalled`) or answers again (`live`). */
  stream(state: string, reason: string | undefined): void;
  /** `presence_sync` or `presence_event` of a subscribed channel. */
  presence(frame: Record<string, unknown>): void;
  /** An `occupancy` event (no `ref`) of a subscribed channel. */
  occupancy(frame: Record<string, unknown>): void;
  /** The server's `auth_expiring`: the token must be refreshed (in band, or by a new stream or poll). */
  authExpiring(expiresAt: number | undefined): void;
  /** Something went wrong that ends no request (an unreadable frame, an error without ref). */
  problem(error: unknown): void;
  lost(info: LostInfo): void;
}

export interface TransportContext {
  readonly baseUrl: string;
  readonly specs: () => ChannelSpec[];
  readonly sink: TransportSink;
  readonly http: Http;
  readonly clock: Clock;
  /** The current token, for the `token` query parameter of WebSocket and EventSource. */
  readonly token: () => Promise<string | undefined>;
  /**
   * The channels this client wants to be entered in, with their member data: the HTTP transports
   * carry them in `enter=` (the WebSocket sends `enter` requests instead).
   */
  readonly entered: () => ReadonlyMap<string, unknown>;
  /**
   * The stream state the application was last told (PROTOCOL.md "Stream notices"): every transport
   * sends it as `stream=` when it opens a session, so that a notice the client missed between two
   * polls or while reconnecting comes with the next one.
   */
  readonly streamState: () => StreamState;
  /** Client-side bound of one long-poll request (the server answers within poll.timeout). */
  readonly pollRequestTimeoutMs: number;
}

export interface Transport {
  readonly kind: TransportKind;
  open(): void;
  /** Quiet close: no sink call follows. Publishes in flight are reported `dropped`. */
  close(): void;
  /** The channel set or a channel's spec changed: subscribe, unsubscribe or reopen as needed. */
  sync(): void;
  publish(wire: PublishWire, done: (outcome: PublishOutcome) => void): void;
  /**
   * A request answered by one reply (enter, update, leave, presence, occupancy, auth). The WebSocket
   * sends it with a `ref`. The HTTP transports take enter, update, leave and auth by opening a new
   * stream or poll (see StreamWrites) and answer `websocket_required` to the others.
   */
  request(frame: RequestFrame, done: (outcome: RequestOutcome) => void): void;
}
