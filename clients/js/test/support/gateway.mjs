// Starts real Chorus gateways as child processes for integration tests: `dev` (the dev launcher,
// dev/target/chorus-dev.jar: embedded Kafka and a gateway) or `serve` (another gateway on the same
// Kafka). Each runs in a fresh temp directory from a snapshot of the built jar, so a rebuild of
// target/ during the run cannot pull classes from under it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.mjs';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_DIR = resolve(PACKAGE_DIR, '../..');
// The gateway jar has no broker: `dev` runs the dev launcher's jar.
const JARS = {
  dev: { target: join(REPO_DIR, 'dev/target'), name: 'chorus-dev.jar' },
  serve: { target: join(REPO_DIR, 'gateway/target'), name: 'chorus-gateway.jar' },
};

/** Every gateway this process started: killed when the process ends, however it ends. */
const children = new Set();
const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(1);
  });
}

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

/** Builds the jars when one is missing (CI builds them before the JS tests anyway). */
export function ensureJar(mode = 'serve') {
  const { target, name } = JARS[mode];
  const jar = join(target, name);
  if (!existsSync(jar)) {
    execFileSync('mvn', ['-q', '-o', 'package', '-DskipTests', '-pl', 'gateway,dev', '-am'],
      { cwd: REPO_DIR, stdio: 'inherit' });
  }
  return jar;
}

function snapshotJar(dir, mode) {
  const { target, name } = JARS[mode];
  ensureJar(mode);
  cpSync(join(target, name), join(dir, `jar/${name}`));
  cpSync(join(target, 'lib'), join(dir, 'jar/lib'), { recursive: true });
  return join(dir, `jar/${name}`);
}

/**
 * mode 'dev': embedded Kafka on a free port. mode 'serve': joins `kafka` (host:port).
 * Returns { url, port, kafka, pid, stop(), kill() }.
 */
export async function startGateway({ mode = 'dev', kafka, env = {}, readyTimeoutMs = 90_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `chorus-js-${mode}-`));
  const jar = snapshotJar(dir, mode);
  const port = await freePort();
  const base = {
    CHORUS_HTTP_HOST: '127.0.0.1',
    CHORUS_HTTP_PORT: String(port),
    CHORUS_HTTP_SDK_DIR: join(PACKAGE_DIR, 'dist'),
  };
  if (mode === 'dev') {
    const kp = await freePort();
    let cp = await freePort();
    while (cp === kp) cp = await freePort();
    // The jar runs from a snapshot outside the checkout, so name the demo app (demo/) explicitly.
    Object.assign(base, {
      CHORUS_KAFKA_EMBEDDED_PORT: String(kp),
      CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT: String(cp),
      CHORUS_DEV_DEMO_DIR: join(REPO_DIR, 'demo'),
    });
    kafka = `127.0.0.1:${kp}`;
  } else {
    // Production mode refuses clients without a token unless anonymous access is on.
    Object.assign(base, {
      KAFKA_BOOTSTRAP_SERVERS: kafka,
      CHORUS_NAMESPACES_ALLOW_ANY: 'true',
      CHORUS_KAFKA_CREATE_TOPICS: 'true',
      CHORUS_AUTH_ANONYMOUS: 'true',
    });
  }
  const log = openSync(join(dir, 'gateway.log'), 'a');
  const child = spawn('java', ['-jar', jar, mode], {
    cwd: dir,
    env: { ...process.env, ...base, ...env },
    stdio: ['ignore', log, log],
  });
  children.add(child);
  let exited = false;
  child.on('exit', () => {
    exited = true;
    children.delete(child);
  });
  const url = `http://127.0.0.1:${port}`;
  const gw = {
    url,
    port,
    kafka,
    dir,
    pid: child.pid,
    /** SIGKILL: the process vanishes without closing anything, like a crashed pod. */
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await waitFor(() => exited, { what: `${mode} gateway exit` });
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      try {
        await waitFor(() => exited, { timeoutMs: 30_000, what: `${mode} gateway exit` });
      } catch {
        child.kill('SIGKILL');
      }
      if (!process.env.CHORUS_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`the ${mode} gateway exited during start; see ${dir}/gateway.log`);
      try {
        return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    }, { timeoutMs: readyTimeoutMs, everyMs: 200, what: `${mode} gateway ready` });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return gw;
}

/**
 * The gateway of this test run: the one scripts/test-live.mjs started (CHORUS_TEST_URL), or a new
 * one when a test file runs alone. `release()` stops it only in the second case.
 */
export async function sharedGateway() {
  if (process.env.CHORUS_TEST_URL) {
    const url = process.env.CHORUS_TEST_URL;
    return { url, port: Number(new URL(url).port), kafka: process.env.CHORUS_TEST_KAFKA, release: async () => {} };
  }
  const gw = await startGateway();
  return { url: gw.url, port: gw.port, kafka: gw.kafka, release: () => gw.stop() };
}

/** A fresh namespace per test, so no test sees another's messages. */
export function freshChannel(tag = 'room') {
  return `t${Math.random().toString(36).slice(2, 10)}:${tag}`;
}
