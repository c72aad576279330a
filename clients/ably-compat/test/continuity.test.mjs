// Beyond phase 1's list, because it comes from the same mapping: a dropped connection. The SDK resumes
// the connection (the same connectionId, resume.test.mjs has the rest) and reattaches its channels with
// their channelSerial (RTL4c1), which is a Chorus position: delivery continues right after the last
// message the client had, with no loss and no duplicate.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected } from './support/clients.mjs';

const T = { timeout: 90_000 };
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

test('a dropped connection reattaches from its channelSerial with no loss and no duplicate', T, async () => {
  const name = freshChannel();
  const sub = await connected(gw, KEYS.full);
  const pub = await connected(gw, KEYS.full);
  const rec = new Recorder();
  const channel = sub.channels.get(name);
  await channel.subscribe(rec.listener);
  for (let i = 0; i < 5; i++) await pub.channels.get(name).publish('n', `m${i}`);
  await rec.waitForCount(5);
  const firstId = sub.connection.id;

  // Drop the TCP connection under the SDK (no close handshake), then publish while it is away.
  const dropped = new Promise((resolve) => sub.connection.once('disconnected', resolve));
  const back = dropped.then(() => new Promise((resolve) => sub.connection.once('connected', resolve)));
  const reattached = new Promise((resolve) => channel.once('attached', resolve));
  sub.connection.connectionManager.activeProtocol.getTransport().wsConnection.terminate();
  await dropped;
  for (let i = 5; i < 10; i++) await pub.channels.get(name).publish('n', `m${i}`);

  const change = await back;
  assert.equal(sub.connection.id, firstId, 'the same connection, resumed (RTN15c6)');
  assert.equal(change.reason ?? null, null, 'without an error');
  for (let i = 10; i < 12; i++) await pub.channels.get(name).publish('n', `m${i}`);
  await rec.waitForCount(12);
  assert.equal((await reattached).resumed, true, 'ATTACHED with RESUMED: continuity kept');
  assert.deepEqual(rec.messages.map((m) => m.data), Array.from({ length: 12 }, (_, i) => `m${i}`));
});
