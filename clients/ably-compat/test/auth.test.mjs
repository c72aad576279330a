// Ably token auth on Chorus with the real ably-js: requestToken (a TokenRequest signed by the SDK),
// Realtime with tokenDetails, authCallback and authUrl (a tiny HTTP server here), a short-lived token
// renewed on the live connection (same connectionId, messages keep flowing), expiry, and refusals:
// a bad mac, an old timestamp, a capability beyond the key, an expired token.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import * as Ably from 'ably';
import WebSocket from 'ws';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, ablyOptions, closeAll, failure, realtime } from './support/clients.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 90_000 };
let gw;
let server;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  server?.close();
  await gw?.release();
});

function rest(key = KEYS.full) {
  return new Ably.Rest({ key, restHost: '127.0.0.1', port: gw.port, tls: false, useBinaryProtocol: false, logLevel: 0 });
}

/** A Realtime client with token auth only (no key), on the test gateway. */
function tokenClient(extra) {
  return realtime(gw, undefined, { key: undefined, restHost: '127.0.0.1', ...extra });
}

async function pubSub(client) {
  const channel = client.channels.get(freshChannel());
  const rec = new Recorder();
  await channel.subscribe(rec.listener);
  await channel.publish('hello', 'via token');
  await rec.waitForCount(1);
  return rec.messages[0];
}

test('requestToken returns TokenDetails that a Realtime client connects with', T, async () => {
  const td = await rest().auth.requestToken({ clientId: 'alice', ttl: 60_000 });
  assert.equal(td.clientId, 'alice');
  assert.ok(td.expires > Date.now() && td.expires <= Date.now() + 61_000, `expires ${td.expires}`);
  assert.equal(typeof td.token, 'string');
  const client = tokenClient({ tokenDetails: td });
  await client.connection.once('connected');
  assert.equal(client.auth.clientId, 'alice');
  const m = await pubSub(client);
  assert.equal(m.data, 'via token');
});

test('Realtime with authCallback connects, publishes and subscribes', T, async () => {
  const signer = rest();
  let calls = 0;
  const client = tokenClient({
    clientId: 'bob',
    authCallback: (params, cb) => {
      calls++;
      signer.auth.createTokenRequest(params).then((r) => cb(null, r), (e) => cb(e, null));
    },
  });
  await client.connection.once('connected');
  assert.equal(calls, 1);
  assert.equal(client.auth.clientId, 'bob');
  assert.equal((await pubSub(client)).data, 'via token');
});

test('Realtime with authUrl connects with the TokenRequest the URL returns', T, async () => {
  const signer = rest();
  const asked = [];
  server = createServer(async (req, res) => {
    asked.push(req.url);
    const tr = await signer.auth.createTokenRequest({ clientId: 'url-user' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tr));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const client = tokenClient({ authUrl: `http://127.0.0.1:${server.address().port}/auth`, authParams: { room: 'x' } });
  await client.connection.once('connected');
  assert.equal(client.auth.clientId, 'url-user');
  assert.ok(asked.some((u) => u.includes('room=x')), asked.join());
  assert.equal((await pubSub(client)).data, 'via token');
});

test('a short-lived token is renewed on the live connection without a gap', T, async () => {
  const signer = rest();
  const tokens = [];
  const client = tokenClient({
    clientId: 'carol',
    authCallback: (params, cb) => {
      signer.auth.requestToken({ ...params, ttl: 4000 }).then((td) => {
        tokens.push(td);
        cb(null, td);
      }, (e) => cb(e, null));
    },
  });
  await client.connection.once('connected');
  const states = [];
  client.connection.on((change) => states.push(`${change.current}${change.reason ? `(${change.reason.code} ${change.reason.message})` : ''}`));
  const id = client.connection.id;
  const channel = client.channels.get(freshChannel());
  const rec = new Recorder();
  await channel.subscribe(rec.listener);
  // Publish through two renewals: the server asks (AUTH) at half the token's life, the SDK sends AUTH.
  let sent = 0;
  while (tokens.length < 3) {
    await channel.publish('tick', String(sent++));
    await waitFor(() => rec.messages.length === sent, { what: `tick ${sent}` });
    await new Promise((r) => setTimeout(r, 100)); // pacing the publisher, not synchronizing
  }
  assert.ok(Date.now() > tokens[0].expires, 'the first token has expired by now');
  assert.equal(client.connection.id, id, `the same connection (RTC8); ${states.join()}`);
  assert.equal(client.connection.state, 'connected');
  assert.ok(states.length >= 2 && states.every((st) => st === 'connected'), `only UPDATEs (RTN24): ${states.join()}`);
  assert.equal(client.auth.tokenDetails.token, tokens.at(-1).token);
  await channel.publish('tick', String(sent++));
  await waitFor(() => rec.messages.length === sent, { what: 'the last tick' });
  assert.deepEqual(rec.messages.map((m) => m.data), [...Array(sent).keys()].map(String), 'every message once, in order');
});

test('a token literal cannot be renewed: when the gateway asks (AUTH), ably-js fails with 40171', T, async () => {
  const td = await rest().auth.requestToken({ ttl: 2000 });
  const client = tokenClient({ token: td.token });
  await client.connection.once('connected');
  const change = await new Promise((resolve) => client.connection.once('failed', resolve));
  assert.equal(change.reason.code, 40171, change.reason.message);
});

test('a connection whose token expires unrenewed gets DISCONNECTED 40142', { timeout: 120_000 }, async () => {
  // A raw socket that ignores the gateway's AUTH requests: at expiry plus auth.clockSkew (30 s by
  // default) the gateway sends DISCONNECTED with 40142 and closes (RTN15h; the SDK then renews, RTN15h2).
  const td = await rest().auth.requestToken({ ttl: 2000 });
  const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/?access_token=${td.token}&v=6&format=json`);
  const frames = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const closed = new Promise((resolve) => ws.on('close', resolve));
  try {
    await waitFor(() => frames.some((f) => f.action === 6), { timeoutMs: 90_000, what: 'DISCONNECTED' });
    const disconnected = frames.find((f) => f.action === 6);
    assert.equal(disconnected.error.code, 40142);
    assert.equal(disconnected.error.statusCode, 401);
    assert.equal(frames[0].action, 4, 'CONNECTED first');
    assert.ok(frames.some((f) => f.action === 17), 'the gateway asked for a new token first (RTN22)');
    await closed;
  } finally {
    ws.close();
  }
});

test('an expired token is refused at connect', T, async () => {
  const td = await rest().auth.requestToken({ ttl: 1000 });
  await waitFor(() => Date.now() > td.expires + 200, { timeoutMs: 5000, what: 'expiry' });
  const reason = await failure(tokenClient({ token: td.token }));
  assert.ok([40142, 40171].includes(reason.code), `${reason.code}: ${reason.message}`);
});

test('refusals: a bad mac, an old timestamp, a capability beyond the key', T, async () => {
  const r = rest();
  const signed = await r.auth.createTokenRequest({ clientId: 'eve' });
  const tampered = { ...signed, clientId: 'mallory' };
  const viaCallback = (tr) => ({ authCallback: (params, cb) => cb(null, tr) });
  await assert.rejects(r.auth.requestToken(null, viaCallback(tampered)),
    (err) => err.code === 40101 && err.statusCode === 401);
  const old = await r.auth.createTokenRequest({ timestamp: Date.now() - 20 * 60_000 });
  await assert.rejects(r.auth.requestToken(null, viaCallback(old)), (err) => err.code === 40104);
  await assert.rejects(r.auth.requestToken(null, viaCallback(signed)).then(() => r.auth.requestToken(null,
    viaCallback(signed))), (err) => err.code === 40105);
  await assert.rejects(rest(KEYS.narrow).auth.requestToken({ capability: { 'ro:*': ['publish'] } }),
    (err) => err.code === 40160);
  const narrowed = await rest(KEYS.narrow).auth.requestToken({ capability: { 'ro:*': ['subscribe'] } });
  assert.equal(narrowed.capability, '{"ro:*":["subscribe"]}');
});

test('a token narrower than its key limits the connection', T, async () => {
  const td = await rest().auth.requestToken({ capability: { 'ro:*': ['subscribe'] } });
  const client = tokenClient({ tokenDetails: td });
  await client.connection.once('connected');
  await client.channels.get(`ro:${Math.random().toString(36).slice(2, 8)}`).attach();
  await assert.rejects(client.channels.get(freshChannel()).attach(), (err) => err.code === 40160);
});
