// ably-js clients pointed at the test gateway, and a recorder of what a channel delivers.
import assert from 'node:assert/strict';
import * as Ably from 'ably';
import { waitFor } from './wait.mjs';

/** Every client a test file made, closed in its after() hook. */
const made = [];

/**
 * The options an app changes to move from Ably to Chorus: host, port, tls and a key. The tests pick
 * JSON unless they ask for MessagePack (msgpack.test.mjs), so a frame in a log is readable.
 */
export function ablyOptions(gw, key, extra = {}) {
  return { key, realtimeHost: '127.0.0.1', port: gw.port, tls: false, useBinaryProtocol: false, logLevel: 0, ...extra };
}

export function realtime(gw, key, extra = {}) {
  const client = new Ably.Realtime(ablyOptions(gw, key, extra));
  made.push(client);
  return client;
}

export async function connected(gw, key, extra = {}) {
  const client = realtime(gw, key, extra);
  await client.connection.once('connected');
  return client;
}

export function closeAll() {
  for (const c of made.splice(0)) {
    try {
      c.close();
    } catch {
      // already failed or closed
    }
  }
}

/** Resolves with the connection's failure (the state change's reason) or rejects if it connects. */
export function failure(client) {
  return new Promise((resolve, reject) => {
    client.connection.once('failed', (change) => resolve(change.reason));
    client.connection.once('connected', () => reject(new Error('connected, but a refusal was expected')));
  });
}

/** Records the messages of one subscription, in arrival order. */
export class Recorder {
  messages = [];
  listener = (m) => this.messages.push(m);

  async waitForCount(n, what = `${n} messages`) {
    await waitFor(() => this.messages.length >= n, { timeoutMs: 20_000, what });
  }

  /** Exactly these data values arrived, in this order (call after a sentinel proved the channel quiet). */
  assertData(expected) {
    assert.deepEqual(this.messages.map((m) => m.data), expected);
  }
}

/** Publishes a sentinel and waits for it: everything published before it has arrived by then. */
export async function quiet(channel, recorder) {
  const marker = `sentinel-${Math.random().toString(36).slice(2)}`;
  await channel.publish('sentinel', marker);
  await waitFor(() => recorder.messages.some((m) => m.data === marker), { timeoutMs: 20_000, what: 'the sentinel' });
  recorder.messages = recorder.messages.filter((m) => m.data !== marker);
}
