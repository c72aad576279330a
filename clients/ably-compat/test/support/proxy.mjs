// A TCP proxy on 127.0.0.1 in front of one gateway at a time, so a test can cut the SDK's connection
// at the TCP level (no close handshake), move it to another pod, hold a reconnect back for a moment, or
// swallow what the gateway sends (the ACKs of in-flight publishes are then lost with the connection).
import { connect, createServer } from 'node:net';

export async function startProxy(targetPort) {
  let target = targetPort;
  let held = null; // while set: new connections wait here (a bounded few in a test) until release()
  let muted = false;
  const pairs = new Set();
  const orphans = new Set(); // gateway sides kept open after their client was cut off (orphan())
  const open = (client) => {
    const upstream = connect(target, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      if (!muted) client.write(chunk);
    });
    client.resume();
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    if (held) held.push(client);
    else open(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    port,
    get connections() {
      return pairs.size;
    },
    switchTo(p) {
      target = p;
    },
    /** From now on, nothing the gateway sends reaches the clients (until their connection is cut). */
    mute() {
      muted = true;
    },
    /**
     * Cuts the clients off without the gateway knowing: nothing passes either way any more, the client
     * sides are destroyed, the gateway sides stay open (silent, as behind a dead NAT) until the gateway
     * closes them. Later connections pass again.
     */
    orphan() {
      for (const pair of pairs) {
        const { client, upstream } = pair;
        client.unpipe(upstream);
        upstream.removeAllListeners('data');
        upstream.removeAllListeners('close');
        upstream.removeAllListeners('error');
        upstream.on('error', () => upstream.destroy());
        upstream.on('close', () => orphans.delete(upstream));
        upstream.resume();
        orphans.add(upstream);
        client.removeAllListeners('close');
        client.removeAllListeners('error');
        client.on('error', () => {});
        client.destroy();
      }
      pairs.clear();
    },
    /** Gateway sides left open by orphan() that the gateway has not closed yet. */
    get orphans() {
      return orphans.size;
    },
    /** Cuts every connection through the proxy, as a network failure would; later ones pass again. */
    dropAll() {
      muted = false;
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    /** New connections wait (their TCP handshake done, nothing forwarded) until release(). */
    hold() {
      held = held ?? [];
    },
    get waiting() {
      return held ? held.length : 0;
    },
    release() {
      const waiting = held ?? [];
      held = null;
      waiting.forEach(open);
    },
    async close() {
      this.release();
      this.dropAll();
      orphans.forEach((u) => u.destroy());
      await new Promise((r) => server.close(r));
    },
  };
}
