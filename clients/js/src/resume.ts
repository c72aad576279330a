import { isAfter } from './positions.js';

/**
 * The resume bookkeeping, per channel: the position of the last message handed to the application,
 * or, before the first, the position delivery starts at. It is the `since` of every re-subscribe on
 * any transport (positions are universal), and the bar every message must clear: one at or below it
 * on the same log was delivered already and is dropped, so neither a resume, nor a transport switch,
 * nor two gateway pods answering the same request ever show the application a duplicate.
 */
export class ResumeTracker {
  private readonly marks = new Map<string, string>();

  last(channel: string): string | undefined {
    return this.marks.get(channel);
  }

  /** Sets the mark unconditionally (a `since` asked for, or a continuity break); undefined forgets. */
  reset(channel: string, position: string | undefined): void {
    if (position === undefined) this.marks.delete(channel);
    else this.marks.set(channel, position);
  }

  /**
   * Moves the mark forward only. A `subscribed` answer to a request that was built from older
   * positions (a probe opened before the old transport delivered more) must not move it back, or
   * the messages in between would be delivered twice.
   */
  advance(channel: string, position: string): void {
    const prev = this.marks.get(channel);
    if (prev === undefined || isAfter(position, prev)) this.marks.set(channel, position);
  }

  /** True, and the mark advances, when the message is new; false when it must be dropped. */
  accept(channel: string, position: string): boolean {
    const prev = this.marks.get(channel);
    if (prev !== undefined && !isAfter(position, prev)) return false;
    this.marks.set(channel, position);
    return true;
  }

  forget(channel: string): void {
    this.marks.delete(channel);
  }
}
