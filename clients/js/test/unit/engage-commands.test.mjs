import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinEvent, hostEvent, EngageError } from '../../.build/src/engage/index.js';
import { settle } from '../support/fake-clock.mjs';
import { EngageServer, memoryStorage } from '../support/engage-server.mjs';

const poll = (extra = {}) => ({ type: 'activity', seq: 1, id: 'p1', kind: 'choice', title: 'Lunch?', state: 'open', round: 1, options: [{ id: 'a', label: 'A' }], ...extra });

test('joinEvent joins over the API, subscribes the event and engage-me with rewind, and waits for participant.join', async () => {
  const server = new EngageServer();
  const live = await joinEvent(server.options({ code: ' abc234 ', name: ' Ada ' }));
  assert.deepEqual(server.joins, [{ code: 'ABC234', name: 'Ada' }]);
  assert.equal(live.participant, 'p-1');
  assert.deepEqual(server.subscribes(), [['engage:ABC234', 1], ['engage-me:ABC234:p-1', 100]]);
  const [join] = server.commands;
  assert.equal(join.channel, 'engage-in:ABC234');
  assert.equal(join.type, 'participant.join');
  assert.equal(join.name, 'Ada');
  assert.match(join.id, /^[A-Za-z0-9_\-:.@/=+]{1,128}$/, 'a command id is a valid publish id');
  live.close();
});

test('a command resolves on the reply with its id, not on the ack, and a reply may come before the ack', async () => {
  let reply = true;
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' || reply ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  server.send('engage:ABC234:a:p1', poll());
  reply = false;
  let settled = false;
  const vote = live.activity('p1').vote({ choices: ['a'] }).then(() => (settled = true));
  await settle();
  const sent = server.commands.at(-1);
  assert.equal(sent.type, 'poll.vote');
  assert.equal(sent.round, 1);
  assert.equal(settled, false, 'acked but no reply yet');
  server.send('engage-me:ABC234:p-1', { type: 'reply', id: 'someone-else', ok: true });
  await settle();
  assert.equal(settled, false, 'a reply to another command does not settle it');
  // Reply first, ack later.
  server.holdAcks = true;
  reply = true;
  await live.qa.ask('Why?');
  assert.equal(server.heldAcks.length, 1, 'resolved before its ack arrived');
  server.send('engage-me:ABC234:p-1', { type: 'reply', id: sent.id, ok: true });
  await vote;
  assert.equal(settled, true);
  live.close();
});

test('a refusal is an EngageError with the ENGAGE.md code, the command id and retryAfterMs', async () => {
  const server = new EngageServer({
    onCommand: (c) => {
      if (c.type === 'chat.send') return { ok: false, error: { code: 'slow_mode', message: 'wait', retryAfterMs: 1500 } };
      if (c.type === 'react') return { ok: false, error: { code: 'brand_new_code', message: '?' } };
      if (c.type === 'qa.ask') return 'refuse:forbidden';
      return { ok: true };
    },
  });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  await assert.rejects(live.chat.send('hi'), (e) => {
    assert.ok(e instanceof EngageError);
    assert.equal(e.code, 'slow_mode');
    assert.equal(e.retryAfterMs, 1500);
    assert.equal(e.retryable, true);
    assert.equal(e.commandId, server.commands.at(-1).id);
    return true;
  });
  await assert.rejects(live.react('👍'), (e) => e.code === 'unexpected' && e.serverCode === 'brand_new_code' && !e.retryable);
  await assert.rejects(live.qa.ask('q'), (e) => e.code === 'forbidden' && e.cause?.name === 'forbidden');
  live.close();
});

test('no reply within commandTimeoutMs is a timeout; retry() sends the same id and settles on its reply', async () => {
  let replies = false;
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' || replies ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', commandTimeoutMs: 2000 }));
  const react = live.react('👍');
  await server.clock.advance(1999);
  let error;
  react.catch((e) => (error = e));
  await settle();
  assert.equal(error, undefined, 'still waiting at 1999 ms');
  await server.clock.advance(1);
  assert.equal(error?.code, 'timeout');
  const first = server.commands.at(-1);
  replies = true;
  await error.retry();
  const second = server.commands.at(-1);
  assert.notEqual(first, second, 'published again');
  assert.equal(second.id, first.id, 'with the same command id');
  assert.equal(second.type, 'react');
  live.close();
});

test('a reply that comes after the timeout is kept: the retry settles from it without publishing again', async () => {
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', commandTimeoutMs: 1000 }));
  const p = live.qa.upvote('q1', true);
  await server.clock.advance(1000);
  const error = await p.catch((e) => e);
  assert.equal(error.code, 'timeout');
  const count = server.commands.length;
  server.send('engage-me:ABC234:p-1', { type: 'reply', id: error.commandId, ok: false, error: { code: 'unknown_question', message: 'no q1' } });
  await settle();
  await assert.rejects(error.retry(), (e) => e.code === 'unknown_question' && e.commandId === error.commandId);
  assert.equal(server.commands.length, count, 'nothing published again');
  live.close();
});

test('the same id while the command is in flight is one command; a retry before the ack does not publish twice', async () => {
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  server.holdAcks = true;
  const a = live.react('🎉', { id: 'cmd-1' });
  const b = live.react('🎉', { id: 'cmd-1' });
  await settle();
  assert.equal(server.commands.filter((c) => c.id === 'cmd-1').length, 1);
  server.send('engage-me:ABC234:p-1', { type: 'reply', id: 'cmd-1', ok: true });
  await Promise.all([a, b]);
  live.close();
});

test('pending commands are bounded (busy) and commands over the byte limit fail at once (too_large)', async () => {
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada', maxPendingCommands: 2 }));
  const sent = server.commands.length;
  live.react('a').catch(() => {});
  live.react('b').catch(() => {});
  await assert.rejects(live.react('c'), (e) => e.code === 'busy' && e.retryable);
  await assert.rejects(live.chat.send('x'.repeat(5000)), (e) => e.code === 'too_large');
  await settle();
  assert.equal(server.commands.length, sent + 2);
  live.close();
});

test('leaving fails waiting commands with closed, and later commands too', async () => {
  const server = new EngageServer({ onCommand: (c) => (c.type === 'participant.join' ? { ok: true } : undefined) });
  const live = await joinEvent(server.options({ code: 'ABC234', name: 'Ada' }));
  const waiting = live.react('👍');
  live.leave();
  await assert.rejects(waiting, (e) => e.code === 'closed');
  await assert.rejects(live.react('👍'), (e) => e.code === 'closed');
});

test('a refused participant.join rejects joinEvent with its code and leaves nothing connected', async () => {
  const server = new EngageServer({ onCommand: () => ({ ok: false, error: { code: 'banned', message: 'banned by a moderator' } }) });
  await assert.rejects(joinEvent(server.options({ code: 'ABC234', name: 'Ada' })), (e) => e.code === 'banned');
  assert.ok(server.last().closed, 'the socket was closed');
});

test('host commands go to engage-ctl:CODE:host, moderator commands to :moderator, with typed definitions', async () => {
  const storage = memoryStorage();
  const server = new EngageServer();
  const host = await hostEvent(server.options({ title: 'Keynote', storage }));
  assert.equal(host.code, 'HST234');
  assert.equal(host.participant, 'host-1', 'the host token\'s sub');
  assert.equal(host.joinUrl, 'http://gw.test/#/join/HST234');
  assert.ok(server.subscribes().some(([c]) => c === 'engage-me:HST234:host-1'), 'replies to the host come on its engage-me');
  await host.createActivity({ id: 'q1', kind: 'quiz', title: 'Trivia', questions: [{ text: '2+2', options: [{ id: 'a', label: '4' }, { id: 'b', label: '5' }], correct: 'a', timeLimitMs: 20000 }], results: 'closed' });
  await host.open('q1');
  await host.quiz.next('q1');
  await host.setCurrent(null);
  await host.moderateQuestion('x', { status: 'published', pinned: true });
  await host.moderateEntry('w1', 'e1', 'dismissed');
  await host.chat.delete('m1');
  await host.ban('p-9');
  await host.slowMode(5000);
  await host.slides.show('deck', 3);
  await host.breakout.open({ rooms: 4, assign: 'random' });
  await host.close('q1');
  const got = server.commands.map(({ channel, type }) => [channel.split(':')[2], type]);
  assert.deepEqual(got, [
    ['host', 'activity.create'], ['host', 'activity.open'], ['host', 'quiz.next'], ['host', 'event.current'],
    ['moderator', 'qa.moderate'], ['moderator', 'poll.moderate'], ['moderator', 'chat.delete'], ['moderator', 'participant.ban'],
    ['moderator', 'chat.slowmode'], ['host', 'slides.show'], ['host', 'breakout.open'], ['host', 'activity.close'],
  ]);
  const create = server.commands[0];
  assert.equal(create.activity, 'q1');
  assert.equal(create.kind, 'quiz');
  assert.equal(create.questions[0].correct, 'a');
  assert.equal(create.id.length > 0, true);
  await assert.rejects(host.createActivity({ id: 'bad id!', kind: 'choice', title: 't', options: [] }), (e) => e.code === 'invalid_command');
  assert.equal(await host.export('csv', { activity: 'q1' }), 'event,activity,format\nHST234,q1,csv\n');
  host.leave();
  // Reattach from storage (a reload of the host console).
  const again = await hostEvent(server.options({ code: 'hst234', storage }));
  assert.equal(again.hostToken, host.hostToken);
  again.leave();
  await assert.rejects(hostEvent(server.options({ code: 'ZZZ234', storage })), (e) => e.code === 'token_invalid');
});
