// examples/hello.mjs, the README's runnable ably-js example, run as a user would against the test
// gateway (a `./chorus dev` gateway: its dev key is the example's default), so that it stays true.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PACKAGE_DIR, sharedGateway } from './support/gateway.mjs';

let gw;
before(async () => {
  gw = await sharedGateway();
});
after(async () => {
  await gw?.release();
});

test('examples/hello.mjs connects with the dev key, publishes, subscribes, enters, reads history and exits by itself', { timeout: 90_000 }, async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    // Only CHORUS_URL is given: the test gateway's port instead of 8080.
    execFile(process.execPath, [join(PACKAGE_DIR, 'examples/hello.mjs')], {
      cwd: PACKAGE_DIR, timeout: 60_000, env: { ...process.env, CHORUS_URL: gw.url, ABLY_KEY: '' },
    }, (err, out, errOut) => resolve({ code: err ? err.code ?? err.signal : 0, stdout: out, stderr: errOut }));
  });
  assert.equal(code, 0, `the example exits by itself, successfully:\n${stdout}\n${stderr}`);
  const lines = stdout.trim().split('\n');
  const me = lines[0].match(/^connected to .* as (hello-\d+) \(connection (\S+)\)$/);
  assert.ok(me, lines[0]);
  assert.ok(lines.includes(`presence enter: ${me[1]}`) || lines.includes(`presence present: ${me[1]}`), 'its own member');
  assert.ok(lines.some((l) => l.startsWith('present: ') && l.split(/, |: /).includes(me[1])), `presence.get() lists it:\n${stdout}`);
  const received = lines.filter((l) => l.startsWith('received greeting: '));
  assert.deepEqual(received.map((l) => l.split(': ')[1].split(' (')[0]), ['hello #1', 'hello #2', 'hello #3']);
  const acked = lines.filter((l) => l.startsWith('published ')).map((l) => l.split('acknowledged at ')[1]);
  assert.deepEqual(received.map((l) => l.match(/\(serial (\S+)\)$/)[1]), acked, 'delivered with the serials the ACKs gave');
  assert.ok(lines.includes('history, newest first: hello #3, hello #2, hello #1'), stdout);
  assert.equal(lines.at(-1), 'closed');
});
