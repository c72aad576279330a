import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeWebSocket, fakeFetch } from '../support/fakes.mjs';
import { msg, pos, recorder, unitClient } from '../support/unit-client.mjs';

const member = (clientId, data = null, updatedAt = 1) => ({ clientId, data, updatedAt });
const sync = (channel, members) => ({ type: 'presence_sync', channel, members, count: members.length, complete: true });
const event = (channel, action, m) => ({ type: 'presence_event', channel, action, member: m });
const seen = (events) => events.map((e) => `${e.action}:${e.member.clientId}${e.member.data === null ? '' : `=${JSON.stringify(e.member.data)}`}`);

/** Answers every presence write not answered yet (entered/updated/left), in order. */
function answerWrites(ws, reply = (f) => ({ type: { enter: 'entered', update: 'updated', leave: 'left' }[f.type], ref: f.ref, channel: f.channel })) {
  for (const f of ws.sent.filter((x) => ['enter', 'update', 'leave'].includes(x.type) && !x.answered)) {
    f.answered = true;
    ws.receive(reply(f));
  }
}

async function reconnect(clock, states) {
  FakeWebSocket.last().serverClose(1006);
  await clock.advance(states.at(-1).retryInMs);
  const ws = FakeWebSocket.last();
  ws.connected();
  return ws;
}

test('a presence listener on a channel without messages subscribes it with presence:true; the first sync reports the members as enters', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const events = [];
  const room = client.channel('room:7');
  const stop = room.presence.subscribe((e) => events.push(e));
  assert.deepEqual(ws.frames('subscribe').map((f) => [f.channel, f.presence, f.occupancy]), [['room:7', true, undefined]]);
  ws.answerSubscribes(() => pos(3));
  ws.receive(sync('room:7', [member('ada', { name: 'Ada' }), member('bob')]));
  assert.deepEqual(seen(events), ['enter:ada={"name":"Ada"}', 'enter:bob']);
  assert.equal(room.presence.synced, true);
  ws.receive(event('room:7', 'update', member('bob', { typing: true }, 2)));
  ws.receive(event('room:7', 'enter', member('cy')));
  ws.receive(event('room:7', 'leave', member('ada', { name: 'Ada' })));
  assert.deepEqual(seen(events).slice(2), ['update:bob={"typing":true}', 'enter:cy', 'leave:ada={"name":"Ada"}']);
  assert.deepEqual(room.presence.members.map((m) => m.clientId).sort(), ['bob', 'cy']);
  assert.deepEqual(await room.presence.get(), { channel: 'room:7', members: room.presence.members, count: 2, complete: true });
  stop();
  assert.deepEqual(ws.frames('unsubscribe').map((f) => f.channel), ['room:7'], 'the last presence listener ends a presence-only subscription');
  client.close();
});

test('a presence listener upgrades a running message subscription from its position, losing and doubling nothing', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const messages = recorder();
  const room = client.channel('room:7');
  await Promise.all([room.subscribe(messages), ws.answerSubscribes(() => pos(0))]);
  ws.receive(msg('room:7', 1));
  ws.receive(msg('room:7', 2));
  room.presence.subscribe(() => {});
  assert.deepEqual(ws.sent.slice(-2).map((f) => [f.type, f.channel, f.since, f.presence]),
    [['unsubscribe', 'room:7', undefined, undefined], ['subscribe', 'room:7', pos(2), true]]);
  ws.receive(msg('room:7', 3)); // the old subscription's last words: dropped until the new `subscribed`
  ws.answerSubscribes(() => pos(2));
  ws.receive(msg('room:7', 3));
  ws.receive(msg('room:7', 4));
  assert.deepEqual(messages.offsets(), [1, 2, 3, 4]);
  room.presence.unsubscribe();
  assert.deepEqual(ws.sent.slice(-2).map((f) => [f.type, f.since, f.presence]),
    [['unsubscribe', undefined, undefined], ['subscribe', pos(4), undefined]], 'messages continue without presence');
  client.close();
});

test('after a reconnect the fresh presence_sync is compared with the old list: only the differences are events', async () => {
  const { client, clock, states } = await unitClient();
  let ws = FakeWebSocket.last();
  ws.connected();
  const events = [];
  const syncs = [];
  const room = client.channel('room:7');
  room.presence.subscribe((e) => events.push(e));
  room.presence.on('sync', (set) => syncs.push(set.count));
  ws.answerSubscribes(() => pos(0));
  ws.receive(sync('room:7', [member('stays', { v: 1 }), member('changes', { v: 1 }), member('goes')]));
  events.length = 0;
  ws = await reconnect(clock, states);
  assert.equal(room.presence.synced, false, 'stale until the new sync');
  assert.deepEqual(ws.frames('subscribe').map((f) => [f.channel, f.presence]), [['room:7', true]]);
  ws.answerSubscribes(() => pos(0));
  ws.receive(sync('room:7', [member('stays', { v: 1 }, 9), member('changes', { v: 2 }, 9), member('new')]));
  assert.deepEqual(seen(events), ['leave:goes', 'update:changes={"v":2}', 'enter:new']);
  assert.deepEqual(syncs, [3, 3]);
  assert.equal(room.presence.synced, true);
  assert.deepEqual(room.presence.members.map((m) => m.clientId), ['stays', 'changes', 'new']);
  client.close();
});

test('a list over the cap (complete:false) keeps the old members, so the next complete list reports no spurious enters', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const events = [];
  const room = client.channel('room:7');
  room.presence.subscribe((e) => events.push(e));
  ws.answerSubscribes(() => pos(0));
  ws.receive(sync('room:7', [member('a'), member('b')]));
  events.length = 0;
  ws.receive({ type: 'presence_sync', channel: 'room:7', members: [], count: 1500, complete: false });
  assert.deepEqual(events, []);
  const over = await room.presence.get();
  assert.equal(over.complete, false);
  assert.equal(over.count, 1500);
  ws.receive(sync('room:7', [member('a'), member('c')]));
  assert.deepEqual(seen(events), ['leave:b', 'enter:c']);
  client.close();
});

test('enter, update and leave resolve on the server answers; an error frame rejects with its ChorusError', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const p = client.channel('room:7').presence;
  const entered = p.enter({ name: 'Ada' });
  const updated = p.update({ name: 'Ada', typing: true });
  assert.deepEqual(ws.sent.map((f) => [f.type, f.channel, f.data]),
    [['enter', 'room:7', { name: 'Ada' }], ['update', 'room:7', { name: 'Ada', typing: true }]]);
  answerWrites(ws);
  await entered;
  await updated;
  assert.equal(p.entered, true);
  const left = p.leave();
  answerWrites(ws);
  await left;
  assert.equal(p.entered, false);
  const again = p.leave();
  answerWrites(ws, (f) => ({ type: 'error', ref: f.ref, code: 40403, error: 'not_present', message: 'this connection has not entered room:7', retryable: false }));
  await assert.rejects(again, (e) => e.name === 'not_present' && e.code === 40403 && e.status === 404 && e.retryable === false);
  const big = p.enter('x'.repeat(2000));
  answerWrites(ws, (f) => ({ type: 'error', ref: f.ref, code: 41301, error: 'message_too_large', message: 'too large', retryable: false }));
  await assert.rejects(big, { name: 'message_too_large' });
  assert.equal(p.entered, false, 'a refused enter is not kept (and not re-sent after reconnects)');
  client.close();
});

test('after a reconnect the SDK enters again with the last data, once; calls that were waiting settle with it', async () => {
  const { client, clock, states } = await unitClient();
  let ws = FakeWebSocket.last();
  ws.connected();
  const a = client.channel('room:a').presence;
  const b = client.channel('room:b').presence;
  const c = client.channel('room:c').presence;
  const done = [a.enter({ v: 1 }), b.enter({ v: 1 }), c.enter()];
  answerWrites(ws);
  await Promise.all(done);
  await Promise.all([a.update({ v: 2 }), c.leave(), answerWrites(ws)]);
  const pending = b.update({ v: 3 }); // sent, never answered: the connection drops
  let settled = false;
  pending.then(() => (settled = true));
  ws = await reconnect(clock, states);
  const writes = ws.sent.filter((f) => ['enter', 'update', 'leave'].includes(f.type));
  assert.deepEqual(writes.map((f) => [f.type, f.channel, f.data]).sort(),
    [['enter', 'room:a', { v: 2 }], ['enter', 'room:b', { v: 3 }]], 'c had left; a and b enter with their last data');
  await settle();
  assert.equal(settled, false, 'the waiting update settles with the re-enter, not before');
  answerWrites(ws);
  await pending;
  client.close();
});

test('a re-enter the server refuses fails the calls waiting on it, and is not retried on the next reconnect', async () => {
  const { client, clock, states } = await unitClient();
  const errors = [];
  client.on('error', (e) => errors.push(e));
  let ws = FakeWebSocket.last();
  ws.connected();
  const p = client.channel('room:7').presence;
  await Promise.all([p.enter('hi'), answerWrites(ws)]);
  ws = await reconnect(clock, states);
  answerWrites(ws, (f) => ({ type: 'error', ref: f.ref, code: 40302, error: 'forbidden', message: 'no presence', retryable: false }));
  assert.deepEqual(errors.map((e) => e.name), ['forbidden'], 'nobody waited: the application hears it as an error event');
  assert.equal(p.entered, false);
  ws = await reconnect(clock, states);
  assert.deepEqual(ws.frames('enter'), []);
  client.close();
});

test('get() reads REST on long-polling', async () => {
  const fetch = fakeFetch(({ url }) => {
    if (url.pathname === '/v1/channels/room%3A7/presence') {
      return { body: { channel: 'room:7', members: [member('ada')], count: 1, complete: true } };
    }
    if (url.pathname === '/v1/channels/room%3A7/occupancy') return { body: { channel: 'room:7', subscribers: 3, members: 1 } };
    return new Promise(() => {});
  });
  const { client } = await unitClient({ transports: ['polling'], fetch });
  assert.equal(client.transport, 'polling');
  const room = client.channel('room:7');
  assert.deepEqual(await room.presence.get(), { channel: 'room:7', members: [member('ada')], count: 1, complete: true });
  assert.deepEqual(await room.occupancy.get(), { channel: 'room:7', subscribers: 3, members: 1 });
  client.close();
});

test('occupancy: a listener subscribes with occupancy:true and gets the counts; get() asks over the WebSocket', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const counts = [];
  const room = client.channel('poll:evt42');
  room.occupancy.subscribe((c) => counts.push([c.subscribers, c.members]));
  assert.deepEqual(ws.frames('subscribe').map((f) => [f.channel, f.presence, f.occupancy]), [['poll:evt42', undefined, true]]);
  ws.answerSubscribes(() => pos(0));
  ws.receive({ type: 'occupancy', channel: 'poll:evt42', subscribers: 1, members: 0 });
  ws.receive({ type: 'occupancy', channel: 'poll:evt42', subscribers: 2, members: 1 });
  assert.deepEqual(counts, [[1, 0], [2, 1]]);
  assert.deepEqual(room.occupancy.current, { channel: 'poll:evt42', subscribers: 2, members: 1 });
  const asked = room.occupancy.get();
  const [req] = ws.frames('occupancy');
  assert.deepEqual([req.channel, typeof req.ref], ['poll:evt42', 'string']);
  ws.receive({ type: 'occupancy', ref: req.ref, channel: 'poll:evt42', subscribers: 5, members: 2 });
  assert.deepEqual(await asked, { channel: 'poll:evt42', subscribers: 5, members: 2 });
  assert.deepEqual(counts, [[1, 0], [2, 1]], 'the answer to a request is no event');
  client.close();
});

test('presence refused (forbidden) on a channel with message listeners: presence fails, messages go on without it', async () => {
  const { client } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const room = client.channel('chat:1');
  const messages = recorder();
  const ready = room.subscribe(messages);
  const failures = [];
  room.presence.on('failed', (e) => failures.push(e.name));
  room.presence.subscribe(() => {});
  const [, second] = ws.frames('subscribe');
  assert.equal(second.presence, true);
  ws.receive({ type: 'error', ref: second.ref, code: 40302, error: 'forbidden', message: 'presence not allowed', retryable: false });
  assert.deepEqual(failures, ['forbidden']);
  const third = ws.frames('subscribe')[2];
  assert.equal(third.presence, undefined);
  ws.receive({ type: 'subscribed', ref: third.ref, channel: 'chat:1', position: pos(5) });
  await ready;
  ws.receive(msg('chat:1', 6));
  assert.deepEqual(messages.offsets(), [6]);
  client.close();
});

test('closing the client rejects presence calls still waiting', async () => {
  const { client } = await unitClient();
  FakeWebSocket.last().connected();
  const entering = client.channel('room:7').presence.enter();
  client.close();
  await assert.rejects(entering, { name: 'client_closed' });
  await assert.rejects(client.channel('room:7').presence.enter(), { name: 'client_closed' });
});
