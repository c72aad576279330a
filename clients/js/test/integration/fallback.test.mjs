import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventSource } from 'eventsource';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway } from '../support/gateway.mjs';
import { produce } from '../support/kcat.mjs';
import { startProxy } from '../support/proxy.mjs';
import { Recorder, numbered } from '../support/recorder.mjs';
import { waitFor } from '../support/wait.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name

// SSE and long-polling from Node, against the real gateway. Node 20 has no EventSource: the
// `eventsource` package (a WHATWG implementation) stands in for the browser's.
let gw;
const clients = [];
const client = (options) => {
  const c = new Chorus({ storage: null, EventSource, WebSocket: globalThis.WebSocket, backoffInitialMs: 50, backoffMaxMs: 500, ...options });
  clients.push(c);
  return c;
};

before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  clients.forEach((c) => c.close());
  await gw?.release();
});

for (const kind of ['sse', 'polling']) {
  test(`${kind}: backend records arrive in order, and an HTTP publish with the same key is one record`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    const rec = new Recorder();
    const c = client({ url: gw.url, transports: [kind] });
    await c.channel(channel).subscribe(rec.listener);
    assert.equal(c.transport, kind);
    await produce(gw.kafka, channel, numbered(1, 150)); // more than one long-poll answer holds
    await rec.waitForCount(150);
    const p1 = await c.channel(channel).publish('chat', { n: 151 }, { id: `${kind}-key` });
    const p2 = await c.channel(channel).publish('chat', { n: 151 }, { id: `${kind}-key` });
    assert.equal(p2, p1);
    await rec.waitForCount(151);
    rec.assertExactly(numbered(1, 151));
    assert.equal(rec.messages.at(-1).id, `${kind}-key`);
  });

  test(`${kind}: cut connections resume from the SDK's positions: every message once, in order`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    const proxy = await startProxy(gw.port);
    try {
      const rec = new Recorder();
      const c = client({ url: proxy.url, transports: [kind] });
      await c.channel(channel).subscribe(rec.listener);
      for (let round = 0; round < 3; round++) {
        await produce(gw.kafka, channel, numbered(round * 20 + 1, round * 20 + 10));
        await rec.waitForCount(round * 20 + 10);
        proxy.dropAll();
        await produce(gw.kafka, channel, numbered(round * 20 + 11, round * 20 + 20));
        await rec.waitForCount(round * 20 + 20);
      }
      rec.assertExactly(numbered(1, 60));
    } finally {
      await proxy.close();
    }
  });

  test(`${kind}: subscribing to another channel mid-stream loses and repeats nothing on the first`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const first = freshChannel('one');
    const second = freshChannel('two');
    const recA = new Recorder();
    const recB = new Recorder();
    const c = client({ url: gw.url, transports: [kind] });
    await c.channel(first).subscribe(recA.listener);
    const producing = produce(gw.kafka, first, numbered(1, 100));
    await c.channel(second).subscribe(recB.listener, { rewind: 5 });
    await producing;
    await produce(gw.kafka, second, numbered(1, 3));
    await recA.waitForCount(100);
    await recB.waitForCount(3);
    recA.assertExactly(numbered(1, 100));
    recB.assertExactly(numbered(1, 3));
  });
}

test('positions are universal: a client that started on polling upgrades to WebSocket mid-stream', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  let blocked = true;
  // A WebSocket that a proxy blocks at first: every attempt fails at once.
  class BlockableWebSocket extends globalThis.WebSocket {
    constructor(url) {
      super(blocked ? 'ws://127.0.0.1:1/blocked' : url);
    }
  }
  // Long polls that hang once stalled (until the SDK abandons them), so that what is produced
  // meanwhile can only arrive through the WebSocket that takes over, and only if it resumes.
  let stall = false;
  let stalled = 0;
  const fetchStalling = (url, init) => {
    if (!stall || !String(url).includes('/v1/poll')) return fetch(url, init);
    stalled++;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  };
  const rec = new Recorder();
  const switched = [];
  const c = client({ url: gw.url, transports: ['websocket', 'polling'], WebSocket: BlockableWebSocket, fetch: fetchStalling, upgradeIntervalMs: 300 });
  c.on('transport', (k) => switched.push(k));
  await c.channel(channel).subscribe(rec.listener);
  assert.equal(c.transport, 'polling');
  await produce(gw.kafka, channel, numbered(1, 10));
  await rec.waitForCount(10);
  stall = true;
  // Answers the poll in flight, if there is one, with some or all of 11..15 (a poll answers with what
  // has arrived); the next poll hangs. Whatever the polls did not deliver can then only come through
  // the WebSocket, resumed from the last position the polls delivered.
  await produce(gw.kafka, channel, numbered(11, 15));
  await waitFor(() => stalled > 0, { what: 'a stalled poll' });
  await produce(gw.kafka, channel, numbered(16, 30));
  blocked = false;
  await waitFor(() => c.transport === 'websocket', { what: 'the upgrade to websocket' });
  await rec.waitForCount(30);
  await produce(gw.kafka, channel, numbered(31, 40));
  await rec.waitForCount(40);
  rec.assertExactly(numbered(1, 40));
  assert.deepEqual(switched, ['websocket']);
});

test('positions are universal: a position delivered over WebSocket resumes an SSE client', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const rec = new Recorder();
  const ws = client({ url: gw.url, transports: ['websocket'] });
  await ws.channel(channel).subscribe(rec.listener);
  await produce(gw.kafka, channel, numbered(1, 5));
  await rec.waitForCount(5);
  const last = ws.channel(channel).lastPosition;
  ws.close();
  await produce(gw.kafka, channel, numbered(6, 10));
  const rec2 = new Recorder();
  const ready = await client({ url: gw.url, transports: ['sse'] }).channel(channel).subscribe(rec2.listener, { since: last });
  assert.equal(ready.resumed, true);
  await rec2.waitForCount(5);
  rec2.assertExactly(numbered(6, 10));
});
