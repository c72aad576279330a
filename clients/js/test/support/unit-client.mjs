// A client wired to fakes: FakeWebSocket/FakeEventSource/fake fetch, a FakeClock, seeded jitter.
import { Chorus } from '../../.build/src/index.js';
import { forgetTransports } from '../../.build/src/transports/negotiator.js';
import { FakeClock, seeded, settle } from './fake-clock.mjs';
import { FakeEventSource, FakeWebSocket, fakeFetch } from './fakes.mjs';

export const TOPIC = 'q7TqJb1kRM2y0pP1uYt5xA';
export const pos = (offset, partition = 7) => `${TOPIC}.${partition}.8.${offset}`;
export const msg = (channel, offset, data = offset) => ({
  type: 'message', channel, position: pos(offset), id: `m-${offset}`, data, timestamp: 1,
});

export async function unitClient(options = {}) {
  FakeWebSocket.reset();
  FakeEventSource.reset();
  forgetTransports();
  FakeWebSocket.refuse = options.refuseWebSocket === true;
  const clock = new FakeClock();
  const fetch = options.fetch ?? fakeFetch(() => ({ status: 503, body: { error: 'internal', code: 50001 } }));
  const client = new Chorus({
    url: 'http://gw.test',
    transports: ['websocket'],
    WebSocket: FakeWebSocket,
    EventSource: FakeEventSource,
    storage: null,
    clock,
    random: seeded(1),
    ...options,
    fetch,
  });
  const states = [];
  const errors = [];
  client.on('state', (state, reason) => states.push({ state, ...reason }));
  client.on('error', (e) => errors.push(e));
  await settle(); // autoConnect runs a microtask after the constructor
  return { client, clock, states, errors, fetch };
}

/** A listener that records what it was given. */
export function recorder() {
  const got = [];
  const fn = (m) => got.push(m);
  fn.got = got;
  fn.offsets = () => got.map((m) => Number(m.position.split('.').pop()));
  return fn;
}
