// The fault tests of the one-session issue, on the Ably transport with the real ably-js: a pod killed
// with SIGKILL under subscribers (they resume on another pod: same connectionId, every message once, in
// order, presence kept), a Kafka outage (a connection update with 50005, publishes NACKed with 50005,
// every acknowledged message once afterwards), a pod draining on SIGTERM (DISCONNECTED 50005, resume
// elsewhere), and a subscriber that stops reading (caught up at its own pace; cut off with 80020 only
// when what it had not read left retention, and then told so with 90003). ABLY.md says what each
// asserts: the "Resume and recover", "Presence" and error code sections.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KEYS, freePorts, freshChannel, sharedGateway, startBroker, startPod } from './support/gateway.mjs';
import { Recorder, closeAll, connected, realtime } from './support/clients.mjs';
import { deleteRecords } from './support/kafka.mjs';
import { consume, produce, produceMany } from './support/kcat.mjs';
import { startProxy } from './support/proxy.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 150_000 };
// A reconnect that fails (the pod it reached is gone) is tried again soon, not after ably-js's 15 s.
const RETRY = { disconnectedRetryTimeout: 500 };
let gw;
const pods = [];
const proxies = [];
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  for (const p of proxies) await p.close();
  for (const p of pods) await p.stop();
  await gw?.release();
});

async function pod(options) {
  const p = await startPod(options);
  pods.push(p);
  return p;
}

async function proxyTo(port) {
  const p = await startProxy(port);
  proxies.push(p);
  return p;
}

/** Every connection state change of a client, in order (`update` events included). */
function changes(client) {
  const seen = [];
  client.connection.on((change) => seen.push(change));
  return seen;
}

/** Records a channel's presence events, in arrival order. */
class Members {
  events = [];
  listener = (m) => this.events.push({ action: m.action, clientId: m.clientId, connectionId: m.connectionId });

  async waitFor(action, clientId) {
    return waitFor(() => this.events.find((e) => e.action === action && e.clientId === clientId),
      { timeoutMs: 30_000, what: `${action} of ${clientId}` });
  }

  count(action, clientId) {
    return this.events.filter((e) => e.action === action && e.clientId === clientId).length;
  }
}

/**
 * The ably-js publisher's pace: a publish starts at most this often. The gateway refuses more than
 * limits.publishesPerSecond (50) a connection; back to back, a publisher whose ACKs come in under 20 ms
 * (a quiet machine) went over it within a second and was refused (rate_limited, 42911). This paces a
 * load, it waits for nothing.
 */
const PUBLISH_EVERY_MS = 40;

/**
 * Traffic on a channel until stop(): an ably-js publisher (p0, p1, ...; each awaited, so a refusal fails
 * the test; at most 25 a second, see PUBLISH_EVERY_MS) and a backend producing with kcat (b0, b1, ...).
 * `published` counts both.
 */
function traffic(kafka, channel) {
  let stopped = false;
  const counts = { p: 0, b: 0 };
  const loops = [
    (async () => {
      while (!stopped) {
        const next = Date.now() + PUBLISH_EVERY_MS;
        await channel.publish('n', `p${counts.p++}`);
        const rest = next - Date.now();
        if (rest > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, rest));
      }
    })(),
    (async () => {
      while (!stopped) await produce(kafka, channel.name, `b${counts.b++}`);
    })(),
  ];
  return {
    get published() {
      return counts.p + counts.b;
    },
    async moreThan(n, what) {
      await waitFor(() => counts.p + counts.b > n, { timeoutMs: 30_000, what });
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** The channel's records in Kafka, in order, one per message id (the gateway's dedup rule): what every subscriber must get. */
async function inKafka(kafka, name) {
  const records = (await consume(kafka, name.slice(0, name.indexOf(':')))).filter((r) => r.key === name);
  const ids = new Set();
  const out = [];
  for (const r of records) {
    const id = r.headers['chorus-id'];
    if (id && ids.has(id)) continue;
    if (id) ids.add(id);
    out.push(JSON.parse(r.value));
  }
  return out;
}

/** Each recorder got exactly `expected` (data values), in order: waits for the count, then proves quiet with a sentinel. */
async function assertEveryoneGot(recorders, expected, channel) {
  for (const [who, rec] of Object.entries(recorders)) await rec.waitForCount(expected.length, `${expected.length} messages at ${who}`);
  const marker = `sentinel-${Math.random().toString(36).slice(2)}`;
  await channel.publish('sentinel', marker);
  for (const [who, rec] of Object.entries(recorders)) {
    await waitFor(() => rec.messages.some((m) => m.data === marker), { timeoutMs: 20_000, what: `the sentinel at ${who}` });
    assert.deepEqual(rec.messages.map((m) => m.data).filter((d) => d !== marker), expected,
      `${who}: every message exactly once, in Kafka's order`);
  }
}

/** Resolves with the CONNECTED state change that follows the next disconnection (and that disconnection). */
function reconnection(client) {
  return new Promise((resolve) => {
    client.connection.once('disconnected', (gone) => client.connection.once('connected', (back) => resolve({ gone, back })));
  });
}

test('subscribers of a pod killed with SIGKILL resume on another pod: same connectionId, every message once, in order, presence kept', T, async () => {
  // Pod B's presence lease is short, so the test sees the other pods drop its members after the kill.
  const podB = await pod({ kafka: gw.kafka, env: { CHORUS_PRESENCE_LEASE: '8s' } });
  const proxy = await proxyTo(podB.port);
  const name = freshChannel();
  const via = { ...RETRY, port: proxy.port };
  const subs = {
    ann: await connected(gw, KEYS.full, { ...via, clientId: 'ann' }),
    ben: await connected(gw, KEYS.full, { ...via, clientId: 'ben', useBinaryProtocol: true }), // MessagePack
    anonymous: await connected(gw, KEYS.full, { ...via, useBinaryProtocol: true }),
  };
  const observer = await connected(gw, KEYS.full, { clientId: 'observer' }); // on the pod that stays
  const seen = new Members();
  await observer.channels.get(name).presence.subscribe(seen.listener);
  const recs = { observer: new Recorder() };
  await observer.channels.get(name).subscribe(recs.observer.listener);
  for (const [who, client] of Object.entries(subs)) {
    recs[who] = new Recorder();
    const channel = client.channels.get(name);
    await channel.subscribe(recs[who].listener);
    if (who === 'anonymous') continue;
    const own = new Members();
    await channel.presence.subscribe(own.listener);
    await channel.presence.enter({ who });
    // ably-js re-enters only members whose enter it saw echoed (ABLY.md "Presence", RTP17).
    await waitFor(() => own.events.some((e) => e.clientId === who && e.connectionId === client.connection.id),
      { what: `${who}'s echo` });
    await seen.waitFor('enter', who);
  }
  // Entered straight on pod B and never coming back: its leave shows when pod B's lease ran out.
  const ghost = await connected(podB, KEYS.full, { clientId: 'ghost' });
  await ghost.channels.get(name).presence.enter();
  await seen.waitFor('enter', 'ghost');

  const pub = await connected(gw, KEYS.full, { clientId: 'pub' });
  const load = traffic(gw.kafka, pub.channels.get(name));
  await load.moreThan(10, 'traffic before the kill');
  const ids = Object.fromEntries(Object.entries(subs).map(([who, c]) => [who, c.connection.id]));
  const returns = Object.fromEntries(Object.entries(subs).map(([who, c]) => [who, reconnection(c)]));
  const channelChanges = Object.fromEntries(Object.entries(subs).map(([who, c]) => {
    const list = [];
    c.channels.get(name).on((change) => list.push(change));
    return [who, list];
  }));
  proxy.hold(); // the reconnects wait, as behind a load balancer that has not yet taken pod B out
  await podB.kill();
  proxy.switchTo(gw.port);
  await waitFor(() => Object.values(subs).every((c) => c.connection.state !== 'connected'), { what: 'everyone cut off' });
  const atKill = load.published;
  await load.moreThan(atKill + 6, 'traffic while the subscribers are away');
  proxy.release();
  for (const [who, r] of Object.entries(returns)) {
    const { back } = await r;
    assert.equal(subs[who].connection.id, ids[who], `${who}: the same connection (RTN15c6), on another pod`);
    assert.equal(back.reason ?? null, null, `${who}: no error, the resume held`);
  }
  await load.moreThan(load.published + 6, 'traffic after the resume');
  await load.stop();
  await assertEveryoneGot(recs, await inKafka(gw.kafka, name), pub.channels.get(name));
  // ably-js reattaches after the resume; a channel where its client may have entered comes back without
  // RESUMED, so that ably-js re-enters (ABLY.md "After a connection resume"); delivery continued all the same.
  for (const [who, list] of Object.entries(channelChanges)) {
    const reattached = list.find((c) => c.current === 'attached');
    assert.ok(reattached, `${who}: reattached`);
    assert.equal(reattached.resumed, who === 'anonymous', `${who}: RESUMED unless its members need re-entering`);
    assert.equal(reattached.reason ?? null, null);
  }

  // Presence: ann and ben re-entered on the pod that stays, within pod B's lease, so the observer saw
  // no leave and no second enter; pod B's own member (ghost) left when the lease ran out.
  await seen.waitFor('leave', 'ghost');
  const marker = await connected(gw, KEYS.full, { clientId: 'marker' });
  await marker.channels.get(name).presence.enter();
  await seen.waitFor('enter', 'marker'); // after anything about ann and ben (one event order per pod)
  for (const who of ['ann', 'ben']) {
    assert.equal(seen.count('leave', who), 0, `${who}: no leave`);
    assert.equal(seen.count('enter', who), 1, `${who}: one enter`);
  }
  const members = (await observer.channels.get(name).presence.get()).map((m) => m.clientId).sort();
  assert.deepEqual(members, ['ann', 'ben', 'marker']);
});

test('a Kafka outage: connection updates with 50005, publishes NACKed with 50005, then live again with every acknowledged message once', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-ably-broker-'));
  const [port, controllerPort] = await freePorts(2);
  let broker = await startBroker({ dir, port, controllerPort });
  let podK;
  try {
    // Kafka probed every 300 ms, so the notices come within a second or two of the broker's fate.
    podK = await pod({ kafka: broker.kafka, env: { CHORUS_PUBLISH_TIMEOUT: '3s', CHORUS_KAFKA_HEALTH_INTERVAL: '300ms',
      CHORUS_KAFKA_HEALTH_TIMEOUT: '1s', CHORUS_KAFKA_REQUEST_TIMEOUT: '3s' } });
    const name = freshChannel();
    const sub = await connected(podK, KEYS.full, RETRY);
    const pub = await connected(podK, KEYS.full, { ...RETRY, clientId: 'pat', useBinaryProtocol: true });
    const seen = { sub: changes(sub), pub: changes(pub) };
    const ids = { sub: sub.connection.id, pub: pub.connection.id };
    const rec = new Recorder();
    await sub.channels.get(name).subscribe(rec.listener);
    const channel = pub.channels.get(name);
    const acked = [];
    for (let i = 0; i < 5; i++) {
      await channel.publish('n', `before${i}`);
      acked.push(`before${i}`);
    }
    await rec.waitForCount(5);

    await broker.kill();
    const stalled = (list) => list.find((c) => c.current === 'connected' && c.reason?.code === 50005);
    for (const [who, list] of Object.entries(seen)) {
      const update = await waitFor(() => stalled(list), { timeoutMs: 30_000, what: `${who}: an update with 50005` });
      assert.equal(update.previous, 'connected', `${who}: an update on the same connection (RTN24)`);
      assert.equal(update.reason.statusCode, 503);
    }
    await assert.rejects(channel.publish('n', 'during'), (e) => e.code === 50005 && e.statusCode === 503,
      'a publish during the outage is NACKed: nothing was written');
    // A connection opened during the outage hears it right after CONNECTED.
    const late = realtime(podK, KEYS.full, RETRY);
    const lateSeen = changes(late);
    await waitFor(() => lateSeen.some((c) => c.reason?.code === 50005), { timeoutMs: 30_000, what: 'the late client told' });

    broker = await startBroker({ dir, port, controllerPort }); // the same port and data directory
    for (const [who, list] of Object.entries({ ...seen, late: lateSeen })) {
      const from = list.indexOf(stalled(list));
      await waitFor(() => list.slice(from + 1).some((c) => c.current === 'connected' && !c.reason),
        { timeoutMs: 90_000, what: `${who}: an update without error (live again)` });
    }
    for (const who of ['sub', 'pub']) {
      assert.ok(seen[who].every((c) => c.current === 'connected'), `${who}: only updates, never disconnected`);
      assert.equal((who === 'sub' ? sub : pub).connection.id, ids[who]);
    }
    for (let i = 0; i < 5; i++) {
      await channel.publish('n', `after${i}`);
      acked.push(`after${i}`);
    }
    await assertEveryoneGot({ sub: rec }, acked, channel);
  } finally {
    await podK?.stop(); // before its broker goes for good
    await broker.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a draining pod (SIGTERM) sends DISCONNECTED 50005 and its ably-js clients resume on the other pod with nothing lost', T, async () => {
  const podC = await pod({ kafka: gw.kafka });
  const proxy = await proxyTo(podC.port);
  const name = freshChannel();
  const via = { ...RETRY, port: proxy.port };
  const subs = {
    json: await connected(gw, KEYS.full, { ...via, clientId: 'dana' }),
    msgpack: await connected(gw, KEYS.full, { ...via, useBinaryProtocol: true }),
  };
  const recs = {};
  for (const [who, client] of Object.entries(subs)) {
    recs[who] = new Recorder();
    await client.channels.get(name).subscribe(recs[who].listener);
  }
  const pub = await connected(gw, KEYS.full);
  const load = traffic(gw.kafka, pub.channels.get(name));
  await load.moreThan(10, 'traffic before the drain');
  const ids = Object.fromEntries(Object.entries(subs).map(([who, c]) => [who, c.connection.id]));
  const returns = Object.fromEntries(Object.entries(subs).map(([who, c]) => [who, reconnection(c)]));
  proxy.switchTo(gw.port); // the balancer sends new connections elsewhere once the pod is not ready

  await podC.stop(); // SIGTERM: the drain, then the exit
  for (const [who, r] of Object.entries(returns)) {
    const { gone, back } = await r;
    assert.equal(gone.reason?.code, 50005, `${who}: told to reconnect (DISCONNECTED, retryable)`);
    assert.equal(gone.reason?.statusCode, 503);
    assert.equal(subs[who].connection.id, ids[who], `${who}: resumed on the other pod`);
    assert.equal(back.reason ?? null, null);
  }
  await load.moreThan(load.published + 6, 'traffic after the drain');
  await load.stop();
  await assertEveryoneGot(recs, await inKafka(gw.kafka, name), pub.channels.get(name));
});

/** The counter's value for one transport on a gateway's /metrics. */
async function behind(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('chorus_subscribers_behind_total{') && l.includes('transport="ably"'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** The ably-js client's socket: pausing it stops reading, as a stalled device does (TCP backpressure to the gateway). */
const socketOf = (client) => client.connection.connectionManager.activeProtocol.getTransport().wsConnection._socket;

const PAD = 'x'.repeat(30_000);
const burst = (from, to) => Array.from({ length: to - from }, (_, i) => ({ n: from + i, pad: PAD }));
const numbers = (rec) => rec.messages.map((m) => m.data.n);
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

test('a subscriber that stops reading leaves the live path and gets every message once, in order, when it reads again', T, async () => {
  const name = freshChannel();
  // ably-js would call a connection silent for 12 s dead (maxIdleInterval + realtimeRequestTimeout): not here.
  const slow = await connected(gw, KEYS.full, { realtimeRequestTimeout: 60_000 });
  const healthy = await connected(gw, KEYS.full, { useBinaryProtocol: true });
  const seen = changes(slow);
  const recs = { slow: new Recorder(), healthy: new Recorder() };
  await slow.channels.get(name).subscribe(recs.slow.listener);
  await healthy.channels.get(name).subscribe(recs.healthy.listener);
  const before = await behind(gw.url);
  const id = slow.connection.id;

  socketOf(slow).pause();
  await produceMany(gw.kafka, name, burst(0, 400)); // 12 MB: more than the socket buffers and the outbound budget
  await recs.healthy.waitForCount(400, 'everything at the healthy subscriber');
  assert.deepEqual(numbers(recs.healthy), range(0, 400));
  await waitFor(async () => (await behind(gw.url)) > before, { timeoutMs: 30_000, what: 'the slow subscriber off the live path' });
  socketOf(slow).resume();
  await recs.slow.waitForCount(400, 'everything at the slow subscriber');
  assert.deepEqual(numbers(recs.slow), range(0, 400), 'caught up at its own pace: every message once, in order');
  assert.equal(slow.connection.id, id);
  assert.deepEqual(seen, [], 'never cut off');
});

test('a subscriber whose unread messages left retention is disconnected with 80020, resumes, and hears 90003 for what is gone', T, async () => {
  // A small cache, so the slow subscriber's catch-up reads Kafka, where the records are deleted.
  const podS = await pod({ kafka: gw.kafka, env: { CHORUS_CACHE_MESSAGES_PER_CHANNEL: '5' } });
  const name = freshChannel();
  const slow = await connected(podS, KEYS.full, { ...RETRY, realtimeRequestTimeout: 60_000, useBinaryProtocol: true });
  const healthy = await connected(podS, KEYS.full);
  const recs = { slow: new Recorder(), healthy: new Recorder() };
  const channel = slow.channels.get(name);
  await channel.subscribe(recs.slow.listener);
  await healthy.channels.get(name).subscribe(recs.healthy.listener);
  const channelChanges = [];
  channel.on((change) => channelChanges.push(change));
  const id = slow.connection.id;

  socketOf(slow).pause();
  await produceMany(gw.kafka, name, burst(0, 400));
  await recs.healthy.waitForCount(400, 'everything at the healthy subscriber');
  await waitFor(async () => (await behind(podS.url)) > 0, { timeoutMs: 30_000, what: 'the slow subscriber off the live path' });
  // Retention takes every record but the last while the subscriber is behind.
  const [, partition, , offset] = recs.healthy.messages.at(-1).serial.split('.');
  await deleteRecords(gw.kafka, `chorus.${name.slice(0, name.indexOf(':'))}`, Number(partition), Number(offset));
  const r = reconnection(slow);
  socketOf(slow).resume();
  const { gone, back } = await r;
  assert.equal(gone.reason?.code, 80020, 'DISCONNECTED: it did not read fast enough');
  assert.equal(slow.connection.id, id, 'it resumed the connection');
  assert.equal(back.reason ?? null, null);
  // ably-js reattaches every channel after a resume (attaching, then attached), here with the reason.
  const reattached = await waitFor(() => channelChanges.find((c) => c.current === 'attached'), { what: 'the channel reattached' });
  assert.equal(reattached.reason?.code, 90003, 'told that continuity was lost (out_of_retention)');
  assert.equal(reattached.resumed, false);
  await waitFor(() => numbers(recs.slow).includes(399), { what: 'the record Kafka kept' });
  const got = numbers(recs.slow);
  const lastBefore = got.indexOf(399) - 1;
  assert.ok(lastBefore >= 0 && lastBefore < 398, 'some records were read before, some were deleted unread');
  assert.deepEqual(got, [...range(0, lastBefore + 1), 399], 'what it read, then what Kafka still had: once each, in order');
  await produceMany(gw.kafka, name, burst(400, 403));
  await recs.slow.waitForCount(got.length + 3);
  assert.deepEqual(numbers(recs.slow).slice(-4), [399, 400, 401, 402], 'then live');
});
