import type { Backoff } from './backoff.js';
import { type Clock, Timer } from './clock.js';
import { type Deferred, deferred } from './deferred.js';
import { ChorusError } from './errors.js';
import type { PublishOutcome, Transport } from './transports/transport.js';

export interface PublishRequest {
  readonly channel: string;
  readonly id: string;
  readonly name?: string;
  readonly data: unknown;
}

interface Pending {
  readonly request: PublishRequest;
  readonly result: Deferred<string>;
  readonly retryTimer: Timer;
  sentBefore: boolean;
  /** Bumped by every send, so that the outcome of an earlier attempt is ignored. */
  attempt: number;
  retries: number;
}

/**
 * Publishes waiting for their ack. A publish stays here until the server acknowledges it or refuses
 * it for good; after every (re)connect, on whatever transport, the ones without an answer are sent
 * again in their original order with the same id and `retry: true` (WebSocket) or the same
 * Idempotency-Key (HTTP), so the gateway acknowledges the record if the first attempt reached Kafka
 * instead of writing it twice. Retryable errors, and HTTP requests that failed on the network while
 * the transport stayed up, are retried with backoff up to the retry limit; resends after a reconnect
 * do not count against it, since the publish did not fail, the connection did.
 */
export class Publisher {
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly link: { transport(): Transport | undefined },
    private readonly backoff: Backoff,
    private readonly clock: Clock,
    private readonly retryLimit: number,
    private readonly maxInFlight: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  publish(request: PublishRequest): Promise<string> {
    const result = deferred<string>();
    if (this.pending.size >= this.maxInFlight) {
      result.reject(new ChorusError('busy', `${this.maxInFlight} publishes are already waiting for their ack (maxPublishesInFlight)`));
      return result.promise;
    }
    const p: Pending = { request, result, retryTimer: new Timer(this.clock), sentBefore: false, attempt: 0, retries: 0 };
    this.pending.add(p);
    this.send(p);
    return result.promise;
  }

  onConnected(): void {
    for (const p of [...this.pending]) {
      p.retryTimer.cancel();
      this.send(p);
    }
  }

  failAll(why: ChorusError): void {
    for (const p of [...this.pending]) this.finish(p, why);
  }

  private send(p: Pending): void {
    const transport = this.link.transport();
    if (!transport) return; // onConnected sends it
    const attempt = ++p.attempt;
    const retry = p.sentBefore;
    p.sentBefore = true;
    transport.publish({ ...p.request, retry }, (outcome) => {
      if (attempt === p.attempt && this.pending.has(p)) this.onOutcome(p, outcome);
    });
  }

  private onOutcome(p: Pending, outcome: PublishOutcome): void {
    if ('ack' in outcome) {
      this.finish(p, undefined, outcome.ack.position);
    } else if ('error' in outcome) {
      if (outcome.error.retryable) this.retryLater(p, outcome.error);
      else this.finish(p, outcome.error);
    } else if (this.link.transport()) {
      // Dropped while the transport is still up: an HTTP publish failed on the network alone.
      this.retryLater(p, new ChorusError('network_error', 'the publish request failed', 0, true));
    }
    // Dropped with the connection: onConnected resends it.
  }

  private retryLater(p: Pending, error: ChorusError): void {
    if (p.retries >= this.retryLimit) {
      this.finish(p, new ChorusError(error.name, `${error.message} (gave up after ${p.retries} retries)`, error.code, error.retryable));
      return;
    }
    const wait = Math.max(this.backoff.delay(p.retries++), error.retryAfterMs ?? 0);
    p.retryTimer.set(wait, () => this.send(p));
  }

  private finish(p: Pending, error?: ChorusError, position?: string): void {
    if (!this.pending.delete(p)) return;
    p.retryTimer.cancel();
    if (error) p.result.reject(error);
    else p.result.resolve(position as string);
  }
}
