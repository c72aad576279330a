import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../.build/src/backoff.js';
import { seeded } from '../support/fake-clock.mjs';

test('the ceiling doubles from the initial delay and stops at the cap', () => {
  const b = new Backoff(250, 10_000, seeded(1));
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => b.ceiling(n)), [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('the ceiling of a very long outage is the cap, not Infinity or NaN', () => {
  const b = new Backoff(250, 10_000, seeded(1));
  assert.equal(b.ceiling(60), 10_000);
  assert.equal(b.ceiling(1000), 10_000);
});

test('full jitter: every delay lies in [0, ceiling] and the draws cover the whole interval', () => {
  const b = new Backoff(100, 800, seeded(42));
  for (const attempt of [0, 1, 2, 3, 10]) {
    const draws = Array.from({ length: 2000 }, () => b.delay(attempt));
    const ceiling = b.ceiling(attempt);
    assert.ok(draws.every((d) => Number.isInteger(d) && d >= 0 && d <= ceiling), `attempt ${attempt}`);
    // Uniform over [0, ceiling]: both ends of the interval are reached, the mean is near the middle.
    assert.ok(Math.min(...draws) <= ceiling * 0.02, `low end reached at attempt ${attempt}`);
    assert.ok(Math.max(...draws) >= ceiling * 0.98, `high end reached at attempt ${attempt}`);
    const mean = draws.reduce((a, d) => a + d, 0) / draws.length;
    assert.ok(Math.abs(mean - ceiling / 2) < ceiling * 0.05, `mean ${mean} at attempt ${attempt}`);
  }
});

test('the same seed gives the same delays', () => {
  const a = new Backoff(250, 10_000, seeded(7));
  const b = new Backoff(250, 10_000, seeded(7));
  assert.deepEqual([0, 1, 2, 3].map((n) => a.delay(n)), [0, 1, 2, 3].map((n) => b.delay(n)));
});

test('nonsensical bounds are refused', () => {
  assert.throws(() => new Backoff(0, 100, Math.random), RangeError);
  assert.throws(() => new Backoff(500, 100, Math.random), RangeError);
  assert.throws(() => new Backoff(100, 1000, Math.random).ceiling(-1), RangeError);
});
