// MessagePack (useBinaryProtocol: true, ably-js's default in Node): the same ProtocolMessages in binary
// frames. Binary data travels as MessagePack bin both ways; JSON and MessagePack clients share one channel.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import msgpack from '@ably/msgpack-js';
import WebSocket from 'ws';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected, failure, quiet, realtime } from './support/clients.mjs';
import { produce, produceBytes } from './support/kcat.mjs';

const T = { timeout: 90_000 };
const BINARY = { useBinaryProtocol: true };
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

test('a MessagePack client connects and its frames are binary', T, async () => {
  const client = await connected(gw, KEYS.full, { ...BINARY, clientId: 'mp' });
  assert.equal(client.connection.connectionManager.activeProtocol.getTransport().format, 'msgpack');
  assert.equal(client.auth.clientId, 'mp');
});

test('strings, objects and bytes go between MessagePack and JSON clients unchanged', T, async () => {
  const name = freshChannel();
  const mp = await connected(gw, KEYS.full, BINARY);
  const js = await connected(gw, KEYS.full);
  const mpRec = new Recorder();
  const jsRec = new Recorder();
  await mp.channels.get(name).subscribe(mpRec.listener);
  await js.channels.get(name).subscribe(jsRec.listener);
  const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);

  const ack = await mp.channels.get(name).publish('s', 'text from msgpack');
  await mp.channels.get(name).publish('o', { a: [1, 2], b: 'x' });
  await mp.channels.get(name).publish('b', bytes);
  await js.channels.get(name).publish('b', Buffer.from([9, 8, 7]));
  await js.channels.get(name).publish('o', { from: 'json' });
  await mpRec.waitForCount(5);
  await jsRec.waitForCount(5);

  for (const rec of [mpRec, jsRec]) {
    assert.deepEqual(rec.messages.map((m) => m.name), ['s', 'o', 'b', 'b', 'o']);
    const [s, o, b1, b2, o2] = rec.messages.map((m) => m.data);
    assert.equal(s, 'text from msgpack');
    assert.deepEqual(o, { a: [1, 2], b: 'x' });
    assert.ok(Buffer.isBuffer(b1), 'bytes arrive as a Buffer');
    assert.deepEqual([...b1], [...bytes]);
    assert.deepEqual([...b2], [9, 8, 7]);
    assert.deepEqual(o2, { from: 'json' });
    assert.equal(rec.messages[0].encoding ?? null, null, 'every encoding step was decoded');
  }
  assert.equal(mpRec.messages[0].serial, ack.serials[0], 'the ACK carries the serial');
  assert.deepEqual(mpRec.messages.map((m) => m.serial), jsRec.messages.map((m) => m.serial));
});

test('backend records, JSON and raw bytes, reach a MessagePack subscriber', T, async () => {
  const name = freshChannel();
  const mp = await connected(gw, KEYS.full, BINARY);
  const rec = new Recorder();
  const channel = mp.channels.get(name);
  await channel.subscribe(rec.listener);
  await produce(gw.kafka, name, { score: 3 }, { 'chorus-name': 'score' });
  await produceBytes(gw.kafka, name, [0xff, 0x00, 0x01, 0x80]);
  await rec.waitForCount(2);
  await quiet(channel, rec);
  assert.deepEqual(rec.messages[0].data, { score: 3 });
  assert.equal(rec.messages[0].name, 'score');
  assert.ok(Buffer.isBuffer(rec.messages[1].data));
  assert.deepEqual([...rec.messages[1].data], [0xff, 0x00, 0x01, 0x80]);
});

test('a dropped MessagePack connection reattaches from its channelSerial with no loss and no duplicate', T, async () => {
  const name = freshChannel();
  const sub = await connected(gw, KEYS.full, BINARY);
  const pub = await connected(gw, KEYS.full, BINARY);
  const rec = new Recorder();
  const channel = sub.channels.get(name);
  await channel.subscribe(rec.listener);
  for (let i = 0; i < 3; i++) await pub.channels.get(name).publish('n', `m${i}`);
  await rec.waitForCount(3);

  const dropped = new Promise((resolve) => sub.connection.once('disconnected', resolve));
  const back = dropped.then(() => new Promise((resolve) => sub.connection.once('connected', resolve)));
  const reattached = new Promise((resolve) => channel.once('attached', resolve));
  sub.connection.connectionManager.activeProtocol.getTransport().wsConnection.terminate();
  await dropped;
  for (let i = 3; i < 6; i++) await pub.channels.get(name).publish('n', `m${i}`);
  await back;
  await rec.waitForCount(6);
  assert.equal((await reattached).resumed, true);
  await quiet(pub.channels.get(name), rec);
  rec.assertData(Array.from({ length: 6 }, (_, i) => `m${i}`));
});

test('refusals reach a MessagePack client in MessagePack, with their codes', T, async () => {
  const wrong = await failure(realtime(gw, 'compat.full:wrong-secret', BINARY));
  assert.equal(wrong.code, 40101);
  const denied = await connected(gw, KEYS.narrow, BINARY);
  const err = await denied.channels.get(freshChannel('ro')).publish('x', 'y').then(() => null, (e) => e);
  assert.equal(err?.code, 40160, 'a publish the key does not allow is NACKed 40160');
});

/** A raw WebSocket speaking format=msgpack: the frames the gateway sends, decoded. */
function rawMsgpack() {
  const url = `ws://127.0.0.1:${gw.port}/?key=${encodeURIComponent(KEYS.full)}&v=6&format=msgpack`;
  const ws = new WebSocket(url);
  const frames = [];
  let wake = () => {};
  ws.on('message', (d, isBinary) => {
    frames.push(isBinary ? msgpack.decode(d) : { text: d.toString() });
    wake();
  });
  const closed = new Promise((resolve) => ws.on('close', resolve));
  return {
    ws,
    closed,
    async next(what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!frames.length) {
        if (Date.now() > deadline) throw new Error(`no ${what} from the gateway`);
        await new Promise((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
      return frames.shift();
    },
  };
}

test('a frame that is not MessagePack fails the connection with 80013, in MessagePack', T, async () => {
  for (const bad of [Buffer.from([0xc1]), Buffer.from([0xdb, 0x7f, 0xff, 0xff, 0xf0]), msgpack.encode([1, 2])]) {
    const c = rawMsgpack();
    const connectedPm = await c.next('CONNECTED');
    assert.equal(connectedPm.action, 4, 'CONNECTED');
    c.ws.send(bad, { binary: true });
    const error = await c.next(`ERROR after ${bad.toString('hex')}`);
    assert.equal(error.action, 9, 'ERROR');
    assert.equal(error.error.code, 80013);
    await c.closed;
  }
  const c = rawMsgpack();
  await c.next('CONNECTED');
  c.ws.send(JSON.stringify({ action: 0 }));
  assert.equal((await c.next('ERROR after a text frame')).error.code, 80013, 'a text frame on a MessagePack connection');
  await c.closed;
});
