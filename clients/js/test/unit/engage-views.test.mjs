import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_ERRORS, JOIN_ERRORS, hostEvent, joinEvent, watchEvent } from '../../.build/src/engage/index.js';
import { settle } from '../support/fake-clock.mjs';
import { EngageServer, jwt, memoryStorage } from '../support/engage-server.mjs';

const event = (seq, extra = {}) => ({
  type: 'event', seq, title: `v${seq}`, current: null, activities: [], reactions: ['👍'], chat: { enabled: true, slowModeMs: 0 },
  qa: { enabled: true, moderated: false }, participants: 1, ...extra,
});
const activity = (seq, extra = {}) => ({
  type: 'activity', seq, id: 'p1', kind: 'choice', title: 'Lunch?', state: 'open', round: 1, options: [{ id: 'a', label: 'A' }],
  settings: { results: 'voted' }, results: { counts: { a: seq } }, ...extra,
});

test('snapshots older than or equal to the highest seq are dropped; a late joiner gets the latest at once', async () => {
  const server = new EngageServer();
  server.send('engage:ABC234', event(4)); // before the join: served by the rewind
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const seen = [];
  live.event.on((e) => seen.push(e.seq));
  assert.deepEqual(seen, [4], 'the current snapshot at once');
  for (const seq of [3, 4, 6, 5, 6, 7]) server.send('engage:ABC234', event(seq));
  await settle();
  assert.deepEqual(seen, [4, 6, 7]);
  assert.equal(live.event.value.title, 'v7');
  live.close();
});

test('a malformed snapshot is reported and ignored', async () => {
  const server = new EngageServer();
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const errors = [];
  live.onError((e) => errors.push(e));
  server.send('engage:ABC234', { type: 'event', title: 'no seq' });
  server.send('engage:ABC234', 'garbage');
  await settle();
  assert.equal(live.event.value, undefined);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e.code === 'unexpected'));
  live.close();
});

test('results of a "voted" activity reach a participant only once they responded in this round; staff see them always', async () => {
  const server = new EngageServer();
  server.send('engage:ABC234:a:p1', activity(1));
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const shown = [];
  const poll = live.activity('p1');
  poll.onResults((r) => shown.push(r && r.counts.a));
  await poll.ready();
  assert.equal(poll.snapshot.results, undefined, 'stripped from the snapshot too');
  assert.deepEqual(shown, [null]);
  server.send('engage:ABC234:a:p1', activity(2));
  await settle();
  assert.deepEqual(shown, [null, null], 'still hidden');
  await poll.vote({ choices: ['a'] });
  assert.deepEqual(shown, [null, null, 2], 'shown once the vote was accepted');
  assert.equal(poll.responded, true);
  server.send('engage:ABC234:a:p1', activity(3, { round: 2, results: { counts: {} } }));
  await settle();
  assert.equal(shown.at(-1), null, 'a new round hides them again');
  server.send('engage:ABC234:a:p1', activity(4, { round: 2, state: 'results', results: { counts: { a: 9 } } }));
  await settle();
  assert.equal(shown.at(-1), 9, 'revealed to everyone');

  const host = await hostEvent(server.options({ code: 'ABC234', hostToken: jwt('host-1') }));
  const hostView = host.activity('p1');
  const r = await hostView.ready();
  assert.deepEqual(r.results, { counts: { a: 9 } });
  live.close();
  host.leave();
});

test('a response in the participant\'s `you` (replayed from engage-me after a reload) shows voted results', async () => {
  const server = new EngageServer();
  const storage = memoryStorage();
  const first = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  first.close();
  server.send('engage:ABC234:a:p1', activity(1));
  server.send('engage-me:ABC234:p-1', { type: 'you', votes: { p1: { round: 1, choices: ['a'] } }, score: 40, team: 'red' });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  assert.equal(live.participant, 'p-1');
  assert.deepEqual(live.you.value, { votes: { p1: { round: 1, choices: ['a'] } }, score: 40, team: 'red' });
  const poll = live.activity('p1');
  const s = await poll.ready();
  assert.deepEqual(s.results, { counts: { a: 1 } });
  live.close();
});

test('rejoining sends the stored token back and keeps the participant id; a refused stored token gives a new id', async () => {
  const server = new EngageServer();
  const storage = memoryStorage();
  const a = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  a.close();
  const b = await joinEvent(server.options({ code: 'abc234', name: 'Ada L.', storage }));
  assert.equal(b.participant, a.participant);
  assert.equal(server.joins[1].token !== undefined, true, 'the stored token went back');
  assert.equal(server.commands.filter((c) => c.type === 'participant.join').at(-1).name, 'Ada L.', 'participant.join again on a rejoin');
  b.close();
  server.tokens.clear(); // the API no longer accepts it (e.g. beyond the rejoin window)
  const c = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  assert.notEqual(c.participant, a.participant);
  assert.deepEqual(server.joins.slice(-2).map((j) => j.token !== undefined), [true, false]);
  assert.equal(JSON.parse(storage.getItem('chorus.engage.ABC234')).participant, c.participant);
  c.close();
});

test('token renewal rejoins with the current token and sends the new one in band', async () => {
  const server = new EngageServer();
  const storage = memoryStorage();
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  const ws = server.last();
  ws.receive({ type: 'auth_expiring', expiresAt: server.clock.now() + 60_000 });
  await settle();
  assert.equal(server.joins.length, 2);
  const stored = JSON.parse(storage.getItem('chorus.engage.ABC234'));
  assert.equal(server.tokens.get(server.joins[1].token), 'p-1');
  const [auth] = ws.frames('auth');
  assert.equal(auth.token, stored.token, 'the renewed token is stored and sent in band');
  assert.notEqual(auth.token, server.joins[1].token);
  live.close();
});

test('join errors are typed: a bad code fails before any request, an unknown event is unknown_event', async () => {
  const server = new EngageServer();
  await assert.rejects(joinEvent(server.options({ code: 'ABC10I', name: 'Ada' })), (e) => e.code === 'invalid_request');
  await assert.rejects(joinEvent(server.options({ code: 'ABC234', name: '   ' })), (e) => e.code === 'invalid_request');
  await assert.rejects(joinEvent(server.options({ code: 'ABC234', name: 'x'.repeat(41) })), (e) => e.code === 'invalid_request');
  assert.equal(server.joins.length, 0);
  await assert.rejects(joinEvent(server.options({ code: 'ZZZ999', name: 'Ada' })), (e) => e.code === 'unknown_event');
  await assert.rejects(
    joinEvent(server.options({ code: 'ABC234', name: 'Ada', fetch: async () => { throw new TypeError('offline'); } })),
    (e) => e.code === 'network_error' && e.retryable,
  );
});

test('in a breakout room, chat follows the room: its channel is subscribed, sends carry the room, and it ends on return', async () => {
  const server = new EngageServer();
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const got = [];
  const rooms = [];
  live.chat.onMessage((m) => got.push([m.room, m.text]));
  live.breakout.onAssigned((r) => rooms.push(r));
  server.send('engage-chat:ABC234', { type: 'chat', id: 'c1', participant: 'p-2', name: 'Bo', text: 'hello all', at: 1 });
  server.send('engage-me:ABC234:p-1', { type: 'room', room: 3, rooms: 4 });
  await settle();
  assert.ok(server.subscribes().some(([c]) => c === 'engage-chat:ABC234:room:3'));
  server.send('engage-chat:ABC234:room:3', { type: 'chat', id: 'c2', participant: 'p-3', name: 'Cy', text: 'hi room', at: 2 });
  await live.chat.send('in the room');
  assert.equal(server.commands.at(-1).room, 3);
  server.send('engage-chat:ABC234:room:3', { type: 'chat.deleted', id: 'c2' });
  server.send('engage-me:ABC234:p-1', { type: 'room', room: null });
  await settle();
  await live.chat.send('back');
  assert.equal('room' in server.commands.at(-1), false);
  assert.deepEqual(got, [[null, 'hello all'], [3, 'hi room']]);
  assert.deepEqual(live.chat.messages.map((m) => m.id), ['c1'], 'the deleted message is gone');
  assert.deepEqual(rooms, [3, null]);
  assert.ok(server.last().frames('unsubscribe').some((f) => f.channel === 'engage-chat:ABC234:room:3'));
  live.close();
});

test('reactions give the burst since the last snapshot; slides and current change only when they change', async () => {
  const server = new EngageServer();
  const live = await watchEvent(server.options({ code: 'ABC234' }));
  assert.equal(server.commands.length, 0, 'a screen sends no participant.join');
  assert.deepEqual(server.subscribes(), [['engage:ABC234', 1]]);
  const bursts = [];
  live.reactions.on((s, burst) => bursts.push(burst));
  await settle(); // subscribed (lazily, on first use)
  server.send('engage:ABC234:reactions', { type: 'reactions', seq: 1, counts: { '👍': 2 }, totals: { '👍': 2 } });
  server.send('engage:ABC234:reactions', { type: 'reactions', seq: 2, counts: { '👍': 1, '🎉': 3 }, totals: { '👍': 5, '🎉': 3 } });
  const slides = [];
  const current = [];
  live.slides.onChange((s) => slides.push(s && s.slide));
  live.onCurrent((a) => current.push(a && a.id));
  server.send('engage:ABC234', event(1, { slides: { deck: 'd', slide: 1 } }));
  server.send('engage:ABC234', event(2, { slides: { deck: 'd', slide: 1 }, current: 'p1' }));
  server.send('engage:ABC234', event(3, { slides: { deck: 'd', slide: 2 }, current: 'p1' }));
  await settle();
  assert.deepEqual(bursts, [{}, { '👍': 3, '🎉': 3 }]);
  assert.deepEqual(slides, [1, 2]);
  assert.deepEqual(current, [null, 'p1']);
  live.close();
});

test('the quiz countdown uses the server clock estimated from fresh messages', async () => {
  const server = new EngageServer();
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const now = server.clock.now();
  // The server's clock runs 5 s ahead of this one; a stale rewound record does not count.
  server.send('engage:ABC234', event(1), now - 3_600_000);
  server.send('engage:ABC234:a:q1', { type: 'activity', seq: 1, id: 'q1', kind: 'quiz', title: 'T', state: 'open', round: 1, question: { index: 0, deadline: now + 5000 + 20000 } }, now + 5000);
  const quiz = live.quiz('q1');
  await quiz.ready();
  assert.equal(quiz.question.index, 0);
  assert.equal(quiz.remainingMs(), 20000);
  await server.clock.advance(25_000);
  assert.equal(quiz.remainingMs(), 0);
  live.close();
});

test('the error codes match ENGAGE.md and ingest\'s EngageError enum', () => {
  const root = new URL('../../../../', import.meta.url);
  const engage = readFileSync(new URL('ENGAGE.md', root), 'utf8');
  const listed = /errors are enumerated: ([^.]+)\./.exec(engage)[1].match(/`([a-z_]+)`/g).map((s) => s.slice(1, -1));
  assert.deepEqual([...COMMAND_ERRORS].sort(), [...listed].sort());
  const java = readFileSync(new URL('ingest/src/main/java/io/chorus/ingest/engage/EngageError.java', root), 'utf8');
  const constants = /enum EngageError \{([^;]+);/.exec(java)[1].match(/[A-Z_]+/g).map((s) => s.toLowerCase());
  assert.deepEqual([...COMMAND_ERRORS].sort(), [...constants].sort());
  // The join API's codes: its ApiError enum, and each named in ENGAGE.md's Join API errors.
  const api = readFileSync(new URL('ingest/src/main/java/io/chorus/ingest/api/ApiError.java', root), 'utf8');
  const join = [...api.matchAll(/^\s+[A-Z_]+\(\d+, "([a-z_]+)"/gm)].map((m) => m[1]);
  assert.deepEqual([...JOIN_ERRORS].sort(), join.sort());
  const prose = engage.slice(engage.indexOf('Errors, as `{error, message, retryable}`'));
  for (const code of join) assert.ok(prose.includes('`' + code + '`'), `ENGAGE.md names the join API error ${code}`);
});
