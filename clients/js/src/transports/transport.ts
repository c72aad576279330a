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

/** What one channel needs from the server now: resume after `since`, else replay `rewind`, else live. */
export interface ChannelSpec {
  readonly name: string;
  readonly since?: string;
  readonly rewind?: number;
}

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
}

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
}
