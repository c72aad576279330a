import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway } from '../support/gateway.mjs';
import { produce } from '../support/kcat.mjs';
import { startProxy } from '../support/proxy.mjs';
import { Recorder, numbered } from '../support/recorder.mjs';
import { waitFor } from '../support/wait.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name

// Node 20 has WebSocket only with --experimental-websocket (scripts/test-live.mjs passes it).
const WS = globalThis.WebSocket;
let gw;
const clients = [];
const client = (options) => {
  const c = new Chorus({ storage: null, WebSocket: WS, transports: ['websocket'], ...options });
  clients.push(c);
  return c;
};

before(async () => {
  assert.ok(WS, 'run with node --experimental-websocket (npm test does)');
  gw = await sharedGateway();
});
after(async () => {
  clients.forEach((c) => c.close());
  await gw?.release();
});

test('records a backend produces to Kafka reach a WebSocket subscriber in order', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const rec = new Recorder();
  const c = client({ url: gw.url });
  const ready = await c.channel(channel).subscribe(rec.listener);
  assert.match(ready.position, /^[A-Za-z0-9_-]{22}\.\d+\.8\.-1$/);
  await produce(gw.kafka, channel, numbered(1, 50));
  await rec.waitForCount(50);
  rec.assertExactly(numbered(1, 50));
  assert.equal(c.transport, 'websocket');
});

test('a publish is acknowledged with its position; the same id again is the same record', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const c = client({ url: gw.url });
  const rec = new Recorder();
  await c.channel(channel).subscribe(rec.listener);
  const p1 = await c.channel(channel).publish('chat', { text: 'hi' }, { id: 'same-id' });
  const p2 = await c.channel(channel).publish('chat', { text: 'hi' }, { id: 'same-id' });
  assert.equal(p2, p1);
  await rec.waitForCount(1);
  const page = await c.channel(channel).history({ limit: 10 });
  assert.deepEqual(page.messages.map((m) => [m.id, m.name, m.position]), [['same-id', 'chat', p1]]);
  assert.deepEqual(rec.messages.map((m) => m.id), ['same-id']);
});

test('cut connections resume from the last position: every message exactly once, in order', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const proxy = await startProxy(gw.port);
  try {
    const rec = new Recorder();
    const c = client({ url: proxy.url, backoffInitialMs: 50, backoffMaxMs: 200 });
    const states = [];
    c.on('state', (s) => states.push(s));
    await c.channel(channel).subscribe(rec.listener);
    for (let round = 0; round < 3; round++) {
      await produce(gw.kafka, channel, numbered(round * 20 + 1, round * 20 + 10));
      await rec.waitForCount(round * 20 + 10);
      proxy.dropAll();
      await produce(gw.kafka, channel, numbered(round * 20 + 11, round * 20 + 20)); // while cut off
      await waitFor(() => c.state === 'connected' && rec.messages.length >= round * 20 + 20, { what: `round ${round}` });
    }
    rec.assertExactly(numbered(1, 60));
    assert.ok(states.filter((s) => s === 'disconnected').length >= 3);
  } finally {
    await proxy.close();
  }
});

test('rewind replays the last N messages, then live; a stored position resumes in a new client', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  await client({ url: gw.url }).channel(channel).publish(undefined, { n: 0 }); // creates the topic
  await produce(gw.kafka, channel, numbered(1, 10));
  await waitFor(async () => (await client({ url: gw.url }).channel(channel).history({ limit: 20 })).messages.length === 11);
  const rec = new Recorder();
  const c = client({ url: gw.url });
  await c.channel(channel).subscribe(rec.listener, { rewind: 3 });
  await rec.waitForCount(3);
  rec.assertExactly(numbered(8, 10));
  const stored = c.channel(channel).lastPosition;
  c.close();
  await produce(gw.kafka, channel, numbered(11, 12));
  const rec2 = new Recorder();
  const ready = await client({ url: gw.url }).channel(channel).subscribe(rec2.listener, { since: stored });
  assert.equal(ready.resumed, true);
  await rec2.waitForCount(2);
  rec2.assertExactly(numbered(11, 12));
});

test('history pages forward and backward over HTTP', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const c = client({ url: gw.url });
  const positions = [];
  for (let i = 1; i <= 5; i++) positions.push(await c.channel(channel).publish('e', { n: i }));
  const latest = await c.channel(channel).history({ limit: 2 });
  assert.deepEqual(latest.messages.map((m) => m.data.n), [5, 4], 'backward: newest first');
  const forward = await c.channel(channel).history({ since: positions[1], limit: 10 });
  assert.deepEqual(forward.messages.map((m) => m.data.n), [3, 4, 5]);
  await assert.rejects(c.channel(channel).history({ since: 'garbage' }), (e) => e.name === 'invalid_position' && e.code === 40005);
});
