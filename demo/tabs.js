// An accessible tab set (WAI-ARIA tabs pattern): arrow keys, Home and End move between tabs.
import { h } from './ui.js';

export function tabs(label, panels) {
  const list = h('div', { role: 'tablist', 'aria-label': label, class: 'tabs' });
  const buttons = [];
  const bodies = [];
  const select = (i, focus) => {
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      bodies[j].hidden = i !== j;
    });
    if (focus) buttons[i].focus();
  };
  panels.forEach(([name, body], i) => {
    const id = `tab-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`;
    const b = h('button', { type: 'button', role: 'tab', id, 'aria-controls': `${id}-panel`, onclick: () => select(i) }, name);
    b.addEventListener('keydown', (e) => {
      const n = buttons.length;
      const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
      if (to !== undefined) {
        e.preventDefault();
        select(to, true);
      }
    });
    buttons.push(b);
    bodies.push(h('section', { role: 'tabpanel', id: `${id}-panel`, 'aria-labelledby': id, class: 'panel', tabindex: '0' }, body));
    list.append(b);
  });
  select(0);
  return h('div', {}, list, bodies);
}
