// Headless Debian Chromium through playwright-core (no browser download), and a static server on
// another origin than the gateway for the test page.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PACKAGE_DIR } from './gateway.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'chorus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves test/browser/page.html on 127.0.0.1:<free port>: an origin other than the gateway's. */
export async function startPageServer() {
  const page = readFileSync(join(PACKAGE_DIR, 'test/browser/page.html'));
  const server = createServer((req, res) => {
    if (req.url.startsWith('/page.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Opens the test page with the SDK loaded from the gateway, optionally without WebSocket and/or
 * EventSource (deleted before any page script runs), and starts one subscribing client in it.
 */
export async function openClient(context, pageServer, gatewayUrl, { channel, transports, without = [] }) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  if (without.length) {
    await page.addInitScript((names) => names.forEach((n) => delete window[n]), without);
  }
  await page.goto(`${pageServer.origin}/page.html?gateway=${encodeURIComponent(gatewayUrl)}`);
  await page.waitForFunction(() => window.sdkLoaded !== undefined);
  const loaded = await page.evaluate(() => window.sdkLoaded);
  if (loaded !== 'ok') throw new Error(`the page could not load the SDK from the gateway: ${loaded}`);
  await page.evaluate(({ url, channel, transports }) => {
    window.received = [];
    window.states = [];
    window.client = new window.Chorus({ url, transports, storage: null, backoffInitialMs: 100, backoffMaxMs: 1000 });
    window.client.on('state', (s, r) => window.states.push(`${s}/${r.transport ?? ''}/${r.reason}`));
    window.subscribed = window.client.channel(channel).subscribe((m) => window.received.push(m)).then((r) => r.position);
  }, { url: gatewayUrl, channel, transports });
  await page.evaluate(() => window.subscribed);
  return {
    page,
    received: () => page.evaluate(() => window.received.map((m) => m.data)),
    positions: () => page.evaluate(() => window.received.map((m) => m.position)),
    transport: () => page.evaluate(() => window.client.transport),
    states: () => page.evaluate(() => window.states),
    async waitForCount(n, timeout = 30_000) {
      await page.waitForFunction((n) => window.received.length >= n, n, { timeout, polling: 50 });
    },
    async close() {
      await page.evaluate(() => window.client.close()).catch(() => {});
      await page.close();
    },
  };
}
