// The stream state (PROTOCOL.md "Stream notices"): the application hears each change once, whatever
// the transport, and every new session says what the client last saw, so that a change that fell
// between two polls or during a reconnect is told by the next one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeEventSource, FakeWebSocket, pollServer } from '../support/fakes.mjs';
import { msg, pos, recorder, unitClient } from '../support/unit-client.mjs';

const STALLED = { type: 'stream', state: 'stalled', reason: 'kafka_unavailable' };
const LIVE = { type: 'stream', state: 'live' };

test('every poll says the stream state last seen, so a change between two polls comes with the next', async () => {
  const poll = pollServer();
  const { client } = await unitClient({ transports: ['polling'], fetch: poll.fetch });
  const notices = [];
  client.on('stream', (state, reason) => notices.push([state, reason]));
  const a = recorder();
  client.channel('n:a').subscribe(a);
  await settle();
  let p = poll.waiting.shift();
  assert.equal(p.req.url.searchParams.get('stream'), 'live', 'a new client has seen nothing but live');
  p.answer({ body: { positions: pos(4), subscribed: [{ type: 'subscribed', channel: 'n:a', position: pos(4) }], messages: [], events: [STALLED] } });
  await settle();
  assert.deepEqual(notices, [['stalled', 'kafka_unavailable']]);
  assert.equal(client.streamState, 'stalled');
  p = poll.waiting.shift();
  assert.equal(p.req.url.searchParams.get('stream'), 'stalled');
  assert.equal(p.req.url.searchParams.get('positions'), pos(4));
  // Kafka came back while no poll was waiting: the server tells the next poll, which said "stalled".
  p.answer({ body: { positions: pos(5), subscribed: [], messages: [msg('n:a', 5)], events: [LIVE] } });
  await settle();
  assert.deepEqual(notices, [['stalled', 'kafka_unavailable'], ['live', undefined]]);
  assert.equal(client.streamState, 'live');
  assert.deepEqual(a.offsets(), [5]);
  assert.equal(poll.waiting.shift().req.url.searchParams.get('stream'), 'live');
  client.close();
});

test('a repeated notice is not a change: the application hears each change once', async () => {
  const { client } = await unitClient();
  const notices = [];
  client.on('stream', (state) => notices.push(state));
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.receive(STALLED);
  ws.receive(STALLED);
  ws.receive({ type: 'stream', state: 'unheard-of' });
  assert.deepEqual(notices, ['stalled']);
  assert.equal(client.streamState, 'stalled');
  client.close();
});

test('a WebSocket that reconnects while stalled says so, and hears live if Kafka came back meanwhile', async () => {
  const { client, clock, states } = await unitClient();
  const notices = [];
  client.on('stream', (state) => notices.push(state));
  let ws = FakeWebSocket.last();
  assert.equal(ws.url, 'ws://gw.test/v1/ws', 'nothing to say while live');
  ws.connected();
  ws.receive(STALLED);
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  assert.equal(new URL(ws.url).searchParams.get('stream'), 'stalled');
  ws.connected();
  ws.receive(LIVE);
  assert.deepEqual(notices, ['stalled', 'live']);
  client.close();
});

test('an SSE stream opened while stalled says so', async () => {
  const { client } = await unitClient({ transports: ['sse'] });
  client.channel('n:a').subscribe(() => {});
  await settle();
  let es = FakeEventSource.last();
  assert.equal(es.url.searchParams.get('stream'), null, 'absent means live');
  es.fire('open');
  es.fire('stream', STALLED);
  assert.equal(client.streamState, 'stalled');
  client.channel('n:b').subscribe(() => {}); // a new set: a new stream
  await settle();
  es = FakeEventSource.last();
  assert.equal(es.url.searchParams.get('stream'), 'stalled');
  client.close();
});
