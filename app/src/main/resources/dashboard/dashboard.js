// Routing by the URL's hash (#page?params), so nothing but the page name ever goes in a URL.
import {SignedOut, signIn, signOut, token} from './api.js';
import {el} from './dom.js';
import * as pages from './pages.js';

const routes = {overview: pages.overview, deliveries: pages.deliveries, dlq: pages.deadLetters,
  budgets: pages.budgets, jobs: pages.jobs, config: pages.config};

const $ = id => document.getElementById(id);

function showSignIn(message) {
  $('nav').hidden = true;
  $('page').hidden = true;
  $('sign-in-page').hidden = false;
  $('sign-in-error').textContent = message || '';
  $('token').focus();
}

async function render() {
  if (!token()) {
    showSignIn();
    return;
  }
  const [name, query] = (location.hash.slice(1) || 'overview').split('?');
  const page = routes[name] || pages.overview;
  $('sign-in-page').hidden = true;
  $('nav').hidden = false;
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', a.id === 'nav-' + name));
  const section = $('page');
  section.hidden = false;
  try {
    const nodes = await page(new URLSearchParams(query || ''));
    section.replaceChildren(...nodes);
    section.dataset.page = name in routes ? name : 'overview';
    $('status').textContent = 'Loaded ' + new Date().toISOString();
  } catch (e) {
    if (e instanceof SignedOut) {
      showSignIn('The token was refused: ' + e.message);
    } else {
      section.replaceChildren(el('p', {class: 'error', id: 'page-error'}, String(e.message || e)));
    }
  }
}

$('sign-in-form').addEventListener('submit', e => {
  e.preventDefault();
  const value = $('token').value;
  $('token').value = '';
  if (!value.trim()) return showSignIn('Paste the token first.');
  signIn(value);
  render();
});
$('sign-out').addEventListener('click', () => { signOut(); showSignIn('Signed out.'); });
window.addEventListener('hashchange', render);
render();
