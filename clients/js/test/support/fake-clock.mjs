// A clock the tests drive: timers fire only inside advance(), in due order, so no test sleeps.
export class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.seq = 0;
    this.timers = new Map();
  }

  now() {
    return this.t;
  }

  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn, id });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  /** Delays of the pending timers, soonest first. */
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.t).sort((a, b) => a - b);
  }

  /** Moves time forward, firing every timer that falls due (also ones scheduled meanwhile). */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = [...this.timers.values()].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > end) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

/** Lets pending promise callbacks run (several turns: fetch fakes chain a few). */
export async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

/** A seeded PRNG (mulberry32): deterministic jitter in tests. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
