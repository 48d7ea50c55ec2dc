// The dashboard's shell: sign-in, the brand and time-range toolbar, the views (chosen by the URL's #fragment), the
// status line and the error banner, and the live stream that feeds the views.
import './app.css';
import { ApiProblem, getJson } from './api-client.js';
import type { Brand, KeyInfo } from './api-types.js';
import { byId, fill, h } from './dom.js';
import { viewerTimeZone } from './format.js';
import { forgetKey, keepKey, currentKey } from './session.js';
import { startLive, type LiveState, type LiveStream } from './live.js';
import { PRESETS, rangeParameters, type Preset, type RangeParameters } from './time-range.js';
import type { View, ViewContext } from './view.js';
import { alertsView } from './views/alerts.js';
import { mentionsView } from './views/mentions.js';
import { overviewView } from './views/overview.js';
import { sourcesView } from './views/sources.js';
import { storiesView } from './views/stories.js';

const VIEWS: Record<string, View> = {
  overview: overviewView,
  mentions: mentionsView,
  alerts: alertsView,
  sources: sourcesView,
  stories: storiesView,
};

interface Signed {
  key: KeyInfo;
  brands: Brand[];
}

const state = {
  signed: null as Signed | null,
  brandId: sessionStorage.getItem('buzzwatch.brand') ?? '',
  preset: (sessionStorage.getItem('buzzwatch.range') ?? '30d') as Preset,
  customFrom: '',
  customTo: '',
  timeZone: viewerTimeZone(),
  generation: 0,
  context: null as ViewContext | null,
  view: null as View | null,
  live: null as LiveStream | null,
};

const main = byId('main');
const status = byId('status');
const problem = byId('problem');

function say(text: string): void {
  status.textContent = text;
}

function showProblem(text: string | null): void {
  problem.hidden = text === null;
  fill(problem, text ?? '');
}

function fail(error: unknown): void {
  if (error instanceof ApiProblem) {
    if (error.signedOut) return signOut(error.message);
    showProblem(error.message);
  } else if (error instanceof RangeError) {
    showProblem(error.message);
  } else {
    showProblem(`Something went wrong on this page: ${(error as Error).message ?? String(error)}`);
  }
  say('');
}

function signOut(message: string | null): void {
  state.live?.stop();
  state.live = null;
  forgetKey();
  state.signed = null;
  state.generation++;
  byId('nav').hidden = true;
  byId('who').hidden = true;
  byId('toolbar').hidden = true;
  showProblem(message);
  renderSignIn();
}

function renderSignIn(): void {
  document.title = 'Sign in — buzzwatch';
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Paste an API key from the api.keys section of the buzzwatch config. It is kept in this tab only and sent to this server in a header, never in a link.'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(input.value.trim());
  });
  fill(main, form);
  input.focus();
}

async function signIn(key: string): Promise<void> {
  if (key === '') return;
  say('Checking the key…');
  keepKey(key);
  await start();
}

async function start(): Promise<void> {
  try {
    const [key, brands] = await Promise.all([getJson<{ data: KeyInfo }>('/v1/key'), getJson<{ data: Brand[] }>('/v1/brands')]);
    state.signed = { key: key.data, brands: brands.data };
  } catch (error) {
    if (error instanceof ApiProblem && error.signedOut) return signOut(error.message);
    forgetKey();
    fail(error);
    renderSignIn();
    return;
  }
  showProblem(null);
  const { key } = state.signed;
  byId('nav').hidden = false;
  const who = byId('who');
  who.hidden = false;
  fill(
    who,
    h('span', { id: 'key-name' }, `Signed in as ${key.name}`),
    ' ',
    h('span', { id: 'key-scope', class: `badge scope-${key.scope}` }, key.scope === 'read' ? 'read-only' : key.scope),
    ' ',
    ' ',
    h('span', { id: 'live', class: 'live live-off', title: 'Live updates: new mentions and alert changes appear without reloading' }, 'Connecting…'),
    ' ',
    h('button', { type: 'button', class: 'link-button', onclick: () => signOut(null) }, 'Sign out'),
  );
  state.live?.stop();
  state.live = startLive({
    mention: (mention) => {
      const shown = currentView();
      shown?.view.onMention?.(mention, shown.context);
    },
    alert: (alert) => {
      const shown = currentView();
      shown?.view.onAlert?.(alert, shown.context);
    },
    state: showLiveState,
    refused: (problem) => signOut(problem.message),
  });
  if (!state.signed.brands.some((brand) => brand.id === state.brandId)) state.brandId = state.signed.brands[0]?.id ?? '';
  renderToolbar();
  if (location.hash === '' || !(viewName() in VIEWS)) history.replaceState(null, '', '#/overview');
  await renderView();
}

const LIVE_WORDS: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', off: 'Live off' };

function showLiveState(live: LiveState, detail: string): void {
  const badge = document.getElementById('live');
  if (badge === null) return;
  badge.textContent = LIVE_WORDS[live];
  badge.className = `live ${live === 'live' ? 'live-on' : 'live-off'}`;
  badge.title = live === 'live' ? 'Live updates: new mentions and alert changes appear without reloading' : `Live updates: ${detail}`;
}

function viewName(): string {
  return location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';
}

function renderToolbar(): void {
  const signed = state.signed;
  if (signed === null) return;
  const toolbar = byId('toolbar');
  toolbar.hidden = false;
  const brandSelect = h('select', { id: 'brand', name: 'brand' }, ...signed.brands.map((brand) => h('option', { value: brand.id, selected: brand.id === state.brandId }, brand.name)));
  const rangeSelect = h('select', { id: 'range', name: 'range' }, ...PRESETS.map((preset) => h('option', { value: preset.value, selected: preset.value === state.preset }, preset.label)));
  const from = h('input', { id: 'range-from', type: 'date', value: state.customFrom });
  const to = h('input', { id: 'range-to', type: 'date', value: state.customTo });
  const custom = h(
    'span',
    { class: 'custom-range', hidden: state.preset !== 'custom' },
    h('label', { for: 'range-from' }, 'From'),
    from,
    h('label', { for: 'range-to' }, 'to'),
    to,
    h('button', { type: 'submit' }, 'Show'),
  );
  const form = h(
    'form',
    { class: 'controls', 'aria-label': 'Brand and time range' },
    h('label', { for: 'brand' }, 'Brand'),
    brandSelect,
    h('label', { for: 'range' }, 'Time range'),
    rangeSelect,
    custom,
    h('span', { class: 'timezone', id: 'timezone' }, `Times in ${state.timeZone}`),
  );
  brandSelect.addEventListener('change', () => {
    state.brandId = brandSelect.value;
    sessionStorage.setItem('buzzwatch.brand', state.brandId);
    void renderView();
  });
  rangeSelect.addEventListener('change', () => {
    state.preset = rangeSelect.value as Preset;
    sessionStorage.setItem('buzzwatch.range', state.preset);
    custom.hidden = state.preset !== 'custom';
    if (state.preset === 'custom') {
      from.focus();
      return;
    }
    void renderView();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.customFrom = from.value;
    state.customTo = to.value;
    void renderView();
  });
  fill(toolbar, form);
}

async function renderView(options: { focus?: boolean } = {}): Promise<void> {
  const signed = state.signed;
  if (signed === null) return;
  const name = viewName();
  const view = VIEWS[name] ?? overviewView;
  const generation = ++state.generation;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${view.title} — buzzwatch`;
  showProblem(null);
  let range: RangeParameters;
  try {
    range = rangeParameters(state.preset, new Date(), state.timeZone, { from: state.customFrom, to: state.customTo });
  } catch (error) {
    fail(error);
    return;
  }
  const brand = signed.brands.find((each) => each.id === state.brandId) ?? signed.brands[0];
  if (brand === undefined) {
    fill(main, h('p', { class: 'empty' }, 'No brand is configured: add one to the brands section of the config.'));
    return;
  }
  const context: ViewContext = {
    main,
    key: signed.key,
    brands: signed.brands,
    brand,
    range,
    timeZone: state.timeZone,
    isCurrent: () => generation === state.generation,
    say: (text) => {
      if (generation === state.generation) say(text);
    },
    fail: (error) => {
      if (generation === state.generation) fail(error);
    },
    refresh: () => {
      if (generation === state.generation) void renderView();
    },
  };
  state.context = context;
  state.view = view;
  fill(main, h('p', { class: 'loading', 'aria-busy': 'true' }, `Loading ${view.title.toLowerCase()}…`));
  say(`Loading ${view.title.toLowerCase()}…`);
  if (options.focus === true) main.focus();
  try {
    await view.render(context);
    context.say('');
  } catch (error) {
    context.fail(error);
    if (context.isCurrent()) fill(main, h('p', { class: 'empty' }, `${view.title} could not be shown.`));
  }
}

/** The view on screen and its context, for the live stream. */
export function currentView(): { view: View; context: ViewContext } | null {
  return state.view === null || state.context === null || !state.context.isCurrent() ? null : { view: state.view, context: state.context };
}

window.addEventListener('hashchange', () => void renderView({ focus: true }));

if (currentKey() === null) renderSignIn();
else void start();
