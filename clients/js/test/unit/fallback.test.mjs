import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeEventSource, FakeWebSocket, fakeFetch, pollServer } from '../support/fakes.mjs';
import { msg, pos, recorder, unitClient } from '../support/unit-client.mjs';

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, v), m };
}

test('transports that fail to connect hand over in order: websocket, then sse, then polling', async () => {
  const poll = pollServer();
  const { client, clock, states } = await unitClient({ transports: ['websocket', 'sse', 'polling'], fetch: poll.fetch, refuseWebSocket: true });
  client.channel('n:a').subscribe(() => {}); // SSE opens a stream only for a channel
  await settle();
  assert.equal(states.at(-1).transport, 'websocket');
  assert.equal(client.state, 'disconnected');
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(states.at(-1).transport, 'sse');
  assert.equal(FakeEventSource.instances.length, 1);
  FakeEventSource.last().fire('error'); // the stream could not be opened (no data: not a server event)
  assert.equal(FakeEventSource.last().closed, true, 'the SDK closes it: no native EventSource reconnect');
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(states.at(-1).transport, 'polling');
  assert.equal(client.state, 'connecting', 'polling is usable once a poll is answered');
  poll.waiting.shift().answer({ body: { positions: pos(1), subscribed: [{ channel: 'n:a', position: pos(1) }], messages: [] } });
  await settle();
  assert.equal(client.state, 'connected');
  assert.deepEqual(states.map((s) => `${s.state}/${s.transport}`),
    ['connecting/websocket', 'disconnected/websocket', 'connecting/sse', 'disconnected/sse', 'connecting/polling', 'connected/polling']);
  client.close();
});

test('a failure after connecting retries the same transport', async () => {
  const { client, clock, states } = await unitClient({ transports: ['websocket', 'sse'] });
  FakeWebSocket.last().connected();
  FakeWebSocket.last().serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(states.at(-1).transport, 'websocket');
  client.close();
});

test('transports the platform lacks are skipped', async () => {
  let { client } = await unitClient({ transports: ['websocket', 'sse', 'polling'], WebSocket: null });
  assert.deepEqual(client.transports, ['sse', 'polling']);
  client.close();
  ({ client } = await unitClient({ WebSocket: null, EventSource: null, transports: ['websocket', 'sse', 'polling'] }));
  assert.deepEqual(client.transports, ['polling']);
  client.close();
});

test('the transport that worked is remembered, in memory and in storage, and used first next time', async () => {
  const storage = memoryStorage();
  const poll = pollServer();
  let { client, clock, states } = await unitClient({ transports: ['websocket', 'polling'], fetch: poll.fetch, storage, refuseWebSocket: true });
  await settle();
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(client.transport, 'polling');
  assert.equal(storage.m.get('chorus.transport:http://gw.test'), 'polling');
  client.close();
  // A new page: memory is gone (unitClient forgets it), storage is not.
  ({ client, states } = await unitClient({ transports: ['websocket', 'polling'], fetch: poll.fetch, storage }));
  assert.equal(states[0].transport, 'polling');
  client.close();
});

test('on a lesser transport the client probes the best one and switches without losing its place', async () => {
  const poll = pollServer();
  const { client, clock, states } = await unitClient({ transports: ['websocket', 'polling'], fetch: poll.fetch, upgradeIntervalMs: 30_000, refuseWebSocket: true });
  const a = recorder();
  const switched = [];
  client.on('transport', (k) => switched.push(k));
  client.channel('n:a').subscribe(a);
  await settle();
  await clock.advance(states.at(-1).retryInMs);
  await settle();
  // First poll: the channel starts live at 4; the second brings 5.
  poll.waiting.shift().answer({ body: { positions: pos(4), subscribed: [{ channel: 'n:a', position: pos(4) }], messages: [] } });
  await settle();
  poll.waiting.shift().answer({ body: { positions: pos(5), subscribed: [], messages: [msg('n:a', 5)] } });
  await settle();
  assert.equal(client.transport, 'polling');
  FakeWebSocket.refuse = false;
  await clock.advance(30_000);
  const probe = FakeWebSocket.last();
  assert.equal(client.transport, 'polling', 'the probe is not in use before it is connected');
  probe.connected();
  assert.equal(client.transport, 'websocket');
  assert.deepEqual(switched, ['websocket']);
  assert.equal(client.state, 'connected');
  assert.deepEqual(probe.frames('subscribe').map((f) => f.since), [pos(5)]);
  assert.equal(poll.waiting[0]?.req.init.signal.aborted, true, 'the long poll is abandoned');
  probe.answerSubscribes((f) => f.since);
  probe.receive(msg('n:a', 5));
  probe.receive(msg('n:a', 6));
  assert.deepEqual(a.offsets(), [5, 6]);
  client.close();
});

test('SSE opens from the SDK\'s own positions and reopens with the current ones when the set changes', async () => {
  const { client, clock, states } = await unitClient({ transports: ['sse'], fetch: fakeFetch(() => ({ status: 500 })) });
  assert.equal(client.state, 'connected');
  const a = recorder();
  client.channel('n:a').subscribe(a, { since: pos(2) });
  await settle();
  let es = FakeEventSource.last();
  assert.equal(es.url.pathname, '/v1/sse');
  assert.deepEqual(es.channels(), ['n:a']);
  assert.equal(es.positions(), pos(2));
  es.fire('open');
  es.fire('subscribed', { type: 'subscribed', channel: 'n:a', position: pos(2), resumed: true });
  es.fire('message', msg('n:a', 3));
  client.channel('n:b').subscribe(() => {});
  await settle();
  assert.equal(es.closed, true);
  es = FakeEventSource.last();
  assert.deepEqual(es.channels(), ['n:a', 'n:b']);
  assert.equal(es.positions(), `${pos(3)},`, 'n:a after 3, n:b live');
  es.fire('open');
  es.fire('subscribed', { type: 'subscribed', channel: 'n:a', position: pos(3), resumed: true });
  es.fire('message', msg('n:a', 3));
  es.fire('message', msg('n:a', 4));
  assert.deepEqual(a.offsets(), [3, 4]);
  // The stream breaks: closed, and reopened after the backoff from the positions.
  es.fire('error');
  assert.equal(client.state, 'disconnected');
  await clock.advance(states.at(-1).retryInMs);
  es = FakeEventSource.last();
  assert.equal(es.positions(), `${pos(4)},`);
  assert.equal(FakeEventSource.instances.length, 3);
  client.close();
});

test('an SSE error event with a channel ends only that channel; one without ends the stream', async () => {
  const { client, clock } = await unitClient({ transports: ['sse'], publishRetryLimit: 1 });
  const failed = [];
  client.channel('n:a').on('failed', (e) => failed.push(e.name));
  client.channel('n:a').subscribe(() => {});
  client.channel('n:b').subscribe(() => {});
  await settle();
  let es = FakeEventSource.last();
  es.fire('open');
  es.fire('subscribed', { type: 'subscribed', channel: 'n:a', position: pos(1) });
  es.fire('subscribed', { type: 'subscribed', channel: 'n:b', position: pos(1) });
  es.fire('error', { type: 'error', channel: 'n:a', code: 40005, error: 'invalid_position', message: 'x', retryable: false });
  assert.deepEqual(failed, ['invalid_position']);
  await settle();
  es = FakeEventSource.last();
  assert.deepEqual(es.channels(), ['n:b'], 'reopened without the ended channel');
  assert.equal(client.state, 'connected');
  es.fire('error', { type: 'error', code: 50305, error: 'draining', message: 'bye', retryable: true });
  assert.equal(client.state, 'disconnected');
  await clock.advance(10_000);
  client.close();
});

test('long-polling sends the token of each answer, and its own positions when the set changes', async () => {
  const poll = pollServer();
  const { client } = await unitClient({ transports: ['polling'], fetch: poll.fetch });
  const a = recorder();
  const ready = client.channel('n:a').subscribe(a, { since: pos(1) });
  await settle();
  let req = poll.waiting.shift();
  assert.equal(req.req.url.searchParams.get('positions'), pos(1));
  req.answer({ body: { positions: pos(3), subscribed: [], messages: [msg('n:a', 2), msg('n:a', 3)] } });
  await settle();
  assert.deepEqual(await ready, { channel: 'n:a', position: pos(1), resumed: true, reason: undefined });
  req = poll.waiting.shift();
  assert.equal(req.req.url.searchParams.get('positions'), pos(3), 'the token of the answer');
  req.answer({ body: { positions: `${TOKEN_SKIP}`, subscribed: [], messages: [] } });
  await settle();
  req = poll.waiting.shift();
  assert.equal(req.req.url.searchParams.get('positions'), TOKEN_SKIP, 'a token may run ahead of the last message');
  client.channel('n:b').subscribe(() => {});
  await settle();
  assert.equal(req.req.init.signal.aborted, true, 'the request in flight is abandoned');
  req = poll.waiting.shift();
  assert.deepEqual(req.req.url.searchParams.getAll('channel'), ['n:a', 'n:b']);
  assert.equal(req.req.url.searchParams.get('positions'), `${pos(3)},`, 'rebuilt from the SDK\'s positions');
  assert.deepEqual(a.offsets(), [2, 3]);
  client.close();
});

const TOKEN_SKIP = pos(9);

test('an SSE stream that never opens counts as a failed connect, though SSE was usable with no channel', async () => {
  const poll = pollServer();
  const { client, clock, states } = await unitClient({ transports: ['sse', 'polling'], fetch: poll.fetch });
  assert.equal(client.transport, 'sse');
  client.channel('n:a').subscribe(() => {});
  await settle();
  FakeEventSource.last().fire('error'); // e.g. a proxy that refuses text/event-stream
  await clock.advance(states.at(-1).retryInMs);
  assert.equal(states.at(-1).transport, 'polling');
  client.close();
});

test('an SSE stream that stays silent past the server heartbeat plus the margin is replaced', async () => {
  const { client, clock } = await unitClient({ transports: ['sse'], fetch: fakeFetch(() => ({ status: 500 })) });
  client.channel('n:a').subscribe(() => {}, { since: pos(2) });
  await settle();
  const es = FakeEventSource.last();
  es.fire('open');
  es.fire('connected', { type: 'connected', clientId: 'c', heartbeatMs: 1000 });
  es.fire('subscribed', { type: 'subscribed', channel: 'n:a', position: pos(2), resumed: true });
  await clock.advance(900);
  es.fire('ping', { type: 'ping' }); // heard: the silence window starts again
  await clock.advance(5900); // 1000 ms heartbeat + 5000 ms default margin, not yet over
  assert.equal(client.state, 'connected');
  assert.equal(es.closed, false);
  await clock.advance(200);
  assert.equal(client.state, 'disconnected', 'a silent stream is a dead stream');
  assert.equal(es.closed, true);
  client.close();
});
