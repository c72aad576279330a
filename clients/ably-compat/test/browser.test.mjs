// ably-js in headless Chromium (Debian /usr/bin/chromium through playwright-core): the SDK's browser
// bundle, served from a page on another origin than the gateway, connects with JSON and with MessagePack,
// exchanges messages with a Node ably-js client and a backend record, and after the browser goes offline
// and back, reattaches its channel from its channelSerial with no loss and no duplicate.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { KEYS, PACKAGE_DIR, freshChannel, sharedGateway } from './support/gateway.mjs';
import { Recorder, closeAll, connected } from './support/clients.mjs';
import { produce } from './support/kcat.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const T = { timeout: 120_000 };

const PAGE = `<!doctype html><meta charset="utf-8"><title>ably-js on Chorus</title>
<script src="/ably.js"></script>
<script>
  // Everything the tests read: what the channel delivered (bytes as arrays) and the connection's states.
  window.received = [];
  window.states = [];
  window.start = async ({ key, host, port, binary, channel }) => {
    window.client = new Ably.Realtime({ key, realtimeHost: host, port, tls: false, useBinaryProtocol: binary,
      clientId: 'browser', logLevel: 0 });
    window.client.connection.on((c) => window.states.push(c.current + (c.reason ? '/' + c.reason.code : '')));
    window.channel = window.client.channels.get(channel);
    await window.channel.subscribe((m) => window.received.push({ name: m.name, serial: m.serial,
      data: m.data instanceof ArrayBuffer ? { bytes: [...new Uint8Array(m.data)] } : m.data }));
    return window.client.connection.connectionManager.activeProtocol.getTransport().format;
  };
</script>`;

/** The test page and ably-js's browser bundle (the package's build/ably.js, UMD: window.Ably). */
async function startPageServer() {
  const bundle = readFileSync(join(PACKAGE_DIR, 'node_modules/ably/build/ably.js'));
  const server = createServer((req, res) => {
    if (req.url === '/ably.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('ably-js in headless Chromium', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let gw;
  let pages;
  let context;
  let profile;

  before(async () => {
    gw = await sharedGateway();
    pages = await startPageServer();
    profile = mkdtempSync(join(tmpdir(), 'chorus-ably-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    closeAll();
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await pages?.close();
    await gw?.release();
  });

  async function openPage(binary, channel) {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${pages.origin}/`);
    const format = await page.evaluate((o) => window.start(o),
      { key: KEYS.full, host: '127.0.0.1', port: gw.port, binary, channel });
    return {
      page,
      format,
      received: () => page.evaluate(() => window.received),
      states: () => page.evaluate(() => window.states),
      waitForCount: (n) => page.waitForFunction((n) => window.received.length >= n, n, { timeout: 30_000, polling: 50 }),
      publish: (name, data) => page.evaluate(([n, d]) => window.channel.publish(n, d), [name, data]),
      close: () => page.evaluate(() => window.client.close()).finally(() => page.close()),
    };
  }

  for (const [format, binary] of [['json', false], ['msgpack', true]]) {
    test(`${format}: the page exchanges messages with a Node ably-js client and sees a backend record`, T, async () => {
      const name = freshChannel();
      const p = await openPage(binary, name);
      try {
        assert.equal(p.format, format, 'the format the page asked for');
        const node = await connected(gw, KEYS.full, { useBinaryProtocol: !binary }); // the other format
        const rec = new Recorder();
        await node.channels.get(name).subscribe(rec.listener);

        await node.channels.get(name).publish('from-node', { n: 1 });
        await node.channels.get(name).publish('bytes', Buffer.from([0, 255, 7]));
        await produce(gw.kafka, name, { from: 'backend' }, { 'chorus-name': 'record' });
        await p.waitForCount(3);
        const ack = await p.publish('from-page', 'hello from Chromium');
        await p.waitForCount(4);
        await rec.waitForCount(4);

        const got = await p.received();
        assert.deepEqual(got.map((m) => m.name), ['from-node', 'bytes', 'record', 'from-page']);
        assert.deepEqual(got.map((m) => m.data), [{ n: 1 }, { bytes: [0, 255, 7] }, { from: 'backend' }, 'hello from Chromium']);
        assert.deepEqual(got.map((m) => m.serial), rec.messages.map((m) => m.serial), 'one order, the same serials');
        assert.equal(got[3].serial, ack.serials[0]);
        assert.equal(rec.messages[3].data, 'hello from Chromium');
      } finally {
        await p.close();
      }
    });

    test(`${format}: offline and back, the page reattaches from its channelSerial with no loss and no duplicate`, T, async () => {
      const name = freshChannel();
      const p = await openPage(binary, name);
      try {
        const node = await connected(gw, KEYS.full);
        const pub = node.channels.get(name);
        for (let i = 0; i < 3; i++) await pub.publish('n', `m${i}`);
        await p.waitForCount(3);

        await context.setOffline(true);
        await p.page.waitForFunction(() => window.states.at(-1)?.startsWith('disconnected'), null, { timeout: 30_000 });
        for (let i = 3; i < 8; i++) await pub.publish('n', `m${i}`);
        await context.setOffline(false);
        await p.page.waitForFunction(() => window.states.at(-1)?.startsWith('connected'), null, { timeout: 30_000 });
        for (let i = 8; i < 10; i++) await pub.publish('n', `m${i}`);
        await p.waitForCount(10);
        // A sentinel after the last: anything duplicated would have arrived before it.
        await pub.publish('n', 'end');
        await p.waitForCount(11);

        const got = await p.received();
        assert.deepEqual(got.map((m) => m.data), [...Array.from({ length: 10 }, (_, i) => `m${i}`), 'end']);
        assert.equal(new Set(got.map((m) => m.serial)).size, got.length, 'no serial twice');
        const states = await p.states();
        assert.ok(states.includes('disconnected') || states.some((s) => s.startsWith('disconnected/')), states.join(' '));
      } finally {
        await context.setOffline(false);
        await p.close();
      }
    });
  }
});
