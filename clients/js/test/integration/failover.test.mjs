import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventSource } from 'eventsource';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway, startGateway } from '../support/gateway.mjs';
import { produce } from '../support/kcat.mjs';
import { startProxy } from '../support/proxy.mjs';
import { Recorder, numbered } from '../support/recorder.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name

// Two gateway pods on one Kafka behind a TCP proxy. The `serve` pod is first behind the proxy and is
// the one killed (the `dev` pod owns the embedded Kafka); the clients continue on the `dev` pod.
let dev;
let serve;
let proxy;
const clients = [];

before(async () => {
  dev = await sharedGateway();
  serve = await startGateway({ mode: 'serve', kafka: dev.kafka });
  proxy = await startProxy(serve.port);
});
after(async () => {
  clients.forEach((c) => c.close());
  await proxy?.close();
  await serve?.stop();
  await dev?.release();
});

test('SSE and long-poll clients whose gateway is killed continue on the other one, nothing lost or doubled', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const recs = {};
  for (const kind of ['sse', 'polling']) {
    const c = new Chorus({ url: proxy.url, transports: [kind], EventSource, storage: null, backoffInitialMs: 50, backoffMaxMs: 500 });
    clients.push(c);
    recs[kind] = new Recorder();
    recs[kind].states = [];
    c.on('state', (s) => recs[kind].states.push(s));
    await c.channel(channel).subscribe(recs[kind].listener);
  }
  await produce(dev.kafka, channel, numbered(1, 30));
  for (const rec of Object.values(recs)) await rec.waitForCount(30);

  await serve.kill(); // SIGKILL: no drain, no goodbye
  proxy.switchTo(dev.port);
  await produce(dev.kafka, channel, numbered(31, 60)); // produced while the clients are cut off

  for (const [kind, rec] of Object.entries(recs)) {
    await rec.waitForCount(60);
    rec.assertExactly(numbered(1, 60));
    assert.equal(clients.find((c) => c.transport === kind)?.state, 'connected');
    assert.deepEqual(rec.states.slice(-2), ['connecting', 'connected'], `${kind} reconnected`);
    assert.ok(rec.states.includes('disconnected'), `${kind} saw its gateway go`);
  }
  await produce(dev.kafka, channel, numbered(61, 70));
  for (const rec of Object.values(recs)) {
    await rec.waitForCount(70);
    rec.assertExactly(numbered(1, 70));
  }
});
