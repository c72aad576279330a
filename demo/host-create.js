// The host's form for a new activity of any kind: choice, rating, ranking, word cloud, open text, quiz.
import { act, field, h, showError } from './ui.js';

const KINDS = [
  ['choice', 'Multiple choice'],
  ['rating', 'Rating scale'],
  ['ranking', 'Ranking'],
  ['wordcloud', 'Word cloud'],
  ['text', 'Open text'],
  ['quiz', 'Quiz'],
];

export function activityForm(host, created) {
  const kind = h('select', {}, KINDS.map(([v, l]) => h('option', { value: v }, l)));
  const title = h('input', { required: true, maxlength: 280, placeholder: 'What should we have for lunch?' });
  const options = h('textarea', { rows: 4, placeholder: 'Pizza\nSushi\nSalad' });
  const maxChoices = h('input', { type: 'number', min: 1, max: 20, value: 1 });
  const min = h('input', { type: 'number', value: 1 });
  const max = h('input', { type: 'number', value: 5 });
  const maxEntries = h('input', { type: 'number', min: 1, max: 10, value: 3 });
  const questions = h('textarea', { rows: 5, placeholder: 'Capital of France? | Paris* | Lyon | Nice\n2 + 2? | 3 | 4* | 5' });
  const timeLimit = h('input', { type: 'number', min: 5, max: 300, value: 20 });
  const teams = h('input', { placeholder: 'Red, Blue (optional)' });
  const results = h('select', {}, h('option', { value: 'live' }, 'live, to everyone'), h('option', { value: 'voted' }, 'to those who responded'), h('option', { value: 'closed' }, 'when closed'));
  const allowChange = h('input', { type: 'checkbox', id: 'allow-change' });
  const moderated = h('input', { type: 'checkbox', id: 'moderated-entries' });
  const rooms = h('input', { type: 'checkbox', id: 'scope-rooms' });
  const check = (box, label) => h('div', { class: 'check' }, box, h('label', { for: box.id }, label));

  const groups = {
    options: field('Options, one per line', options),
    maxChoices: field('Choices per person', maxChoices),
    scale: h('div', { class: 'row' }, field('From', min), field('To', max)),
    maxEntries: field('Words per person', maxEntries),
    questions: field('Questions, one per line', questions, 'Question | option | option…, mark the correct option with *'),
    quiz: h('div', { class: 'row' }, field('Seconds per question', timeLimit), field('Teams', teams)),
    moderated: check(moderated, 'Entries wait for moderation'),
    allowChange: check(allowChange, 'People may change their answer'),
  };
  const shown = {
    choice: ['options', 'maxChoices', 'allowChange'],
    rating: ['scale', 'allowChange'],
    ranking: ['options', 'allowChange'],
    wordcloud: ['maxEntries', 'moderated'],
    text: ['moderated'],
    quiz: ['questions', 'quiz'],
  };
  const update = () => {
    for (const [name, el] of Object.entries(groups)) el.hidden = !shown[kind.value].includes(name);
  };
  kind.addEventListener('change', update);
  update();

  const submit = h('button', { type: 'submit' }, 'Create');
  const form = h('form', {
    onsubmit: (ev) => {
      ev.preventDefault();
      let def;
      try {
        def = definition();
      } catch (e) {
        showError(e);
        return;
      }
      act(submit, async () => {
        await host.createActivity(def);
        created(def.id);
        title.value = '';
      }, 'Created');
    },
  }, field('Kind', kind), field('Title', title), Object.values(groups), field('Show results', results), check(rooms, 'Tally per breakout room too'), submit);

  function definition() {
    const id = `${title.value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 20) || 'activity'}-${Math.random().toString(36).slice(2, 6)}`;
    const base = { id, title: title.value.trim(), results: results.value, scope: rooms.checked ? 'rooms' : 'event' };
    const opts = () => lines(options.value).map((label, i) => ({ id: `o${i + 1}`, label }));
    switch (kind.value) {
      case 'choice': return { ...base, kind: 'choice', options: opts(), maxChoices: Number(maxChoices.value), allowChange: allowChange.checked };
      case 'rating': return { ...base, kind: 'rating', min: Number(min.value), max: Number(max.value), allowChange: allowChange.checked };
      case 'ranking': return { ...base, kind: 'ranking', options: opts(), allowChange: allowChange.checked };
      case 'wordcloud': return { ...base, kind: 'wordcloud', maxEntries: Number(maxEntries.value), moderated: moderated.checked };
      case 'text': return { ...base, kind: 'text', moderated: moderated.checked };
      default: return { ...base, kind: 'quiz', questions: quiz(questions.value, Number(timeLimit.value) * 1000), teams: teams.value.split(',').map((t) => t.trim()).filter(Boolean) };
    }
  }
  return form;
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** "Question | a | b* | c" per line → quiz questions; the starred option is correct. */
function quiz(text, timeLimitMs) {
  return lines(text).map((line, n) => {
    const [q, ...opts] = line.split('|').map((s) => s.trim());
    const options = opts.filter(Boolean).map((label, i) => ({ id: `o${i + 1}`, label: label.replace(/\*$/, '').trim(), correct: label.endsWith('*') }));
    const correct = options.find((o) => o.correct);
    if (!q || options.length < 2 || !correct) throw Object.assign(new Error(`question ${n + 1}: give the question, at least two options, and mark the correct one with *`), { code: 'invalid_command' });
    return { text: q, options: options.map(({ id, label }) => ({ id, label })), correct: correct.id, timeLimitMs };
  });
}
