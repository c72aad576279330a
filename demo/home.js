// The start page: create an event (then the host console) or join one by its code.
import { hostEvent } from '/sdk/engage.js';
import { act, field, h, sdkOptions } from './ui.js';

export function home(main) {
  document.title = 'Chorus Live';
  const title = h('input', { name: 'title', required: true, maxlength: 120, placeholder: 'Friday all-hands', autocomplete: 'off' });
  const create = h('button', { type: 'submit' }, 'Create event');
  const code = h('input', {
    name: 'code', required: true, maxlength: 6, minlength: 6, placeholder: 'ABC234', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', class: 'code-input', pattern: '[A-Za-z2-9]{6}', inputmode: 'text',
  });
  const join = h('button', { type: 'submit' }, 'Join');

  const createForm = h('form', {
    class: 'card',
    onsubmit: (e) => {
      e.preventDefault();
      act(create, async () => {
        const host = await hostEvent({ ...sdkOptions(), title: title.value });
        host.leave(); // the console connects again by its code and the stored host token
        location.hash = `#/host/${host.code}`;
      });
    },
  }, h('h2', {}, 'Host an event'), field('Event title', title), create);

  const joinForm = h('form', {
    class: 'card',
    onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/join/${code.value.trim().toUpperCase()}`;
    },
  }, h('h2', {}, 'Join an event'), field('Event code', code, '6 letters and digits, shown on the screen'), join);

  main.append(
    h('header', { class: 'hero' }, h('h1', {}, 'Chorus ', h('span', { class: 'accent' }, 'Live')), h('p', { class: 'lead' }, 'Polls, quizzes, Q&A, reactions and chat for audiences of any size.')),
    h('div', { class: 'grid two' }, joinForm, createForm),
  );
  code.focus();
  return () => {};
}
