// Long-polling against the real gateway: a member who enters between two polls (after one poll
// answered, before the next began) is seen at once, not when the next poll times out. The poll
// timeout here is long (20 s) and the test waits for the member well within it, so a gateway or SDK
// that lets the first presence_sync of a poll only ride along fails it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Chorus } from '../../dist/chorus.js';
import { freshChannel, sharedGateway, startGateway } from '../support/gateway.mjs';
import { AUTH_ENV, hs256 } from '../support/tokens.mjs';
import { waitFor } from '../support/wait.mjs';

const TEST_TIMEOUT_MS = 90_000;
const POLL_TIMEOUT_MS = 20_000;
const SEEN_WITHIN_MS = POLL_TIMEOUT_MS / 2; // "before the poll timeout": no speed figure beyond that

let shared;
let gw;
const clients = [];
const client = (sub, options = {}) => {
  const c = new Chorus({
    url: gw.url,
    storage: null,
    WebSocket: globalThis.WebSocket,
    transports: ['websocket'],
    backoffInitialMs: 50,
    backoffMaxMs: 200,
    authCallback: () => hs256(sub, 3600),
    ...options,
  });
  clients.push(c);
  return c;
};

before(async () => {
  assert.ok(globalThis.WebSocket, 'run with node --experimental-websocket (npm test does)');
  shared = await sharedGateway();
  gw = await startGateway({ mode: 'serve', kafka: shared.kafka, env: { ...AUTH_ENV, CHORUS_FALLBACK_POLL_TIMEOUT: `${POLL_TIMEOUT_MS}ms` } });
});
after(async () => {
  clients.forEach((c) => c.close());
  await gw?.stop();
  await shared?.release();
});

/** A fetch whose next /v1/poll can be held back (not sent) until the test releases it. */
function holdablePolls() {
  let hold;
  let held = 0;
  const fetchHeld = async (url, init) => {
    if (hold && String(url).includes('/v1/poll')) {
      held++;
      await hold.promise;
    }
    return fetch(url, init);
  };
  return {
    fetch: fetchHeld,
    holdNext() {
      let open;
      hold = { promise: new Promise((r) => (open = r)) };
      hold.open = open;
    },
    release() {
      const h = hold;
      hold = undefined;
      h.open();
    },
    held: () => held,
  };
}

for (const [watch, seen] of [
  ['presence', (c, channel) => c.channel(channel).presence.members.some((m) => m.clientId === 'wes')],
  ['occupancy', (c, channel, counts) => counts.some((o) => o.members === 1)],
]) {
  test(`long-polling: a member who enters between two polls is in the next poll's answer at once (${watch})`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    const polls = holdablePolls();
    const pam = client('pam', { transports: ['polling'], fetch: polls.fetch });
    const counts = [];
    if (watch === 'presence') pam.channel(channel).presence.subscribe(() => {});
    else pam.channel(channel).occupancy.subscribe((o) => counts.push(o));
    const messages = [];
    await pam.channel(channel).subscribe((m) => messages.push(m));
    // (Without the seen parameters the first list too rides along with a poll that waits: allow a timeout.)
    const first = { timeoutMs: POLL_TIMEOUT_MS + 10_000 };
    if (watch === 'presence') await waitFor(() => pam.channel(channel).presence.synced, { ...first, what: 'the first member list' });
    else await waitFor(() => counts.length > 0, { ...first, what: 'the first counts' });
    assert.equal(pam.transport, 'polling');

    // End the waiting poll with a message and hold the next one back, so the enter falls between two polls.
    const wes = client('wes');
    polls.holdNext();
    await wes.channel(channel).publish('tick', { n: 1 });
    await waitFor(() => messages.length === 1 && polls.held() === 1, { what: 'the poll after the message, held' });
    await wes.channel(channel).presence.enter({ on: 'websocket' });
    // The gateway knows the member before the held poll starts: its first frame already shows it.
    await waitFor(async () => (await wes.channel(channel).presence.get()).members.some((m) => m.clientId === 'wes'), { what: 'wes stored' });
    assert.equal(seen(pam, channel, counts), false, 'not seen before the next poll');
    const released = Date.now();
    polls.release();
    await waitFor(() => seen(pam, channel, counts), { timeoutMs: SEEN_WITHIN_MS, what: `wes in the ${watch} of the poll after the enter` });
    assert.ok(Date.now() - released < POLL_TIMEOUT_MS, 'before the poll timeout');
  });
}
