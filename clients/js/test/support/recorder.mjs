// Records what one SDK client delivers, per channel, and checks it: in order, nothing twice.
import assert from 'node:assert/strict';
import { waitFor } from './wait.mjs';

export class Recorder {
  constructor() {
    this.messages = [];
    this.listener = (m) => this.messages.push(m);
  }

  get data() {
    return this.messages.map((m) => m.data);
  }

  async waitForCount(n, timeoutMs = 20_000) {
    await waitFor(() => this.messages.length >= n, { timeoutMs, what: `${n} messages (have ${this.messages.length})` });
  }

  /** Exactly these payloads, in this order: nothing lost, nothing doubled. */
  assertExactly(expected) {
    assert.deepEqual(this.data, expected);
    const positions = this.messages.map((m) => m.position);
    assert.equal(new Set(positions).size, positions.length, 'a position was delivered twice');
  }
}

export const numbered = (from, to, tag = 'n') => Array.from({ length: to - from + 1 }, (_, i) => ({ [tag]: from + i }));
