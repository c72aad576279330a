// Ably's REST API on Chorus with the real ably-js Ably.Rest: time(), REST publish (serials, idempotent
// ids), history pagination through Link headers (page.next(), both directions) over messages published
// by REST and by a backend straight to Kafka, untilAttach from a realtime attach, and presence get of a
// member that entered through Chorus's own protocol.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import * as Ably from 'ably';
import WebSocket from 'ws';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected } from './support/clients.mjs';
import { produce } from './support/kcat.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 90_000 };
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

function rest(key = KEYS.full, extra = {}) {
  return new Ably.Rest({ key, restHost: '127.0.0.1', port: gw.port, tls: false, useBinaryProtocol: false, logLevel: 0, ...extra });
}

/** Every page of a history query, following page.next() until the last. */
async function allPages(channel, params) {
  const pages = [];
  let page = await channel.history(params);
  for (;;) {
    pages.push(page.items.map((m) => m.data));
    if (!page.hasNext()) return pages;
    page = await page.next();
  }
}

test('time() is the gateway clock', T, async () => {
  const t = await rest().time();
  assert.equal(typeof t, 'number');
  assert.ok(Math.abs(t - Date.now()) < 60_000, `gateway time ${t} is far from this machine's ${Date.now()}`);
});

test('REST publish answers serials, and a message published twice with one id is in history once', T, async () => {
  const channel = rest().channels.get(freshChannel());
  const one = await channel.publish('greeting', { text: 'hi' });
  assert.equal(one.serials.length, 1);
  const many = await channel.publish([{ name: 'a', data: 'x' }, { name: 'b', data: 'y' }]);
  assert.equal(many.serials.length, 2);
  assert.ok(many.serials.every((s) => /^[A-Za-z0-9_-]+\.\d+\.\d+\.\d+$/.test(s)), many.serials.join());
  await channel.publish({ id: 'fixed-id-1', name: 'c', data: 'z' });
  await channel.publish({ id: 'fixed-id-1', name: 'c', data: 'z' });
  const page = await channel.history({ direction: 'forwards' });
  assert.deepEqual(page.items.map((m) => m.data), [{ text: 'hi' }, 'x', 'y', 'z']);
  assert.equal(page.items[0].name, 'greeting');
  assert.equal(page.items[3].id, 'fixed-id-1');
  assert.equal(page.items[1].serial, many.serials[0]);
  assert.ok(!page.hasNext());
});

test('history pages through REST and backend messages with page.next(), backwards and forwards', T, async () => {
  const name = freshChannel();
  const channel = rest().channels.get(name);
  const expected = [];
  for (let i = 0; i < 10; i++) expected.push(`rest-${i}`);
  await channel.publish(expected.slice(0, 10).map((d) => ({ name: 'm', data: d })));
  for (let i = 0; i < 5; i++) {
    await produce(gw.kafka, name, `backend-${i}`);
    expected.push(`backend-${i}`);
  }
  const later = [];
  for (let i = 10; i < 17; i++) later.push(`rest-${i}`);
  await channel.publish(later.map((d) => ({ name: 'm', data: d })));
  expected.push(...later);
  // Backend records are read by the gateway through Kafka: wait until the newest is in history.
  await waitFor(async () => (await channel.history({ limit: 1 })).items[0]?.data === 'rest-16',
    { timeoutMs: 20_000, what: 'the last message in history' });

  const backwards = await allPages(channel, { limit: 5 });
  assert.deepEqual(backwards.map((p) => p.length), [5, 5, 5, 5, 2]);
  assert.deepEqual(backwards.flat(), [...expected].reverse());

  const forwards = await allPages(channel, { limit: 6, direction: 'forwards' });
  assert.deepEqual(forwards.flat(), expected);
  assert.ok(forwards.length >= 3, `pages ${forwards.map((p) => p.length)}`);

  const first = await channel.history({ limit: 5 });
  const again = await (await first.next()).first();
  assert.deepEqual(again.items.map((m) => m.data), first.items.map((m) => m.data), 'rel="first" leads back');
});

test('history with untilAttach ends at the realtime attach point', T, async () => {
  const name = freshChannel();
  const r = rest();
  await r.channels.get(name).publish([{ data: 'before-1' }, { data: 'before-2' }]);
  const realtime = await connected(gw, KEYS.full);
  const channel = realtime.channels.get(name);
  const rec = new Recorder();
  await channel.subscribe(rec.listener);
  await r.channels.get(name).publish({ data: 'after-1' });
  await rec.waitForCount(1);
  const page = await channel.history({ untilAttach: true });
  assert.deepEqual(page.items.map((m) => m.data), ['before-2', 'before-1']);
  const all = await channel.history();
  assert.deepEqual(all.items.map((m) => m.data), ['after-1', 'before-2', 'before-1']);
});

test('a key without the history capability is refused with 40160', T, async () => {
  const channel = rest(KEYS.narrow).channels.get(`ro:${Math.random().toString(36).slice(2, 8)}`);
  await assert.rejects(channel.history(), (err) => err.code === 40160 && err.statusCode === 401);
});

/** A Chorus HS256 token signed with the dev secret (./chorus token does the same). */
function chorusToken(sub) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, iat: now, exp: now + 600, chorus: { '*': ['subscribe', 'presence'] } })}`;
  const sig = createHmac('sha256', 'chorus-dev-secret-do-not-use-in-production').update(input).digest('base64url');
  return `${input}.${sig}`;
}

test('presence get lists a member that entered through Chorus', T, async () => {
  const name = freshChannel();
  const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/v1/ws?token=${chorusToken('zoe')}`);
  const frames = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  try {
    await new Promise((res, rej) => ws.once('open', res).once('error', rej));
    ws.send(JSON.stringify({ type: 'enter', ref: '1', channel: name, data: { name: 'Zoe' } }));
    await waitFor(() => frames.some((f) => f.type === 'entered' || f.type === 'error'), { what: 'entered' });
    assert.ok(frames.some((f) => f.type === 'entered'), JSON.stringify(frames));
    const presence = rest().channels.get(name).presence;
    const members = await waitFor(async () => {
      const page = await presence.get();
      return page.items.length ? page.items : null;
    }, { what: 'the member' });
    assert.equal(members.length, 1);
    assert.equal(members[0].clientId, 'zoe');
    assert.equal(members[0].action, 'present');
    assert.deepEqual(members[0].data, { name: 'Zoe' });
  } finally {
    ws.close();
  }
});
