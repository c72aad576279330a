// Chorus Live: a hash router over four pages. Each page module exports `mount(main, code)` and
// returns a cleanup function (it leaves the event), called when the route changes.
import { home } from './home.js';
import { hostPage } from './host.js';
import { audiencePage } from './audience.js';
import { displayPage } from './display.js';

const routes = [
  [/^#\/host\/([A-Za-z0-9]{6})/, hostPage],
  [/^#\/join\/([A-Za-z0-9]{6})/, audiencePage],
  [/^#\/display\/([A-Za-z0-9]{6})/, displayPage],
];

const main = document.getElementById('main');
let cleanup;

async function route() {
  cleanup?.();
  cleanup = undefined;
  main.replaceChildren();
  document.body.className = '';
  for (const [pattern, page] of routes) {
    const m = pattern.exec(location.hash);
    if (m) {
      cleanup = await page(main, m[1].toUpperCase());
      return;
    }
  }
  cleanup = home(main);
}

window.addEventListener('hashchange', route);
route();
