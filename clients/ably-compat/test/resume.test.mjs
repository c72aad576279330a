// Connection resume (RTN15c) and recover (RTN16) on Chorus: a connection whose TCP connection drops
// comes back with the same connectionId and no error, on the same pod or on another one (its key is
// signed with the secret the pods share), and its channels continue from their channelSerial; the
// publishes it resends keep their ids, so each ends as one record. Also the rewind channel param and
// the publisher's clientId/connectionId on delivery.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEYS, freshChannel, sharedGateway, startPod } from './support/gateway.mjs';
import { Recorder, closeAll, connected, quiet, realtime } from './support/clients.mjs';
import { consume, produce } from './support/kcat.mjs';
import { startProxy } from './support/proxy.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 120_000 };
let gw;
let pod;
const proxies = [];
before(async () => {
  gw = await sharedGateway();
  pod = await startPod({ kafka: gw.kafka });
});
after(async () => {
  closeAll();
  for (const p of proxies) await p.close();
  await pod?.stop();
  await gw?.release();
});

async function proxyTo(port) {
  const p = await startProxy(port);
  proxies.push(p);
  return p;
}

/** Every connection state change of a client, in order. */
function states(client) {
  const seen = [];
  client.connection.on((change) => seen.push(change));
  return seen;
}

/**
 * Cuts the client's TCP connection through `proxy` and holds its reconnect back while `meanwhile` runs
 * (so that what it does happens while the client is away), then lets it through (to `to`, if given).
 * Resolves with the CONNECTED state change that ends the outage.
 */
async function outage(client, proxy, meanwhile, to) {
  const back = new Promise((resolve) => {
    client.connection.once('disconnected', () => client.connection.once('connected', resolve));
  });
  proxy.hold();
  if (to) proxy.switchTo(to);
  proxy.dropAll();
  await waitFor(() => client.connection.state !== 'connected', { what: 'the client to notice the cut' });
  await meanwhile();
  proxy.release();
  return back;
}

const numbered = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

for (const where of ['the same pod', 'another pod']) {
  test(`a dropped connection resumes on ${where} with the same connectionId and every message once, in order`, T, async () => {
    const name = freshChannel();
    const proxy = await proxyTo(gw.port);
    const sub = await connected(gw, KEYS.full, { port: proxy.port });
    const pub = await connected(gw, KEYS.full, { clientId: 'alice' });
    const seen = states(sub);
    const rec = new Recorder();
    const channel = sub.channels.get(name);
    await channel.subscribe(rec.listener);
    const pubChannel = pub.channels.get(name);
    for (let i = 0; i < 4; i++) await pubChannel.publish('n', `m${i}`);
    await produce(gw.kafka, name, 'm4');
    await rec.waitForCount(5);
    const id = sub.connection.id;
    const key = sub.connection.key;

    const change = await outage(sub, proxy, async () => {
      for (let i = 5; i < 9; i++) await pubChannel.publish('n', `m${i}`);
      await produce(gw.kafka, name, 'm9');
    }, where === 'another pod' ? pod.port : undefined);

    assert.equal(sub.connection.id, id, 'RTN15c6: the same connection');
    assert.equal(change.reason ?? null, null, 'no error: the resume held');
    assert.notEqual(sub.connection.key, key, 'a fresh key for the next resume');
    assert.deepEqual(seen.map((c) => c.current), ['disconnected', 'connecting', 'connected']);
    await waitFor(() => channel.state === 'attached', { what: 'the channel to reattach' });
    for (let i = 10; i < 12; i++) await pubChannel.publish('n', `m${i}`);
    await sub.channels.get(name).publish('n', 'm12'); // the resumed connection publishes on
    await rec.waitForCount(13);
    await quiet(pubChannel, rec);
    rec.assertData(numbered(0, 12));
    const fromAlice = rec.messages.filter((m) => m.clientId === 'alice');
    assert.equal(fromAlice.length, 10, 'TM2b: the publisher clientId on delivery');
    assert.ok(fromAlice.every((m) => m.connectionId === pub.connection.id), 'TM2c: and its connectionId');
    const backend = rec.messages.filter((m) => m.data === 'm4' || m.data === 'm9');
    assert.ok(backend.every((m) => m.clientId === undefined && m.connectionId === undefined), 'a backend record names nobody');
    assert.equal(rec.messages.at(-1).connectionId, id, 'the resumed connection published under its connectionId');
  });
}

for (const where of ['the same pod', 'another pod']) {
  test(`publishes in flight when the connection drops are resent on resume (${where}) and end as one record each`, T, async () => {
    const name = freshChannel();
    const proxy = await proxyTo(gw.port);
    const pub = await connected(gw, KEYS.full, { port: proxy.port });
    const sub = await connected(gw, KEYS.full);
    const rec = new Recorder();
    const subChannel = sub.channels.get(name);
    await subChannel.subscribe(rec.listener);
    const pubChannel = pub.channels.get(name);
    await pubChannel.publish('n', 'm0');
    await rec.waitForCount(1);

    proxy.mute(); // the gateway writes the records, but its ACKs never arrive
    const results = numbered(1, 5).map((d) => pubChannel.publish('n', d));
    await rec.waitForCount(6, 'the muted publishes, written');
    const id = pub.connection.id;
    const change = await outage(pub, proxy, async () => {}, where === 'another pod' ? pod.port : undefined);
    assert.equal(pub.connection.id, id);
    assert.equal(change.reason ?? null, null);

    const acked = await Promise.all(results); // the resent publishes are answered after the resume
    await quiet(subChannel, rec);
    rec.assertData(numbered(0, 5));
    assert.deepEqual(acked.map((r) => r.serials[0]), rec.messages.slice(1).map((m) => m.serial),
      'each resent publish is answered with its first record');
    const ids = rec.messages.map((m) => m.id);
    assert.deepEqual(ids, numbered(0, 5).map((_, i) => `${id}:${i}:0`), 'the same ids (connectionId:msgSerial:index)');
    const records = (await consume(gw.kafka, name.slice(0, name.indexOf(':')))).filter((r) => r.key === name);
    for (const i of ids) {
      assert.equal(records.filter((r) => r.headers['chorus-id'] === i).length, 1, `one record for ${i}`);
    }
  });
}

test('recover continues the connection and its msgSerial in a new client', T, async () => {
  const name = freshChannel();
  const first = await connected(gw, KEYS.full, { clientId: 'bob' });
  const rec = new Recorder();
  const sub = await connected(gw, KEYS.full);
  await sub.channels.get(name).subscribe(rec.listener);
  const ch = first.channels.get(name);
  await ch.attach();
  for (let i = 0; i < 3; i++) await ch.publish('n', `m${i}`);
  const recoveryKey = first.connection.createRecoveryKey();
  const id = first.connection.id;
  first.close();
  await first.connection.once('closed');

  const second = realtime(gw, KEYS.full, { clientId: 'bob', recover: recoveryKey });
  const change = await second.connection.once('connected');
  assert.equal(second.connection.id, id, 'RTN16: the recovered connection');
  assert.equal(change.reason ?? null, null);
  await second.channels.get(name).publish('n', 'm3');
  await rec.waitForCount(4);
  rec.assertData(numbered(0, 3));
  assert.equal(rec.messages[3].id, `${id}:3:0`, 'msgSerial continued from the recovery key');
});

test('an invalid resume or recover key gets a new connection with 80018, and msgSerial starts again', T, async () => {
  const fake = JSON.stringify({ connectionKey: 'a-fake!1!AAAAAAAAAAAAAAAAAAAAAA', msgSerial: 3, channelSerials: {} });
  const client = realtime(gw, KEYS.full, { recover: fake });
  const change = await client.connection.once('connected');
  assert.equal(change.reason?.code, 80018, 'RTN16l: a new connection, and why');
  assert.notEqual(client.connection.id, 'a-fake');
  assert.equal(client.connection.connectionManager.msgSerial, 0);

  // A real key presented with other credentials (another clientId) is not good for them either.
  const owner = await connected(gw, KEYS.full, { clientId: 'carol' });
  const stolen = JSON.stringify({ connectionKey: owner.connection.key, msgSerial: 0, channelSerials: {} });
  const other = realtime(gw, KEYS.full, { clientId: 'mallory', recover: stolen });
  const refused = await other.connection.once('connected');
  assert.equal(refused.reason?.code, 80018);
  assert.notEqual(other.connection.id, owner.connection.id);
});

test('rewind=N attaches with exactly the last N messages, then live', T, async () => {
  const name = freshChannel();
  const pub = await connected(gw, KEYS.full);
  for (let i = 0; i < 10; i++) await pub.channels.get(name).publish('n', `m${i}`);
  const client = await connected(gw, KEYS.full);
  const rec = new Recorder();
  const channel = client.channels.get(name, { params: { rewind: '3' } });
  await channel.subscribe(rec.listener);
  assert.equal(channel.params.rewind, '3', 'RTL4k1: the param was honoured');
  await rec.waitForCount(3);
  for (let i = 10; i < 12; i++) await pub.channels.get(name).publish('n', `m${i}`);
  await rec.waitForCount(5);
  await quiet(pub.channels.get(name), rec);
  rec.assertData(numbered(7, 11));

  const byTime = new Recorder();
  const recent = (await connected(gw, KEYS.full)).channels.get(name, { params: { rewind: '1m' } });
  await recent.subscribe(byTime.listener);
  await byTime.waitForCount(13); // m0..m11 and the sentinel quiet() published above
  await quiet(pub.channels.get(name), byTime);
  assert.deepEqual(byTime.messages.map((m) => m.data).filter((d) => !d.startsWith('sentinel-')), numbered(0, 11));

  const bad = (await connected(gw, KEYS.full)).channels.get(name, { params: { rewind: 'lots' } });
  await assert.rejects(bad.attach(), (e) => e.code === 40003);
});
