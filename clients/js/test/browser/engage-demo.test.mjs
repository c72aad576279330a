// The demo app (demo/) in headless Chromium against the real stack: chorus-dev.jar (embedded Kafka,
// ingest, the join API and the gateway serving demo/). A host page, a display and three phone-sized
// audience pages (WebSocket, SSE, long-polling) run a tour: polls of three kinds, a two-question quiz,
// moderated Q&A, reactions, slides with a reload, and breakout rooms. Screenshots of every view at
// each step go to test-output/screenshots/ (or $DEMO_SCREENSHOTS). The gateway is the run's one
// (scripts/test-live.mjs), a new one when this file runs alone, or $CHORUS_DEV_URL (a running
// `chorus dev`, started from this checkout so that it serves this demo/).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, hasChromium } from '../support/browser.mjs';
import { PACKAGE_DIR, sharedGateway } from '../support/gateway.mjs';

const skip = hasChromium ? false : `no Chromium at ${CHROMIUM}`;
const T = 20_000;
const SHOTS = process.env.DEMO_SCREENSHOTS || join(PACKAGE_DIR, 'test-output/screenshots');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
let gateway;
let url;
let browser;
const errors = [];
/** Every page opened, by name: screenshotted as they are when a test fails. */
const opened = new Map();

before(async () => {
  if (skip) return;
  if (process.env.CHORUS_DEV_URL) url = process.env.CHORUS_DEV_URL.replace(/\/$/, '');
  else {
    gateway = await sharedGateway();
    url = gateway.url;
  }
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  await gateway?.release();
});

/**
 * A page in a profile of its own (its own localStorage: its own participant). Page errors, console
 * errors and error toasts (a refused command) are recorded: the tour must end with none.
 */
async function open(name, path, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
  await page.exposeFunction('reportErrorToast', (text) => errors.push(`${name}: toast ${text}`));
  await page.addInitScript(() => {
    new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach((n) => {
      if (n.classList?.contains('toast') && n.classList.contains('error')) window.reportErrorToast(n.textContent);
    }))).observe(document, { childList: true, subtree: true });
  });
  opened.set(name, page);
  await page.goto(`${url}${path}`);
  return page;
}

/** Runs a test body; on failure, screenshots every open page (failed-VIEW.png) before reporting. */
function withScreenshots(body) {
  return async (t) => {
    try {
      await body(t);
    } catch (e) {
      for (const [name, page] of opened) await page.screenshot({ path: join(SHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
      t.diagnostic(`screenshots of the failure: ${SHOTS}/failed-*.png`);
      throw e;
    }
  };
}

/** Rows of a bars chart as [label, value] pairs, once they equal `expected` (else the assertion shows the difference). */
async function expectBars(page, scope, expected) {
  const read = (s) => [...document.querySelectorAll(`${s} li`)].map((li) => [li.querySelector('.bar-label')?.textContent, li.querySelector('.bar-value')?.textContent]);
  await page.waitForFunction(([s, want, f]) => JSON.stringify(new Function(`return ${f}`)()(s)) === JSON.stringify(want), [scope, expected, read.toString()], { timeout: T }).catch(() => {});
  assert.deepEqual(await page.evaluate(([s, f]) => new Function(`return ${f}`)()(s), [scope, read.toString()]), expected, `bars of ${scope}`);
}

/** Leaderboard rows as [name, score]. */
function leaderboard(page, scope) {
  return page.locator(`${scope} li`).evaluateAll((lis) => lis.map((li) => [li.querySelector('.who').textContent, Number(li.querySelector('.score').textContent)]));
}

test('a host, a display and three phones run polls, a quiz, moderated Q&A, reactions, slides and breakout rooms', { skip, timeout: 300_000 }, withScreenshots(async (t) => {
  // The host creates the event and turns on Q&A moderation.
  const host = await open('host', '/#/', { viewport: { width: 1280, height: 900 } });
  await host.getByLabel('Event title').fill('Demo day');
  await host.getByRole('button', { name: 'Create event' }).click();
  await host.waitForURL(/#\/host\/[A-Z0-9]{6}$/);
  const code = host.url().split('/').pop();
  await host.locator('.join-code').getByText(code).waitFor();
  await host.getByRole('tab', { name: 'Settings' }).click();
  await host.getByLabel('Moderate questions before they show').check();
  await host.getByRole('button', { name: 'Save settings' }).click();
  await host.getByText('Saved', { exact: true }).waitFor();

  const display = await open('display', `/#/display/${code}`, { viewport: { width: 1600, height: 900 } });
  await display.locator('.display-join .join-code').getByText(code).waitFor();

  // Three phones, one per transport.
  const phones = [['ada', 'Ada', '', 'websocket'], ['bob', 'Bob', '?transport=sse', 'sse'], ['cy', 'Cy', '?transport=longpoll', 'polling']];
  const phone = {};
  for (const [key, name, query, transport] of phones) {
    const p = await open(key, `/${query}#/join/${code}`, PHONE);
    await p.getByLabel('Your name').fill(name);
    await p.getByRole('button', { name: 'Join' }).click();
    await p.locator('.audience-head .badge').getByText(`live · ${transport}`).waitFor();
    // The event's moderation setting reached the phone (so a question asked later waits for a moderator).
    await p.getByText('A moderator reviews questions before they appear.').waitFor();
    phone[key] = p;
  }
  const { ada, bob, cy } = phone;
  const everyone = { host, display, ada, bob, cy };
  let step = 0;
  const shot = async (moment, pages = everyone) => {
    step++;
    for (const [view, page] of Object.entries(pages)) {
      await page.screenshot({ path: join(SHOTS, `${String(step).padStart(2, '0')}-${moment}-${view}.png`), fullPage: true });
    }
  };
  await host.getByText('3 participants').waitFor();
  await display.getByText('3 joined').waitFor();
  await shot('joined');

  // The host creates an activity, opens it and shows it on every screen.
  const run = async (kind, title, fields = {}) => {
    await host.getByRole('tab', { name: 'Activities' }).click();
    const form = host.locator('#tab-activities-panel form');
    await form.getByLabel('Kind').selectOption(kind);
    await form.getByLabel('Title').fill(title);
    for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const row = host.locator('.activity-list li', { hasText: title });
    await row.getByRole('button', { name: 'Open' }).click();
    await row.locator('.state.open').waitFor();
    await row.getByRole('button', { name: 'Show on screen' }).click();
    await row.locator('.on-screen').waitFor();
    for (const p of [ada, bob, cy]) await p.locator('.now h2').getByText(title).waitFor();
    await display.locator('.stage-title').getByText(title).waitFor();
    return row;
  };
  const send = async (p) => {
    await p.locator('.now').getByRole('button', { name: 'Send' }).click();
    await p.locator('.now').getByText('Thanks, your response is in.').waitFor();
  };

  // A multiple-choice poll: the tally equals the votes cast, on the display, the host and each phone.
  await run('choice', 'Lunch?', { 'Options, one per line': 'Pizza\nSushi\nSalad' });
  for (const [p, choice] of [[ada, 'Sushi'], [bob, 'Sushi'], [cy, 'Pizza']]) {
    await p.locator('.now').getByLabel(choice).check();
    await send(p);
  }
  const lunch = [['Pizza', '1 · 33%'], ['Sushi', '2 · 67%'], ['Salad', '0 · 0%']];
  await expectBars(display, '.stage .bars.big', lunch);
  for (const p of [ada, bob, cy]) await expectBars(p, '.now .results .bars', lunch);
  await display.getByText('3 responses').waitFor();
  await host.locator('.live-results').getByText(/· 3 responses/).waitFor();
  await expectBars(host, '.live-results .bars', lunch);
  await shot('choice-poll');

  // A word cloud: "Kafka" and "kafka" are one word.
  await run('wordcloud', 'One word for Kafka?');
  for (const [p, word] of [[ada, 'Kafka'], [bob, 'kafka'], [cy, 'streams']]) {
    await p.locator('.now').getByLabel('Word 1').fill(word);
    await send(p);
  }
  const words = () => display.locator('.stage .cloud span').evaluateAll((s) => s.map((w) => [w.textContent.trim(), w.title]).sort());
  await display.locator('.stage .cloud span[title="2"]').getByText('kafka').waitFor();
  await display.locator('.stage .cloud span[title="1"]').getByText('streams').waitFor();
  assert.deepEqual(await words(), [['kafka', '2'], ['streams', '1']]);
  await display.getByText('3 responses').waitFor();
  await shot('word-cloud', { host, display, ada });

  // A rating: 5, 4, 4 average 4.3.
  await run('rating', 'How is the demo?');
  for (const [p, value] of [[ada, '5'], [bob, '4'], [cy, '4']]) {
    await p.locator('.now').getByLabel(value, { exact: true }).check();
    await send(p);
  }
  await display.getByText('Average 4.3').waitFor();
  await expectBars(display, '.stage .bars.big', [['1', '0 · 0%'], ['2', '0 · 0%'], ['3', '0 · 0%'], ['4', '2 · 67%'], ['5', '1 · 33%']]);
  await shot('rating', { host, display, cy });

  // Slides: the host moves on twice; every screen follows. A reload of a phone resumes at the
  // current slide as the same participant, and its vote in the current poll is still there.
  await host.getByRole('tab', { name: 'Stage' }).click();
  await host.getByRole('button', { name: 'Next ▶' }).click();
  await host.getByText('Showing main, slide 2').waitFor();
  await host.getByRole('button', { name: 'Next ▶' }).click();
  await host.getByText('Showing main, slide 3').waitFor();
  for (const p of [ada, bob, cy]) await p.locator('.audience-head').getByText('Slide 3').waitFor();
  await display.locator('.display-head').getByText('slide 3').waitFor();
  const participantOf = (p) => p.evaluate((c) => JSON.parse(localStorage.getItem(`chorus.engage.${c}`)).participant, code);
  const cyBefore = await participantOf(cy);
  await cy.reload();
  await cy.locator('.audience-head .badge').getByText('live · polling').waitFor();
  await cy.locator('.audience-head').getByText('Cy ·').waitFor();
  await cy.locator('.audience-head').getByText('Slide 3').waitFor();
  await cy.locator('.now').getByText('Thanks, your response is in.').waitFor();
  assert.equal(await participantOf(cy), cyBefore, 'the reloaded page is the same participant');
  await host.getByText('3 participants').waitFor();
  await display.getByText('3 responses').waitFor();
  await shot('slides-after-reload', { host, display, cy });

  // A quiz round of two questions; each phone's score equals its line on the leaderboard.
  const quiz = await run('quiz', 'Trivia', { 'Questions, one per line': 'Capital of France? | Paris* | Lyon\n2 + 2? | 3 | 4* | 5', 'Seconds per question': '120' });
  const answer = async (p, option) => {
    await p.locator('.quiz-options').getByRole('button', { name: option, exact: true }).click();
    await p.locator('.now').getByText(`Answer locked in: ${option}`).waitFor();
  };
  await quiz.getByRole('button', { name: 'Next question' }).click();
  await display.locator('.countdown.big').waitFor();
  for (const [p, option] of [[ada, 'Paris'], [bob, 'Lyon'], [cy, 'Paris']]) await answer(p, option);
  await display.getByText('3 answers').waitFor();
  await shot('quiz-question', { display, bob });
  await quiz.getByRole('button', { name: 'Reveal answer' }).click();
  await expectBars(display, '.stage .bars.big', [['✔ Paris', '2 · 67%'], ['Lyon', '1 · 33%']]);
  await ada.locator('.now').getByText('Correct!').waitFor();
  await cy.locator('.now').getByText('Correct!').waitFor();
  await bob.locator('.now').getByText('The answer was Paris').waitFor();
  await bob.locator('.now').getByText('Your score: 0').waitFor();
  await shot('quiz-first-reveal');

  await quiz.getByRole('button', { name: 'Next question' }).click();
  await display.locator('.stage-question').getByText('2. 2 + 2?').waitFor();
  for (const [p, option] of [[ada, '4'], [bob, '4'], [cy, '5']]) await answer(p, option);
  await quiz.getByRole('button', { name: 'Reveal answer' }).click();
  await expectBars(display, '.stage .bars.big', [['3', '0 · 0%'], ['✔ 4', '2 · 67%'], ['5', '1 · 33%']]);
  await display.locator('.leaderboard.big li').nth(2).waitFor();
  const board = await leaderboard(display, '.leaderboard.big');
  assert.deepEqual(board.map(([n]) => n).sort(), ['Ada', 'Bob', 'Cy'], 'everyone who scored is on the leaderboard');
  assert.equal(board[0][0], 'Ada', 'two right answers beat one');
  assert.deepEqual(board.map(([, s]) => s), board.map(([, s]) => s).sort((x, y) => y - x), 'highest first');
  for (const [name, score] of board) {
    await phone[name.toLowerCase()].locator('.now .score').getByText(`Your score: ${score}`, { exact: true }).waitFor();
  }
  assert.deepEqual(await leaderboard(host, '.live-results .leaderboard'), board, 'the host sees the same leaderboard');
  await shot('quiz-leaderboard');

  // Moderated Q&A: asked on a phone, pending in the host's moderation view, published, upvoted.
  await quiz.getByRole('button', { name: 'Hide from screen' }).click();
  await display.getByRole('heading', { name: 'Welcome!' }).waitFor();
  for (const p of [ada, bob, cy]) await p.getByText('Waiting for the host…').waitFor();
  await bob.getByLabel('Your question').fill('When is the party?');
  await bob.getByRole('button', { name: 'Ask' }).click();
  await bob.getByText('Sent: a moderator will review it').waitFor();
  await host.getByRole('tab', { name: 'Q&A' }).click();
  const pending = host.locator('[aria-label="questions waiting"] li', { hasText: 'When is the party?' });
  await pending.getByText('— Bob (anonymous)').waitFor();
  // Not published yet: no phone and no screen shows it.
  for (const p of [ada, bob, cy]) await p.locator('.qa-list').getByText('No questions yet. Be the first!').waitFor();
  await display.getByRole('heading', { name: 'Welcome!' }).waitFor();
  await shot('qa-pending', { host, bob, display });
  await pending.getByRole('button', { name: 'Publish' }).click();
  for (const p of [ada, bob, cy]) await p.locator('.qa-list').getByText('When is the party?').waitFor();
  await host.locator('[aria-label="questions waiting"]').getByText('Nothing waiting.').waitFor();
  for (const p of [ada, cy]) {
    await p.locator('.qa-list li', { hasText: 'When is the party?' }).getByRole('button', { name: 'upvote' }).click();
  }
  await ada.locator('.qa-list .upvote[aria-pressed=true]').waitFor();
  await display.locator('.qa-board li', { hasText: 'When is the party?' }).getByText('▲ 2').waitFor();
  await host.locator('[aria-label="published questions"] li', { hasText: 'When is the party?' }).getByText('▲ 2').waitFor();
  await bob.locator('.qa-list li', { hasText: 'When is the party?' }).getByText('▲ 2').waitFor();
  await shot('qa-published');

  // Reactions float up on the display.
  await ada.getByRole('button', { name: 'react 🎉' }).click();
  await ada.getByRole('button', { name: 'react 🎉' }).click();
  await bob.getByRole('button', { name: 'react ❤️' }).click();
  await display.locator('.float', { hasText: '🎉' }).first().waitFor();
  await display.locator('.float', { hasText: '❤️' }).first().waitFor();
  await shot('reactions', { display, ada });

  // Breakout: two rooms; each phone learns its room; a room's chat stays in the room.
  await host.getByRole('tab', { name: 'Stage' }).click();
  await host.getByLabel('Rooms', { exact: true }).fill('2');
  await host.getByRole('button', { name: 'Open rooms' }).click();
  const status = host.getByText(/^2 rooms are open: /);
  await status.waitFor();
  const sizes = [...(await status.textContent()).matchAll(/room (\d) has (\d)/g)].map((m) => Number(m[2]));
  const roomOf = {};
  for (const [key, p] of Object.entries(phone)) {
    const banner = p.locator('.room-banner');
    await banner.getByText(/You are in breakout room [12]$/).waitFor();
    roomOf[key] = Number((await banner.textContent()).slice(-1));
    await p.getByRole('tab', { name: 'Chat' }).click();
    await p.getByText(`Chatting with room ${roomOf[key]}`).waitFor();
  }
  const members = (r) => Object.keys(roomOf).filter((k) => roomOf[k] === r);
  assert.deepEqual([members(1).length, members(2).length], sizes, 'the host\'s room sizes are the phones\' rooms');
  assert.deepEqual([...sizes].sort(), [1, 2], 'three people in two rooms, evenly');
  const pair = members(sizes[0] === 2 ? 1 : 2);
  const [alone] = members(sizes[0] === 2 ? 2 : 1);
  const say = async (key, text) => {
    await phone[key].getByLabel('Message').fill(text);
    await phone[key].locator('.chat-form').getByRole('button', { name: 'Send' }).click();
    await phone[key].locator('.chat-log').getByText(text).waitFor();
  };
  await say(pair[0], 'hello room');
  await phone[pair[1]].locator('.chat-log').getByText('hello room').waitFor();
  await say(alone, 'anyone here?');
  await say(pair[1], 'just us two');
  await phone[pair[0]].locator('.chat-log').getByText('just us two').waitFor();
  for (const k of pair) assert.equal(await phone[k].locator('.chat-log').getByText('anyone here?').count(), 0, `${k} is not in ${alone}'s room`);
  for (const text of ['hello room', 'just us two']) assert.equal(await phone[alone].locator('.chat-log').getByText(text).count(), 0, `${alone} is not in the pair's room`);
  // Room presence: each phone lists the members of its own room (its partner, or itself alone), by
  // name and sorted, and nobody of the other room. Checked after the room's chat: a long-poll phone's
  // member list is refreshed by its poll answers (PROTOCOL.md: changes between two polls come with
  // the next answer).
  const names = { ada: 'Ada', bob: 'Bob', cy: 'Cy' };
  for (const [key, p] of Object.entries(phone)) {
    const roommates = members(roomOf[key]).map((k) => (k === key ? `${names[k]} (you)` : names[k])).sort();
    const expected = `In your room: ${roommates.join(', ')}`;
    const line = p.locator('.room-members');
    await line.filter({ hasText: new RegExp(`^${expected.replace(/[()]/g, '\\$&')}$`) }).waitFor().catch(() => {});
    assert.equal(await line.textContent(), expected, `${key}'s room members`);
    for (const other of Object.keys(phone).filter((k) => roomOf[k] !== roomOf[key])) {
      assert.ok(!(await line.textContent()).includes(names[other]), `${key} does not see ${other} of the other room`);
    }
  }
  await shot('breakout', { host, ada, bob, cy });

  // Closing brings everyone back to the main event and its chat.
  await host.getByRole('button', { name: 'Close rooms' }).click();
  await host.getByText('No breakout running.').waitFor();
  for (const p of [ada, bob, cy]) {
    await p.locator('.room-banner').waitFor({ state: 'hidden' });
    await p.locator('.room-members').waitFor({ state: 'hidden' });
    await p.getByText('Chatting with everyone').waitFor();
  }
  await say(alone, 'back together');
  for (const k of pair) await phone[k].locator('.chat-log').getByText('back together').waitFor();
  await shot('back-together');

  t.diagnostic(`screenshots: ${SHOTS}`);
  console.log(`demo screenshots: ${SHOTS}`);
  assert.deepEqual(errors, []);
}));

test('the pages have labelled controls and a visible focus, and the long-poll option is honoured', { skip, timeout: 60_000 }, withScreenshots(async () => {
  const page = await open('start page', '/?transport=longpoll#/');
  await page.getByLabel('Event code').waitFor();
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'the focused control shows an outline');
  const options = await page.evaluate(async () => (await import('/ui.js')).sdkOptions());
  assert.deepEqual(options.chorus, { transports: ['polling'] });
  assert.deepEqual(errors.filter((e) => e.startsWith('start page:')), []);
}));
