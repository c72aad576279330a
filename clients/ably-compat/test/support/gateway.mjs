// Starts one Chorus dev gateway (dev/target/chorus-dev.jar: embedded Kafka and the gateway) for the
// Ably compatibility tests, with Ably keys from a config file written here. The jar runs from a
// snapshot in a temp directory, so a rebuild of target/ during the run cannot pull classes from under it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.mjs';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_DIR = resolve(PACKAGE_DIR, '../..');

/** The keys every test uses: full rights, and one with narrow Ably capabilities. */
export const KEYS = {
  full: 'compat.full:full-secret',
  narrow: 'compat.narrow:narrow-secret',
};

const CONFIG = `
ably:
  keys:
    compat.full: {secret: full-secret, capability: {"*": ["*"]}}
    compat.narrow:
      secret: narrow-secret
      capability: {"ro:*": ["subscribe"], "wo:*": ["publish"], "both:*": ["subscribe", "publish", "push-admin"]}
`;

/** connection.heartbeat of the test gateway: CONNECTED's maxIdleInterval. */
export const HEARTBEAT_MS = 2000;
const HEARTBEAT = `${HEARTBEAT_MS}ms`;

const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/**
 * Starts a Chorus JVM from a snapshot of `jar` (and the `lib` next to it) in a temp directory, with the
 * test's config file, and resolves with { url, port, dir, kill(), stop() } once /health/ready answers.
 */
async function launch({ jar, mode, port, env, readyTimeoutMs, what }) {
  if (!existsSync(jar)) {
    execFileSync('mvn', ['-q', '-o', 'package', '-DskipTests', '-pl', 'gateway,dev', '-am'], { cwd: REPO_DIR, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'chorus-ably-'));
  const copy = join(dir, 'jar', basename(jar));
  cpSync(jar, copy);
  cpSync(join(dirname(jar), 'lib'), join(dir, 'jar/lib'), { recursive: true });
  writeFileSync(join(dir, 'chorus.yaml'), CONFIG);
  const log = openSync(join(dir, 'gateway.log'), 'a');
  const child = spawn('java', ['-jar', copy, mode, '--config', join(dir, 'chorus.yaml')], {
    cwd: dir,
    env: { ...process.env, CHORUS_HTTP_HOST: '127.0.0.1', CHORUS_HTTP_PORT: String(port), ...env },
    stdio: ['ignore', log, log],
  });
  children.add(child);
  let exited = false;
  child.on('exit', () => {
    exited = true;
    children.delete(child);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`the ${what} exited during start; see ${dir}/gateway.log`);
      try {
        return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    }, { timeoutMs: readyTimeoutMs, everyMs: 200, what: `${what} ready` });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    dir,
    /** SIGKILL: the process vanishes without a goodbye, as a crashed one does; resolves once it exited. */
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await waitFor(() => exited, { timeoutMs: 30_000, what: `killed ${what} exit` });
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      try {
        await waitFor(() => exited, { timeoutMs: 30_000, what: `${what} exit` });
      } catch {
        child.kill('SIGKILL');
      }
      if (!process.env.CHORUS_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Returns { url, port, kafka, stop() } once /health/ready answers 200. */
export async function startGateway({ readyTimeoutMs = 120_000 } = {}) {
  const [port, kp, cp] = await freePorts(3);
  const gw = await launch({
    jar: join(REPO_DIR, 'dev/target/chorus-dev.jar'),
    mode: 'dev',
    port,
    env: {
      CHORUS_HTTP_SDK_DIR: join(REPO_DIR, 'clients/js/dist'),
      CHORUS_KAFKA_EMBEDDED_PORT: String(kp),
      CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT: String(cp),
      CHORUS_DEV_DEMO_DIR: join(REPO_DIR, 'demo'),
      // A short heartbeat, so the heartbeat test sees one without waiting the default 15 s.
      CHORUS_CONNECTION_HEARTBEAT: HEARTBEAT,
    },
    readyTimeoutMs,
    what: 'gateway',
  });
  return { url: gw.url, port, kafka: `127.0.0.1:${kp}`, dir: gw.dir, stop: gw.stop };
}

/** A fresh namespace per test, so no test sees another's messages. */
export function freshChannel(prefix = 't') {
  return `${prefix}${Math.random().toString(36).slice(2, 10)}:room`;
}

/**
 * The gateway of this run: the one scripts/test.mjs started (CHORUS_TEST_URL), or a new one when a
 * test file runs alone. `release()` stops it only in the second case.
 */
export async function sharedGateway() {
  if (process.env.CHORUS_TEST_URL) {
    const url = process.env.CHORUS_TEST_URL;
    return { url, port: Number(new URL(url).port), kafka: process.env.CHORUS_TEST_KAFKA, release: async () => {} };
  }
  const gw = await startGateway();
  return { url: gw.url, port: gw.port, kafka: gw.kafka, release: () => gw.stop() };
}

/** The dev config's ably.connectionKeySecret: another pod needs the same one to resume the dev pod's connections. */
export const DEV_CONNECTION_KEY_SECRET = 'chorus-dev-ably-connection-key-secret';

/**
 * A second gateway pod (`serve`, gateway/target/chorus-gateway.jar) on the Kafka of a running one, with the
 * same Ably keys and, unless `env` says otherwise, the same connection-key secret as the dev pod.
 * Returns { url, port, dir, kill(), stop() } once /health/ready answers 200.
 */
export async function startPod({ kafka, env = {}, readyTimeoutMs = 120_000 }) {
  return launch({
    jar: join(REPO_DIR, 'gateway/target/chorus-gateway.jar'),
    mode: 'serve',
    port: await freePort(),
    env: {
      KAFKA_BOOTSTRAP_SERVERS: kafka,
      CHORUS_NAMESPACES_ALLOW_ANY: 'true',
      CHORUS_KAFKA_CREATE_TOPICS: 'true',
      CHORUS_CONNECTION_HEARTBEAT: HEARTBEAT,
      CHORUS_ABLY_CONNECTION_KEY_SECRET: DEV_CONNECTION_KEY_SECRET,
      ...env,
    },
    readyTimeoutMs,
    what: 'second pod',
  });
}

/** The value of a gauge or counter (summed over its series) on a gateway's /metrics. */
export async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * A standalone Kafka broker (`chorus-dev.jar kafka`) on fixed ports and a data directory under `dir`, so
 * that a test can SIGKILL it and start it again where it was (call startBroker again with the same
 * arguments). Resolves with { kafka, kill() } once the broker takes writes ("Kafka is running").
 */
export async function startBroker({ dir, port, controllerPort, readyTimeoutMs = 90_000 }) {
  const jar = join(dir, 'jar/chorus-dev.jar');
  if (!existsSync(jar)) {
    const target = join(REPO_DIR, 'dev/target');
    cpSync(join(target, 'chorus-dev.jar'), jar);
    cpSync(join(target, 'lib'), join(dir, 'jar/lib'), { recursive: true });
  }
  const log = openSync(join(dir, 'kafka.log'), 'a');
  const child = spawn('java', ['-jar', jar, 'kafka'], {
    cwd: dir,
    env: {
      ...process.env,
      CHORUS_KAFKA_EMBEDDED_PORT: String(port),
      CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT: String(controllerPort),
      CHORUS_KAFKA_EMBEDDED_DATA_DIR: join(dir, 'kafka'),
    },
    stdio: ['ignore', 'pipe', log],
  });
  children.add(child);
  let exited = false;
  let running = false;
  child.stdout.setEncoding('utf8').on('data', (text) => {
    if (text.includes('Kafka is running')) running = true;
  });
  child.on('exit', () => {
    exited = true;
    children.delete(child);
  });
  try {
    await waitFor(() => {
      if (exited) throw new Error(`the broker exited during start; see ${dir}/kafka.log`);
      return running;
    }, { timeoutMs: readyTimeoutMs, everyMs: 100, what: 'Kafka is running' });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    kafka: `127.0.0.1:${port}`,
    /** SIGKILL, as a broker that crashed or lost its machine; resolves once it exited. */
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await waitFor(() => exited, { timeoutMs: 30_000, what: 'broker exit' });
    },
  };
}

/** Two free ports on 127.0.0.1 (for a broker's client and controller listeners). */
export { freePorts };
