/** The wire objects of PROTOCOL.md that the SDK reads, as every transport carries them. */

export interface Message {
  readonly channel: string;
  /** The message's serial; pass it as `since` to resume after it. */
  readonly position: string;
  /** The `chorus-id` header, or the position when the record has none. */
  readonly id: string;
  readonly name?: string;
  /** The record value when it is JSON; its bytes in base64 when `encoding` is 'base64'. */
  readonly data: unknown;
  readonly encoding?: 'base64';
  /** Kafka record timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

export interface SubscribedFrame {
  readonly channel: string;
  readonly position: string;
  /** Present only in answer to a `since`. */
  readonly resumed?: boolean;
  readonly reason?: string;
}

export interface ConnectedFrame {
  readonly connectionId?: string;
  readonly clientId?: string;
  readonly heartbeatMs?: number;
  readonly limits?: { readonly maxFrameBytes?: number; readonly maxMessageBytes?: number };
}

export interface AckFrame {
  readonly id: string;
  readonly position: string;
  readonly duplicate: boolean;
}

/** Strips the wire `type` (and a WebSocket `ref`) so applications see one message shape everywhere. */
export function toMessage(frame: Record<string, unknown>): Message {
  const { type: _type, ref: _ref, ...rest } = frame;
  return rest as unknown as Message;
}
