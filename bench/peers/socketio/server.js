// Socket.IO 4 peer for the Chorus benchmarks.
//
// Clients connect over WebSocket only (no long-polling upgrade dance, no permessage-deflate), join
// rooms with the "join" event (acknowledged, so the load generator knows when the room is live), and
// receive whatever the backend broadcasts to the room. The backend path is the Redis adapter's own:
// the load generator PUBLISHes @socket.io/redis-emitter messages (msgpack [uid, packet, opts]) on
// "socket.io#/#<room>#", and the adapter broadcasts them to the room's local sockets, encoding the
// packet once for all of them.
//
// Env: PORT (default 28300), HOST (default 127.0.0.1), REDIS_URL (default redis://127.0.0.1:28379).
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

const port = Number(process.env.PORT || 28300);
const host = process.env.HOST || "127.0.0.1";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:28379";

async function main() {
  const pubClient = createClient({ url: redisUrl });
  const subClient = pubClient.duplicate();
  pubClient.on("error", (e) => console.error("redis pub:", e.message));
  subClient.on("error", (e) => console.error("redis sub:", e.message));
  await Promise.all([pubClient.connect(), subClient.connect()]);

  const httpServer = http.createServer((req, res) => {
    res.writeHead(req.url === "/health" ? 200 : 404).end();
  });
  const io = new Server(httpServer, {
    transports: ["websocket"],
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    adapter: createAdapter(pubClient, subClient),
  });

  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      if (typeof room === "string" && room.length > 0 && room.length <= 200) {
        socket.join(room);
        if (typeof ack === "function") ack("ok");
      } else if (typeof ack === "function") {
        ack("bad room");
      }
    });
  });

  httpServer.listen(port, host, () => {
    console.log(`socket.io peer listening on http://${host}:${port} (redis ${redisUrl})`);
  });

  const stop = () => {
    io.close();
    Promise.allSettled([pubClient.quit(), subClient.quit()]).finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
