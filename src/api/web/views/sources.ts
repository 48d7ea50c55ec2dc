// Sources: every configured source feeding the brand with its health (status, last success, last error, mentions),
// and "poll now" for admins (POST /v1/sources/:id/poll; webhook sources are pushed to and never polled). A warning
// (what the last successful poll left out) sits under the status, apart from the error: a source can be ok with one.
import { getJson, sendJson } from '../api-client.js';
import type { Source } from '../api-types.js';
import { emptyNote, fill, h, table } from '../dom.js';
import { count, dateTime, statusBadge } from '../format.js';
import { isAdmin, type View, type ViewContext } from '../view.js';

/** The source's last_warning under its status badge, marked as a warning so it is not read as a failure. */
function warningNote(warning: string | null): HTMLElement | null {
  if (warning === null) return null;
  return h('p', { class: 'source-warning' }, h('span', { class: 'badge status-warn' }, h('span', { 'aria-hidden': 'true' }, '⚠'), ' warning'), ' ', h('span', { class: 'warning-text' }, warning));
}

function pollButton(source: Source, context: ViewContext): HTMLElement | null {
  if (!isAdmin(context.key) || source.every === null) return null;
  const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'poll', 'aria-label': `Poll ${source.id} now` }, 'Poll now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const answer = await sendJson<{ data: { job_id: string } }>('POST', `/v1/sources/${encodeURIComponent(source.id)}/poll`);
      context.say(`Poll of ${source.id} queued (job ${answer?.data.job_id ?? '?'}); reload the view in a moment to see its outcome.`);
    } catch (error) {
      context.fail(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export const sourcesView: View = {
  title: 'Sources',
  async render(context: ViewContext) {
    const all = (await getJson<{ data: Source[] }>('/v1/sources')).data;
    if (!context.isCurrent()) return;
    const feeding = all.filter((source) => source.brands === null || source.brands.includes(context.brand.id));
    const headers = ['Source', 'Status', 'Last success', 'Last poll', 'Last error', 'Mentions', ...(isAdmin(context.key) ? ['Action'] : [])];
    const rows = feeding.map((source) => [
      h('span', {}, h('strong', {}, source.id), h('br'), `${source.type}${source.every === null ? ', pushed by webhook' : `, every ${source.every}`}`),
      h(
        'span',
        {},
        statusBadge(source.status),
        source.consecutive_failures > 0 ? ` ${source.consecutive_failures} failure${source.consecutive_failures === 1 ? '' : 's'} in a row` : '',
        source.retry_at === null ? '' : `, retry after ${dateTime(source.retry_at, context.timeZone)}`,
        warningNote(source.last_warning),
      ),
      dateTime(source.last_ok_at, context.timeZone),
      dateTime(source.last_polled_at, context.timeZone),
      source.last_error ?? '–',
      `${count(source.mentions_total)}${source.last_mention_seen_at === null ? '' : `, newest seen ${dateTime(source.last_mention_seen_at, context.timeZone)}`}`,
      ...(isAdmin(context.key) ? [pollButton(source, context)] : []),
    ]);
    const unhealthy = feeding.filter((source) => !['ok', 'new'].includes(source.status)).length;
    const warned = feeding.filter((source) => source.last_warning !== null).length;
    fill(
      context.main,
      h(
        'section',
        { id: 'sources', 'aria-labelledby': 'view-title' },
        h('h2', { id: 'view-title' }, `Sources — ${context.brand.name}`),
        h('p', { class: 'period' }, `${feeding.length} source${feeding.length === 1 ? '' : 's'} feed this brand; ${unhealthy === 0 ? 'all healthy' : `${unhealthy} need${unhealthy === 1 ? 's' : ''} attention`}${warned === 0 ? '' : `; ${warned} with ${warned === 1 ? 'a warning' : 'warnings'}`}. Times in ${context.timeZone}.`),
        feeding.length === 0 ? emptyNote('No source feeds this brand.') : h('div', { class: 'table-scroll' }, table('Source health', headers, rows)),
      ),
    );
  },
};
