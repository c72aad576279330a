// Waiting for a condition with a deadline: the only way these tests synchronize with real servers.
import { setTimeout as delay } from 'node:timers/promises';

export async function waitFor(condition, { timeoutMs = 15_000, what = 'condition', everyMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}
