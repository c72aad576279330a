import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { EventSource } from 'eventsource';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway, startGateway } from '../support/gateway.mjs';
import { produce } from '../support/kcat.mjs';
import { Recorder, numbered } from '../support/recorder.mjs';
import { AUTH_ENV, hs256 } from '../support/tokens.mjs';
import { waitFor } from '../support/wait.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name

// A second gateway on the run's Kafka that verifies HS256 tokens, warns 2 s before expiry and
// allows no clock skew, so tokens of a few seconds expire (and are refreshed) within a test.
const WS = globalThis.WebSocket;
let shared;
let gw;
const clients = [];
const client = (options) => {
  const c = new Chorus({ storage: null, WebSocket: WS, EventSource, transports: ['websocket'], backoffInitialMs: 50, backoffMaxMs: 500, ...options });
  clients.push(c);
  c.states = [];
  c.auths = [];
  c.on('state', (s, r) => c.states.push({ state: s, ...r }));
  c.on('auth', (s, info) => c.auths.push({ state: s, ...info }));
  return c;
};
const authenticated = (c) => c.auths.filter((a) => a.state === 'authenticated').length;

before(async () => {
  assert.ok(WS, 'run with node --experimental-websocket (npm test does)');
  shared = await sharedGateway();
  gw = await startGateway({
    mode: 'serve',
    kafka: shared.kafka,
    env: AUTH_ENV,
  });
});
after(async () => {
  clients.forEach((c) => c.close());
  await gw?.stop();
  await shared?.release();
});

test('authCallback renews 4-second tokens in band: one connection, the subscription gap-free', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  let calls = 0;
  const c = client({ url: gw.url, authCallback: async () => (calls++, hs256('ada', 4)) });
  const rec = new Recorder();
  await c.channel(channel).subscribe(rec.listener);
  assert.equal(c.clientId, 'ada');
  for (let round = 0; round < 3; round++) {
    const before = authenticated(c);
    await produce(shared.kafka, channel, numbered(round * 10 + 1, round * 10 + 10));
    await waitFor(() => authenticated(c) > before, { what: `in-band refresh ${round + 1}` });
  }
  await rec.waitForCount(30);
  rec.assertExactly(numbered(1, 30));
  assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'connected'], 'never disconnected');
  assert.ok(calls >= 4, `${calls} tokens fetched`);
  assert.ok(c.auths.some((a) => a.state === 'refreshing'));
  assert.deepEqual(c.auths.filter((a) => a.state === 'failed'), []);
  assert.ok(c.auths.at(-1).expiresAt > Date.now(), 'the expiry moved forward');
});

for (const kind of ['sse', 'polling']) {
  test(`${kind}: 4-second tokens are renewed by reopening with the new one before they expire: never disconnected, nothing lost`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    let calls = 0;
    const c = client({ url: gw.url, transports: [kind], authCallback: async () => (calls++, hs256('ada', 4)) });
    const rec = new Recorder();
    await c.channel(channel).subscribe(rec.listener);
    for (let round = 0; round < 3; round++) {
      const before = authenticated(c);
      await produce(shared.kafka, channel, numbered(round * 10 + 1, round * 10 + 10));
      await waitFor(() => authenticated(c) > before, { what: `refresh ${round + 1}` });
    }
    await rec.waitForCount(30);
    rec.assertExactly(numbered(1, 30));
    assert.equal(c.transport, kind);
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'connected'], 'never disconnected');
    assert.deepEqual(c.auths.filter((a) => a.state === 'failed'), []);
    assert.ok(calls >= 4, `${calls} tokens fetched`);
  });
}

test('a token that expired before the connect is replaced after the 4004, and the client connects', { timeout: TEST_TIMEOUT_MS }, async () => {
  let calls = 0;
  const c = client({ url: gw.url, authCallback: () => (++calls === 1 ? hs256('bea', -5) : hs256('bea', 60)) });
  await waitFor(() => c.state === 'connected', { what: 'connected with the second token' });
  assert.equal(calls, 2);
  const failed = c.auths.find((a) => a.state === 'failed');
  assert.equal(failed?.error?.name, 'token_expired');
  assert.ok(c.states.some((s) => s.closeCode === 4004), c.states.map((s) => `${s.state}/${s.closeCode ?? ''}`).join(' '));
  assert.equal(c.clientId, 'bea');
});

test('when the token provider is down through the expiry, the 4004 close is followed by backoff and a resume without loss', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  let down = false;
  let failures = 0;
  const c = client({
    url: gw.url,
    authCallback: async () => {
      if (down) {
        failures += 1;
        throw new Error('auth backend unavailable');
      }
      return hs256('cy', 3);
    },
  });
  const rec = new Recorder();
  await c.channel(channel).subscribe(rec.listener);
  await produce(shared.kafka, channel, numbered(1, 5));
  await rec.waitForCount(5);
  down = true;
  await waitFor(() => c.states.some((s) => s.closeCode === 4004), { what: 'the server closing with 4004 at exp' });
  await produce(shared.kafka, channel, numbered(6, 10)); // while the client cannot get a token
  // In-band refreshes failed before the close; now the reconnect attempts fail too.
  const before = failures;
  await waitFor(() => failures >= before + 2, { what: 'failed token fetches after the close' });
  down = false;
  await rec.waitForCount(10);
  rec.assertExactly(numbered(1, 10));
  assert.equal(c.state, 'connected');
  assert.ok(c.auths.some((a) => a.state === 'failed' && a.error.name === 'auth_failed'));
  assert.ok(c.states.some((s) => /token provider failed/.test(s.reason)));
  // Backoff, not a spin: the attempts came at most every backoffMaxMs-bounded draw.
  assert.ok(failures < 200, `${failures} failed fetches`);
});

test('authUrl: the SDK GETs a token from a small backend (JSON body) and again when it expires', { timeout: TEST_TIMEOUT_MS }, async () => {
  const seen = [];
  const backend = createServer((req, res) => {
    seen.push({ url: req.url, user: req.headers['x-user'] });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: hs256(req.headers['x-user'], 4) }));
  });
  await new Promise((r) => backend.listen(0, '127.0.0.1', r));
  try {
    const authUrl = `http://127.0.0.1:${backend.address().port}/chorus/token`;
    const c = client({ url: gw.url, authUrl, authHeaders: { 'x-user': 'dee' } });
    await waitFor(() => c.state === 'connected', { what: 'connected' });
    assert.equal(c.clientId, 'dee');
    await waitFor(() => authenticated(c) >= 3, { what: 'two in-band refreshes' });
    assert.ok(seen.length >= 3);
    assert.ok(seen.every((r) => r.url === '/chorus/token' && r.user === 'dee'));
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'connected']);
  } finally {
    await new Promise((r) => backend.close(r));
  }
});

test('a token with a bad signature fails the client (4101) and the auth listener hears why', { timeout: TEST_TIMEOUT_MS }, async () => {
  let calls = 0;
  const c = client({ url: gw.url, authCallback: () => (calls++, hs256('eve', 60, { secret: 'not-the-secret-at-all-not-the-secret' })) });
  await waitFor(() => c.state === 'failed', { what: 'failed' });
  assert.equal(calls, 1, 'a terminal refusal is not retried');
  assert.equal(c.states.at(-1).closeCode, 4101);
  assert.equal(c.auths.at(-1).error.name, 'token_invalid');
});
