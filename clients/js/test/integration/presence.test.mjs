import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventSource } from 'eventsource';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway, startGateway } from '../support/gateway.mjs';
import { startProxy } from '../support/proxy.mjs';
import { spyWebSocket } from '../support/spy-websocket.mjs';
import { AUTH_ENV, hs256 } from '../support/tokens.mjs';
import { waitFor } from '../support/wait.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name
const GRACE = '3s';
const POLL_TIMEOUT = '4s'; // a poll that nothing answers comes back this soon

// Presence needs stable client ids across reconnects (an anonymous client's id is its connection
// id), so these tests use a gateway on the run's Kafka that verifies HS256 tokens, with a short
// presence grace so that a member which really left is seen leaving within the test.
const WS = globalThis.WebSocket;
let shared;
let gw;
const clients = [];
const client = (sub, options = {}) => {
  const c = new Chorus({
    url: gw.url,
    storage: null,
    WebSocket: WS,
    EventSource,
    transports: ['websocket'],
    backoffInitialMs: 50,
    backoffMaxMs: 200,
    authCallback: () => hs256(sub, 3600),
    ...options,
  });
  clients.push(c);
  return c;
};

/** Records a client's presence events on a channel as `action:clientId[=data]`. */
function watch(c, channel) {
  const events = [];
  const p = c.channel(channel).presence;
  p.subscribe((e) => events.push(`${e.action}:${e.member.clientId}${e.member.data === null ? '' : `=${JSON.stringify(e.member.data)}`}`));
  return { events, presence: p, synced: () => waitFor(() => p.synced, { what: `${channel} presence synced` }) };
}

before(async () => {
  assert.ok(WS, 'run with node --experimental-websocket (npm test does)');
  shared = await sharedGateway();
  gw = await startGateway({ mode: 'serve', kafka: shared.kafka, env: { ...AUTH_ENV, CHORUS_PRESENCE_GRACE: GRACE, CHORUS_FALLBACK_POLL_TIMEOUT: POLL_TIMEOUT } });
});
after(async () => {
  clients.forEach((c) => c.close());
  await gw?.stop();
  await shared?.release();
});

test('enter, update and leave of one client are seen by another, with the data, and in its member list', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const bob = watch(client('bob'), channel);
  await bob.synced();
  assert.deepEqual(bob.events, []);
  const ada = client('ada').channel(channel).presence;
  await ada.enter({ name: 'Ada' });
  await waitFor(() => bob.events.length === 1, { what: 'enter' });
  await ada.update({ name: 'Ada', typing: true });
  await waitFor(() => bob.events.length === 2, { what: 'update' });
  assert.deepEqual(bob.presence.members.map((m) => [m.clientId, m.data]), [['ada', { name: 'Ada', typing: true }]]);
  assert.ok(bob.presence.members[0].updatedAt > Date.now() - 60_000);
  await ada.leave();
  await waitFor(() => bob.events.length === 3, { what: 'leave' });
  assert.deepEqual(bob.events, ['enter:ada={"name":"Ada"}', 'update:ada={"name":"Ada","typing":true}', 'leave:ada={"name":"Ada","typing":true}']);
  assert.deepEqual(bob.presence.members, []);
  await assert.rejects(ada.leave(), (e) => e.name === 'not_present' && e.code === 40403);
});

test('get() reads the members over the WebSocket and over REST (long-polling client)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  await client('ada').channel(channel).presence.enter({ n: 1 });
  await client('bob').channel(channel).presence.enter();
  const ws = client('cy');
  await waitFor(() => ws.state === 'connected');
  const overWs = await waitFor(async () => {
    const set = await ws.channel(channel).presence.get();
    return set.count === 2 && set;
  }, { what: 'two members over the WebSocket' });
  const polling = client('dee', { transports: ['polling'] });
  const overRest = await polling.channel(channel).presence.get();
  assert.equal(polling.transport, 'polling');
  for (const set of [overWs, overRest]) {
    assert.equal(set.channel, channel);
    assert.equal(set.complete, true);
    assert.deepEqual(set.members.map((m) => [m.clientId, m.data]).sort(), [['ada', { n: 1 }], ['bob', null]]);
  }
});

test('occupancy: two subscribed clients and one member, as events and from get()', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const a = client('ada');
  const b = client('bob');
  const seen = [];
  a.channel(channel).occupancy.subscribe((o) => seen.push(o));
  await b.channel(channel).subscribe(() => {});
  await b.channel(channel).presence.enter();
  await waitFor(() => seen.some((o) => o.subscribers === 2 && o.members === 1), { what: `2 subscribers and 1 member (saw ${JSON.stringify(seen.at(-1))})` });
  assert.deepEqual(await a.channel(channel).occupancy.get(), { channel, subscribers: 2, members: 1 });
  const rest = await client('cy', { transports: ['polling'] }).channel(channel).occupancy.get();
  assert.deepEqual(rest, { channel, subscribers: 2, members: 1 });
  b.channel(channel).unsubscribe();
  await waitFor(() => seen.at(-1).subscribers === 1, { what: 'the count going down' });
});

test('a dropped connection re-enters by itself: the other client sees no leave and no enter, while a client that really went leaves after the grace', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const proxy = await startProxy(gw.port);
  try {
    const Spy = spyWebSocket(WS);
    const ada = client('ada', { url: proxy.url, WebSocket: Spy });
    const cy = client('cy');
    const bob = watch(client('bob'), channel);
    await bob.synced();
    await ada.channel(channel).presence.enter({ v: 1 });
    await cy.channel(channel).presence.enter();
    await waitFor(() => bob.events.length === 2, { what: 'both enters' });
    proxy.dropAll(); // ada's connection is cut; the gateway starts its grace
    cy.close(); // cy is gone for good; its grace starts after ada's
    await waitFor(() => Spy.sockets.length === 2 && Spy.sockets[1].received.some((f) => f.type === 'entered'),
      { what: 'ada re-entered on a new connection' });
    assert.deepEqual(Spy.sockets[1].sent.filter((f) => f.type === 'enter').map((f) => [f.channel, f.data]), [[channel, { v: 1 }]]);
    // cy's leave comes one grace after its close, hence after ada's grace would have ended too.
    await waitFor(() => bob.events.includes('leave:cy'), { what: "cy's leave after the grace" });
    await ada.channel(channel).presence.update({ v: 2 });
    await waitFor(() => bob.events.length === 4, { what: "ada's update" });
    assert.deepEqual(bob.events, ['enter:ada={"v":1}', 'enter:cy', 'leave:cy', 'update:ada={"v":2}']);
  } finally {
    await proxy.close();
  }
});

test('an observer whose connection drops gets only the differences from the fresh presence_sync', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const proxy = await startProxy(gw.port);
  try {
    const ada = client('ada').channel(channel).presence;
    const cy = client('cy').channel(channel).presence;
    await ada.enter({ v: 1 });
    await cy.enter();
    const observer = client('bob', { url: proxy.url });
    const bob = watch(observer, channel);
    const syncs = [];
    bob.presence.on('sync', (set) => syncs.push(set.count));
    await waitFor(() => bob.events.length === 2, { what: 'the first sync' });
    const states = [];
    observer.on('state', (s) => states.push(s));
    proxy.switchTo(1); // nothing listens on port 1: bob stays cut off while the members change
    proxy.dropAll();
    await waitFor(() => states.includes('disconnected'));
    await ada.update({ v: 2 });
    await cy.leave();
    await client('dee').channel(channel).presence.enter();
    proxy.switchTo(gw.port);
    await waitFor(() => syncs.length === 2 && bob.presence.synced, { what: 'the second sync' });
    assert.deepEqual(bob.events.slice(2), ['leave:cy', 'update:ada={"v":2}', 'enter:dee']);
    assert.deepEqual(bob.presence.members.map((m) => m.clientId).sort(), ['ada', 'dee']);
  } finally {
    await proxy.close();
  }
});

test('SSE, long-polling and WebSocket clients enter one channel and each sees the others, with their data', { timeout: TEST_TIMEOUT_MS }, async () => {
  const channel = freshChannel();
  const on = { sse: client('sid', { transports: ['sse'] }), polling: client('pam', { transports: ['polling'] }), websocket: client('wes') };
  const seen = {};
  for (const [kind, c] of Object.entries(on)) {
    seen[kind] = watch(c, channel);
    await seen[kind].synced();
    assert.equal(c.transport, kind);
  }
  await Promise.all(Object.entries(on).map(([kind, c]) => c.channel(channel).presence.enter({ on: kind })));
  const everyone = [['pam', { on: 'polling' }], ['sid', { on: 'sse' }], ['wes', { on: 'websocket' }]];
  for (const [kind, w] of Object.entries(seen)) {
    await waitFor(() => w.presence.members.length === 3, { what: `${kind} sees three members (has ${JSON.stringify(w.presence.members)})` });
    assert.deepEqual(w.presence.members.map((m) => [m.clientId, m.data]).sort(), everyone, kind);
    const enters = w.events.filter((e) => e.startsWith('enter:')).sort();
    assert.deepEqual(enters, ['enter:pam={"on":"polling"}', 'enter:sid={"on":"sse"}', 'enter:wes={"on":"websocket"}'], kind);
  }
  // An update over each HTTP transport is one `update` for the others; polls and reopens add nothing.
  await on.sse.channel(channel).presence.update({ on: 'sse', v: 2 });
  await on.polling.channel(channel).presence.update({ on: 'polling', v: 2 });
  for (const [kind, w] of Object.entries(seen)) {
    await waitFor(() => w.events.filter((e) => e.startsWith('update:')).length === 2, { what: `${kind} sees two updates (has ${w.events})` });
    assert.equal(w.events.length, 5, `${kind}: three enters and two updates, nothing else: ${w.events}`);
  }
});

for (const kind of ['sse', 'polling']) {
  test(`${kind}: occupancy events, and a leave that the WebSocket client sees after the grace period`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    const http = client(`${kind}-ann`, { transports: [kind] });
    const counts = [];
    http.channel(channel).occupancy.subscribe((o) => counts.push(o));
    const bob = watch(client('bob'), channel);
    await bob.synced();
    const p = http.channel(channel).presence;
    await p.enter({ n: 1 });
    assert.equal(http.transport, kind);
    await waitFor(() => bob.events.length === 1, { what: 'the enter' });
    await waitFor(() => counts.some((o) => o.subscribers === 2 && o.members === 1), { what: `occupancy 2/1 (saw ${JSON.stringify(counts.at(-1))})` });
    const leftAt = Date.now();
    await p.leave();
    await waitFor(() => bob.events.length === 2, { what: 'the leave after the grace' });
    assert.ok(Date.now() - leftAt >= 2_500, `the leave came ${Date.now() - leftAt} ms after leave() resolved, not after the ${GRACE} grace`);
    assert.deepEqual(bob.events, [`enter:${kind}-ann={"n":1}`, `leave:${kind}-ann={"n":1}`]);
  });
}
