// Presence, occupancy and token refresh on the HTTP transports (SSE, long-polling): what goes into
// the stream's query, when it is reopened, and how the frames that come back reach the same code as
// on the WebSocket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../support/fake-clock.mjs';
import { FakeEventSource, fakeFetch, pollServer } from '../support/fakes.mjs';
import { msg, pos, recorder, unitClient } from '../support/unit-client.mjs';

const member = (clientId, data = null, updatedAt = 1) => ({ clientId, data, updatedAt });
const sync = (channel, members) => ({ type: 'presence_sync', channel, members, count: members.length, complete: true });
const event = (channel, action, m) => ({ type: 'presence_event', channel, action, member: m });
const seen = (events) => events.map((e) => `${e.action}:${e.member.clientId}${e.member.data === null ? '' : `=${JSON.stringify(e.member.data)}`}`);
const params = (req, name) => req.req.url.searchParams.getAll(name);
const enterParam = (url) => {
  const raw = url.searchParams.get('enter');
  return raw === null ? null : JSON.parse(raw);
};
const answer = (body) => ({ body: { positions: pos(1), subscribed: [], messages: [], events: [], ...body } });

/** A polling client subscribed to `channel` (started live at 1) with its next poll waiting. */
async function pollingOn(channel, options = {}) {
  const poll = pollServer();
  const c = await unitClient({ transports: ['polling'], fetch: poll.fetch, ...options });
  const messages = recorder();
  const ready = c.client.channel(channel).subscribe(messages);
  await settle();
  poll.waiting.shift().answer(answer({ subscribed: [{ type: 'subscribed', channel, position: pos(1) }] }));
  await ready;
  await settle();
  assert.equal(c.client.state, 'connected');
  return { ...c, poll, messages };
}

/** Answers the waiting poll; returns the next one. */
async function next(poll, body = {}) {
  poll.waiting.shift().answer(answer(body));
  await settle();
  return poll.waiting[0];
}

/** An SSE client subscribed to `channel`, its stream open and accepted. */
async function sseOn(channel, options = {}) {
  const c = await unitClient({ transports: ['sse'], fetch: fakeFetch(() => ({ status: 500 })), ...options });
  const messages = recorder();
  c.client.channel(channel).subscribe(messages);
  await settle();
  const es = accept(FakeEventSource.last());
  es.fire('subscribed', { type: 'subscribed', channel, position: pos(1) });
  await settle();
  return { ...c, messages };
}

function accept(es, connected = {}) {
  es.fire('open');
  es.fire('connected', { type: 'connected', connectionId: 'c-1', clientId: 'ada', heartbeatMs: 0, ...connected });
  return es;
}

test('polling: watches go into the query as presence= and occupancy=; the frames in `events` reach the listeners', async () => {
  const { client, poll } = await pollingOn('room:7');
  const room = client.channel('room:7');
  const events = [];
  const counts = [];
  room.presence.subscribe((e) => events.push(e));
  room.occupancy.subscribe((o) => counts.push([o.subscribers, o.members]));
  await settle();
  assert.equal(poll.waiting.length, 2);
  assert.equal(poll.waiting[0].req.init.signal.aborted, true, 'the poll without the watches is abandoned');
  poll.waiting.shift();
  const req = poll.waiting[0];
  assert.deepEqual([params(req, 'channel'), params(req, 'presence'), params(req, 'occupancy')], [['room:7'], ['room:7'], ['room:7']]);
  assert.equal(req.req.url.searchParams.get('positions'), pos(1), 'the positions of the last answer: same channels');
  await next(poll, { events: [
    sync('room:7', [member('bob')]),
    { type: 'occupancy', channel: 'room:7', subscribers: 2, members: 1 },
    event('room:7', 'enter', member('cy', { n: 1 })),
  ] });
  assert.deepEqual(seen(events), ['enter:bob', 'enter:cy={"n":1}']);
  assert.deepEqual(counts, [[2, 1]]);
  assert.equal(room.presence.synced, true);
  client.close();
});

test('polling: each answer\'s fresh presence_sync is diffed against the list, so only real changes are events', async () => {
  const { client, poll } = await pollingOn('room:7');
  const events = [];
  const syncs = [];
  const room = client.channel('room:7');
  room.presence.subscribe((e) => events.push(e));
  room.presence.on('sync', (set) => syncs.push(set.count));
  await settle();
  poll.waiting.shift();
  await next(poll, { events: [sync('room:7', [member('ada', { v: 1 }), member('bob')])] });
  // Between the polls bob left, ada changed her data and cy came: only the next sync says so.
  await next(poll, { events: [sync('room:7', [member('ada', { v: 2 }, 2), member('cy')])] });
  // The same members again (a poll that answered for a message): nothing to report.
  await next(poll, { messages: [msg('room:7', 2)], events: [sync('room:7', [member('ada', { v: 2 }, 2), member('cy')])] });
  // A change during the poll: the sync as it began, then the event.
  await next(poll, { events: [sync('room:7', [member('ada', { v: 2 }, 2), member('cy')]), event('room:7', 'leave', member('cy'))] });
  assert.deepEqual(seen(events), ['enter:ada={"v":1}', 'enter:bob', 'leave:bob', 'update:ada={"v":2}', 'enter:cy', 'leave:cy']);
  assert.deepEqual(syncs, [2, 2, 2, 2]);
  assert.deepEqual(room.presence.members.map((m) => m.clientId), ['ada']);
  client.close();
});

test('polling: enter and update abort the waiting poll and poll again with enter=; each resolves on its `entered`', async () => {
  const { client, poll, messages } = await pollingOn('room:7');
  const p = client.channel('room:7').presence;
  let entered = false;
  const entering = p.enter({ name: 'Ada' }).then(() => (entered = true));
  await settle();
  assert.equal(poll.waiting[0].req.init.signal.aborted, true);
  poll.waiting.shift();
  let req = poll.waiting[0];
  assert.deepEqual(enterParam(req.req.url), { 'room:7': { name: 'Ada' } });
  assert.equal(req.req.url.searchParams.get('positions'), pos(1), 'resumed where the last answer ended');
  req = await next(poll, { positions: pos(2), messages: [msg('room:7', 2)] }); // answered before Kafka stored the member
  assert.equal(entered, false, 'no `entered` yet');
  assert.deepEqual(enterParam(req.req.url), { 'room:7': { name: 'Ada' } }, 'every poll carries the enter');
  req = await next(poll, { positions: pos(2), events: [{ type: 'entered', channel: 'room:7' }] });
  await entering;
  assert.equal(p.entered, true);
  const updating = p.update({ name: 'Ada', typing: true });
  await settle();
  assert.equal(req.req.init.signal.aborted, true);
  poll.waiting.shift();
  assert.deepEqual(enterParam(poll.waiting[0].req.url), { 'room:7': { name: 'Ada', typing: true } });
  await next(poll, { positions: pos(2), events: [{ type: 'entered', channel: 'room:7' }] });
  await updating;
  assert.deepEqual(messages.offsets(), [2], 'nothing lost or doubled across the reopens');
  assert.equal(poll.waiting.length, 1);
  client.close();
});

test('polling: leave polls again without the channel and resolves when that poll is answered; a second leave is not_present', async () => {
  const { client, poll } = await pollingOn('room:7');
  const p = client.channel('room:7').presence;
  const entering = p.enter();
  await settle();
  poll.waiting.shift();
  await next(poll, { events: [{ type: 'entered', channel: 'room:7' }] });
  await entering;
  let left = false;
  const leaving = p.leave().then(() => (left = true));
  await settle();
  poll.waiting.shift();
  assert.equal(enterParam(poll.waiting[0].req.url), null);
  await settle();
  assert.equal(left, false, 'not before the server accepted the poll without it');
  await next(poll);
  await leaving;
  assert.equal(p.entered, false);
  await assert.rejects(p.leave(), (e) => e.name === 'not_present');
  client.close();
});

test('polling: a client entered but subscribed nowhere polls the entered channel, and delivers none of its messages', async () => {
  const poll = pollServer();
  const { client } = await unitClient({ transports: ['polling'], fetch: poll.fetch });
  await settle();
  assert.equal(client.state, 'connected', 'polling with nothing to poll is usable at once');
  const p = client.channel('room:7').presence;
  const entering = p.enter({ v: 1 });
  await settle();
  const [req] = poll.waiting;
  assert.deepEqual(params(req, 'channel'), [], 'a poll that only enters names no channel');
  assert.deepEqual(enterParam(req.req.url), { 'room:7': { v: 1 } });
  assert.equal(req.req.url.searchParams.get('timeout'), '0', 'the enter waits for this answer, not the poll timeout');
  const stray = [];
  client.on('error', (e) => stray.push(e));
  await next(poll, { subscribed: [], messages: [], events: [{ type: 'entered', channel: 'room:7' }] });
  await entering;
  assert.equal(client.channel('room:7').subscribed, false);
  assert.equal(poll.waiting[0].req.url.searchParams.get('timeout'), null, 'the next poll waits as usual');
  const leaving = p.leave();
  await settle();
  await leaving;
  assert.equal(poll.waiting.at(-1).req.init.signal.aborted, true, 'nothing left to poll for');
  assert.deepEqual(stray, []);
  client.close();
});

test('polling: an enter the server refuses (413) rejects with that error; polling goes on without it', async () => {
  const { client, poll, states } = await pollingOn('room:7');
  const p = client.channel('room:7').presence;
  const entering = p.enter('x'.repeat(5000));
  await settle();
  poll.waiting.shift();
  poll.waiting.shift().answer({ status: 413, body: { error: 'message_too_large', code: 41301, message: 'presence data is 5002 bytes', retryable: false } });
  await assert.rejects(entering, { name: 'message_too_large' });
  await settle();
  assert.equal(p.entered, false);
  assert.equal(enterParam(poll.waiting[0].req.url), null);
  assert.equal(client.state, 'connected');
  assert.deepEqual(states.map((s) => s.state), ['connecting', 'connected']);
  client.close();
});

test('polling: after a reconnect the SDK enters again: the first poll goes without it, the next one carries it', async () => {
  const { client, poll, clock, states } = await pollingOn('room:7');
  const p = client.channel('room:7').presence;
  const entering = p.enter({ v: 1 });
  await settle();
  poll.waiting.shift();
  await next(poll, { events: [{ type: 'entered', channel: 'room:7' }] });
  await entering;
  poll.waiting.shift().answer({ status: 503, body: { error: 'draining', code: 50305, message: 'bye', retryable: true } });
  await settle();
  assert.equal(client.state, 'disconnected');
  await clock.advance(states.at(-1).retryInMs);
  let req = poll.waiting[0];
  assert.equal(enterParam(req.req.url), null);
  client.on('error', (e) => assert.fail(e));
  req = await next(poll);
  assert.deepEqual(enterParam(req.req.url), { 'room:7': { v: 1 } });
  assert.equal(poll.waiting.length, 1);
  assert.equal(req.req.init.signal.aborted, false);
  await next(poll, { events: [{ type: 'entered', channel: 'room:7' }] });
  assert.equal(p.entered, true);
  client.close();
});

test('polling: auth_expiring in an answer fetches a new token and polls again with it at once; the refresh is done when that poll is sent', async () => {
  let n = 0;
  const { client, poll } = await pollingOn('room:7', { authCallback: () => `tok-${++n}` });
  const auth = [];
  client.on('auth', (state, info) => auth.push(state));
  const before = poll.waiting[0];
  assert.equal(before.req.init.headers.authorization, 'Bearer tok-1');
  await next(poll, { events: [{ type: 'auth_expiring', expiresAt: Date.now() + 60_000 }] });
  await settle();
  const req = poll.waiting.at(-1);
  assert.equal(req.req.init.headers.authorization, 'Bearer tok-2');
  assert.equal(poll.waiting.length, 2);
  assert.equal(poll.waiting[0].req.init.signal.aborted, true, 'the poll with the old token is abandoned');
  poll.waiting.shift();
  // A poll is accepted only when answered, maybe poll.timeout later: the refresh is done once it is sent.
  assert.deepEqual(auth, ['refreshing', 'authenticated']);
  await next(poll);
  assert.equal(poll.waiting[0].req.init.headers.authorization, 'Bearer tok-2');
  client.close();
});

test('SSE: watches and enters are query parameters; each change reopens the stream from the SDK\'s positions', async () => {
  const { client, messages } = await sseOn('room:7');
  let es = FakeEventSource.last();
  es.fire('message', msg('room:7', 2));
  const room = client.channel('room:7');
  const events = [];
  room.presence.subscribe((e) => events.push(e));
  room.occupancy.subscribe(() => {});
  await settle();
  assert.equal(es.closed, true);
  es = accept(FakeEventSource.last());
  assert.deepEqual([es.channels(), es.url.searchParams.getAll('presence'), es.url.searchParams.getAll('occupancy')], [['room:7'], ['room:7'], ['room:7']]);
  assert.equal(es.positions(), pos(2));
  assert.equal(FakeEventSource.instances.length, 2, 'both watches in one reopen');
  es.fire('subscribed', { type: 'subscribed', channel: 'room:7', position: pos(2), resumed: true });
  es.fire('presence_sync', sync('room:7', [member('bob')]));
  es.fire('presence_event', event('room:7', 'update', member('bob', { away: true })));
  assert.deepEqual(seen(events), ['enter:bob', 'update:bob={"away":true}']);
  let entered = false;
  const entering = room.presence.enter({ name: 'Ada' }).then(() => (entered = true));
  await settle();
  assert.equal(es.closed, true);
  es = accept(FakeEventSource.last());
  assert.deepEqual(enterParam(es.url), { 'room:7': { name: 'Ada' } });
  es.fire('message', msg('room:7', 2)); // already delivered: dropped
  es.fire('message', msg('room:7', 3));
  await settle();
  assert.equal(entered, false, 'accepted, but the member is not stored yet');
  es.fire('entered', { type: 'entered', channel: 'room:7' });
  await entering;
  const leaving = room.presence.leave();
  await settle();
  es = FakeEventSource.last();
  assert.equal(enterParam(es.url), null);
  accept(es);
  await leaving;
  assert.deepEqual(messages.offsets(), [2, 3]);
  client.close();
});

test('SSE: calls in one turn share one reopen, and an enter overtaken by a leave settles with it', async () => {
  const { client } = await sseOn('room:7');
  const before = FakeEventSource.instances.length;
  const a = client.channel('room:a').presence;
  const b = client.channel('room:b').presence;
  const both = [a.enter({ v: 1 }), b.enter({ v: 1 }), a.update({ v: 2 })];
  await settle();
  assert.equal(FakeEventSource.instances.length, before + 1);
  let es = accept(FakeEventSource.last());
  assert.deepEqual(enterParam(es.url), { 'room:a': { v: 2 }, 'room:b': { v: 1 } });
  es.fire('entered', { type: 'entered', channel: 'room:a' });
  es.fire('entered', { type: 'entered', channel: 'room:b' });
  await Promise.all(both);
  const overtaken = [b.update({ v: 5 }), b.leave()];
  await settle();
  es = accept(FakeEventSource.last());
  assert.deepEqual(enterParam(es.url), { 'room:a': { v: 2 } });
  await Promise.all(overtaken);
  client.close();
});

test('SSE: auth_expiring fetches a new token and reopens the stream with it; its `connected` is the authed answer', async () => {
  let n = 0;
  const { client, clock } = await sseOn('room:7', { authCallback: () => `tok-${++n}` });
  const auth = [];
  client.on('auth', (state, info) => auth.push([state, info.expiresAt]));
  let es = FakeEventSource.last();
  assert.equal(es.url.searchParams.get('token'), 'tok-1');
  es.fire('auth_expiring', { type: 'auth_expiring', expiresAt: clock.now() + 60_000 });
  await settle();
  assert.equal(es.closed, true);
  es = FakeEventSource.last();
  assert.equal(es.url.searchParams.get('token'), 'tok-2');
  assert.equal(es.positions(), pos(1));
  accept(es, { expiresAt: clock.now() + 3_600_000 });
  await settle();
  assert.deepEqual(auth, [['refreshing', clock.now() + 60_000], ['authenticated', clock.now() + 3_600_000]]);
  assert.equal(client.state, 'connected');
  client.close();
});

test('polling: each poll says what the application last saw of each watch, one entry per channel, in order', async () => {
  const { client, poll } = await pollingOn('room:7');
  const room = client.channel('room:8');
  room.subscribe(() => {});
  room.presence.subscribe(() => {});
  room.occupancy.subscribe(() => {});
  await settle();
  while (poll.waiting.length > 1) poll.waiting.shift(); // the polls abandoned as the watches were added
  const get = (req, name) => req.req.url.searchParams.get(name);
  let req = poll.waiting[0];
  assert.deepEqual([get(req, 'presenceSeen'), get(req, 'occupancySeen')], [',', ','], 'room:7 has no watch; room:8 saw nothing yet');
  req = await next(poll, { subscribed: [{ type: 'subscribed', channel: 'room:8', position: pos(1) }], events: [
    { ...sync('room:8', [member('bob')]), digest: '00000000000000d1' },
    { type: 'occupancy', channel: 'room:8', subscribers: 3, members: 1 },
  ] });
  assert.deepEqual([get(req, 'presenceSeen'), get(req, 'occupancySeen')], [',00000000000000d1', ',3:1']);
  // An event moves the list on: its digest is the list's after it.
  req = await next(poll, { events: [
    { ...sync('room:8', [member('bob')]), digest: '00000000000000d1' },
    { ...event('room:8', 'enter', member('cy')), digest: '00000000000000d2' },
  ] });
  assert.equal(get(req, 'presenceSeen'), ',00000000000000d2');
  assert.deepEqual(room.presence.members.map((m) => m.clientId), ['bob', 'cy']);
  // A gateway that sends no digest: nothing seen, so a newer gateway sends the list at once.
  req = await next(poll, { events: [sync('room:8', [member('bob')])] });
  assert.equal(get(req, 'presenceSeen'), ',');
  client.close();
});

test('polling: a poll without watches sends neither seen parameter (a gateway without them sees the old query)', async () => {
  const { client, poll } = await pollingOn('room:7');
  const req = await next(poll, { messages: [msg('room:7', 2)] });
  assert.equal(req.req.url.searchParams.has('presenceSeen'), false);
  assert.equal(req.req.url.searchParams.has('occupancySeen'), false);
  client.close();
});
