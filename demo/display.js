// The display (#/display/CODE): for a projector. The join code, the current activity's live
// results (bars, word cloud, rating, ranking, quiz question with countdown and leaderboard), top
// questions when nothing is current, and reactions floating up. It follows the event without
// joining it as a participant (watchEvent): `voted` results show here once the host reveals them.
import { watchEvent } from '/sdk/engage.js';
import { countdown, fill, h, quizQuestion, renderResults, sdkOptions } from './ui.js';

const MAX_FLOATING = 40;

export async function displayPage(main, code) {
  document.body.className = 'display';
  main.append(h('p', { class: 'muted' }, `Connecting to ${code}…`));
  let live;
  try {
    live = await watchEvent({ ...sdkOptions(), code });
  } catch (e) {
    fill(main, h('div', { class: 'card' }, h('h1', {}, 'Cannot show this event'), h('p', {}, `${e.code ?? ''} ${e.message}`)));
    return () => {};
  }
  live.onError((e) => console.warn('chorus:', e));
  const host = location.host;
  const title = h('h1', { class: 'display-title' }, code);
  const people = h('span', {});
  const slide = h('span', { class: 'muted' });
  live.event.on((e) => {
    title.textContent = e.title;
    document.title = `${e.title} · display`;
    people.textContent = `${e.participants ?? 0} joined`;
  });
  live.slides.onChange((s) => (slide.textContent = s ? ` · slide ${s.slide + 1}` : ''));
  const stage = h('section', { class: 'stage', 'aria-live': 'polite' });
  const floats = h('div', { class: 'floats', 'aria-hidden': 'true' });

  main.replaceChildren(
    h('header', { class: 'display-head' },
      h('div', {}, title, h('p', { class: 'muted' }, people, slide)),
      h('div', { class: 'display-join' }, h('p', {}, 'Join at ', h('strong', {}, host)), h('p', { class: 'join-code big', 'aria-label': `code ${code.split('').join(' ')}` }, code))),
    stage,
    floats,
  );

  let stop = () => {};
  live.onCurrent((activity) => {
    stop();
    if (!activity) {
      stop = idle(live, stage, code);
      return;
    }
    stop = activity.onChange((s) => drawActivity(live, stage, s));
  });

  live.reactions.on((_, burst) => {
    for (const [emoji, n] of Object.entries(burst)) {
      for (let i = 0; i < Math.min(n, 12) && floats.childElementCount < MAX_FLOATING; i++) {
        const el = h('span', { class: 'float', style: { left: `${5 + Math.random() * 90}%`, animationDelay: `${Math.random() * 0.8}s` } }, emoji);
        el.addEventListener('animationend', () => el.remove());
        floats.append(el);
      }
    }
  });
  return () => {
    stop();
    live.leave();
  };
}

function drawActivity(live, stage, s) {
  const parts = [h('h2', { class: 'stage-title' }, s.title)];
  if (s.kind === 'quiz') {
    const q = quizQuestion(s);
    if (q) {
      parts.push(h('p', { class: 'stage-question' }, `${q.index + 1}. ${q.text ?? ''}`));
      if (!q.revealed) {
        if (q.deadline) parts.push(countdown(q.deadline, () => live.serverNow(), true));
        parts.push(h('ol', { class: 'quiz-board' }, q.options.map((o) => h('li', {}, o.label))));
        parts.push(h('p', { class: 'muted big' }, `${s.responses ?? 0} answers`));
        return fill(stage, parts);
      }
    } else {
      parts.push(h('p', { class: 'stage-question' }, 'Get ready…'));
    }
  } else {
    parts.push(h('p', { class: 'muted big' }, `${s.responses ?? 0} responses${s.state === 'open' ? '' : ' · closed'}`));
  }
  parts.push(renderResults(s, s.results, { big: true }));
  fill(stage, parts);
}

function idle(live, stage, code) {
  const draw = (qs) => {
    const top = qs.filter((q) => !q.answered).slice(0, 5);
    fill(stage, top.length
      ? [h('h2', { class: 'stage-title' }, 'Top questions'), h('ol', { class: 'qa-board' }, top.map((q) => h('li', {}, h('span', { class: 'votes' }, `▲ ${q.upvotes}`), ' ', q.text)))]
      : [h('h2', { class: 'stage-title' }, 'Welcome!'), h('p', { class: 'big' }, 'Join with your phone at ', h('strong', {}, location.host), ' using the code'), h('p', { class: 'join-code huge' }, code)]);
  };
  draw(live.qa.questions);
  return live.qa.onChange(draw);
}
