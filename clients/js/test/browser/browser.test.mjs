import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Chorus } from '../../dist/chorus.js';
import { hasChromium, launchBrowser, openClient, startPageServer } from '../support/browser.mjs';
import { freshChannel, sharedGateway } from '../support/gateway.mjs';
import { hasJavaClient, javaTail } from '../support/java-tail.mjs';
import { produce } from '../support/kcat.mjs';
import { Recorder, numbered } from '../support/recorder.mjs';

const TEST_TIMEOUT_MS = 90_000; // each test; a hang fails with its own name

const TRANSPORTS = {
  websocket: { transports: undefined, without: [] },
  sse: { transports: undefined, without: ['WebSocket'] },
  polling: { transports: undefined, without: ['WebSocket', 'EventSource'] },
};

describe('the SDK in headless Chromium, page on another origin', { skip: !hasChromium && 'no /usr/bin/chromium' }, () => {
  let gw;
  let browser;
  let pages;

  before(async () => {
    gw = await sharedGateway();
    browser = await launchBrowser();
    pages = await startPageServer();
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
    await gw?.release();
  });

  async function assertPosition(client, channel, expected) {
    const positions = await client.positions();
    assert.equal(new Set(positions).size, positions.length, 'no position twice');
    assert.deepEqual(await client.received(), expected, `on ${channel}`);
  }

  for (const [kind, setup] of Object.entries(TRANSPORTS)) {
    test(`${kind}: records produced to Kafka appear in the page in order`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const channel = freshChannel();
      const c = await openClient(browser.context, pages, gw.url, { channel, ...setup });
      try {
        assert.equal(await c.transport(), kind, 'the SDK picked the best transport the page has');
        await produce(gw.kafka, channel, numbered(1, 30));
        await c.waitForCount(30);
        await assertPosition(c, channel, numbered(1, 30));
      } finally {
        await c.close();
      }
    });
  }

  for (const kind of Object.keys(TRANSPORTS)) {
    test(`${kind}: offline while the backend produces, then online: every message once, in order`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const channel = freshChannel();
      const c = await openClient(browser.context, pages, gw.url, { channel, transports: [kind] });
      try {
        await produce(gw.kafka, channel, numbered(1, 10));
        await c.waitForCount(10);
        await browser.context.setOffline(true);
        await c.page.waitForFunction(() => window.states.some((s) => s.endsWith('/offline')), null, { timeout: 10_000 });
        await produce(gw.kafka, channel, numbered(11, 40));
        await browser.context.setOffline(false);
        await c.waitForCount(40);
        await assertPosition(c, channel, numbered(1, 40));
        assert.equal(await c.transport(), kind);
        const states = await c.states();
        assert.ok(states.some((s) => s.startsWith('disconnected/') && s.endsWith('/offline')), states.join(' '));
        assert.equal(states.at(-1).split('/')[0], 'connected', states.join(' '));
      } finally {
        await browser.context.setOffline(false);
        await c.close();
      }
    });
  }

  test('presence between two pages: one enters, updates and leaves; the other sees it, with the data', { timeout: TEST_TIMEOUT_MS }, async () => {
    const channel = freshChannel();
    const one = await openClient(browser.context, pages, gw.url, { channel, transports: ['websocket'] });
    const two = await openClient(browser.context, pages, gw.url, { channel, transports: ['websocket'] });
    try {
      await two.page.evaluate((ch) => {
        window.presenceEvents = [];
        const p = window.client.channel(ch).presence;
        p.subscribe((e) => window.presenceEvents.push([e.action, e.member.clientId, e.member.data]));
      }, channel);
      await two.page.waitForFunction((ch) => window.client.channel(ch).presence.synced, channel, { timeout: 10_000 });
      const oneId = await one.page.evaluate(async (ch) => {
        await window.client.channel(ch).presence.enter({ name: 'page one' });
        await window.client.channel(ch).presence.update({ name: 'page one', typing: true });
        return window.client.clientId;
      }, channel);
      assert.ok(oneId, 'the page knows its client id');
      await two.page.waitForFunction(() => window.presenceEvents.length === 2, null, { timeout: 10_000 });
      const members = await two.page.evaluate((ch) => window.client.channel(ch).presence.members, channel);
      assert.deepEqual(members.map((m) => [m.clientId, m.data]), [[oneId, { name: 'page one', typing: true }]]);
      await one.page.evaluate((ch) => window.client.channel(ch).presence.leave(), channel);
      await two.page.waitForFunction(() => window.presenceEvents.length === 3, null, { timeout: 10_000 });
      assert.deepEqual(await two.page.evaluate(() => window.presenceEvents), [
        ['enter', oneId, { name: 'page one' }],
        ['update', oneId, { name: 'page one', typing: true }],
        ['leave', oneId, { name: 'page one', typing: true }],
      ]);
      const occupancy = await two.page.evaluate((ch) => window.client.channel(ch).occupancy.get(), channel);
      assert.deepEqual(occupancy, { channel, subscribers: 2, members: 0 });
    } finally {
      await one.close();
      await two.close();
    }
  });

  for (const kind of Object.keys(TRANSPORTS)) {
    test(`${kind}: a publish from the page is acknowledged and reaches a Java-client subscriber, a Node subscriber and history`, { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(hasJavaClient, 'the Java client is built (mvn install) before the browser tests');
      const channel = freshChannel();
      const node = new Chorus({ url: gw.url, transports: ['websocket'], storage: null });
      const rec = new Recorder();
      const jvm = await javaTail(gw.url, channel);
      try {
        await node.channel(channel).subscribe(rec.listener);
        const c = await openClient(browser.context, pages, gw.url, { channel, ...TRANSPORTS[kind] });
        try {
          const position = await c.page.evaluate((ch) => window.client.channel(ch).publish('chat', { text: 'from the page' }, { id: 'page-1' }), channel);
          assert.match(position, /\.\d+$/);
          await rec.waitForCount(1);
          assert.deepEqual(rec.messages.map((m) => [m.position, m.id, m.name, m.data]), [[position, 'page-1', 'chat', { text: 'from the page' }]]);
          const [fromJava] = await jvm.waitForCount(1);
          assert.deepEqual([fromJava.position, fromJava.id, fromJava.name, fromJava.data], [position, 'page-1', 'chat', { text: 'from the page' }]);
          const history = await (await fetch(`${gw.url}/v1/channels/${encodeURIComponent(channel)}/messages?limit=10`)).json();
          assert.deepEqual(history.messages.map((m) => [m.position, m.id]), [[position, 'page-1']]);
          await c.waitForCount(1); // the page's own subscription sees it too
        } finally {
          await c.close();
        }
      } finally {
        node.close();
        jvm.close();
      }
    });
  }
});

