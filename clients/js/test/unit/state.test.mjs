import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeWebSocket } from '../support/fakes.mjs';
import { unitClient } from '../support/unit-client.mjs';

const names = (states) => states.map((s) => s.state);

test('connected starts with the server\'s connected frame, not with the open socket', async () => {
  const { client, states } = await unitClient();
  assert.equal(client.state, 'connecting');
  assert.equal(FakeWebSocket.last().url, 'ws://gw.test/v1/ws');
  FakeWebSocket.last().onopen?.();
  assert.equal(client.state, 'connecting');
  FakeWebSocket.last().connected();
  assert.deepEqual(names(states), ['connecting', 'connected']);
  assert.equal(client.transport, 'websocket');
  client.close();
});

test('a lost connection is retried after a full-jitter delay within the backoff ceiling', async () => {
  const { client, clock, states } = await unitClient({ backoffInitialMs: 1000, backoffMaxMs: 8000 });
  FakeWebSocket.last().serverClose(1006);
  const down = states.at(-1);
  assert.equal(down.state, 'disconnected');
  assert.equal(down.closeCode, 1006);
  assert.ok(down.retryInMs >= 0 && down.retryInMs <= 1000, `first delay ${down.retryInMs}`);
  assert.equal(FakeWebSocket.instances.length, 1);
  await clock.advance(down.retryInMs);
  assert.equal(FakeWebSocket.instances.length, 2, 'a new attempt once the delay is over');
  assert.equal(client.state, 'connecting');
  client.close();
});

test('failures in a row raise the ceiling up to the cap; a stable connection starts it over', async () => {
  const { client, clock, states } = await unitClient({ backoffInitialMs: 1000, backoffMaxMs: 4000 });
  const delays = [];
  for (let i = 0; i < 5; i++) {
    FakeWebSocket.last().connected(15000);
    FakeWebSocket.last().serverClose(4001, 'server_shutdown'); // dies right after connected: not stable
    delays.push(states.at(-1).retryInMs);
    await clock.advance(states.at(-1).retryInMs);
  }
  const ceilings = [1000, 2000, 4000, 4000, 4000];
  delays.forEach((d, i) => assert.ok(d <= ceilings[i], `delay ${i} = ${d} > ${ceilings[i]}`));
  FakeWebSocket.last().connected(15000);
  await clock.advance(15000); // lasted one heartbeat interval (pings keep the watchdog quiet)
  FakeWebSocket.last().receive({ type: 'ping' });
  FakeWebSocket.last().serverClose(1006);
  assert.ok(states.at(-1).retryInMs <= 1000, 'the count started over');
  client.close();
});

test('the watchdog drops a connection silent for heartbeatMs + margin; pings keep it', async () => {
  const { client, clock, states } = await unitClient({ heartbeatMarginMs: 5000 });
  const ws = FakeWebSocket.last();
  ws.connected(10_000);
  for (let i = 0; i < 3; i++) {
    await clock.advance(10_000);
    ws.receive({ type: 'ping' });
  }
  assert.equal(client.state, 'connected');
  assert.deepEqual(ws.frames('pong').length, 3, 'each JSON ping is answered');
  await clock.advance(14_999);
  assert.equal(client.state, 'connected');
  await clock.advance(1);
  assert.equal(client.state, 'disconnected');
  assert.match(states.at(-1).reason, /heartbeat/);
  assert.equal(ws.closed?.code, 1000, 'the dead socket is closed');
  client.close();
});

test('no connected frame within the connect timeout counts as a failed attempt', async () => {
  const { client, clock, states } = await unitClient({ connectTimeoutMs: 3000 });
  await clock.advance(3000);
  assert.equal(client.state, 'disconnected');
  assert.equal(states.at(-1).reason, 'connect timeout');
  client.close();
});

test('a close code in 4100-4199 is terminal: failed, pending work rejected, no new attempt', async () => {
  const { client, clock } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const published = client.channel('a:b').publish('n', 1);
  ws.serverClose(4100, 'policy_violation');
  assert.equal(client.state, 'failed');
  await assert.rejects(published, (e) => e.name === 'connection_failed' && e.code === 0);
  await clock.advance(600_000);
  assert.equal(FakeWebSocket.instances.length, 1);
  await assert.rejects(client.channel('a:b').subscribe(() => {}), { name: 'client_closed' });
});

test('close() ends in closed with code 1000, rejects what is pending and leaves no timer', async () => {
  const { client, clock, states } = await unitClient();
  const ws = FakeWebSocket.last();
  ws.connected();
  const sub = client.channel('a:b').subscribe(() => {});
  client.close();
  assert.equal(client.state, 'closed');
  assert.equal(ws.closed.code, 1000);
  assert.equal(states.at(-1).closeCode, 1000);
  await assert.rejects(sub, { name: 'client_closed' });
  assert.deepEqual(clock.pending(), []);
});

test('down for suspendAfterMs: suspended, with slower attempts that go on', async () => {
  FakeWebSocket.refuse = false;
  const { client, clock, states } = await unitClient({
    suspendAfterMs: 20_000, suspendedRetryMs: 30_000, backoffMaxMs: 4000, connectTimeoutMs: 1000,
  });
  FakeWebSocket.refuse = true;
  FakeWebSocket.last().serverClose(1006);
  await clock.advance(20_000);
  assert.equal(client.state, 'suspended');
  const suspended = states.find((s) => s.state === 'suspended');
  assert.ok(suspended.retryInMs <= 30_000);
  const attempts = FakeWebSocket.instances.length;
  await clock.advance(30_001);
  assert.ok(FakeWebSocket.instances.length > attempts, 'still trying while suspended');
  assert.equal(client.state, 'suspended', 'a failed attempt while suspended stays suspended');
  FakeWebSocket.refuse = false;
  const before = FakeWebSocket.instances.length;
  for (let t = 0; t < 30_001 && FakeWebSocket.instances.length === before; t += 100) await clock.advance(100);
  FakeWebSocket.last().connected();
  assert.equal(client.state, 'connected');
  client.close();
});

test('every state change the machine makes is one it allows', async () => {
  const { client, clock, errors } = await unitClient();
  FakeWebSocket.last().serverClose(1006);
  await clock.advance(10_000);
  FakeWebSocket.last().connected();
  client.close();
  assert.deepEqual(errors, []);
});

test('stream notices (Kafka stalled, live again) reach the application and change no state', async () => {
  const { client } = await unitClient();
  const notices = [];
  client.on('stream', (state, reason) => notices.push([state, reason]));
  const ws = FakeWebSocket.last();
  ws.connected();
  ws.receive({ type: 'stream', state: 'stalled', reason: 'kafka_unavailable' });
  ws.receive({ type: 'stream', state: 'live' });
  assert.deepEqual(notices, [['stalled', 'kafka_unavailable'], ['live', undefined]]);
  assert.equal(client.state, 'connected');
  client.close();
});
