import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_DIR } from './gateway.mjs';

const CLIENT_TARGET = join(REPO_DIR, 'clients/java/target');
const CLIENT_JAR = join(CLIENT_TARGET, 'chorus-client-0.1.0-SNAPSHOT.jar');

/** True when the Java client is built (`mvn install` runs before `npm test` in ./chorus test). */
export const hasJavaClient = existsSync(CLIENT_JAR);

/**
 * A subscriber that is the Java client (`chorus-tail`, one JSON line per message), so a test can
 * check what a JVM backend would receive. Resolves once it is subscribed.
 */
export async function javaTail(httpUrl, channel) {
  const url = `${httpUrl.replace(/^http/, 'ws')}/v1/ws`;
  const child = spawn('java', ['-cp', `${CLIENT_JAR}:${join(CLIENT_TARGET, 'lib')}/*`, 'io.chorus.client.tools.Tail',
    '--url', url, '--channel', channel], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const messages = [];
  const waiters = [];
  let ready;
  const readyPromise = new Promise((resolve, reject) => {
    ready = resolve;
    child.on('exit', (code) => reject(new Error(`chorus-tail exited with ${code}`)));
  });
  lines.on('line', (line) => {
    const frame = JSON.parse(line);
    if (frame.type === 'ready') ready(frame);
    else if (frame.type === 'message') {
      messages.push(frame);
      waiters.splice(0).forEach((w) => w());
    }
  });
  await readyPromise;
  return {
    messages,
    /** Resolves when `n` messages arrived, or rejects after `timeoutMs`. */
    waitForCount(n, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`chorus-tail got ${messages.length} of ${n}`)), timeoutMs);
        const check = () => {
          if (messages.length >= n) {
            clearTimeout(timer);
            resolve(messages);
          } else waiters.push(check);
        };
        check();
      });
    },
    close() {
      child.stdin.end(); // end of input ends the tail
      child.kill();
    },
  };
}
