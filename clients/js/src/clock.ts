/**
 * Time for every delay in the SDK (backoff, watchdog, upgrade probes, suspension), injectable so that
 * tests drive it. The default reads the globals at call time, so node:test's mock timers work too.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One pending timer that can be replaced or cancelled; the common shape of every SDK delay. */
export class Timer {
  private handle: unknown;

  constructor(private readonly clock: Clock) {}

  get pending(): boolean {
    return this.handle !== undefined;
  }

  set(ms: number, fn: () => void): void {
    this.cancel();
    const handle = this.clock.setTimeout(() => {
      if (this.handle === handle) {
        this.handle = undefined;
        fn();
      }
    }, ms);
    this.handle = handle;
  }

  cancel(): void {
    if (this.handle !== undefined) {
      this.clock.clearTimeout(this.handle);
      this.handle = undefined;
    }
  }
}
