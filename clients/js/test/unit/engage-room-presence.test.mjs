// Presence in breakout rooms (ENGAGE.md "Breakout rooms"): a participant enters the room engage-me
// assigns, lists its members, leaves it when sent back, and enters again after a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEvent, joinEvent } from '../../.build/src/engage/index.js';
import { settle } from '../support/fake-clock.mjs';
import { EngageServer, jwt, memoryStorage } from '../support/engage-server.mjs';

const ROOM = (n) => `engage-chat:ABC234:room:${n}`;
const writes = (server, socket = server.last()) => socket.sent.filter((f) => f.type === 'enter' || f.type === 'leave').map((f) => [f.type, f.channel, f.data]);
const names = (members) => members.map((m) => m.name);

test('sent to a room, a participant enters its presence with its name and lists who is there; back in the main event it leaves', async () => {
  const server = new EngageServer();
  server.enter(ROOM(3), 'p-7', { name: 'Bob' });
  server.enter(ROOM(4), 'p-8', { name: 'Cy' }); // another room: never listed
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const seen = [];
  live.breakout.onMembers((members, r) => seen.push([r.room, names(members)]));
  assert.deepEqual(seen, [[null, []]], 'the main event has no member list');

  server.send('engage-me:ABC234:p-1', { type: 'room', room: 3, rooms: 4 });
  await settle();
  assert.deepEqual(writes(server), [['enter', ROOM(3), { name: 'Ada' }]]);
  assert.ok(server.last().frames('subscribe').some((f) => f.channel === ROOM(3) && f.presence === true));
  assert.deepEqual(names(live.breakout.members), ['Ada', 'Bob']);
  assert.deepEqual(live.breakout.members.map((m) => m.participant), ['p-1', 'p-7']);

  server.enter(ROOM(3), 'p-9', { name: 'Dee' });
  server.enter(ROOM(4), 'p-10', { name: 'Eve' });
  server.leave(ROOM(3), 'p-7');
  await settle();
  assert.deepEqual(names(live.breakout.members), ['Ada', 'Dee']);

  server.send('engage-me:ABC234:p-1', { type: 'room', room: null });
  await settle();
  assert.deepEqual(writes(server), [['enter', ROOM(3), { name: 'Ada' }], ['leave', ROOM(3), undefined]]);
  assert.equal(server.room(ROOM(3)).has('p-1'), false);
  assert.deepEqual(live.breakout.members, []);
  assert.deepEqual(seen.at(-1), [null, []]);
  assert.ok(seen.every(([room, list]) => !list.includes('Cy') && !list.includes('Eve')), 'room 4 never shows');
  assert.ok(server.last().frames('unsubscribe').some((f) => f.channel === ROOM(3)), 'the room\'s members are no longer followed');
  assert.ok(!server.last().sent.some((f) => f.type === 'enter' && !f.channel.startsWith('engage-chat:ABC234:room:')), 'no presence anywhere else');
  live.close();
});

test('a reload while in a room enters it again; a move to another room leaves the first; leaving the event leaves the room', async () => {
  const server = new EngageServer();
  const storage = memoryStorage();
  const before = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  server.send('engage-me:ABC234:p-1', { type: 'room', room: 2, rooms: 3 });
  await settle();
  assert.deepEqual(writes(server), [['enter', ROOM(2), { name: 'Ada' }]]);

  // The page reloads: the old connection is simply gone, and the new one learns its room from engage-me.
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', storage }));
  live.breakout.onMembers(() => {});
  await settle();
  assert.equal(live.participant, before.participant);
  assert.deepEqual(writes(server), [['enter', ROOM(2), { name: 'Ada' }]], 'the reloaded page is in room 2 again');
  assert.deepEqual(names(live.breakout.members), ['Ada']);

  server.send('engage-me:ABC234:p-1', { type: 'room', room: 3, rooms: 3 });
  await settle();
  assert.deepEqual(writes(server), [['enter', ROOM(2), { name: 'Ada' }], ['leave', ROOM(2), undefined], ['enter', ROOM(3), { name: 'Ada' }]]);
  assert.equal(live.breakout.myRoom, 3);

  const errors = [];
  live.onError((e) => errors.push(e));
  live.close();
  await settle();
  assert.deepEqual(writes(server).at(-1), ['leave', ROOM(3), undefined], 'the room hears the leave before the connection closes');
  assert.deepEqual(errors, [], 'the leave cut short by the close is no error');
  before.close();
});

test('a refused enter (a token without room presence) is reported once and not sent again; member names from other clients are bounded', async () => {
  const server = new EngageServer();
  server.refusePresence = 'forbidden';
  const long = 'x'.repeat(300);
  server.enter(ROOM(1), 'p-5', { name: `  ${long}  ` });
  server.enter(ROOM(1), 'p-6', { name: 42 });
  server.enter(ROOM(1), 'p-4', null);
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const errors = [];
  live.onError((e) => errors.push(e));
  live.breakout.onMembers(() => {});
  server.send('engage-me:ABC234:p-1', { type: 'room', room: 1, rooms: 2 });
  await settle();
  assert.deepEqual(errors.map((e) => [e.name, e.code, e.cause?.name]), [['EngageError', 'forbidden', 'forbidden']]);
  assert.match(errors[0].message, /breakout room 1/);
  assert.deepEqual(live.breakout.members.map((m) => [m.participant, m.name.length]), [['p-4', 0], ['p-6', 0], ['p-5', 40]]);
  server.send('engage-me:ABC234:p-1', { type: 'room', room: null });
  await settle();
  assert.deepEqual(writes(server), [['enter', ROOM(1), { name: 'Ada' }]], 'nothing to leave: the enter was refused');
  assert.equal(errors.length, 1);
  live.close();
});

test('once its enter is stored the participant lists itself, even before the gateway\'s list shows it (a long-poll gap)', async () => {
  const server = new EngageServer();
  server.listLags = true;
  server.enter(ROOM(2), 'p-7', { name: 'Bob' });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const seen = [];
  live.breakout.onMembers((members, r) => seen.push([r.room, names(members)]));
  server.send('engage-me:ABC234:p-1', { type: 'room', room: 2, rooms: 2 });
  await settle();
  assert.equal(server.room(ROOM(2)).has('p-1'), false, 'the gateway\'s list lags');
  assert.deepEqual(seen.at(-1), [2, ['Ada', 'Bob']]);
  assert.deepEqual(live.breakout.members.map((m) => m.participant), ['p-1', 'p-7']);
  server.enter(ROOM(2), 'p-1', { name: 'Ada' }); // the list catches up: Ada is not listed twice
  await settle();
  assert.deepEqual(seen.at(-1), [2, ['Ada', 'Bob']]);
  live.close();
});

test('the host enters no room and its member list stays empty', async () => {
  const server = new EngageServer();
  const host = await hostEvent(server.options({ code: 'ABC234', hostToken: jwt('host-1') }));
  const seen = [];
  host.breakout.onMembers((members, r) => seen.push([r.room, members.length]));
  server.send('engage:ABC234', { type: 'event', seq: 1, title: 't', current: null, activities: [], reactions: [], chat: { enabled: true, slowModeMs: 0 }, qa: { enabled: true, moderated: false }, participants: 0, breakout: { open: true, rooms: 2 } });
  await settle();
  assert.deepEqual(seen, [[null, 0]]);
  assert.deepEqual(writes(server), []);
  host.leave();
});
