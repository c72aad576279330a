import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chorus } from '../../.build/src/index.js';
import { settle } from '../support/fake-clock.mjs';
import { FakeWebSocket, fakeFetch } from '../support/fakes.mjs';
import { pos, unitClient } from '../support/unit-client.mjs';

// A JWT-shaped token whose payload has `exp` (seconds); the SDK reads it, the fakes never verify.
const jwt = (name, expSeconds) =>
  `h.${Buffer.from(JSON.stringify({ sub: 'u', exp: expSeconds, name })).toString('base64url')}.s`;

function authEvents(client) {
  const events = [];
  client.on('auth', (state, info) => events.push({ state, ...info }));
  return events;
}

test('authCallback is asked once and its token cached across reconnects and HTTP requests', async () => {
  let calls = 0;
  const fetch = fakeFetch(() => ({ status: 200, body: { channel: 'n:a', messages: [], next: null } }));
  const { client, clock, states } = await unitClient({ fetch, authCallback: async () => `tok-${++calls}` });
  FakeWebSocket.last().connected();
  await client.channel('n:a').history();
  await client.channel('n:a').history();
  FakeWebSocket.last().serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=tok-1');
  assert.deepEqual(fetch.requests.map((r) => r.init.headers.authorization), ['Bearer tok-1', 'Bearer tok-1']);
  assert.equal(calls, 1);
  client.close();
});

test('auth_expiring fetches a new token and sends it in band; authed moves the expiry and the socket stays', async () => {
  const tokens = ['first', 'second', 'third'];
  const { client, clock } = await unitClient({ authCallback: () => tokens.shift() });
  const events = authEvents(client);
  const ws = FakeWebSocket.last();
  ws.receive({ type: 'connected', connectionId: 'c', clientId: 'user-1', heartbeatMs: 0 }); // no watchdog: time jumps far
  assert.equal(client.clientId, 'user-1');
  client.channel('n:a').subscribe(() => {});
  ws.answerSubscribes(() => pos(1));
  ws.receive({ type: 'auth_expiring', expiresAt: clock.now() + 60_000 });
  await settle();
  const [auth] = ws.frames('auth');
  assert.equal(auth.token, 'second');
  const expiresAt = clock.now() + 400_000;
  ws.receive({ type: 'authed', ref: auth.ref, clientId: 'user-1', expiresAt });
  await settle();
  assert.deepEqual(events.map((e) => e.state), ['authenticated', 'refreshing', 'authenticated']);
  assert.equal(events.at(-1).expiresAt, expiresAt);
  // Ahead of the expiry it knows, at 3/4 of the lifetime left: another refresh.
  await clock.advance(300_000 - 1);
  assert.equal(ws.frames('auth').length, 1);
  await clock.advance(1);
  assert.deepEqual(ws.frames('auth').map((f) => f.token), ['second', 'third']);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(ws.frames('subscribe').length, 1, 'the subscription was kept');
  client.close();
});

test('a token provider that keeps failing during a refresh is retried with growing backoff, not at once', async () => {
  let calls = 0;
  const { client, clock } = await unitClient({
    backoffInitialMs: 1000,
    backoffMaxMs: 8000,
    authCallback: () => {
      calls += 1;
      if (calls === 1) return 'ok';
      throw new Error('auth server down');
    },
  });
  const events = authEvents(client);
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.receive({ type: 'auth_expiring', expiresAt: clock.now() + 60_000 });
  await settle();
  const failed = () => events.filter((e) => e.state === 'failed');
  assert.equal(failed().length, 1);
  assert.equal(failed()[0].error.name, 'auth_failed');
  assert.match(failed()[0].error.message, /auth server down/);
  await clock.advance(30_000);
  // Ceilings 1, 2, 4, 8, 8… s: in 30 s a handful of attempts, where a spin would make thousands.
  assert.ok(calls >= 4 && calls <= 12, `${calls} calls`);
  for (const e of failed()) assert.ok(e.retryInMs <= 8000);
  assert.equal(ws.frames('auth').length, 0);
  client.close();
  const after = calls;
  await clock.advance(60_000);
  assert.equal(calls, after, 'nothing after close');
});

test('a token provider that fails at connect backs off and keeps the transport', async () => {
  let calls = 0;
  const fetch = fakeFetch(() => new Promise(() => {}));
  const { client, clock, states } = await unitClient({
    transports: ['websocket', 'polling'],
    fetch,
    backoffInitialMs: 1000,
    backoffMaxMs: 4000,
    authCallback: async () => {
      calls += 1;
      if (calls < 4) throw new Error('nope');
      return 'finally';
    },
  });
  const events = authEvents(client);
  assert.equal(FakeWebSocket.instances.length, 0);
  assert.equal(states.at(-1).state, 'disconnected');
  // Delay ceilings 1, 2, 4 s: the fourth call comes within 7 s (and the WebSocket's 10 s connect timeout is not up).
  await clock.advance(8_000);
  assert.equal(calls, 4);
  assert.equal(FakeWebSocket.instances.length, 1, 'the WebSocket was tried only once a token came');
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=finally');
  assert.equal(fetch.requests.length, 0, 'no fallback to long-polling for a token problem');
  assert.deepEqual(events.map((e) => e.state), [], 'failures at connect show in the state reasons');
  assert.ok(states.filter((s) => s.state === 'disconnected').every((s) => /token provider failed/.test(s.reason)));
  client.close();
});

test('a close with 4004 fetches a new token for the reconnect; the error frame is the auth failure', async () => {
  let n = 0;
  const { client, clock, states } = await unitClient({ authCallback: () => `t${++n}` });
  const events = authEvents(client);
  const ws = FakeWebSocket.last();
  ws.receive({ type: 'error', code: 40103, error: 'token_expired', message: 'expired', retryable: true });
  ws.serverClose(4004, 'token_expired');
  assert.equal(events.at(-1).state, 'failed');
  assert.equal(events.at(-1).error.name, 'token_expired');
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=t2');
  FakeWebSocket.last().connected();
  assert.equal(client.state, 'connected');
  assert.equal(events.at(-1).state, 'authenticated');
  client.close();
});

test('a close with 4101 fails the client and tells the auth listener why', async () => {
  const { client } = await unitClient({ authCallback: () => 'forged' });
  const events = authEvents(client);
  const ws = FakeWebSocket.last();
  ws.receive({ type: 'error', code: 40102, error: 'token_invalid', message: 'bad signature', retryable: false });
  ws.serverClose(4101, 'unauthorized');
  assert.equal(client.state, 'failed');
  assert.deepEqual(events.map((e) => [e.state, e.error?.name, e.retryInMs]), [['failed', 'token_invalid', undefined]]);
});

test('a cached token past its exp is not presented again: a new one is fetched', async () => {
  let n = 0;
  // The fake clock starts at 1 000 000 ms: the first token expires 30 s later, the next much later.
  const { client, clock } = await unitClient({ authCallback: () => jwt(`t${++n}`, n === 1 ? 1_000 + 30 : 9_999) });
  // No connection is ever accepted: every 10 s the connect timeout starts another attempt.
  await clock.advance(45_000);
  const names = FakeWebSocket.instances.map((ws) => {
    const payload = new URL(ws.url).searchParams.get('token').split('.')[1];
    return JSON.parse(Buffer.from(payload, 'base64url').toString()).name;
  });
  assert.equal(n, 2);
  assert.ok(names.length >= 4, names.join());
  assert.equal(names[0], 't1');
  assert.equal(names.at(-1), 't2');
  assert.deepEqual([...new Set(names)], ['t1', 't2'], 't1 until it expired, then t2');
  client.close();
});

test('authUrl is fetched with credentials and headers; plain text and JSON bodies both work', async () => {
  for (const body of ['plain-token\n', '{"token":"json-token"}']) {
    const requests = [];
    const fetch = async (url, init) => {
      requests.push({ url, init });
      return new Response(body, { status: 200 });
    };
    const { client } = await unitClient({ fetch, authUrl: 'http://app.test/chorus-token', authHeaders: { 'x-csrf': 'c1' } });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].url, 'http://app.test/chorus-token');
    assert.equal(requests[0].init.credentials, 'include');
    assert.equal(requests[0].init.headers['x-csrf'], 'c1');
    assert.equal(FakeWebSocket.last().url, `ws://gw.test/v1/ws?token=${body.startsWith('{') ? 'json-token' : 'plain-token'}`);
    client.close();
  }
});

test('an authUrl answering an error or no token is auth_failed', async () => {
  for (const [status, body] of [[500, 'oops'], [200, '{"nope":1}'], [200, '']]) {
    const fetch = async () => new Response(body, { status });
    const { client, states } = await unitClient({ fetch, authUrl: 'http://app.test/t' });
    assert.equal(FakeWebSocket.instances.length, 0);
    assert.equal(states.at(-1).state, 'disconnected');
    assert.equal(states.at(-1).error.name, 'auth_failed');
    client.close();
  }
});

test('token, authCallback and authUrl are exclusive', () => {
  assert.throws(() => new Chorus({ url: 'http://gw.test', token: 'a', authCallback: () => 'b', autoConnect: false }), TypeError);
  assert.throws(() => new Chorus({ url: 'http://gw.test', authUrl: '/t', authCallback: () => 'b', autoConnect: false }), TypeError);
});

test('a 401 token_expired over HTTP makes the next request fetch a new token', async () => {
  let n = 0;
  let first = true;
  const fetch = fakeFetch(() => {
    if (first) {
      first = false;
      return { status: 401, body: { error: 'token_expired', code: 40103, message: 'expired', retryable: true } };
    }
    return { status: 200, body: { channel: 'n:a', messages: [], next: null } };
  });
  const { client } = await unitClient({ fetch, authCallback: () => `t${++n}`, autoConnect: false });
  await assert.rejects(client.channel('n:a').history(), { name: 'token_expired' });
  await client.channel('n:a').history();
  assert.deepEqual(fetch.requests.map((r) => r.init.headers.authorization), ['Bearer t1', 'Bearer t2']);
  client.close();
});

test('a token provider that never answers times out (connectTimeoutMs), and the next attempt asks again', async () => {
  let calls = 0;
  const { client, clock, states } = await unitClient({ connectTimeoutMs: 5000, authCallback: () => (++calls === 1 ? new Promise(() => {}) : 'late') });
  await clock.advance(5000); // the connect timeout and the provider's timeout, together
  assert.equal(states.at(-1).state, 'disconnected');
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(calls, 2);
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=late');
  client.close();
});
