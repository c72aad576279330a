import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeEventSource, FakeWebSocket, fakeFetch } from '../support/fakes.mjs';
import { pos, unitClient } from '../support/unit-client.mjs';

test('the token goes in the WebSocket URL, and a reconnect after token_expired asks for a new one', async () => {
  let n = 0;
  const { client, clock, states } = await unitClient({ token: () => `jwt-${++n}` });
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=jwt-1');
  FakeWebSocket.last().connected();
  FakeWebSocket.last().serverClose(4004, 'token_expired'); // 4000-4099: reconnect
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws?token=jwt-2');
  client.close();
});

test('auth_expiring is answered in band with the current token, keeping the socket', async () => {
  let token = 'old';
  const { client } = await unitClient({ token: async () => token });
  const ws = FakeWebSocket.last();
  ws.connected();
  token = 'new';
  ws.receive({ type: 'auth_expiring', expiresAt: 1 });
  await settle();
  assert.deepEqual(ws.frames('auth').map((f) => f.token), ['new']);
  assert.equal(FakeWebSocket.instances.length, 1);
  client.close();
});

test('over HTTP the token is a Bearer header; on EventSource a query parameter', async () => {
  const fetch = fakeFetch(({ url }) => url.pathname.endsWith('/messages')
    ? { status: 201, body: { id: 'i', position: pos(1), duplicate: false } }
    : new Promise(() => {}));
  const { client } = await unitClient({ transports: ['sse'], fetch, token: 'jwt' });
  await client.channel('n:a').publish('x', 1, { id: 'i' });
  assert.equal(fetch.requests[0].init.headers.authorization, 'Bearer jwt');
  client.channel('n:a').subscribe(() => {});
  await settle();
  assert.equal(FakeEventSource.last().url.searchParams.get('token'), 'jwt');
  client.close();
});

test('a token refused for good over long-polling fails the client instead of retrying forever', async () => {
  const fetch = fakeFetch(() => ({ status: 401, body: { error: 'token_invalid', code: 40102, message: 'bad signature', retryable: false } }));
  const { client, clock } = await unitClient({ transports: ['polling'], fetch, token: 'forged' });
  const ready = client.channel('n:a').subscribe(() => {});
  await settle();
  assert.equal(client.state, 'failed');
  await assert.rejects(ready, { name: 'connection_failed' });
  await clock.advance(60_000);
  assert.equal(fetch.requests.length, 1);
});
