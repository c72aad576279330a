// The audience's response form for the current activity, by kind. A submitted response says so;
// a refusal (already_voted, too_late, activity_not_open...) shows as a toast with its code.
import { act, countdown, field, h, quizQuestion } from './ui.js';

export function respond(live, activity, s) {
  if (s.kind === 'quiz') return quizForm(live, activity, s);
  if (s.state !== 'open') return h('p', { class: 'muted' }, s.state === 'draft' ? 'Not open yet.' : 'Responses are closed.');
  const you = live.you.value?.votes?.[s.id];
  if (activity.responded && !s.settings?.allowChange) return h('p', { class: 'done' }, '✔ Thanks, your response is in.');
  const form = formFor(s);
  if (!form) return h('p', { class: 'muted' }, `This kind of activity (${s.kind}) has no form here.`);
  const submit = h('button', { type: 'submit' }, activity.responded ? 'Change my response' : 'Send');
  return h('form', {
    class: 'respond',
    onsubmit: (ev) => {
      ev.preventDefault();
      let vote;
      try {
        vote = form.value();
      } catch (e) {
        form.problem.textContent = e.message;
        return;
      }
      form.problem.textContent = '';
      act(submit, () => activity.vote(vote), 'Response sent');
    },
  }, form.el, you && activity.responded ? h('p', { class: 'muted' }, 'You already responded; you may change it.') : null, h('p', { class: 'problem', role: 'alert' }), submit);
}

function formFor(s) {
  const problem = h('p', { class: 'problem', role: 'alert' });
  const wrap = (el, value) => ({ el: h('div', {}, el, problem), value, problem });
  const options = s.options ?? [];
  switch (s.kind) {
    case 'choice': {
      const multi = (s.maxChoices ?? 1) > 1;
      const inputs = options.map((o) => h('input', { type: multi ? 'checkbox' : 'radio', name: `c-${s.id}`, value: o.id, id: `c-${s.id}-${o.id}` }));
      const el = h('fieldset', { class: 'choices' }, h('legend', { class: 'visually-hidden' }, s.title),
        multi ? h('p', { class: 'hint' }, `Pick up to ${s.maxChoices}`) : null,
        options.map((o, i) => h('div', { class: 'choice' }, inputs[i], h('label', { for: inputs[i].id }, o.label))));
      return wrap(el, () => {
        const choices = inputs.filter((i) => i.checked).map((i) => i.value);
        if (!choices.length) throw new Error('Pick an option first.');
        if (choices.length > (s.maxChoices ?? 1)) throw new Error(`Pick at most ${s.maxChoices}.`);
        return { choices };
      });
    }
    case 'rating': {
      const lo = s.min ?? 1;
      const hi = s.max ?? 5;
      const inputs = [];
      for (let v = lo; v <= hi; v++) inputs.push(h('input', { type: 'radio', name: `r-${s.id}`, value: v, id: `r-${s.id}-${v}` }));
      const el = h('fieldset', { class: 'scale' }, h('legend', { class: 'visually-hidden' }, s.title),
        inputs.map((i) => h('div', { class: 'scale-step' }, i, h('label', { for: i.id }, i.value))));
      return wrap(el, () => {
        const picked = inputs.find((i) => i.checked);
        if (!picked) throw new Error('Pick a value first.');
        return { rating: Number(picked.value) };
      });
    }
    case 'ranking': {
      const order = options.map((o) => o.id);
      const list = h('ol', { class: 'ranking', 'aria-label': 'your ranking, best first' });
      const label = (id) => options.find((o) => o.id === id)?.label ?? id;
      const move = (i, d, focusClass) => {
        const j = i + d;
        if (j < 0 || j >= order.length) return;
        [order[i], order[j]] = [order[j], order[i]];
        draw();
        list.children[j]?.querySelector(`.${focusClass}`)?.focus();
      };
      const draw = () => list.replaceChildren(...order.map((id, i) => h('li', {}, h('span', {}, label(id)),
        h('button', { type: 'button', class: 'small ghost up', 'aria-label': `move ${label(id)} up`, disabled: i === 0, onclick: () => move(i, -1, 'up') }, '▲'),
        h('button', { type: 'button', class: 'small ghost down', 'aria-label': `move ${label(id)} down`, disabled: i === order.length - 1, onclick: () => move(i, 1, 'down') }, '▼'))));
      draw();
      return wrap(list, () => ({ ranking: [...order] }));
    }
    case 'wordcloud': {
      const n = s.maxEntries ?? 3;
      const inputs = Array.from({ length: n }, (_, i) => h('input', { maxlength: 40, autocomplete: 'off', placeholder: i === 0 ? 'a word or three' : '' }));
      return wrap(h('div', {}, inputs.map((inp, i) => field(`Word ${i + 1}`, inp))), () => {
        const words = inputs.map((i) => i.value.trim()).filter(Boolean);
        if (!words.length) throw new Error('Type at least one word.');
        return { words };
      });
    }
    case 'text': {
      const text = h('textarea', { rows: 3, maxlength: 280 });
      return wrap(field('Your answer', text), () => {
        if (!text.value.trim()) throw new Error('Write something first.');
        return { text: text.value.trim() };
      });
    }
    default:
      return undefined;
  }
}

/** Answers given on this page, `activity:round:question` → option id (a quiz answers once per question). */
const answered = new Map();

function quizForm(live, quiz, s) {
  const q = quizQuestion(s);
  const parts = [];
  const teams = Array.isArray(s.teams) ? s.teams : [];
  const you = live.you.value;
  if (teams.length && !you?.team) {
    const pick = h('select', {}, h('option', { value: '' }, 'Pick a team'), teams.map((t) => h('option', { value: typeof t === 'string' ? t : t.name }, typeof t === 'string' ? t : t.name)));
    const join = h('button', { type: 'button', class: 'small' }, 'Join team');
    join.addEventListener('click', () => pick.value && act(join, () => quiz.team(pick.value), `You are on team ${pick.value}`));
    parts.push(h('div', { class: 'row' }, field('Team', pick), join));
  }
  const score = quizScore(live, s, q);
  if (score !== undefined || you?.team) parts.push(h('p', { class: 'score' }, score !== undefined ? `Your score: ${score}` : '', score !== undefined && you?.team ? ' · ' : '', you?.team ? `team ${you.team}` : ''));
  if (s.state !== 'open' || !q) {
    parts.push(h('p', { class: 'waiting' }, s.state === 'open' ? 'Get ready: the first question is coming…' : 'The quiz is not running.'));
    return h('div', {}, parts);
  }
  parts.push(h('p', { class: 'question' }, `Question ${q.index + 1}: ${q.text ?? ''}`));
  const mine = myResponse(live, s);
  // After a reload the page's own memory is empty: the `you` state still knows this question's answer.
  const stored = mine?.question === q.index && mine.answer ? mine.answer.choice : undefined;
  if (q.revealed) {
    const given = answered.get(`${s.id}:${s.round}:${q.index}`) ?? stored;
    const right = given !== undefined && given === q.correct;
    parts.push(h('p', { class: right ? 'done' : 'problem' }, given === undefined ? `The answer: ${label(q, q.correct)}` : right ? '✔ Correct!' : `✘ The answer was ${label(q, q.correct)}`));
    return h('div', {}, parts);
  }
  const key = `${s.id}:${s.round}:${q.index}`;
  if (answered.has(key) || stored !== undefined) {
    parts.push(h('p', { class: 'done' }, `✔ Answer locked in: ${label(q, answered.get(key) ?? stored)}`));
    return h('div', {}, parts);
  }
  if (q.deadline) parts.push(countdown(q.deadline, () => live.serverNow(), false));
  const buttons = h('div', { class: 'quiz-options', role: 'group', 'aria-label': 'answers' });
  for (const o of q.options) {
    buttons.append(h('button', {
      type: 'button', class: 'quiz-option',
      onclick: (ev) => {
        act(ev.currentTarget, async () => {
          // Noted before the reply: a redraw while it is on its way (the `you` update) shows it locked in.
          if (answered.size > 500) answered.clear();
          answered.set(key, o.id);
          try {
            await quiz.answer(q.index, o.id);
          } catch (e) {
            answered.delete(key);
            throw e;
          }
          if (buttons.isConnected) buttons.replaceWith(h('p', { class: 'done' }, `✔ Answer locked in: ${o.label}`));
        }, 'Answer locked in');
      },
    }, o.label));
  }
  parts.push(buttons);
  return h('div', {}, parts);
}

/** This participant's response to the quiz in its current round (the `you` state), or undefined. */
function myResponse(live, s) {
  const mine = live.you.value?.votes?.[s.id];
  return mine && typeof mine === 'object' && (typeof mine.round !== 'number' || mine.round === s.round) ? mine : undefined;
}

/**
 * The score to show. At a reveal the quiz snapshot and this participant's `you` state arrive
 * separately: until `you` carries the revealed question's points, the snapshot's leaderboard has the
 * new score (top 10 only); else nothing is shown rather than last question's score beside "Correct!".
 */
export function quizScore(live, s, q) {
  const mine = myResponse(live, s);
  const answeredThis = mine?.question === q?.index && mine?.answer;
  if (q?.revealed && answeredThis && typeof mine.answer.points !== 'number') {
    const board = s.results?.leaderboard ?? s.leaderboard ?? [];
    return board.find((e) => e.participant === live.participant)?.score;
  }
  if (mine && typeof mine.score === 'number') return mine.score;
  return mine ? undefined : 0;
}

function label(q, id) {
  return q.options.find((o) => o.id === id)?.label ?? id;
}
