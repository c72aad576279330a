// The demo app (demo/) in headless Chromium: a host creates an event and a poll, a participant joins
// on another profile and votes, the display shows the result; Q&A, reactions, chat and a quiz go
// the same way. By default against test/support/engage-mock.mjs (the demo's files, the built SDK and
// an imitation of ingest); with CHORUS_DEV_URL set, against that running `chorus dev` instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, hasChromium } from '../support/browser.mjs';
import { startMock } from '../support/engage-mock.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const skip = hasChromium ? false : `no Chromium at ${CHROMIUM}`;
const T = 15_000;
let mock;
let url;
let browser;
const errors = [];

before(async () => {
  if (skip) return;
  if (process.env.CHORUS_DEV_URL) url = process.env.CHORUS_DEV_URL.replace(/\/$/, '');
  else {
    mock = await startMock({ demoDir: `${root}demo`, sdkDir: `${root}clients/js/dist` });
    url = mock.url;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  await mock?.close();
});

/** A page in a profile of its own (its own localStorage: its own participant), recording errors. */
async function open(path) {
  const context = await browser.newContext(path.startsWith('/#/join') ? { viewport: { width: 390, height: 844 } } : path.includes('display') ? { viewport: { width: 1600, height: 900 } } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${path}: ${m.text()}`));
  await page.goto(`${url}${path}`);
  return page;
}

test('host, participant and display run a poll, Q&A, reactions and a quiz end to end', { skip, timeout: 120_000 }, async () => {
  const host = await open('/#/');
  await host.getByLabel('Event title').fill('Demo day');
  await host.getByRole('button', { name: 'Create event' }).click();
  await host.waitForURL(/#\/host\/[A-Z0-9]{6}$/);
  const code = host.url().split('/').pop();
  await host.locator('.join-code').getByText(code).waitFor();

  // A poll: create, open, show on screen.
  await host.getByLabel('Kind').selectOption('choice');
  await host.getByLabel('Title').first().fill('Lunch?');
  await host.getByLabel('Options, one per line').fill('Pizza\nSushi');
  await host.getByRole('button', { name: 'Create', exact: true }).click();
  const row = host.locator('.activity-list li', { hasText: 'Lunch?' });
  await row.getByRole('button', { name: 'Open' }).click();
  await row.locator('.state.open').waitFor();
  await row.getByRole('button', { name: 'Show on screen' }).click();
  await row.locator('.on-screen').waitFor();

  // The audience joins with a name and votes by keyboard.
  const phone = await open(`/#/join/${code}`);
  await phone.getByLabel('Your name').fill('Ada');
  await phone.getByRole('button', { name: 'Join' }).click();
  await phone.getByLabel('Sushi').check();
  await phone.getByRole('button', { name: 'Send' }).focus();
  await phone.keyboard.press('Enter');
  await phone.getByText('Thanks, your response is in.').waitFor();
  await phone.locator('.bars li', { hasText: 'Sushi' }).getByText('1 · 100%').waitFor();

  // The display shows the live result and the join code.
  const screen = await open(`/#/display/${code}`);
  await screen.locator('.display-join .join-code').getByText(code).waitFor();
  await screen.locator('.bars.big li', { hasText: 'Sushi' }).getByText('1 · 100%').waitFor();
  await host.locator('.live-results').getByText(/1 responses/).waitFor();

  // Reactions float up on the display.
  await phone.getByRole('button', { name: 'react 🎉' }).click();
  await phone.getByRole('button', { name: 'react 🎉' }).click();
  await screen.locator('.float').first().waitFor({ state: 'attached' });

  // Q&A: asked on the phone, listed on the host's console, on the display when nothing is current.
  await phone.getByRole('tab', { name: 'Q&A' }).click();
  await phone.getByLabel('Your question').fill('When is the party?');
  await phone.getByRole('button', { name: 'Ask' }).click();
  await phone.locator('.qa-list').getByText('When is the party?').waitFor();
  await host.getByRole('tab', { name: 'Q&A' }).click();
  await host.getByText('When is the party?').waitFor();
  await host.getByRole('tab', { name: 'Activities' }).click();
  await row.getByRole('button', { name: 'Hide from screen' }).click();
  await screen.locator('.qa-board').getByText('When is the party?').waitFor();

  // Chat.
  await phone.getByRole('tab', { name: 'Chat' }).click();
  await phone.getByLabel('Message').fill('hello everyone');
  await phone.getByRole('button', { name: 'Send' }).click();
  await host.getByRole('tab', { name: 'Chat' }).click();
  await host.locator('.chat-log').getByText('hello everyone').waitFor();

  // A quiz question with a countdown, answered on the phone, revealed on the display.
  await host.getByRole('tab', { name: 'Activities' }).click();
  await host.getByLabel('Kind').selectOption('quiz');
  await host.getByLabel('Title').first().fill('Trivia');
  await host.getByLabel('Questions, one per line').fill('Capital of France? | Paris* | Lyon');
  await host.getByRole('button', { name: 'Create', exact: true }).click();
  const quiz = host.locator('.activity-list li', { hasText: 'Trivia' });
  await quiz.getByRole('button', { name: 'Open' }).click();
  await quiz.getByRole('button', { name: 'Show on screen' }).click();
  await quiz.getByRole('button', { name: 'Next question' }).click();
  await screen.locator('.countdown.big').waitFor();
  await phone.getByRole('button', { name: 'Paris' }).click();
  await phone.getByText('Answer locked in: Paris').waitFor();
  await quiz.getByRole('button', { name: 'Reveal answer' }).click();
  await screen.locator('.leaderboard.big').getByText('Ada').waitFor();
  await phone.getByText('Correct!').waitFor();

  if (process.env.DEMO_SCREENSHOTS) {
    for (const [name, page] of [['host', host], ['phone', phone], ['display', screen]]) await page.screenshot({ path: `${process.env.DEMO_SCREENSHOTS}/${name}.png`, fullPage: true });
  }
  assert.deepEqual(errors, []);
});

test('the pages have labelled controls and a visible focus, and the long-poll option is honoured', { skip, timeout: 60_000 }, async () => {
  const page = await open('/?transport=longpoll#/');
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'the focused control shows an outline');
  const options = await page.evaluate(async () => (await import('/ui.js')).sdkOptions());
  assert.deepEqual(options.chorus, { transports: ['polling'] });
});
