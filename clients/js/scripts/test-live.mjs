// npm test: starts ONE dev gateway (embedded Kafka) for the whole run, then runs the unit,
// integration and browser tests against it with node --test, and stops the gateway at the end.
import { spawn } from 'node:child_process';
import { startGateway } from '../test/support/gateway.mjs';

const RUN_LIMIT_MS = 15 * 60_000;
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'test/integration', 'test/browser'];
const started = Date.now();
const gw = await startGateway();
console.log(`gateway ready at ${gw.url} (Kafka ${gw.kafka}) in ${Date.now() - started} ms`);
let code = 1;
try {
  const run = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', '--test', '--test-concurrency=1', '--test-timeout=600000', ...dirs], {
    stdio: 'inherit',
    env: { ...process.env, CHORUS_TEST_URL: gw.url, CHORUS_TEST_KAFKA: gw.kafka, CHORUS_TEST_GATEWAY_PORT: String(gw.port) },
  });
  const stop = () => run.kill('SIGTERM');
  process.on('SIGINT', stop).on('SIGTERM', stop);
  // The whole run is bounded too: a hung browser or gateway cannot keep CI waiting.
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
