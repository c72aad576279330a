// A second gateway pod on the broker of the run's gateway (KAFKA_BOOTSTRAP_SERVERS: no embedded broker),
// with the same Ably keys, for tests that need clients on two pods. Extra environment (say, a short
// presence grace period) applies to this pod only. The gateway alone (io.chorus.gateway.Main in dev
// mode), not the whole dev launcher: a second ingest would join the first one's consumer group and
// hold both up with a rebalance.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR, freePort } from './gateway.mjs';
import { waitFor } from './wait.mjs';

const CONFIG = `
ably:
  keys:
    compat.full: {secret: full-secret, capability: {"*": ["*"]}}
    compat.narrow:
      secret: narrow-secret
      capability: {"ro:*": ["subscribe"], "wo:*": ["publish"], "both:*": ["subscribe", "publish", "push-admin"]}
`;

/** Returns { url, port, stop() } once the pod's /health/ready answers 200. */
export async function startPod(kafka, env = {}, { readyTimeoutMs = 120_000 } = {}) {
  const target = join(REPO_DIR, 'dev/target');
  const dir = mkdtempSync(join(tmpdir(), 'chorus-ably-pod-'));
  cpSync(join(target, 'lib'), join(dir, 'jar/lib'), { recursive: true });
  writeFileSync(join(dir, 'chorus.yaml'), CONFIG);
  const port = await freePort();
  const log = openSync(join(dir, 'gateway.log'), 'a');
  const classpath = `${join(dir, 'jar/lib')}/*`;
  const child = spawn('java', ['-cp', classpath, 'io.chorus.gateway.Main', 'dev', '--config', join(dir, 'chorus.yaml')], {
    cwd: dir,
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: kafka,
      CHORUS_HTTP_HOST: '127.0.0.1',
      CHORUS_HTTP_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`the pod exited during start; see ${dir}/gateway.log`);
      try {
        return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    }, { timeoutMs: readyTimeoutMs, everyMs: 200, what: 'second pod ready' });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    dir,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      try {
        await waitFor(() => exited, { timeoutMs: 30_000, what: 'pod exit' });
      } catch {
        child.kill('SIGKILL');
      }
      process.off('exit', killOnExit);
      if (!process.env.CHORUS_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
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
