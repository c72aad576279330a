// Step 5: interop. An ably-js client and a Chorus JS SDK client exchange messages on one channel, and a
// record a backend produces straight to Kafka reaches the ably-js subscriber: one channel, three kinds
// of producer, the same positions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Chorus } from '../../js/dist/chorus.js';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected } from './support/clients.mjs';
import { produce } from './support/kcat.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 90_000 };
let gw;
const chorusClients = [];
before(async () => {
  assert.ok(globalThis.WebSocket, 'run with node --experimental-websocket (npm test does)');
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  chorusClients.forEach((c) => c.close());
  await gw?.release();
});

function chorus() {
  const c = new Chorus({ url: gw.url, storage: null, WebSocket: globalThis.WebSocket, transports: ['websocket'] });
  chorusClients.push(c);
  return c;
}

test('an ably-js client and a Chorus SDK client exchange messages on one channel', T, async () => {
  const name = freshChannel();
  const ably = await connected(gw, KEYS.full, { clientId: 'ably-user' });
  const ablyRec = new Recorder();
  const ablyChannel = ably.channels.get(name);
  await ablyChannel.subscribe(ablyRec.listener);
  const c = chorus();
  const chorusGot = [];
  await c.channel(name).subscribe((m) => chorusGot.push(m));

  const fromAbly = await ablyChannel.publish('vote', { option: 'b', weight: 2 });
  await ablyChannel.publish('note', 'plain text');
  await c.channel(name).publish('answer', { ok: true, list: [1, 2] }, { id: 'chorus-msg-1' });

  await waitFor(() => chorusGot.length >= 3, { what: 'three messages at the Chorus client' });
  await ablyRec.waitForCount(3);
  // Same messages, same order, same serials on both sides.
  assert.deepEqual(chorusGot.map((m) => m.data), [{ option: 'b', weight: 2 }, 'plain text', { ok: true, list: [1, 2] }]);
  assert.deepEqual(ablyRec.messages.map((m) => m.data), chorusGot.map((m) => m.data));
  assert.deepEqual(ablyRec.messages.map((m) => m.name), ['vote', 'note', 'answer']);
  assert.deepEqual(ablyRec.messages.map((m) => m.serial), chorusGot.map((m) => m.position));
  assert.deepEqual(ablyRec.messages.map((m) => m.id), chorusGot.map((m) => m.id));
  assert.equal(chorusGot[0].position, fromAbly.serials[0]);
  assert.equal(ablyRec.messages[2].id, 'chorus-msg-1');
});

test('a record a backend produces straight to Kafka reaches the ably-js subscriber', T, async () => {
  const name = freshChannel();
  const ably = await connected(gw, KEYS.full);
  const rec = new Recorder();
  await ably.channels.get(name).subscribe(rec.listener);
  await produce(gw.kafka, name, { score: 7, team: 'red' }, { 'chorus-name': 'score', 'chorus-id': 'backend-1' });
  await produce(gw.kafka, name, 'halftime');
  await rec.waitForCount(2);
  assert.deepEqual(rec.messages.map((m) => m.data), [{ score: 7, team: 'red' }, 'halftime']);
  assert.equal(rec.messages[0].name, 'score');
  assert.equal(rec.messages[0].id, 'backend-1');
  // A record without chorus-id has its position as id (PROTOCOL.md), which is also its serial.
  assert.equal(rec.messages[1].id, rec.messages[1].serial);
  assert.ok(rec.messages[0].timestamp > 0);
});
