// Small DOM helpers shared by every page: an element builder, toasts, and the results renderers
// used by both the host console and the display. No framework: a page redraws its parts by
// replacing their children.

/** h('button', {class: 'x', onclick}, 'text', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled form field: the label is tied to the control for screen readers. */
let fieldIds = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldIds}`;
  control.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const t = h('div', { class: `toast ${kind}` }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 6000 : 3000);
}

/** Shows an SDK error (EngageError: code + message) as a toast; returns nothing so it can end a chain. */
export function showError(e) {
  const code = e && e.code ? `${e.code}: ` : '';
  toast(`${code}${e && e.message ? e.message : e}`, 'error');
}

/** Runs an async action from a button, disabling it meanwhile, and reports failures. */
export async function act(button, fn, ok) {
  if (button) button.disabled = true;
  try {
    await fn();
    if (ok) toast(ok);
  } catch (e) {
    showError(e);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Query options shared by every page: ?transport=longpoll|sse|websocket forces one transport. */
export function sdkOptions() {
  const params = new URLSearchParams(location.search || (location.hash.split('?')[1] ?? ''));
  const t = params.get('transport');
  const map = { longpoll: 'polling', polling: 'polling', sse: 'sse', websocket: 'websocket', ws: 'websocket' };
  const chorus = t && map[t] ? { transports: [map[t]] } : {};
  return { url: location.origin, chorus };
}

/** A connection badge that follows the client's state. */
export function connectionBadge(client) {
  const badge = h('span', { class: 'badge', role: 'status', 'aria-live': 'polite' }, client.state);
  const show = (state) => {
    badge.textContent = state === 'connected' ? `live · ${client.transport ?? ''}` : state;
    badge.dataset.state = state;
  };
  show(client.state);
  client.on('state', show);
  client.on('transport', () => show(client.state));
  return badge;
}

const pct = (n, total) => (total > 0 ? Math.round((n / total) * 100) : 0);

/** Results of any poll kind as bars, a word cloud, a histogram or a list; `big` for the display. */
export function renderResults(snapshot, results, { big = false } = {}) {
  if (!results) return h('p', { class: 'muted' }, snapshot.settings?.results === 'voted' ? 'Results appear once you respond.' : 'Results are not shown yet.');
  switch (snapshot.kind) {
    case 'choice':
      return bars((snapshot.options ?? []).map((o) => [o.label, results.counts?.[o.id] ?? 0]), big);
    case 'ranking': {
      const pts = results.ranking ?? {};
      const rows = (snapshot.options ?? []).map((o) => [o.label, pts[o.id] ?? 0]).sort((a, b) => b[1] - a[1]);
      return bars(rows, big, 'points');
    }
    case 'rating': {
      const hist = results.ratings?.histogram ?? {};
      const rows = [];
      for (let v = snapshot.min ?? 1; v <= (snapshot.max ?? 5); v++) rows.push([String(v), hist[v] ?? 0]);
      const mean = results.ratings?.mean;
      return h('div', {}, h('p', { class: big ? 'mean big' : 'mean' }, typeof mean === 'number' ? `Average ${mean.toFixed(1)}` : 'No ratings yet'), bars(rows, big));
    }
    case 'wordcloud':
      return cloud(results.words ?? [], big);
    case 'text':
      return h('ul', { class: 'texts' }, (results.texts ?? []).map((t) => h('li', {}, t.text)));
    case 'quiz':
      return quizResults(snapshot, results, big);
    default:
      return h('pre', {}, JSON.stringify(results, null, 2));
  }
}

export function bars(rows, big, unit = 'votes') {
  const total = rows.reduce((s, [, n]) => s + n, 0);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return h('ol', { class: big ? 'bars big' : 'bars', 'aria-label': 'results' },
    rows.map(([label, n]) => h('li', {},
      h('span', { class: 'bar-label' }, label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill', style: { width: `${(n / max) * 100}%` } })),
      h('span', { class: 'bar-value' }, unit === 'votes' ? `${n} · ${pct(n, total)}%` : `${n} ${unit}`))));
}

export function cloud(words, big) {
  const max = Math.max(1, ...words.map((w) => w.count));
  const sorted = [...words].sort((a, b) => b.count - a.count).slice(0, big ? 60 : 40);
  // Interleave large and small words so the biggest sit in the middle.
  const ordered = [];
  sorted.forEach((w, i) => (i % 2 ? ordered.push(w) : ordered.unshift(w)));
  return h('p', { class: big ? 'cloud big' : 'cloud', 'aria-label': 'word cloud' },
    ordered.map((w, i) => h('span', { class: `w${i % 4}`, style: { fontSize: `${(big ? 1.2 : 0.9) + (w.count / max) * (big ? 3.6 : 1.8)}rem` }, title: `${w.count}` }, w.word, ' ')));
}

export function leaderboard(entries, big) {
  if (!entries?.length) return h('p', { class: 'muted' }, 'No scores yet.');
  return h('ol', { class: big ? 'leaderboard big' : 'leaderboard' },
    entries.map((e, i) => h('li', {}, h('span', { class: 'rank' }, `${i + 1}`), h('span', { class: 'who' }, e.name || e.participant), h('span', { class: 'score' }, String(e.score)))));
}

function quizResults(snapshot, results, big) {
  const q = snapshot.question ?? results.question;
  const parts = [];
  if (q?.revealed && q.counts) {
    const options = q.options ?? snapshot.questions?.[q.index]?.options ?? [];
    parts.push(bars(options.map((o) => [`${o.id === q.correct ? '✔ ' : ''}${o.label}`, q.counts[o.id] ?? 0]), big));
  }
  parts.push(h('h3', {}, 'Leaderboard'), leaderboard(snapshot.leaderboard ?? results.leaderboard, big));
  return h('div', {}, parts);
}

/** The current question of a quiz, from the snapshot or its results. */
export function quizQuestion(snapshot) {
  const q = snapshot.question ?? snapshot.results?.question;
  if (!q) return undefined;
  const def = snapshot.questions?.[q.index];
  return { ...q, text: q.text ?? def?.text, options: q.options ?? def?.options ?? [], timeLimitMs: def?.timeLimitMs };
}

/** A countdown element that ticks until `deadline` (server time, via serverNow). */
export function countdown(deadline, serverNow, big) {
  const el = h('span', { class: big ? 'countdown big' : 'countdown', role: 'timer', 'aria-live': 'off' });
  let shown = false;
  const tick = () => {
    if (el.isConnected) shown = true;
    else if (shown) return; // replaced by a redraw: stop ticking
    const left = Math.max(0, deadline - serverNow());
    el.textContent = left > 0 ? `${Math.ceil(left / 1000)} s` : 'Time is up';
    el.dataset.urgent = left > 0 && left < 5000 ? 'true' : 'false';
    if (left > 0) setTimeout(tick, 250);
  };
  tick();
  return el;
}

export function copyButton(text, label = 'Copy') {
  return h('button', { type: 'button', class: 'ghost', onclick: () => navigator.clipboard?.writeText(text).then(() => toast('Copied'), () => toast(text)) }, label);
}
