// The host console (#/host/CODE): run the event. Activities (create, open, close, reveal, rerun,
// show on screen, quiz questions), live results, Q&A and chat moderation, slides, breakouts,
// settings and export. It reattaches with the host token stored when the event was created.
import { hostEvent } from '/sdk/engage.js';
import { activityForm } from './host-create.js';
import { tabs } from './tabs.js';
import { act, connectionBadge, copyButton, countdown, fill, h, quizQuestion, renderResults, sdkOptions, field } from './ui.js';

export async function hostPage(main, code) {
  document.body.className = 'console';
  main.append(h('p', { class: 'muted' }, `Connecting to ${code}…`));
  let host;
  try {
    host = await hostEvent({ ...sdkOptions(), code });
  } catch (e) {
    fill(main, h('div', { class: 'card' }, h('h1', {}, 'Cannot host this event'), h('p', {}, e.code === 'token_invalid'
      ? 'This browser has no host token for this event. Open the host console from the browser that created it.'
      : `${e.code ?? ''} ${e.message}`), h('a', { href: '#/' }, 'Back to the start page')));
    return () => {};
  }
  host.onError((e) => console.warn('chorus:', e));
  const joinUrl = `${location.origin}/#/join/${code}`;
  const title = h('h1', { class: 'event-title' }, code);
  const participants = h('span', { class: 'muted' });
  host.event.on((e) => {
    title.textContent = e.title;
    document.title = `${e.title} · host · Chorus Live`;
    participants.textContent = `${e.participants ?? 0} participant${e.participants === 1 ? '' : 's'}`;
  });

  const header = h('header', { class: 'console-head' },
    h('div', {}, title, h('p', {}, participants, ' · ', connectionBadge(host.client))),
    h('div', { class: 'join-box' },
      h('p', { class: 'muted' }, 'Join at ', h('a', { href: joinUrl }, joinUrl.replace(/^https?:\/\//, '')), ' ', copyButton(joinUrl, 'Copy link')),
      h('p', { class: 'join-code', 'aria-label': `event code ${code.split('').join(' ')}` }, code),
      h('a', { class: 'button ghost', href: `#/display/${code}`, target: '_blank', rel: 'noopener' }, 'Open display ↗')));

  main.replaceChildren(header, tabs('Host console', [
    ['Activities', activitiesPanel(host)],
    ['Q&A', qaPanel(host)],
    ['Chat', chatPanel(host)],
    ['Stage', stagePanel(host)],
    ['Settings', settingsPanel(host)],
  ]));
  return () => host.leave();
}

function activitiesPanel(host) {
  const list = h('ul', { class: 'activity-list', 'aria-label': 'activities' });
  const live = h('div', { class: 'card live-results', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Select an activity to see its results.'));
  let selected;
  let unfollow = () => {};
  const follow = (id) => {
    selected = id;
    unfollow();
    const view = host.activity(id);
    unfollow = view.onChange((s) => drawLive(host, live, s));
    draw();
  };
  const draw = () => {
    const e = host.event.value;
    if (!e) return;
    fill(list, e.activities.length ? e.activities.map((a) => activityRow(host, a, e.current === a.id, a.id === selected, follow)) : h('li', { class: 'muted' }, 'No activities yet: create one.'));
  };
  host.event.on(draw);
  // Run comes first: during the event the host runs activities, so their controls and the live
  // results sit side by side at the top; the longer Create form goes below the list.
  return h('div', { class: 'grid console-grid' },
    h('div', {}, h('div', { class: 'card' }, h('h2', {}, 'Run'), list), h('div', { class: 'card' }, h('h2', {}, 'Create'), activityForm(host, (id) => follow(id)))),
    live);
}

function activityRow(host, a, current, selected, follow) {
  const b = (label, fn, cls = 'small') => h('button', { type: 'button', class: cls, onclick: (ev) => act(ev.currentTarget, fn) }, label);
  const controls = [];
  if (a.state === 'draft') controls.push(b('Open', () => host.open(a.id)));
  if (a.state === 'open') controls.push(b('Close', () => host.close(a.id)));
  if (a.state === 'closed') controls.push(b('Reveal results', () => host.reveal(a.id)));
  if (a.state === 'closed' || a.state === 'results') controls.push(b('Run again', () => host.rerun(a.id), 'small ghost'));
  if (a.kind === 'quiz' && a.state === 'open') {
    controls.push(b('Next question', () => host.quiz.next(a.id)), b('Reveal answer', () => host.quiz.reveal(a.id), 'small ghost'));
  }
  controls.push(current ? b('Hide from screen', () => host.setCurrent(null), 'small ghost') : b('Show on screen', () => host.setCurrent(a.id), 'small ghost'));
  return h('li', { class: selected ? 'selected' : '' },
    h('button', { type: 'button', class: 'link', 'aria-pressed': String(selected), onclick: () => follow(a.id) }, a.title),
    ' ', h('span', { class: `state ${a.state}` }, a.state), ' ', h('span', { class: 'muted' }, `${a.kind}${a.round > 1 ? ` · round ${a.round}` : ''}`),
    current ? h('span', { class: 'on-screen' }, ' ● on screen') : null,
    h('div', { class: 'row' }, controls));
}

function drawLive(host, box, s) {
  const parts = [h('h2', {}, s.title), h('p', { class: 'muted' }, `${s.kind} · ${s.state} · round ${s.round} · ${s.responses ?? 0} responses`)];
  if (s.kind === 'quiz') {
    const q = quizQuestion(s);
    if (q) parts.push(h('p', { class: 'question' }, `Q${q.index + 1}: ${q.text ?? ''} `, q.deadline && !q.revealed ? countdown(q.deadline, () => host.serverNow()) : null));
  }
  parts.push(renderResults(s, s.results));
  if (s.kind === 'text' || s.kind === 'wordcloud') parts.push(pendingEntries(host, s.id));
  fill(box, parts);
}

function pendingEntries(host, activity) {
  const box = h('div', { class: 'pending' });
  const off = host.moderation.onChange((m) => {
    if (!box.isConnected && box.dataset.drawn) return off();
    box.dataset.drawn = '1';
    const entries = (m.entries ?? []).filter((e) => e.activity === activity);
    fill(box, entries.length ? [h('h3', {}, `Waiting for moderation (${entries.length})`), h('ul', { class: 'mod-list' }, entries.map((e) => h('li', {}, h('span', {}, e.text), ' ',
      h('span', { class: 'muted' }, e.name ?? ''),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'small', onclick: (ev) => act(ev.currentTarget, () => host.moderateEntry(activity, e.entry, 'published')) }, 'Publish'),
        h('button', { type: 'button', class: 'small ghost', onclick: (ev) => act(ev.currentTarget, () => host.moderateEntry(activity, e.entry, 'dismissed')) }, 'Dismiss')))))] : null);
  });
  return box;
}

function qaPanel(host) {
  const pending = h('ul', { class: 'mod-list', 'aria-label': 'questions waiting' });
  const published = h('ul', { class: 'mod-list', 'aria-label': 'published questions' });
  const mod = (q, change, label, cls = 'small') => h('button', { type: 'button', class: cls, onclick: (ev) => act(ev.currentTarget, () => host.moderateQuestion(q.id, change)) }, label);
  host.moderation.onChange((m) => fill(pending, (m.questions ?? []).length ? m.questions.map((q) => h('li', {}, h('span', {}, q.text), ' ',
    h('span', { class: 'muted' }, q.name ? `— ${q.name}${q.anonymous ? ' (anonymous)' : ''}` : ''),
    h('div', { class: 'row' }, mod(q, { status: 'published' }, 'Publish'), mod(q, { status: 'dismissed' }, 'Dismiss', 'small ghost')))) : h('li', { class: 'muted' }, 'Nothing waiting.')));
  host.qa.onChange((qs) => fill(published, qs.length ? qs.map((q) => h('li', { class: q.answered ? 'answered' : '' },
    h('span', { class: 'votes' }, `▲ ${q.upvotes}`), ' ', h('span', {}, q.text), ' ', h('span', { class: 'muted' }, q.author ? `— ${q.author}` : ''),
    q.pinned ? h('span', { class: 'state open' }, 'pinned') : null,
    h('div', { class: 'row' }, mod(q, { pinned: !q.pinned }, q.pinned ? 'Unpin' : 'Pin'), mod(q, { answered: !q.answered }, q.answered ? 'Not answered' : 'Answered', 'small ghost'), mod(q, { status: 'dismissed' }, 'Dismiss', 'small ghost')))) : h('li', { class: 'muted' }, 'No questions yet.')));
  return h('div', { class: 'grid two' }, h('div', { class: 'card' }, h('h2', {}, 'Waiting for moderation'), pending, h('p', { class: 'hint' }, 'Questions wait here when Q&A is moderated (Settings).')), h('div', { class: 'card' }, h('h2', {}, 'Published'), published));
}

function chatPanel(host) {
  const list = h('ol', { class: 'chat-log', 'aria-label': 'chat messages', 'aria-live': 'polite' });
  const bans = h('ul', { class: 'mod-list', 'aria-label': 'banned participants' });
  const item = (m) => h('li', { id: `chat-${m.id}` }, h('strong', {}, m.name), m.room ? h('span', { class: 'muted' }, ` room ${m.room}`) : null, ' ', m.text, ' ',
    h('button', { type: 'button', class: 'small ghost', onclick: (ev) => act(ev.currentTarget, () => host.chat.delete(m.id), 'Deleted') }, 'Delete'),
    h('button', { type: 'button', class: 'small ghost', onclick: (ev) => act(ev.currentTarget, () => host.ban(m.participant), `${m.name} is banned`) }, 'Ban'));
  fill(list, host.chat.messages.map(item));
  host.chat.onMessage((m) => {
    list.append(item(m));
    list.scrollTop = list.scrollHeight;
  });
  host.chat.onDeleted(({ id }) => document.getElementById(`chat-${id}`)?.remove());
  const slow = h('select', { onchange: (ev) => act(ev.currentTarget, () => host.slowMode(Number(ev.currentTarget.value)), 'Slow mode set') },
    [0, 5000, 15000, 60000].map((ms) => h('option', { value: ms }, ms ? `one message every ${ms / 1000} s` : 'off')));
  host.event.on((e) => (slow.value = String(e.chat?.slowModeMs ?? 0)));
  host.moderation.onChange((m) => fill(bans, (m.bans ?? []).length ? m.bans.map((b) => {
    const pid = typeof b === 'string' ? b : b.participant;
    return h('li', {}, pid, ' ', h('button', { type: 'button', class: 'small ghost', onclick: (ev) => act(ev.currentTarget, () => host.unban(pid), 'Unbanned') }, 'Unban'));
  }) : h('li', { class: 'muted' }, 'Nobody is banned.')));
  return h('div', { class: 'grid console-grid' }, h('div', { class: 'card' }, h('h2', {}, 'Chat'), list),
    h('div', { class: 'card' }, h('h2', {}, 'Moderation'), field('Slow mode', slow), h('h3', {}, 'Banned'), bans));
}

function stagePanel(host) {
  const deck = h('input', { value: 'main', maxlength: 100 });
  // Slides are numbered from 1 on every screen; the command carries the index (from 0).
  const slide = h('input', { type: 'number', min: 1, value: 1 });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  host.slides.onChange((s) => {
    status.textContent = s ? `Showing ${s.deck}, slide ${s.slide + 1}` : 'No slide shown yet.';
    if (s && document.activeElement !== slide) slide.value = String(s.slide + 1);
  });
  const show = (ev, n) => {
    slide.value = String(Math.max(1, n));
    act(ev.currentTarget, () => host.slides.show(deck.value, Number(slide.value) - 1));
  };
  const rooms = h('input', { type: 'number', min: 1, max: 50, value: 4 });
  const assign = h('select', {}, h('option', { value: 'even' }, 'evenly'), h('option', { value: 'random' }, 'at random'));
  const bstate = h('p', { class: 'muted', 'aria-live': 'polite' });
  host.breakout.onChange((b) => (bstate.textContent = b?.open ? `${b.rooms} rooms are open${roomSizes(b)}.` : 'No breakout running.'));
  return h('div', { class: 'grid two' },
    h('div', { class: 'card' }, h('h2', {}, 'Slides'), field('Deck', deck), field('Slide', slide), status,
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: (ev) => show(ev, Number(slide.value) - 1) }, '◀ Previous'),
        h('button', { type: 'button', onclick: (ev) => show(ev, Number(slide.value)) }, 'Show'),
        h('button', { type: 'button', onclick: (ev) => show(ev, Number(slide.value) + 1) }, 'Next ▶'))),
    h('div', { class: 'card' }, h('h2', {}, 'Breakout rooms'), field('Rooms', rooms), field('Assign participants', assign), bstate,
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: (ev) => act(ev.currentTarget, () => host.breakout.open({ rooms: Number(rooms.value), assign: assign.value }), 'Breakout opened') }, 'Open rooms'),
        h('button', { type: 'button', class: 'ghost', onclick: (ev) => act(ev.currentTarget, () => host.breakout.close(), 'Everyone is back') }, 'Close rooms'))));
}

/** ": room 1 has 2 people, room 2 has 1 person" from the breakout snapshot's sizes, when given. */
function roomSizes(b) {
  if (!Array.isArray(b.sizes) || !b.sizes.length) return '';
  return `: ${b.sizes.map((n, i) => `room ${i + 1} has ${n} ${n === 1 ? 'person' : 'people'}`).join(', ')}`;
}

function settingsPanel(host) {
  const title = h('input', { maxlength: 120 });
  const reactions = h('input', { maxlength: 100, class: 'emoji-text' });
  const chat = h('input', { type: 'checkbox' });
  const qa = h('input', { type: 'checkbox' });
  const moderated = h('input', { type: 'checkbox' });
  // Disabled until the first event snapshot filled it: a later fill would undo the host's edits.
  const fields = h('fieldset', { disabled: true });
  let filled = false;
  host.event.on((e) => {
    if (filled) return;
    filled = true;
    fields.disabled = false;
    title.value = e.title;
    reactions.value = (e.reactions ?? []).join(' ');
    chat.checked = e.chat?.enabled !== false;
    qa.checked = e.qa?.enabled !== false;
    moderated.checked = e.qa?.moderated === true;
  });
  const save = h('button', { type: 'submit' }, 'Save settings');
  const check = (label, box) => h('div', { class: 'check' }, box, h('label', { for: box.id || (box.id = `c${Math.random().toString(36).slice(2)}`) }, label));
  const form = h('form', {
    class: 'card',
    onsubmit: (ev) => {
      ev.preventDefault();
      act(save, () => host.configure({
        title: title.value.trim(),
        reactions: [...reactions.value.trim().split(/\s+/).filter(Boolean)],
        chat: { enabled: chat.checked },
        qa: { enabled: qa.checked, moderated: moderated.checked },
      }), 'Saved');
    },
  }, h('h2', {}, 'Event'), fill(fields, h('legend', { class: 'visually-hidden' }, 'Event settings'), field('Title', title), field('Reactions', reactions, 'emoji separated by spaces'),
    check('Chat on', chat), check('Q&A on', qa), check('Moderate questions before they show', moderated), save));
  const exportBox = h('div', { class: 'card' }, h('h2', {}, 'Export'), h('p', { class: 'muted' }, 'Every accepted response of the event.'),
    h('div', { class: 'row' }, ['csv', 'json'].map((f) => h('button', { type: 'button', class: 'ghost', onclick: (ev) => act(ev.currentTarget, () => download(host, f)) }, `Download ${f.toUpperCase()}`))));
  return h('div', { class: 'grid two' }, form, exportBox);
}

async function download(host, format) {
  {
    const text = await host.export(format);
    const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
    const a = h('a', { href: url, download: `${host.code}-responses.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
