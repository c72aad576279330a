// npm test: starts ONE dev gateway (embedded Kafka, the Ably keys of test/support/gateway.mjs) for the
// whole run, runs every test file against it with node --test, and stops it at the end.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startGateway } from '../test/support/gateway.mjs';

const RUN_LIMIT_MS = 10 * 60_000;
const files = process.argv.slice(2).length ? process.argv.slice(2)
  : readdirSync('test').filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `test/${f}`);
const started = Date.now();
const gw = await startGateway();
console.log(`gateway ready at ${gw.url} (Kafka ${gw.kafka}) in ${Date.now() - started} ms`);
let code = 1;
try {
  // --experimental-websocket: the Chorus JS SDK uses the platform's WebSocket (Node 20 hides it behind it).
  const run = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', '--test', '--test-concurrency=1',
    '--test-timeout=300000', ...files], {
    stdio: 'inherit',
    env: { ...process.env, CHORUS_TEST_URL: gw.url, CHORUS_TEST_KAFKA: gw.kafka },
  });
  const stop = () => run.kill('SIGTERM');
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const limit = setTimeout(() => {
    console.error(`test run exceeded ${RUN_LIMIT_MS} ms; stopping it`);
    stop();
  }, RUN_LIMIT_MS);
  limit.unref();
  code = await new Promise((r) => run.on('exit', (c) => r(c ?? 1)));
} finally {
  await gw.stop();
}
process.exit(code);
