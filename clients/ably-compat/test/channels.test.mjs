// Step 2: ATTACH/ATTACHED and DETACH/DETACHED with the channel mode flags (RTL4, RTL5, TR3). An Ably
// channel name is the Chorus channel name; what the key's capability allows decides the modes granted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEYS, freshChannel, sharedGateway } from './support/gateway.mjs';
import { closeAll, connected } from './support/clients.mjs';

const T = { timeout: 60_000 };
let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  closeAll();
  await gw?.release();
});

const sorted = (modes) => [...(modes ?? [])].sort();

test("attach grants Ably's default modes, detach detaches, attach again attaches", T, async () => {
  const client = await connected(gw, KEYS.full);
  const channel = client.channels.get(freshChannel());
  await channel.attach();
  assert.equal(channel.state, 'attached');
  assert.deepEqual(sorted(channel.modes), ['presence', 'presence_subscribe', 'publish', 'subscribe']);
  assert.match(channel.properties.attachSerial, /^[A-Za-z0-9_-]{22}\.\d+\.\d+\.-1$/, 'a Chorus position');
  await channel.detach();
  assert.equal(channel.state, 'detached');
  await channel.attach();
  assert.equal(channel.state, 'attached');
});

test('the modes asked for are the modes granted, when the key allows them', T, async () => {
  const client = await connected(gw, KEYS.full);
  const channel = client.channels.get(freshChannel(), { modes: ['SUBSCRIBE'] });
  await channel.attach();
  assert.deepEqual(sorted(channel.modes), ['subscribe']);
});

test("a narrow key's capability decides the modes: subscribe only, publish only, both", T, async () => {
  const client = await connected(gw, KEYS.narrow);
  const ro = client.channels.get(`ro:${Math.random().toString(36).slice(2)}`);
  await ro.attach();
  assert.deepEqual(sorted(ro.modes), ['subscribe']);
  const wo = client.channels.get(`wo:${Math.random().toString(36).slice(2)}`);
  await wo.attach();
  assert.deepEqual(sorted(wo.modes), ['publish']);
  const both = client.channels.get(`both:${Math.random().toString(36).slice(2)}`);
  await both.attach();
  assert.deepEqual(sorted(both.modes), ['publish', 'subscribe'], 'push-admin grants nothing more');
  await wo.detach();
  assert.equal(wo.state, 'detached');
});

test('a channel the key does not allow fails with 40160', T, async () => {
  const client = await connected(gw, KEYS.narrow);
  const channel = client.channels.get(freshChannel());
  await assert.rejects(channel.attach(), (err) => err.code === 40160 && err.statusCode === 401);
  assert.equal(channel.state, 'failed');
  assert.equal(channel.errorReason.code, 40160);
  assert.equal(client.connection.state, 'connected', 'only the channel failed');
});

test('a name that is not a Chorus channel name fails with 40010', T, async () => {
  const client = await connected(gw, KEYS.full);
  const channel = client.channels.get('has spaces');
  await assert.rejects(channel.attach(), (err) => err.code === 40010);
});

test('channel params Chorus does not honour yet (delta) are refused, not ignored', T, async () => {
  const client = await connected(gw, KEYS.full);
  const channel = client.channels.get(freshChannel(), { params: { delta: 'vcdiff' } });
  await assert.rejects(channel.attach(), (err) => err.code === 40000 && /delta/.test(err.message));
});

test('presence modes alone are granted when the key allows presence', T, async () => {
  const client = await connected(gw, KEYS.full);
  const channel = client.channels.get(freshChannel(), { modes: ['PRESENCE', 'PRESENCE_SUBSCRIBE'] });
  await channel.attach();
  assert.deepEqual(sorted(channel.modes), ['presence', 'presence_subscribe']);
});
