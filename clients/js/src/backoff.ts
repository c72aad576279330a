/**
 * Delays for reconnects and retries: exponential from `initialMs`, capped at `maxMs`, with full
 * jitter, i.e. a uniform draw in [0, min(max, initial * 2^attempt)].
 *
 * Full jitter rather than "delay plus or minus 10 %" because disconnects come in waves: when a
 * gateway pod drains, all of its clients lose their socket in the same instant, and only a draw over
 * the whole interval spreads their reconnects out instead of moving the spike a little later.
 */
export class Backoff {
  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
    private readonly random: () => number,
  ) {
    if (!(initialMs >= 1 && maxMs >= initialMs)) {
      throw new RangeError(`need 1 <= backoff initial <= max, got ${initialMs} and ${maxMs}`);
    }
  }

  /** The upper bound of the draw for an attempt (0 for the first retry). */
  ceiling(attempt: number): number {
    if (attempt < 0) throw new RangeError(`attempt must be >= 0, was ${attempt}`);
    // Compare before multiplying: 2^attempt overflows to Infinity after a long outage.
    return attempt >= 52 || this.initialMs > this.maxMs / 2 ** attempt
      ? this.maxMs
      : this.initialMs * 2 ** attempt;
  }

  /** A delay drawn uniformly from [0, ceiling(attempt)], in whole milliseconds. */
  delay(attempt: number): number {
    return Math.floor(this.random() * (Math.floor(this.ceiling(attempt)) + 1));
  }
}
