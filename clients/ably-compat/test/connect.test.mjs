// Step 1: connecting. The real ably-js 2.x connects to Chorus with a configured key; CONNECTED carries
// connectionDetails; refusals come as Ably errors the SDK reports (RTN14a, RTN14g).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as Ably from 'ably';
import WebSocket from 'ws';
import { HEARTBEAT_MS, KEYS, sharedGateway } from './support/gateway.mjs';
import { waitFor } from './support/wait.mjs';
import { ablyOptions, closeAll, connected, failure, realtime } from './support/clients.mjs';

const T = { timeout: 60_000 };
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

test('ably-js connects with a configured key and gets connectionDetails', T, async () => {
  const client = await connected(gw, KEYS.full, { clientId: 'alice' });
  const details = client.connection.connectionManager.connectionDetails;
  assert.match(client.connection.id, /^a-[A-Za-z0-9_-]+$/);
  assert.ok(client.connection.key.startsWith(`${client.connection.id}!`), 'the connection key names the connection');
  assert.equal(client.auth.clientId, 'alice');
  assert.equal(details.clientId, 'alice');
  // The gateway's configuration (chorus-defaults.yaml): 64 KiB messages less the frame's room, the
  // connection heartbeat as maxIdleInterval (the test gateway's), ably.connectionStateTtl.
  assert.equal(details.maxMessageSize, 65536 - 1024);
  assert.equal(details.maxIdleInterval, HEARTBEAT_MS);
  assert.equal(details.connectionStateTtl, 120000);
  assert.equal(typeof (await client.connection.ping()), 'number', 'HEARTBEAT with an id is echoed (RTN13e)');
});

test('without a clientId the connection is not identified', T, async () => {
  const client = await connected(gw, KEYS.full);
  assert.equal(client.auth.clientId ?? null, null);
  assert.equal(client.connection.connectionManager.connectionDetails.clientId, undefined);
});

test('a client that asks for protocol heartbeats gets HEARTBEAT messages and WebSocket pings', T, async () => {
  // What browsers do (they cannot see pings): heartbeats=true (RTN23b). Raw socket, to see the frames.
  const url = `ws://127.0.0.1:${gw.port}/?key=${encodeURIComponent(KEYS.full)}&v=6&format=json&heartbeats=true`;
  const ws = new WebSocket(url);
  const frames = [];
  let pings = 0;
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  ws.on('ping', () => pings++);
  try {
    await waitFor(() => frames.some((f) => f.action === 0) && pings > 0, { timeoutMs: 5 * HEARTBEAT_MS, what: 'a heartbeat' });
    assert.equal(frames[0].action, 4, 'CONNECTED first');
  } finally {
    ws.close();
  }
});

test('a wrong secret fails the connection with 40101, an unknown key with 40130', T, async () => {
  const wrong = await failure(realtime(gw, 'compat.full:not-the-secret'));
  assert.equal(wrong.code, 40101);
  assert.equal(wrong.statusCode, 401);
  const unknown = await failure(realtime(gw, 'compat.nobody:secret'));
  assert.equal(unknown.code, 40130);
});

test('an invalid clientId fails the connection with 40012', T, async () => {
  const reason = await failure(realtime(gw, KEYS.full, { clientId: 'has spaces' }));
  assert.equal(reason.code, 40012);
});

test("MessagePack, ably-js's default in Node, connects (msgpack.test.mjs tests it in depth)", T, async () => {
  const client = new Ably.Realtime({ ...ablyOptions(gw, KEYS.full), useBinaryProtocol: true });
  try {
    await client.connection.once('connected');
  } finally {
    client.close();
  }
});

test('a token Chorus did not issue is refused with a token error (auth.test.mjs has the rest)', T, async () => {
  const reason = await failure(realtime(gw, undefined, { key: undefined, token: 'some-token' }));
  // 40144 (not a JWT) from the gateway; with no way to renew, ably-js reports 40171 (RSA4a2).
  assert.ok([40144, 40171].includes(reason.code), `code ${reason.code}: ${reason.message}`);
});

test('an unsupported protocol version is refused with 40017', T, async () => {
  const url = `ws://127.0.0.1:${gw.port}/?key=${encodeURIComponent(KEYS.full)}&v=1&format=json`;
  const frame = await new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('message', (d) => resolve(JSON.parse(d.toString())));
    ws.on('error', reject);
  });
  assert.equal(frame.action, 9);
  assert.equal(frame.error.code, 40017);
});

test('REST requests of ably-js are answered with an Ably error, not silence', T, async () => {
  const rest = new Ably.Rest({ key: KEYS.full, restHost: '127.0.0.1', port: gw.port, tls: false, useBinaryProtocol: false, logLevel: 0 });
  await assert.rejects(rest.stats(), (err) => err.code === 40400 && /ABLY\.md/.test(err.message));
});

test('CLOSE is answered with CLOSED and the connection ends cleanly', T, async () => {
  const client = await connected(gw, KEYS.full);
  const closed = new Promise((resolve) => client.connection.once('closed', resolve));
  client.close();
  const change = await closed;
  assert.equal(change.current, 'closed');
});

test("the README's example works: ./chorus dev's key, publish and subscribe", T, async () => {
  // Exactly the README's options (its key comes from chorus-dev.yaml, which the test gateway also runs).
  const ably = realtime(gw, 'dev.chorus:chorus-dev-ably-secret');
  const channel = ably.channels.get(`readme${Math.random().toString(36).slice(2, 8)}:lobby`);
  const got = new Promise((resolve) => channel.subscribe((m) => resolve(m)));
  await channel.attach();
  await channel.publish('hello', { from: 'ably-js' });
  const m = await got;
  assert.equal(m.name, 'hello');
  assert.deepEqual(m.data, { from: 'ably-js' });
});
