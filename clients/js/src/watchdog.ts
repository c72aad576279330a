import { type Clock, Timer } from './clock.js';

/**
 * Declares a connection dead when nothing arrived for a while: before it is usable, the connect
 * timeout; then the server's `heartbeatMs` plus a margin (the server pings every heartbeatMs, so a
 * longer silence means a half-open TCP connection that the OS may not notice for many minutes).
 *
 * One timer per silence period rather than one per frame: each frame only records the time, and the
 * timer, when it fires early, re-arms itself for the rest.
 */
export class Watchdog {
  private readonly timer: Timer;
  private timeoutMs = 0;
  private lastHeard = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onSilence: () => void,
  ) {
    this.timer = new Timer(clock);
  }

  /** Starts a silence period; `timeoutMs <= 0` turns the watchdog off. */
  arm(timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
    this.lastHeard = this.clock.now();
    if (timeoutMs > 0) this.timer.set(timeoutMs, () => this.check());
    else this.timer.cancel();
  }

  heard(): void {
    this.lastHeard = this.clock.now();
  }

  stop(): void {
    this.timer.cancel();
  }

  private check(): void {
    const silent = this.clock.now() - this.lastHeard;
    if (silent >= this.timeoutMs) this.onSilence();
    else this.timer.set(this.timeoutMs - silent, () => this.check());
  }
}
