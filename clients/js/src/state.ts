import type { TransportKind } from './transports/transport.js';

/**
 * The connection state machine (README "Connection states"):
 *
 *   disconnected --connect()--> connecting --transport usable--> connected
 *        ^                          |                               |
 *        +------ after backoff -----+---- close / error / silence --+
 *   disconnected --offline or down for suspendAfterMs--> suspended --retry / online / visible--> connecting
 *   any --close code 4100-4199--> failed          any --close()--> closed          (both terminal)
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'suspended' | 'failed' | 'closed';

export interface StateReason {
  /** Human-readable cause, e.g. 'offline', 'upgraded', a close reason. */
  readonly reason: string;
  /** The transport concerned, when there is one. */
  readonly transport?: TransportKind;
  /** The WebSocket close code, when a close caused the change. */
  readonly closeCode?: number;
  readonly error?: unknown;
  /** When another attempt is scheduled: the delay before it, in ms. */
  readonly retryInMs?: number;
}

const NEXT: Record<ConnectionState, readonly ConnectionState[]> = {
  disconnected: ['connecting', 'suspended', 'failed', 'closed', 'disconnected'],
  connecting: ['connected', 'disconnected', 'suspended', 'failed', 'closed'],
  connected: ['disconnected', 'suspended', 'failed', 'closed'],
  suspended: ['connecting', 'suspended', 'failed', 'closed'],
  failed: [],
  closed: [],
};

export function isTerminal(state: ConnectionState): boolean {
  return state === 'failed' || state === 'closed';
}

/** Whether the machine allows `from -> to`; the connection asserts every change it makes. */
export function canMove(from: ConnectionState, to: ConnectionState): boolean {
  return NEXT[from].includes(to);
}
