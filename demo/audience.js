// The audience page (#/join/CODE): a name, then whatever the host shows: vote, answer a quiz
// question against the clock, ask and upvote questions, react, chat (in a breakout room, the room's).
import { joinEvent } from '/sdk/engage.js';
import { respond } from './respond.js';
import { tabs } from './tabs.js';
import { act, connectionBadge, field, fill, h, renderResults, sdkOptions, showError, toast } from './ui.js';

const NAME_KEY = 'chorus.demo.name';

export async function audiencePage(main, code) {
  document.body.className = 'audience';
  const stored = safeGet(NAME_KEY);
  if (stored) return enter(main, code, stored);
  return new Promise((resolve) => {
    const name = h('input', { required: true, maxlength: 40, autocomplete: 'nickname', placeholder: 'Ada' });
    const go = h('button', { type: 'submit' }, 'Join');
    main.append(h('form', {
      class: 'card narrow',
      onsubmit: (ev) => {
        ev.preventDefault();
        safeSet(NAME_KEY, name.value.trim());
        main.replaceChildren();
        resolve(enter(main, code, name.value.trim()));
      },
    }, h('h1', {}, 'Join ', h('span', { class: 'accent' }, code)), field('Your name', name, 'Shown next to your chat messages and on the leaderboard'), go));
    name.focus();
  });
}

async function enter(main, code, name) {
  main.append(h('p', { class: 'muted' }, `Joining ${code}…`));
  let live;
  try {
    live = await joinEvent({ ...sdkOptions(), code, name });
  } catch (e) {
    fill(main, h('div', { class: 'card narrow' }, h('h1', {}, 'Could not join'), h('p', {}, e.code === 'unknown_event' ? `There is no event with the code ${code}.` : `${e.code ?? ''} ${e.message}`),
      h('div', { class: 'row' }, h('a', { class: 'button', href: '#/' }, 'Try another code'), h('button', { type: 'button', class: 'ghost', onclick: () => { safeSet(NAME_KEY, ''); location.reload(); } }, 'Change name'))));
    return () => {};
  }
  live.onError((e) => console.warn('chorus:', e));
  const title = h('h1', { class: 'event-title' }, code);
  const room = h('p', { class: 'room-banner', hidden: true, role: 'status' });
  const slide = h('p', { class: 'muted' });
  live.event.on((e) => {
    title.textContent = e.title;
    document.title = `${e.title} · Chorus Live`;
  });
  live.breakout.onAssigned((r) => {
    room.hidden = r === null;
    room.textContent = r === null ? '' : `You are in breakout room ${r}`;
    if (r !== null) toast(`You are now in room ${r}`);
  });
  live.slides.onChange((s) => (slide.textContent = s ? `Slide ${s.slide + 1}` : ''));
  const roomMembers = roomMembersLine(live);

  const now = h('section', { class: 'card now', 'aria-label': 'now', 'aria-live': 'polite' });
  nowCard(live, now);

  main.replaceChildren(
    h('header', { class: 'audience-head' }, title, h('p', { class: 'muted' }, `${name} · `, connectionBadge(live.client), ' ', slide)),
    room,
    roomMembers,
    now,
    reactionBar(live),
    tabs('Talk', [['Q&A', qaBox(live)], ['Chat', chatBox(live)]]),
  );
  return () => live.leave();
}

/** The current activity: a response form (kept while results update) and the results under it. */
function nowCard(live, box) {
  let stop = () => {};
  live.onCurrent((activity) => {
    stop();
    if (!activity) {
      fill(box, h('p', { class: 'waiting' }, 'Waiting for the host…'));
      return;
    }
    const form = h('div', {});
    const results = h('div', { class: 'results' });
    fill(box, form, results);
    let formKey;
    const draw = (s) => {
      // A quiz redraws when this participant's own state changes too (answer recorded, points, team).
      const mine = s.kind === 'quiz' ? JSON.stringify([live.you.value?.votes?.[s.id] ?? null, live.you.value?.team ?? null]) : '';
      const key = `${s.id}:${s.round}:${s.state}:${s.question?.index ?? ''}:${s.question?.revealed ?? ''}:${activity.responded}:${mine}`;
      if (key !== formKey) {
        formKey = key;
        fill(form, h('h2', {}, s.title), respond(live, activity, s));
      }
      fill(results, s.kind === 'quiz' ? null : renderResults(s, s.results));
    };
    const off = activity.onChange(draw);
    const offYou = live.you.on(() => activity.snapshot && draw(activity.snapshot));
    stop = () => {
      off();
      offYou();
    };
  });
}

function reactionBar(live) {
  const bar = h('div', { class: 'reactions', role: 'group', 'aria-label': 'react' });
  live.event.on((e) => fill(bar, (e.reactions ?? []).map((emoji) => h('button', {
    type: 'button', class: 'emoji', 'aria-label': `react ${emoji}`,
    onclick: (ev) => {
      const b = ev.currentTarget;
      b.classList.remove('pop');
      void b.offsetWidth; // restart the animation
      b.classList.add('pop');
      live.react(emoji).catch((err) => (err.code === 'rate_limited' ? toast('Easy there: a few reactions at a time') : showError(err)));
    },
  }, emoji))));
  return bar;
}

function qaBox(live) {
  const text = h('textarea', { rows: 2, maxlength: 300, required: true, placeholder: 'Ask the speakers…' });
  const anonymous = h('input', { type: 'checkbox', id: 'ask-anon', checked: true });
  const send = h('button', { type: 'submit' }, 'Ask');
  const list = h('ul', { class: 'qa-list', 'aria-label': 'questions' });
  const draw = (qs) => fill(list, qs.length ? qs.map((q) => h('li', { class: q.answered ? 'answered' : '' },
    h('button', {
      type: 'button', class: 'upvote', 'aria-pressed': String(live.qa.upvoted(q.id)), 'aria-label': `upvote (${q.upvotes})`,
      onclick: (ev) => act(ev.currentTarget, async () => {
        await live.qa.upvote(q.id, !live.qa.upvoted(q.id));
        draw(live.qa.questions);
      }),
    }, `▲ ${q.upvotes}`),
    h('span', {}, q.pinned ? '📌 ' : '', q.text, q.author ? h('span', { class: 'muted' }, ` — ${q.author}`) : null, q.answered ? h('span', { class: 'muted' }, ' (answered)') : null))) : h('li', { class: 'muted' }, 'No questions yet. Be the first!'));
  draw(live.qa.questions); // the Q&A channel has no snapshot until a question is published
  live.qa.onChange(draw);
  const form = h('form', {
    onsubmit: (ev) => {
      ev.preventDefault();
      act(send, async () => {
        await live.qa.ask(text.value.trim(), { anonymous: anonymous.checked });
        text.value = '';
      }, live.event.value?.qa?.moderated ? 'Sent: a moderator will review it' : 'Question posted');
    },
  }, field('Your question', text), h('div', { class: 'check' }, anonymous, h('label', { for: 'ask-anon' }, 'Ask anonymously')), send);
  const reviewed = h('p', { class: 'hint', hidden: true }, 'A moderator reviews questions before they appear.');
  live.event.on((e) => (reviewed.hidden = e.qa?.moderated !== true));
  return h('div', {}, form, reviewed, list);
}

/** "In your room: Ada (you), Bob" from the room's presence; hidden in the main event. */
function roomMembersLine(live) {
  const line = h('p', { class: 'room-members', hidden: true, 'aria-live': 'polite' });
  live.breakout.onMembers((members, r) => {
    line.hidden = r.room === null;
    const who = members.map((m) => (m.participant === live.participant ? `${m.name || 'you'} (you)` : m.name || 'someone'));
    if (!r.complete) line.textContent = `${r.count} people in your room`;
    else line.textContent = who.length ? `In your room: ${who.join(', ')}` : 'Looking for the others in your room…';
  });
  return line;
}

function chatBox(live) {
  const log = h('ol', { class: 'chat-log', 'aria-label': 'chat', 'aria-live': 'polite' });
  const text = h('input', { maxlength: 500, required: true, autocomplete: 'off', placeholder: 'Say something nice' });
  const send = h('button', { type: 'submit' }, 'Send');
  const where = h('p', { class: 'muted' });
  const item = (m) => h('li', { id: `msg-${m.id}`, class: m.participant === live.participant ? 'mine' : '' }, h('strong', {}, m.name), m.room ? h('span', { class: 'muted' }, ` · room ${m.room}`) : null, ' ', m.text);
  fill(log, live.chat.messages.map(item));
  live.chat.onMessage((m) => {
    log.append(item(m));
    log.scrollTop = log.scrollHeight;
  });
  live.chat.onDeleted(({ id }) => document.getElementById(`msg-${id}`)?.remove());
  live.breakout.onAssigned((r) => (where.textContent = r === null ? 'Chatting with everyone' : `Chatting with room ${r}`));
  const form = h('form', {
    class: 'chat-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      act(send, async () => {
        try {
          await live.chat.send(text.value.trim());
          text.value = '';
        } catch (e) {
          if (e.code === 'slow_mode') throw Object.assign(new Error(`Slow mode: wait ${Math.ceil((e.retryAfterMs ?? 1000) / 1000)} s`), { code: 'slow_mode' });
          throw e;
        }
      });
    },
  }, h('label', { for: 'chat-text', class: 'visually-hidden' }, 'Message'), Object.assign(text, { id: 'chat-text' }), send);
  live.event.on((e) => {
    const on = e.chat?.enabled !== false;
    text.disabled = send.disabled = !on;
    text.placeholder = on ? 'Say something nice' : 'Chat is off';
  });
  return h('div', {}, where, log, form);
}

function safeGet(k) {
  try {
    return localStorage.getItem(k) || '';
  } catch {
    return '';
  }
}

function safeSet(k, v) {
  try {
    localStorage.setItem(k, v);
  } catch {
    // private mode: asked again next time
  }
}
