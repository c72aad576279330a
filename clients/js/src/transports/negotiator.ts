import type { TransportKind } from './transport.js';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** What worked, per gateway URL, for every client of this page or process. */
const remembered = new Map<string, TransportKind>();

/**
 * Chooses the transport: the configured order (best first) less those the platform lacks, starting
 * from the one that last worked for this gateway (in memory, and in localStorage so that a page
 * reload behind a proxy that blocks WebSocket does not wait for WebSocket to fail again). A transport
 * that fails before it is usable hands over to the next one, wrapping around, so an outage tries
 * them all; a connected client on a lesser transport probes the better ones (`upgradeCandidate`).
 */
export class Negotiator {
  private readonly kinds: TransportKind[];
  private index = 0;

  constructor(
    order: readonly TransportKind[],
    available: (kind: TransportKind) => boolean,
    private readonly key: string,
    private readonly store: Store | undefined,
  ) {
    this.kinds = order.filter((k, i) => order.indexOf(k) === i && available(k));
    const last = remembered.get(key) ?? this.read();
    if (last && this.kinds.includes(last)) this.index = this.kinds.indexOf(last);
  }

  get usable(): readonly TransportKind[] {
    return this.kinds;
  }

  current(): TransportKind | undefined {
    return this.kinds[this.index];
  }

  /** The current transport failed before it was usable: the next attempt uses the next one. */
  failed(): void {
    if (this.kinds.length > 0) this.index = (this.index + 1) % this.kinds.length;
  }

  succeeded(kind: TransportKind): void {
    this.index = Math.max(0, this.kinds.indexOf(kind));
    remembered.set(this.key, kind);
    try {
      this.store?.setItem(this.storageKey(), kind);
    } catch {
      // A full or forbidden storage only costs the memory across reloads.
    }
  }

  /** The best transport above the current one, to probe while connected; undefined on the best. */
  upgradeCandidate(): TransportKind | undefined {
    return this.index > 0 ? this.kinds[0] : undefined;
  }

  private read(): TransportKind | undefined {
    try {
      return (this.store?.getItem(this.storageKey()) as TransportKind | null) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private storageKey(): string {
    return `chorus.transport:${this.key}`;
  }
}

/** Test hook: forget what worked, as a new page would. */
export function forgetTransports(): void {
  remembered.clear();
}
