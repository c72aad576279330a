// An app written against ably-js, running on Chorus: connect, subscribe, enter presence, publish, read
// history, leave, and exit. Only the client options below differ from the same app on Ably's service.
//
//   ./chorus dev                                              # in the repository root: Chorus on :8080
//   cd clients/ably-compat && npm ci && node examples/hello.mjs
//
// CHORUS_URL (default http://localhost:8080) and ABLY_KEY (default ./chorus dev's key) point it elsewhere.
import * as Ably from 'ably';

const chorus = new URL(process.env.CHORUS_URL || 'http://localhost:8080');
const ably = new Ably.Realtime({
  key: process.env.ABLY_KEY || 'dev.chorus:chorus-dev-ably-secret',
  realtimeHost: chorus.hostname, // Chorus instead of Ably's endpoint...
  restHost: chorus.hostname, //     ...for realtime and for REST (history)
  port: Number(chorus.port || 80),
  tls: false,
  useBinaryProtocol: false, // Chorus serves REST (history) as JSON only; realtime takes MessagePack too
  clientId: `hello-${process.pid}`,
});
// A hang is a failure: say so and exit rather than wait forever.
setTimeout(() => {
  console.error(`no answer from ${chorus.origin}: is ./chorus dev running?`);
  process.exit(1);
}, 30_000).unref();

await ably.connection.once('connected');
console.log(`connected to ${chorus.origin} as ${ably.auth.clientId} (connection ${ably.connection.id})`);
const channel = ably.channels.get('hello:room');

let received = 0;
let allThree;
const arrived = new Promise((resolve) => (allThree = resolve));
await channel.subscribe('greeting', (msg) => {
  console.log(`received ${msg.name}: ${msg.data.text} (serial ${msg.serial})`);
  if (++received === 3) allThree();
});
let seeMyself;
const myself = new Promise((resolve) => (seeMyself = resolve));
await channel.presence.subscribe((member) => {
  console.log(`presence ${member.action}: ${member.clientId}`);
  if (member.clientId === ably.auth.clientId) seeMyself();
});
await channel.presence.enter({ status: 'saying hello' }); // acknowledged once Chorus stored it...
await myself; // ...and in the member list once its presence event came back
const members = await channel.presence.get();
console.log(`present: ${members.map((m) => m.clientId).join(', ')}`);

for (let i = 1; i <= 3; i++) {
  const { serials } = await channel.publish('greeting', { text: `hello #${i}` });
  console.log(`published hello #${i}: acknowledged at ${serials[0]}`);
}
await arrived;

const page = await channel.history({ limit: 3 }); // newest first
console.log(`history, newest first: ${page.items.map((m) => m.data.text).join(', ')}`);

await channel.presence.leave();
ably.close();
await ably.connection.once('closed');
console.log('closed');
