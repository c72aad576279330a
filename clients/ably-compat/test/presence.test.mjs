// Presence (RTP): ably-js clients on two gateway pods enter, update and leave, and see each other through
// presence.get() and presence.subscribe(); a Chorus client on the Chorus protocol sees the Ably members
// and the other way round; a dropped connection's member stays through a reconnect (ably-js re-enters,
// RTP17) and leaves after Chorus's grace period when it does not come back; refusals carry Ably's codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEYS, freshChannel, metric, sharedGateway, startPod } from './support/gateway.mjs';
import { closeAll, connected } from './support/clients.mjs';
import { startProxy } from './support/proxy.mjs';
import { waitFor } from './support/wait.mjs';

const T = { timeout: 120_000 };
let gw;
let podB;
before(async () => {
  assert.ok(globalThis.WebSocket, 'run with node --experimental-websocket (npm test does)');
  gw = await sharedGateway();
  // Pod B applies a short grace period to members that disappear, so the drop test need not wait 15 s.
  podB = await startPod({ kafka: gw.kafka, env: { CHORUS_PRESENCE_GRACE: '3s' } });
});
after(async () => {
  closeAll();
  await podB?.stop();
  await gw?.release();
});

/** Records a channel's presence events, in arrival order. */
class Members {
  events = [];
  listener = (m) => this.events.push({ action: m.action, clientId: m.clientId, data: m.data, connectionId: m.connectionId });

  async waitFor(action, clientId, what = `${action} of ${clientId}`) {
    return waitFor(() => this.events.find((e) => e.action === action && e.clientId === clientId), { timeoutMs: 20_000, what });
  }

  count(action, clientId) {
    return this.events.filter((e) => e.action === action && e.clientId === clientId).length;
  }
}

const ids = (members) => members.map((m) => m.clientId).sort();

async function present(channel, expected) {
  await waitFor(async () => JSON.stringify(ids(await channel.presence.get())) === JSON.stringify(expected),
    { timeoutMs: 20_000, what: `members ${expected}` });
}

test('ably-js clients on two pods enter, update and leave and see each other', T, async () => {
  const name = freshChannel();
  const alice = await connected(gw, KEYS.full, { clientId: 'alice' });
  const bob = await connected(podB, KEYS.full, { clientId: 'bob' });
  const a = alice.channels.get(name);
  const b = bob.channels.get(name);
  const seenByAlice = new Members();
  await a.presence.subscribe(seenByAlice.listener);
  await b.presence.subscribe(new Members().listener);
  assert.deepEqual([...a.modes].sort(), ['presence', 'presence_subscribe', 'publish', 'subscribe'], "Ably's default modes");

  await a.presence.enter({ mood: 'curious' });
  await b.presence.enter('hello');
  await present(a, ['alice', 'bob']);
  await present(b, ['alice', 'bob']);
  const aliceAtBob = (await b.presence.get()).find((m) => m.clientId === 'alice');
  assert.deepEqual(aliceAtBob.data, { mood: 'curious' }, 'object data arrives as the object');
  assert.equal((await seenByAlice.waitFor('enter', 'bob')).data, 'hello');

  await b.presence.update('busy');
  assert.equal((await seenByAlice.waitFor('update', 'bob')).data, 'busy');
  assert.equal((await a.presence.get()).find((m) => m.clientId === 'bob').data, 'busy');

  await b.presence.leave();
  await seenByAlice.waitFor('leave', 'bob');
  await present(a, ['alice']);
  assert.equal(seenByAlice.count('enter', 'bob'), 1, 'one enter for one member');
  const own = (await a.presence.get()).find((m) => m.clientId === 'alice');
  assert.equal(own.connectionId, alice.connection.id, "alice's own member is her connection's (RTP17)");
});

test('a Chorus client sees the Ably members and the Ably client sees the Chorus member', T, async () => {
  const name = freshChannel();
  const ably = await connected(podB, KEYS.full, { clientId: 'ably-user' });
  const channel = ably.channels.get(name);
  const seen = new Members();
  await channel.presence.subscribe(seen.listener);
  await channel.presence.enter('from ably');

  // The Chorus protocol on pod A (PROTOCOL.md): an anonymous client, whose member id is its connection id.
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/v1/ws`);
  const frames = [];
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  await waitFor(() => frames.some((f) => f.type === 'connected'), { what: 'Chorus connected' });
  ws.send(JSON.stringify({ type: 'subscribe', ref: 's', channel: name, presence: true }));
  const sync = await waitFor(() => frames.find((f) => f.type === 'presence_sync'), { what: 'presence_sync' });
  let members = sync.members;
  if (!members.some((m) => m.clientId === 'ably-user')) {
    await waitFor(() => frames.find((f) => f.type === 'presence_event' && f.member.clientId === 'ably-user'),
      { what: 'the Ably member at the Chorus client' });
    members = [{ clientId: 'ably-user', data: 'from ably' }];
  }
  assert.equal(members.find((m) => m.clientId === 'ably-user').data, 'from ably');

  ws.send(JSON.stringify({ type: 'enter', ref: 'e', channel: name, data: { role: 'chorus' } }));
  await waitFor(() => frames.some((f) => f.type === 'entered' && f.ref === 'e'), { what: 'entered' });
  const chorusId = frames.find((f) => f.type === 'connected').clientId ?? null;
  const enter = await waitFor(() => seen.events.find((e) => e.action === 'enter' && e.clientId !== 'ably-user'),
    { timeoutMs: 20_000, what: 'the Chorus member at the Ably client' });
  assert.deepEqual(enter.data, { role: 'chorus' });
  if (chorusId) assert.equal(enter.clientId, chorusId);
  ws.send(JSON.stringify({ type: 'leave', ref: 'l', channel: name }));
  await seen.waitFor('leave', enter.clientId);
  ws.close();
});

test("a dropped connection's member stays through a reconnect and leaves when it does not come back", T, async () => {
  const name = freshChannel();
  const observer = await connected(podB, KEYS.full, { clientId: 'observer' });
  const watched = observer.channels.get(name);
  const seen = new Members();
  await watched.presence.subscribe(seen.listener);

  const carol = await connected(gw, KEYS.full, { clientId: 'carol' });
  const channel = carol.channels.get(name);
  await channel.presence.enter('here');
  await seen.waitFor('enter', 'carol');

  // Drop carol's TCP connection: ably-js resumes the connection, reattaches and re-enters (RTP17).
  const firstId = carol.connection.id;
  const requestsBefore = await metric(gw.url, 'chorus_ably_presence_total');
  const back = new Promise((resolve) => carol.connection.once('disconnected', () => carol.connection.once('connected', resolve)));
  carol.connection.connectionManager.activeProtocol.getTransport().wsConnection.terminate();
  await back;
  assert.equal(carol.connection.id, firstId, 'resumed');
  await waitFor(async () => (await metric(gw.url, 'chorus_ably_presence_total')) > requestsBefore,
    { timeoutMs: 20_000, what: 'carol re-entered from her new connection' });
  // Pod B no longer counts carol as leaving: she came back, or left. A marker member entered after that
  // reaches the observer after anything about carol (one presence thread, one event order per pod).
  await waitFor(async () => (await metric(podB.url, 'chorus_presence_leaving')) === 0, { what: 'no member leaving' });
  const marker = await connected(podB, KEYS.full, { clientId: 'marker' });
  await marker.channels.get(name).presence.enter();
  await seen.waitFor('enter', 'marker');
  assert.equal(seen.count('leave', 'carol'), 0, 'a reconnect within the grace period is no leave');
  assert.equal(seen.count('enter', 'carol'), 1, 'and no second enter');
  // Carol's own view, on the other pod, gets marker in its own time: wait for it (a duplicate carol fails too).
  await present(channel, ['carol', 'marker']);

  // Drop it again, and close the client so it never comes back: carol leaves after the grace period.
  const gone = new Promise((resolve) => carol.connection.once('disconnected', resolve));
  carol.connection.connectionManager.activeProtocol.getTransport().wsConnection.terminate();
  await gone;
  carol.close();
  await seen.waitFor('leave', 'carol');
  await present(watched, ['marker']);
});

test("a resumed connection's member outlives the socket it replaced, which closes later on the same pod", T, async () => {
  // Pod C closes silent sockets after 15 s and drops a closed connection's members after 1 s; dave notices
  // a silent connection within about 4 s (maxIdleInterval 2 s + realtimeRequestTimeout 2 s), so he has
  // resumed well before pod C closes his old socket.
  const podC = await startPod({ kafka: gw.kafka, env: { CHORUS_PRESENCE_GRACE: '1s', CHORUS_CONNECTION_IDLE_TIMEOUT: '15s' } });
  const proxy = await startProxy(podC.port);
  try {
    const name = freshChannel();
    const observer = await connected(podC, KEYS.full, { clientId: 'observer' });
    const seen = new Members();
    await observer.channels.get(name).presence.subscribe(seen.listener);
    const dave = await connected(podC, KEYS.full, { clientId: 'dave', port: proxy.port, realtimeRequestTimeout: 2000 });
    const channel = dave.channels.get(name);
    const own = new Members();
    await channel.presence.subscribe(own.listener);
    await channel.presence.enter('here');
    await seen.waitFor('enter', 'dave');
    const firstId = dave.connection.id;
    // ably-js re-enters only the members it saw as its own, from the gateway's echo of the enter (RTP17).
    await waitFor(() => own.events.some((e) => e.clientId === 'dave' && e.connectionId === firstId), { what: "dave's echo" });

    // Cut dave off without pod C knowing: his old socket stays open there, silent, while he resumes on a
    // new one (held back until he noticed), so the old session ends only after the new one entered.
    const back = new Promise((resolve) => dave.connection.once('disconnected', () => dave.connection.once('connected', resolve)));
    proxy.hold();
    proxy.orphan();
    await waitFor(() => dave.connection.state !== 'connected', { timeoutMs: 60_000, what: 'dave to notice the cut' });
    proxy.release();
    await back;
    assert.equal(dave.connection.id, firstId, 'resumed: the same connection');
    assert.equal(proxy.orphans, 1, 'the old socket is still open on pod C');
    await waitFor(() => proxy.orphans === 0, { timeoutMs: 40_000, what: 'pod C to close the old socket' });
    await waitFor(async () => (await metric(podC.url, 'chorus_presence_leaving')) === 0, { what: 'no member leaving' });
    const marker = await connected(podC, KEYS.full, { clientId: 'marker2' });
    await marker.channels.get(name).presence.enter();
    await seen.waitFor('enter', 'marker2');
    assert.equal(seen.count('leave', 'dave'), 0, "the old socket's end is not dave's leave");
    await present(channel, ['dave', 'marker2']);
  } finally {
    await proxy.close();
    await podC.stop();
  }
});

test('presence refusals carry Ably codes: no clientId, no capability', T, async () => {
  const anonymous = await connected(gw, KEYS.full);
  const channel = anonymous.channels.get(freshChannel());
  await channel.attach();
  await assert.rejects(channel.presence.enterClient('someone', 'x'), (err) => err.code === 91000);
  await assert.rejects(channel.presence.enter('x'), (err) => err.code === 40012, "ably-js's own check");

  const named = await connected(gw, KEYS.full, { clientId: 'dora' });
  await assert.rejects(named.channels.get(freshChannel()).presence.enterClient('someone-else', 'x'),
    (err) => err.code === 40012, 'enterClient for another clientId is not supported');

  const narrow = await connected(gw, KEYS.narrow, { clientId: 'erin' });
  const suffix = Math.random().toString(36).slice(2, 8);
  const ro = narrow.channels.get(`ro:${suffix}`);
  await ro.attach();
  assert.deepEqual([...ro.modes], ['subscribe'], 'no presence capability: no presence modes');
  await assert.rejects(ro.presence.enter('x'), (err) => err.code === 40160);
  const asked = narrow.channels.get(`ro:${suffix}b`, { modes: ['PRESENCE_SUBSCRIBE'] });
  await assert.rejects(asked.attach(), (err) => err.code === 40160);
  assert.equal(narrow.connection.state, 'connected', 'every refusal was a NACK or a channel error');
});
