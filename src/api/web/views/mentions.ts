// Mentions: the filterable, searchable list (q, sentiment, source, language) over the brand and range, paged on
// next_cursor as the list scrolls, with a sentiment correction for write and admin keys and CSV / NDJSON exports.
// New mentions from the live stream appear at the top when they match the filters.
import { download, getJson, sendJson, type Query } from '../api-client.js';
import type { Mention, Source } from '../api-types.js';
import { fill, h, outLink } from '../dom.js';
import { dateTime, sentimentBadge, siteOf, snippet } from '../format.js';
import { rangeHolds } from '../time-range.js';
import { canWrite, type View, type ViewContext } from '../view.js';

const PAGE_SIZE = 50;
const SENTIMENTS = ['positive', 'neutral', 'negative', 'unknown'];

interface Filters {
  q: string;
  sentiment: string;
  source: string;
  lang: string;
}

const filters: Filters = { q: '', sentiment: '', source: '', lang: '' };
let sources: Source[] | null = null;

function baseQuery(context: ViewContext): Query {
  return {
    brand: context.brand.id,
    since: context.range.since,
    until: context.range.until,
    tz: context.timeZone,
    q: filters.q,
    sentiment: filters.sentiment,
    source: filters.source,
    lang: filters.lang,
  };
}

/**
 * Whether a mention from the live stream belongs at the top of the list as filtered (a text search cannot be judged
 * here): one dated before the range (a feed's old item found now) or after it is not in the list at all.
 */
function matchesFilters(mention: Mention, context: ViewContext): boolean {
  if (filters.q !== '') return false;
  if (!mention.brands.includes(context.brand.id)) return false;
  if (!rangeHolds(context.range, context.timeZone, mention.occurred_at)) return false;
  if (filters.sentiment !== '' && mention.sentiment.label !== filters.sentiment) return false;
  if (filters.source !== '' && mention.source.id !== filters.source) return false;
  if (filters.lang !== '' && mention.lang !== filters.lang) return false;
  return true;
}

function overrideControl(mention: Mention, context: ViewContext, replace: (updated: Mention) => void): HTMLElement {
  const id = `override-${mention.id}`;
  const modelLabel = mention.model_sentiment?.label ?? mention.sentiment.label;
  const select = h(
    'select',
    { id },
    h('option', { value: '', selected: mention.sentiment_source === 'model' }, `as scored (${modelLabel})`),
    ...['positive', 'neutral', 'negative'].map((label) => h('option', { value: label, selected: mention.sentiment_source === 'manual' && mention.sentiment.label === label }, label)),
  );
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      const answer = await sendJson<{ data: Mention }>('PATCH', `/v1/mentions/${encodeURIComponent(mention.id)}`, { sentiment: select.value === '' ? null : select.value });
      if (answer !== null) replace(answer.data);
      context.say(`Sentiment ${select.value === '' ? 'returned to the model’s label' : `corrected to ${select.value}`}.`);
    } catch (error) {
      context.fail(error);
      select.disabled = false;
    }
  });
  return h('span', { class: 'override' }, h('label', { for: id }, 'Sentiment'), select);
}

function mentionItem(mention: Mention, context: ViewContext, fresh = false): HTMLLIElement {
  const item = h('li', { class: fresh ? 'mention new' : 'mention', 'data-id': mention.id });
  const render = (current: Mention) => {
    const site = siteOf(current.url);
    const manual = current.sentiment_source === 'manual' ? ' (corrected)' : '';
    fill(
      item,
      h('h3', {}, outLink(current.url, current.title ?? snippet(current.text, 90))),
      h(
        'div',
        { class: 'meta' },
        sentimentBadge(current.sentiment.label, manual),
        h('time', { datetime: current.occurred_at }, dateTime(current.occurred_at, context.timeZone)),
        h('span', {}, `source ${current.source.id}`),
        site === null ? null : h('span', {}, site),
        current.author === null ? null : h('span', {}, `by ${current.author}`),
        current.lang === null ? null : h('span', {}, `language ${current.lang}`),
        current.reach === null ? null : h('span', {}, `reach ${current.reach}`),
      ),
      h('p', {}, snippet(current.text)),
      canWrite(context.key) ? overrideControl(current, context, render) : null,
    );
  };
  render(mention);
  return item;
}

export const mentionsView: View = {
  title: 'Mentions',
  async render(context: ViewContext) {
    sources ??= (await getJson<{ data: Source[] }>('/v1/sources')).data;
    if (!context.isCurrent()) return;
    const field = (id: string, label: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
    const q = h('input', { id: 'filter-q', type: 'search', value: filters.q, placeholder: 'words, "a phrase", -word' });
    const sentiment = h('select', { id: 'filter-sentiment' }, h('option', { value: '' }, 'any'), ...SENTIMENTS.map((label) => h('option', { value: label, selected: label === filters.sentiment }, label)));
    const source = h('select', { id: 'filter-source' }, h('option', { value: '' }, 'any'), ...sources.map((each) => h('option', { value: each.id, selected: each.id === filters.source }, each.id)));
    const lang = h('input', { id: 'filter-lang', type: 'text', value: filters.lang, size: 3, maxlength: 2, pattern: '[a-z]{2}', placeholder: 'en' });
    const form = h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter mentions' },
      field('filter-q', 'Search', q),
      field('filter-sentiment', 'Sentiment', sentiment),
      field('filter-source', 'Source', source),
      field('filter-lang', 'Language', lang),
      h('button', { type: 'submit' }, 'Filter'),
    );
    const list = h('ol', { class: 'mention-list', id: 'mention-list', 'aria-label': 'Mentions, newest first' });
    const more = h('button', { type: 'button', class: 'secondary more', hidden: true }, 'Load more mentions');
    const summary = h('p', { class: 'period', id: 'mention-count', 'aria-live': 'polite' });
    const exportButton = (format: 'csv' | 'ndjson', label: string) => {
      const button = h('button', { type: 'button', class: 'secondary', 'data-export': format }, label);
      button.addEventListener('click', async () => {
        button.disabled = true;
        context.say(`Preparing the ${format.toUpperCase()} export…`);
        try {
          const saved = await download('/v1/mentions/export', { ...baseQuery(context), format }, `mentions.${format}`);
          context.say(`Saved ${saved.name} (${Math.ceil(saved.bytes / 1024)} KiB).`);
        } catch (error) {
          context.fail(error);
        } finally {
          button.disabled = false;
        }
      });
      return button;
    };
    fill(
      context.main,
      h(
        'section',
        { id: 'mentions', 'aria-labelledby': 'view-title', 'data-since': context.range.since, 'data-until': context.range.until, 'data-tz': context.timeZone },
        h('h2', { id: 'view-title' }, `Mentions — ${context.brand.name}`),
        h('p', { class: 'period' }, `${context.range.label} (${context.timeZone}), newest first.`),
        form,
        h('div', { class: 'actions', role: 'group', 'aria-label': 'Export the filtered mentions' }, exportButton('csv', 'Export CSV'), exportButton('ndjson', 'Export NDJSON')),
        summary,
        list,
        more,
      ),
    );

    let cursor: string | null = null;
    let shown = 0;
    let loading = false;
    const loadPage = async (first: boolean) => {
      if (loading) return;
      loading = true;
      more.disabled = true;
      try {
        const page = await getJson<{ data: Mention[]; next_cursor: string | null }>('/v1/mentions', { ...baseQuery(context), limit: PAGE_SIZE, cursor: first ? null : cursor });
        if (!context.isCurrent()) return;
        if (first) list.replaceChildren();
        for (const mention of page.data) list.append(mentionItem(mention, context));
        shown += page.data.length;
        cursor = page.next_cursor;
        more.hidden = cursor === null;
        summary.textContent = shown === 0 ? '' : `${shown} mention${shown === 1 ? '' : 's'} shown${cursor === null ? '' : ', more below'}.`;
        if (first && page.data.length === 0) list.append(h('li', { class: 'empty' }, 'No mentions match these filters in this range.'));
      } finally {
        loading = false;
        more.disabled = false;
      }
    };
    more.addEventListener('click', () => void loadPage(false).catch(context.fail));
    // Infinite scroll: the next page loads as the button comes into view (the button stays for keyboard users).
    const observer = new IntersectionObserver((entries) => {
      if (!context.isCurrent()) return observer.disconnect();
      if (entries.some((entry) => entry.isIntersecting) && cursor !== null) void loadPage(false).catch(context.fail);
    });
    observer.observe(more);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      Object.assign(filters, { q: q.value.trim(), sentiment: sentiment.value, source: source.value, lang: lang.value.trim().toLowerCase() });
      shown = 0;
      list.replaceChildren(h('li', { class: 'loading' }, 'Loading…'));
      void loadPage(true).catch(context.fail);
    });
    await loadPage(true);
  },
  onMention(mention, context) {
    const list = document.getElementById('mention-list');
    if (list === null || !matchesFilters(mention, context) || list.querySelector(`[data-id="${CSS.escape(mention.id)}"]`) !== null) return;
    list.querySelector('li.empty')?.remove();
    list.prepend(mentionItem(mention, context, true));
    context.say(`New mention: ${mention.title ?? snippet(mention.text, 80)}`);
  },
};
