import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeEventSource, FakeWebSocket, fakeFetch } from '../support/fakes.mjs';
import { pos, unitClient } from '../support/unit-client.mjs';

test('an unacked publish is resent after a reconnect with the same id and retry:true', async () => {
  const { client, clock, states } = await unitClient();
  let ws = FakeWebSocket.last();
  ws.connected();
  const ch = client.channel('n:a');
  const first = ch.publish('chat', { text: 'hi' });
  const second = ch.publish('chat', { text: 'yo' }, { id: 'mine-1' });
  const sent = ws.frames('publish');
  assert.equal(sent.length, 2);
  assert.ok(sent[0].id, 'every publish carries an id');
  assert.equal(sent[0].retry, undefined, 'a first attempt is not a retry');
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  ws.connected();
  const resent = ws.frames('publish');
  assert.deepEqual(resent.map((f) => [f.id, f.retry, f.data.text]), [[sent[0].id, true, 'hi'], ['mine-1', true, 'yo']], 'same ids, same order');
  ws.receive({ type: 'ack', ref: resent[0].ref, channel: 'n:a', id: sent[0].id, position: pos(7), duplicate: true });
  ws.receive({ type: 'ack', ref: resent[1].ref, channel: 'n:a', id: 'mine-1', position: pos(8), duplicate: false });
  assert.equal(await first, pos(7));
  assert.equal(await second, pos(8));
  client.close();
});

test('a publish made while disconnected goes out once connected', async () => {
  const { client } = await unitClient();
  const p = client.channel('n:a').publish(undefined, 1);
  const ws = FakeWebSocket.last();
  assert.equal(ws.frames('publish').length, 0);
  ws.connected();
  const [f] = ws.frames('publish');
  assert.equal(f.retry, undefined, 'never sent before: not a retry');
  assert.equal(f.name, undefined);
  ws.receive({ type: 'ack', ref: f.ref, id: f.id, position: pos(1), duplicate: false });
  assert.equal(await p, pos(1));
  client.close();
});

test('a retryable error is retried with backoff up to the limit, with the same id', async () => {
  const { client, clock } = await unitClient({ publishRetryLimit: 2, backoffInitialMs: 100, backoffMaxMs: 100 });
  const ws = FakeWebSocket.last();
  ws.connected();
  const p = client.channel('n:a').publish('x', 1);
  for (let i = 0; i < 3; i++) {
    const f = ws.frames('publish').at(-1);
    ws.receive({ type: 'error', ref: f.ref, code: 50302, error: 'busy', message: 'full', retryable: true });
    await clock.advance(100);
  }
  const ids = new Set(ws.frames('publish').map((f) => f.id));
  assert.equal(ws.frames('publish').length, 3);
  assert.equal(ids.size, 1);
  await assert.rejects(p, (e) => e.name === 'busy' && /gave up after 2 retries/.test(e.message));
  client.close();
});

test('a non-retryable error rejects at once', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const p = client.channel('n:a').publish('x', 1);
  const f = ws.frames('publish')[0];
  ws.receive({ type: 'error', ref: f.ref, code: 40301, error: 'publish_not_allowed', message: 'no', retryable: false });
  await assert.rejects(p, { name: 'publish_not_allowed', code: 40301 });
  client.close();
});

test('past maxPublishesInFlight a publish fails fast with busy', async () => {
  const { client } = await unitClient({ maxPublishesInFlight: 2 });
  const ch = client.channel('n:a');
  ch.publish('x', 1);
  ch.publish('x', 2);
  await assert.rejects(ch.publish('x', 3), { name: 'busy', code: 50302 });
  client.close();
});

test('a frame over maxFrameBytes is refused locally instead of dropping the connection forever', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.receive({ type: 'connected', heartbeatMs: 15000, limits: { maxFrameBytes: 1000 } });
  await assert.rejects(client.channel('n:a').publish('x', 'y'.repeat(2000)), { name: 'message_too_large' });
  assert.equal(ws.frames('publish').length, 0);
  client.close();
});

test('over HTTP the id is the Idempotency-Key, and a network failure resends the same key', async () => {
  let failures = 1;
  const fetch = fakeFetch(({ url, init }) => {
    if (url.pathname.startsWith('/v1/channels/')) {
      if (failures-- > 0) throw new TypeError('network down');
      return { status: 201, body: { channel: 'n:a', id: init.headers['idempotency-key'], position: pos(3), duplicate: false } };
    }
    return new Promise(() => {}); // the stream's long poll: never answers in this test
  });
  const { client, clock } = await unitClient({ transports: ['sse'], fetch, backoffInitialMs: 100, backoffMaxMs: 100 });
  assert.equal(client.state, 'connected', 'SSE with no channel is usable at once');
  const p = client.channel('n:a/b').publish('chat', { t: 1 }, { id: 'k-1' });
  await settle();
  await clock.advance(100);
  assert.equal(await p, pos(3));
  const posts = fetch.requests.filter((r) => r.init.method === 'POST');
  assert.equal(posts.length, 2);
  assert.equal(posts[0].url.pathname, '/v1/channels/n%3Aa%2Fb/messages');
  assert.deepEqual(posts.map((r) => r.init.headers['idempotency-key']), ['k-1', 'k-1']);
  assert.deepEqual(posts[1].body, { data: { t: 1 }, id: 'k-1', name: 'chat' });
  assert.equal(FakeEventSource.instances.length, 0);
  client.close();
});
