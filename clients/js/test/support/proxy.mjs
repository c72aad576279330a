// A TCP proxy on 127.0.0.1 in front of one gateway at a time: tests switch its target (a failover to
// another pod) and drop every connection through it (a network cut), at the TCP level, so every
// transport sees what it would see in production.
import { connect, createServer } from 'node:net';

export async function startProxy(targetPort) {
  let target = targetPort;
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return sockets.size / 2;
    },
    switchTo(p) {
      target = p;
    },
    /** Cuts every connection through the proxy, as a network failure would. */
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async close() {
      this.dropAll();
      await new Promise((r) => server.close(r));
    },
  };
}
