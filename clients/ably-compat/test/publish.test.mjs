// Step 3: publish with ACK/NACK by msgSerial (RTN7), delivery as MESSAGE with serials and channelSerial
// from Kafka positions (TM2r, RTL15b), client-supplied ids idempotent (RSL1k), and NACKs with Ably
// error codes for what a key or Chorus does not allow.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected, quiet } from './support/clients.mjs';

const T = { timeout: 90_000 };
const POSITION = /^[A-Za-z0-9_-]{22}\.\d+\.\d+\.\d+$/;
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

const offset = (serial) => Number(serial.split('.')[3]);

test('messages one ably-js client publishes reach another in order, with serials from Kafka', T, async () => {
  const name = freshChannel();
  const sub = await connected(gw, KEYS.full);
  const pub = await connected(gw, KEYS.full, { clientId: 'publisher' });
  const rec = new Recorder();
  const subChannel = sub.channels.get(name);
  await subChannel.subscribe(rec.listener);
  const pubChannel = pub.channels.get(name);
  const sent = [];
  const results = [];
  for (let i = 0; i < 30; i++) {
    const data = i % 3 === 0 ? `text ${i}` : i % 3 === 1 ? { n: i, list: [i, 'x'] } : Buffer.from([i, 255, 0]);
    sent.push(data);
    results.push(pub.channels.get(name).publish(`event-${i % 2}`, data));
  }
  const acked = await Promise.all(results); // pipelined: ACKs come back in msgSerial order
  await rec.waitForCount(30);
  assert.deepEqual(rec.messages.map((m) => m.data), sent);
  assert.deepEqual(rec.messages.map((m) => m.name), sent.map((_, i) => `event-${i % 2}`));
  const serials = rec.messages.map((m) => m.serial);
  serials.forEach((s) => assert.match(s, POSITION));
  assert.deepEqual(acked.map((r) => r.serials[0]), serials, 'each publish resolves with its message serial');
  for (let i = 1; i < serials.length; i++) assert.ok(offset(serials[i]) > offset(serials[i - 1]), 'offset order');
  assert.deepEqual(rec.messages.map((m) => m.id), sent.map((_, i) => `${pub.connection.id}:${i}:0`), 'TM2a ids');
  assert.equal(subChannel.properties.channelSerial, serials.at(-1), 'channelSerial follows the last message');
  assert.equal(pubChannel.state, 'initialized', 'publishing needs no attach (RTL6c)');
});

test('several messages in one publish are one ProtocolMessage with one ACK', T, async () => {
  const name = freshChannel();
  const client = await connected(gw, KEYS.full);
  const rec = new Recorder();
  const channel = client.channels.get(name);
  await channel.subscribe(rec.listener);
  const result = await channel.publish([{ name: 'a', data: { n: 1 } }, { name: 'b', data: 'two' }, { name: 'c', data: [3] }]);
  assert.equal(result.serials.length, 3);
  await rec.waitForCount(3);
  assert.deepEqual(rec.messages.map((m) => m.data), [{ n: 1 }, 'two', [3]]);
  assert.deepEqual(rec.messages.map((m) => m.serial), result.serials);
});

test('a message with a client-supplied id published twice, from two connections, is delivered once', T, async () => {
  const name = freshChannel();
  const sub = await connected(gw, KEYS.full);
  const rec = new Recorder();
  const channel = sub.channels.get(name);
  await channel.subscribe(rec.listener);
  const first = await connected(gw, KEYS.full);
  const second = await connected(gw, KEYS.full);
  const a = await first.channels.get(name).publish({ id: 'order-17', name: 'order', data: { total: 42 } });
  const b = await second.channels.get(name).publish({ id: 'order-17', name: 'order', data: { total: 42 } });
  assert.deepEqual(b.serials, a.serials, 'the retry is acknowledged with the first message\'s serial');
  await quiet(channel, rec);
  assert.deepEqual(rec.messages.map((m) => m.id), ['order-17']);
});

test('echoMessages: false keeps a connection\'s own messages from it', T, async () => {
  const name = freshChannel();
  const self = await connected(gw, KEYS.full, { echoMessages: false });
  const other = await connected(gw, KEYS.full);
  const rec = new Recorder();
  await self.channels.get(name).subscribe(rec.listener);
  await self.channels.get(name).publish('mine', 'not for me');
  await other.channels.get(name).publish('theirs', 'for me');
  await rec.waitForCount(1);
  // The sentinel comes from the other connection, so it does arrive; then nothing else did.
  await quiet(other.channels.get(name), rec);
  assert.deepEqual(rec.messages.map((m) => m.data), ['for me']);
});

test('a publish the key does not allow is NACKed with 40160; one it allows is ACKed', T, async () => {
  const client = await connected(gw, KEYS.narrow);
  const suffix = Math.random().toString(36).slice(2);
  await assert.rejects(client.channels.get(`ro:${suffix}`).publish('x', 'one'), (err) => err.code === 40160);
  const ok = await client.channels.get(`wo:${suffix}`).publish('x', 'one');
  assert.match(ok.serials[0], POSITION);
  assert.equal(client.connection.state, 'connected');
});

test('a NACK does not hold back the ACKs of later publishes', T, async () => {
  const client = await connected(gw, KEYS.narrow);
  const suffix = Math.random().toString(36).slice(2);
  const outcomes = await Promise.allSettled([
    client.channels.get(`wo:${suffix}`).publish('a', 'one'),
    client.channels.get(`ro:${suffix}`).publish('b', 'two'),
    client.channels.get(`wo:${suffix}`).publish('c', 'three'),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(outcomes[1].reason.code, 40160);
});

test('what Chorus does not support yet is NACKed with 40000 and a reason', T, async () => {
  const client = await connected(gw, KEYS.full, { clientId: 'carol' });
  const channel = client.channels.get(freshChannel());
  await channel.attach();
  await assert.rejects(channel.publish({ name: 'x', data: 'one', extras: { headers: { a: 'b' } } }),
    (err) => err.code === 40000 && /extras/.test(err.message));
  await assert.rejects(channel.publish({ name: 'x', data: 'one', clientId: 'mallory' }), (err) => err.code === 40012);
  await assert.rejects(channel.publish({ name: 'x', data: 'one', id: 'has spaces' }), (err) => err.code === 40031);
  assert.equal(client.connection.state, 'connected', 'every refusal was a NACK');
  assert.equal(channel.state, 'attached');
});
