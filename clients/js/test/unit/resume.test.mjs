import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeWebSocket } from '../support/fakes.mjs';
import { msg, pos, recorder, unitClient } from '../support/unit-client.mjs';

test('after a reconnect each channel resubscribes from the last position it delivered', async () => {
  const { client, clock, states } = await unitClient();
  const a = recorder();
  const b = recorder();
  const ready = client.channel('n:a').subscribe(a);
  client.channel('n:b').subscribe(b, { rewind: 5 });
  let ws = FakeWebSocket.last();
  ws.connected();
  assert.deepEqual(ws.frames('subscribe').map((f) => [f.channel, f.since, f.rewind]), [['n:a', undefined, undefined], ['n:b', undefined, 5]]);
  ws.answerSubscribes(() => pos(9));
  assert.deepEqual(await ready, { channel: 'n:a', position: pos(9), resumed: false, reason: undefined });
  ws.receive(msg('n:a', 10));
  ws.receive(msg('n:a', 11));
  ws.receive(msg('n:b', 10));
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  ws.connected();
  assert.deepEqual(ws.frames('subscribe').map((f) => [f.channel, f.since, f.rewind]),
    [['n:a', pos(11), undefined], ['n:b', pos(10), undefined]], 'since, and no second rewind');
  client.close();
});

test('messages at or below the last position are dropped, so a resume never shows a duplicate', async () => {
  const { client, clock, states } = await unitClient();
  const a = recorder();
  client.channel('n:a').subscribe(a);
  let ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(0));
  [1, 2, 3].forEach((o) => ws.receive(msg('n:a', o)));
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(3));
  // A server (or another pod) that repeats older messages: all of them are dropped.
  [2, 3, 4, 3, 5].forEach((o) => ws.receive(msg('n:a', o)));
  assert.deepEqual(a.offsets(), [1, 2, 3, 4, 5]);
  assert.equal(client.channel('n:a').lastPosition, pos(5));
  client.close();
});

test('a message that arrives before its subscription is confirmed on this socket is dropped', async () => {
  const { client } = await unitClient();
  const a = recorder();
  client.channel('n:a').subscribe(a);
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.receive(msg('n:a', 1));
  ws.answerSubscribes(() => pos(1));
  ws.receive(msg('n:a', 2));
  assert.deepEqual(a.offsets(), [2]);
  client.close();
});

test('a resubscribe that cannot continue says so and goes on from the new position', async () => {
  const { client, clock, states } = await unitClient();
  const a = recorder();
  const lost = [];
  const ch = client.channel('n:a');
  ch.on('continuity_lost', (reason, position) => lost.push([reason, position]));
  ch.subscribe(a);
  let ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(0));
  ws.receive(msg('n:a', 50));
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  ws.connected();
  const other = 'Ab9xJb1kRM2y0pP1uYt5xA.7.8.-1';
  const sub = ws.frames('subscribe')[0];
  ws.receive({ type: 'subscribed', ref: sub.ref, channel: 'n:a', position: other, resumed: false, reason: 'topic_changed' });
  ws.receive({ ...msg('n:a', 0), position: 'Ab9xJb1kRM2y0pP1uYt5xA.7.8.0' });
  assert.deepEqual(lost, [['topic_changed', other]]);
  assert.equal(a.got.length, 2, 'offset 0 of the new topic is not taken for a repeat');
  client.close();
});

test('a retryable refusal of a resubscribe is retried with backoff; a final one fails the channel', async () => {
  const { client, clock, states } = await unitClient({ publishRetryLimit: 2 });
  const failed = [];
  const ch = client.channel('n:a');
  ch.on('failed', (e) => failed.push(e.name));
  ch.subscribe(() => {});
  let ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(0));
  ws.serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  ws = FakeWebSocket.last();
  ws.connected();
  for (let i = 0; i < 3; i++) {
    const f = ws.frames('subscribe').at(-1);
    ws.receive({ type: 'error', ref: f.ref, code: 50301, error: 'kafka_unavailable', message: 'x', retryable: true });
    await clock.advance(10_000);
  }
  assert.equal(ws.frames('subscribe').length, 3, 'first try and two retries');
  assert.deepEqual(failed, ['kafka_unavailable']);
  assert.equal(ch.subscribed, false);
  client.close();
});

test('the first refusal of a subscribe rejects it with the server\'s code', async () => {
  const { client } = await unitClient();
  const ready = client.channel('nope:a').subscribe(() => {});
  const ws = FakeWebSocket.last();
  ws.connected();
  const f = ws.frames('subscribe')[0];
  ws.receive({ type: 'error', ref: f.ref, code: 40401, error: 'unknown_namespace', message: 'no such', retryable: false });
  await assert.rejects(ready, (e) => e.name === 'unknown_namespace' && e.code === 40401 && e.retryable === false && e.status === 404);
  client.close();
});

test('bad input fails at once with the code the server would send', async () => {
  const { client } = await unitClient();
  assert.throws(() => client.channel('bad channel'), { name: 'invalid_channel', code: 40004 });
  await assert.rejects(client.channel('a:b').subscribe(() => {}, { since: 'nope' }), { name: 'invalid_position' });
  await assert.rejects(client.channel('a:b').publish('n', 1, { id: 'has space' }), { name: 'invalid_field' });
  client.close();
});

test('unsubscribe sends unsubscribe and stops delivery; the server forgets it with the socket', async () => {
  const { client } = await unitClient();
  const a = recorder();
  const ch = client.channel('n:a');
  ch.subscribe(a);
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(0));
  ws.receive(msg('n:a', 1));
  ch.unsubscribe();
  ws.receive(msg('n:a', 2));
  assert.deepEqual(ws.frames('unsubscribe').map((f) => f.channel), ['n:a']);
  assert.deepEqual(a.offsets(), [1]);
  client.close();
});

test('a listener that throws does not stop delivery; its error goes to the error event', async () => {
  const { client, errors } = await unitClient();
  const good = recorder();
  const ch = client.channel('n:a');
  ch.subscribe(() => {
    throw new Error('app bug');
  });
  ch.subscribe(good);
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.answerSubscribes(() => pos(0));
  ws.receive(msg('n:a', 1));
  ws.receive(msg('n:a', 2));
  assert.deepEqual(good.offsets(), [1, 2]);
  assert.equal(errors.length, 2);
  client.close();
});

test('a retryable refusal of the first subscribe is retried; ready resolves when it succeeds', async () => {
  const { client, clock } = await unitClient({ backoffInitialMs: 100, backoffMaxMs: 100 });
  const ready = client.channel('new:a').subscribe(() => {});
  const ws = FakeWebSocket.last();
  ws.connected();
  const f = ws.frames('subscribe')[0];
  // What a gateway answers when the namespace's topic was created a moment ago.
  ws.receive({ type: 'error', ref: f.ref, code: 50001, error: 'internal', message: 'x', retryable: true });
  await clock.advance(100);
  assert.equal(ws.frames('subscribe').length, 2);
  ws.answerSubscribes(() => pos(-1));
  assert.equal((await ready).position, pos(-1));
  client.close();
});
