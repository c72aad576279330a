// Fan-out on Node's `ws`: N WebSocket subscribers of one channel on Chorus, Socket.IO or Nchan, and the
// publisher each server's backends use, in one Node process. A client that is not the project's own
// reads frames the way most JavaScript clients do (one 'message' event per frame), which changes how
// much a server can coalesce. bench/run.sh runs it instead of the Java load generator with
// BENCH_LOADGEN=node; it takes the same options it understands and writes the same kind of file.
//
//   node fanout.mjs --target chorus|socketio|nchan --port P --publish-endpoint HOST:PORT \
//     --subscribers 1000 --payload 64 --rates 25,50,100 --warmup 3 --duration 15 --drain 3 \
//     --baseline 5 --server-warmup 20 --pid name=PID ... --out FILE
//
// Publishing: Chorus through `kcat -P` (Kafka, key = channel, murmur2 like Java's producers, acks=all,
// linger 0); Socket.IO through Redis PUBLISH of the redis-emitter message; Nchan through HTTP POST.
// Latency: the publisher's process.hrtime is in the payload ("t"), read by the same process on arrival.
// CPU: utime + stime of each --pid from /proc over the measured window, per delivery received in it.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import WebSocket from "ws";

const args = parseArgs(process.argv.slice(2));
const target = args.target ?? "chorus";
const port = Number(args.port);
const [pubHost, pubPort] = (args["publish-endpoint"] ?? "").split(":");
const subscribers = Number(args.subscribers ?? 1000);
const payloadBytes = Number(args.payload ?? 64);
const rates = String(args.rates ?? "25,50,100").split(",").map(Number);
const warmup = Number(args.warmup ?? 3);
const duration = Number(args.duration ?? 15);
const drain = Number(args.drain ?? 3);
const baseline = Number(args.baseline ?? 5);
const serverWarmup = Number(args["server-warmup"] ?? 20);
const pids = Object.fromEntries([].concat(args.pid ?? []).map((p) => p.split("=")));
const channel = target === "chorus" ? "bench:fanout-node" : "fanout-node";
const TICKS = 100; // USER_HZ on Linux

function parseArgs(a) {
  const o = {};
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith("--")) continue;
    const k = a[i].slice(2);
    const v = a[i + 1] !== undefined && !a[i + 1].startsWith("--") ? a[++i] : "true";
    // --pid repeats (one per server); any other option given twice takes its last value, as in the Java
    // load generator (run.sh passes its --out before the caller's options).
    o[k] = k === "pid" ? [].concat(o[k] ?? [], v) : v;
  }
  return o;
}

const log = (...m) => console.error(`[node-bench ${new Date().toISOString().slice(11, 19)}]`, ...m);
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const now = () => Number(process.hrtime.bigint() / 1000n); // µs

function cpuTicks() {
  const m = {};
  for (const [name, pid] of Object.entries({ ...pids, loadgen: String(process.pid) })) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
      m[name] = Number(f[11]) + Number(f[12]);
    } catch {
      m[name] = NaN;
    }
  }
  return m;
}

function coreBusy() {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  return { busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
}

// ---- subscribers -------------------------------------------------------------------------------

let received = 0;
let stepStart = Infinity; // µs: deliveries of messages sent before it are not counted in the step
let latencies = [];
let opened = 0;
let closed = 0;

function onPayload(text) {
  // The payload object is the last {...} in the frame on every server.
  const i = text.lastIndexOf('{"t":');
  if (i < 0) return;
  const j = text.indexOf(",", i);
  const t = Number(text.slice(i + 5, j));
  if (t >= stepStart) {
    received++;
    if (latencies.length < 2_000_000) latencies.push(now() - t);
  }
}

function connect(k) {
  return new Promise((resolve, reject) => {
    const url = target === "chorus" ? `ws://127.0.0.1:${port}/v1/ws`
      : target === "socketio" ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`
        : `ws://127.0.0.1:${port}/sub/${channel}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let ready = false;
    const done = () => { if (!ready) { ready = true; opened++; resolve(ws); } };
    ws.on("error", (e) => { if (!ready) reject(e); });
    ws.on("close", () => { closed++; });
    ws.on("open", () => {
      if (target === "chorus") ws.send(JSON.stringify({ type: "subscribe", ref: "s", channel }));
      if (target === "nchan") done();
    });
    ws.on("message", (data) => {
      const text = data.toString();
      if (target === "chorus") {
        if (!ready && text.includes('"subscribed"')) return done();
        if (text.includes('"type":"ping"')) return; // answered by the ws stack (pings) and not needed as JSON
        return onPayload(text);
      }
      if (target === "socketio") {
        if (text.startsWith("0")) return ws.send("40");
        if (text.startsWith("40")) return ws.send(`420["join","${channel}"]`);
        if (text.startsWith("430")) return done();
        if (text === "2") return ws.send("3"); // Engine.IO ping
        return onPayload(text);
      }
      return onPayload(text);
    });
  });
}

// ---- publishers ----------------------------------------------------------------------------------

function payload(seq) {
  const head = `{"t":${now()},"c":0,"seq":${seq},"pad":"`;
  return head + "x".repeat(Math.max(0, payloadBytes - head.length - 2)) + '"}';
}

function msgpackEmitter(room, body) {
  // ["emitter", {type: 2, data: ["m", obj], nsp: "/"}, {rooms: [room], except: [], flags: {}}]; obj as
  // a msgpack map of the payload's fields, so Socket.IO sends the same JSON the others do.
  const o = JSON.parse(body);
  const parts = [];
  const str = (s) => { const b = Buffer.from(s); parts.push(b.length < 32 ? Buffer.from([0xa0 | b.length]) : b.length < 256 ? Buffer.from([0xd9, b.length]) : Buffer.from([0xda, b.length >> 8, b.length & 255])); parts.push(b); };
  const uint = (n) => { const b = Buffer.alloc(9); b[0] = 0xcf; b.writeBigUInt64BE(BigInt(n), 1); parts.push(b); };
  const arr = (n) => parts.push(Buffer.from([0x90 | n]));
  const map = (n) => parts.push(Buffer.from([0x80 | n]));
  arr(3); str("emitter");
  map(3); str("type"); uint(2); str("data"); arr(2); str("m");
  map(4); str("t"); uint(o.t); str("c"); uint(o.c); str("seq"); uint(o.seq); str("pad"); str(o.pad);
  str("nsp"); str("/");
  map(3); str("rooms"); arr(1); str(room); str("except"); arr(0); str("flags"); map(0);
  return Buffer.concat(parts);
}

let publisherError = null;
let closing = false;

function publisher() {
  if (target === "chorus") {
    const kcat = spawn("kcat", ["-P", "-b", `${pubHost}:${pubPort}`, "-t", "chorus.bench", "-K", "\t",
      "-X", "partitioner=murmur2_random", "-X", "linger.ms=0", "-X", "acks=all"], { stdio: ["pipe", "inherit", "inherit"] });
    // kcat ends when it loses its broker connections: said in the report, not a silent empty step.
    kcat.on("exit", (code) => { if (!closing) { publisherError = `kcat exited (${code})`; log(publisherError); } });
    kcat.stdin.on("error", () => {});
    return { send: (seq) => kcat.stdin.write(`${channel}\t${payload(seq)}\n`), close: () => { closing = true; kcat.stdin.end(); } };
  }
  if (target === "socketio") {
    const sock = net.connect(Number(pubPort), pubHost);
    sock.on("data", () => {});
    const ch = Buffer.from(`socket.io#/#${channel}#`);
    return {
      send: (seq) => {
        const m = msgpackEmitter(channel, payload(seq));
        sock.write(Buffer.concat([Buffer.from(`*3\r\n$7\r\nPUBLISH\r\n$${ch.length}\r\n`), ch,
          Buffer.from(`\r\n$${m.length}\r\n`), m, Buffer.from("\r\n")]));
      },
      close: () => sock.end(),
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  return {
    send: (seq) => {
      const body = payload(seq);
      const req = http.request({ host: pubHost, port: Number(pubPort), path: `/pub/${channel}`, method: "POST", agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => res.resume());
      req.on("error", () => {});
      req.end(body);
    },
    close: () => agent.destroy(),
  };
}

function paced(pub, rate) {
  let seq = 0;
  const start = now();
  let stop = false;
  const tick = () => {
    if (stop) return;
    const due = Math.floor(((now() - start) / 1e6) * rate);
    while (seq < due) pub.send(seq++);
    setTimeout(tick, Math.max(1, 1000 / rate / 2));
  };
  tick();
  return { stop: () => { stop = true; return seq; } };
}

function pct(sorted, p) {
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 10) / 100 : null;
}

function cpuBetween(a, b, secs, deliveries) {
  const m = {};
  let server = 0;
  for (const k of Object.keys(b)) {
    const s = (b[k] - a[k]) / TICKS;
    if (k !== "loadgen") server += s;
    m[k] = { cpuSeconds: +s.toFixed(2), corePercent: +(100 * s / secs).toFixed(2), usPerDelivery: deliveries ? +(s * 1e6 / deliveries).toFixed(3) : null };
  }
  m.server = { cpuSeconds: +server.toFixed(2), corePercent: +(100 * server / secs).toFixed(2), usPerDelivery: deliveries ? +(server * 1e6 / deliveries).toFixed(3) : null };
  return m;
}

async function main() {
  const report = { scenario: "fanout", loadgen: "node ws " + process.version, target, subscribers, payloadBytes, channel, pids, options: args, steps: [] };
  log(`connecting ${subscribers} subscribers to ${target} on ${port}`);
  const socks = [];
  for (let k = 0; k < subscribers; k += 50) {
    socks.push(...await Promise.all(Array.from({ length: Math.min(50, subscribers - k) }, (_, i) => connect(k + i))));
  }
  log(`connected ${opened}`);
  const pub = publisher();
  await sleep(1);
  let c0 = cpuTicks(); let t0 = now();
  await sleep(baseline);
  report.idleCpu = cpuBetween(c0, cpuTicks(), (now() - t0) / 1e6, 0);
  if (serverWarmup > 0) {
    log(`server warm-up ${serverWarmup} s at ${rates[0]} msg/s`);
    const w = paced(pub, rates[0]);
    await sleep(serverWarmup);
    w.stop();
    await sleep(drain);
  }
  for (const rate of rates) {
    const p = paced(pub, rate);
    await sleep(warmup);
    stepStart = now(); received = 0; latencies = [];
    const b0 = coreBusy(); c0 = cpuTicks(); t0 = now();
    await sleep(duration);
    const c1 = cpuTicks(); const secs = (now() - t0) / 1e6; const b1 = coreBusy();
    const got = received;
    const sent = p.stop();
    stepStart = Infinity;
    await sleep(drain);
    latencies.sort((a, b) => a - b);
    const step = {
      rate, published: sent, windowSeconds: +secs.toFixed(3), deliveriesPerSecond: Math.round(got / secs),
      latencyMs: { count: latencies.length, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), p999: pct(latencies, 0.999) },
      cpu: cpuBetween(c0, c1, secs, got),
      machineBusyPercent: +(100 * (b1.busy - b0.busy) / Math.max(1, b1.total - b0.total)).toFixed(1),
      loadAverage: os.loadavg()[0], open: opened - closed, publisherError,
    };
    report.steps.push(step);
    log("step", JSON.stringify(step));
  }
  pub.close();
  socks.forEach((s) => s.terminate());
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
  log(`wrote ${args.out}`);
  process.exit(0);
}

main().catch((e) => { log("failed:", e.stack ?? e); process.exit(1); });
