// Overview: KPI tiles against the previous period, mentions per bucket by sentiment with the negative share, share of
// voice against the competitors, top sites and authors, and what last month's report flagged. Only public endpoints:
// /v1/stats, /v1/share-of-voice, /v1/top, /v1/reports/monthly.
import { getJson } from '../api-client.js';
import type { MonthlyReport, ShareOfVoiceAnswer, StatsAnswer, StatsRow, TopAnswer } from '../api-types.js';
import { shareOfVoiceChart, volumeChart } from '../charts.js';
import { emptyNote, fill, h, table } from '../dom.js';
import { change, count, dateTime, percent } from '../format.js';
import { rangeHolds, relativeChange } from '../time-range.js';
import type { View, ViewContext } from '../view.js';

interface Totals {
  mentions: number;
  positive: number;
  negative: number;
  scored: number;
  reach: number;
}

export function totalsOf(rows: StatsRow[]): Totals {
  const totals: Totals = { mentions: 0, positive: 0, negative: 0, scored: 0, reach: 0 };
  for (const row of rows) {
    totals.mentions += row.total;
    totals.positive += row.positive;
    totals.negative += row.negative;
    totals.scored += row.total - row.unknown;
    totals.reach += row.reach;
  }
  return totals;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const difference = (value: number | null, previous: number | null) => (value === null || previous === null ? null : value - previous);

function tile(id: string, label: string, value: string, rawValue: number | null, delta: string, note: string): HTMLElement {
  return h(
    'div',
    { class: 'kpi', 'data-kpi': id, 'data-value': rawValue === null ? '' : String(rawValue) },
    h('span', { class: 'kpi-label' }, label),
    h('span', { class: 'kpi-value' }, value),
    h('span', { class: 'kpi-change' }, `${delta} `, h('span', { class: 'visually-hidden' }, note)),
  );
}

let newSinceShown = 0;

export const overviewView: View = {
  title: 'Overview',
  onMention(mention, context) {
    const news = document.getElementById('overview-news');
    // Only what the figures count: a mention of the range, not found by a source's first poll.
    if (news === null || !mention.brands.includes(context.brand.id) || mention.backfill || !rangeHolds(context.range, context.timeZone, mention.occurred_at)) return;
    newSinceShown++;
    news.hidden = false;
    fill(
      news,
      `${newSinceShown} new mention${newSinceShown === 1 ? '' : 's'} since these figures were loaded. `,
      h('button', { type: 'button', class: 'secondary', onclick: () => context.refresh() }, 'Refresh the figures'),
    );
  },
  async render(context: ViewContext) {
    const { brand, range, timeZone } = context;
    newSinceShown = 0;
    const common = { brand: brand.id, tz: timeZone };
    const hasCompetitors = brand.competitors.length > 0;
    const nameOf = (brandId: string) => context.brands.find((each) => each.id === brandId)?.name ?? brandId;
    const [current, previous, voice, previousVoice, sites, authors, report] = await Promise.all([
      getJson<StatsAnswer>('/v1/stats', { ...common, since: range.since, until: range.until, interval: range.interval }),
      getJson<StatsAnswer>('/v1/stats', { ...common, since: range.previous.since, until: range.previous.until, interval: range.interval }),
      hasCompetitors ? getJson<ShareOfVoiceAnswer>('/v1/share-of-voice', { ...common, since: range.since, until: range.until, interval: range.interval }) : null,
      hasCompetitors ? getJson<ShareOfVoiceAnswer>('/v1/share-of-voice', { ...common, since: range.previous.since, until: range.previous.until, interval: range.interval }) : null,
      getJson<TopAnswer>('/v1/top', { ...common, since: range.since, until: range.until, by: 'site', limit: 10 }),
      getJson<TopAnswer>('/v1/top', { ...common, since: range.since, until: range.until, by: 'author', limit: 10 }),
      getJson<{ data: MonthlyReport }>('/v1/reports/monthly', { brand: brand.id, tz: timeZone }),
    ]);
    if (!context.isCurrent()) return;

    const now = totalsOf(current.data);
    const before = totalsOf(previous.data);
    const negativeShare = share(now.negative, now.scored);
    const previousNegativeShare = share(before.negative, before.scored);
    const net = now.scored === 0 ? null : (now.positive - now.negative) / now.scored;
    const previousNet = before.scored === 0 ? null : (before.positive - before.negative) / before.scored;
    const voiceShare = voice?.data.find((entry) => entry.brand === brand.id)?.share ?? null;
    const previousVoiceShare = previousVoice?.data.find((entry) => entry.brand === brand.id)?.share ?? null;
    const against = 'against the previous period of the same length';

    const tiles = h(
      'div',
      { class: 'kpis', role: 'group', 'aria-label': 'Key figures' },
      tile('mentions', 'Mentions', count(now.mentions), now.mentions, change(relativeChange(now.mentions, before.mentions), 'relative'), against),
      tile('negative-share', 'Negative share', percent(negativeShare, 1), negativeShare, change(difference(negativeShare, previousNegativeShare), 'points'), against),
      tile('net-sentiment', 'Net sentiment', net === null ? '–' : `${net >= 0 ? '+' : '−'}${Math.abs(net * 100).toFixed(0)}`, net, change(difference(net, previousNet), 'points'), against),
      tile('reach', 'Reach', count(now.reach), now.reach, change(relativeChange(now.reach, before.reach), 'relative'), against),
      hasCompetitors
        ? tile('share-of-voice', 'Share of voice', percent(voiceShare, 1), voiceShare, change(difference(voiceShare, previousVoiceShare), 'points'), against)
        : null,
    );

    const volume = h('div', { class: 'chart', id: 'volume-chart' });
    const peak = current.data.reduce<StatsRow | null>((best, row) => (best === null || row.total > best.total ? row : best), null);
    const volumeFigure = h(
      'figure',
      { class: 'panel wide' },
      h('figcaption', {}, h('h3', {}, `Mentions per ${range.interval} by sentiment`), h('p', { class: 'hint' }, 'Bars stacked by sentiment (negative hatched, at the bottom); the dashed line is the negative share of scored mentions (right axis).')),
      volume,
      h(
        'p',
        { class: 'visually-hidden' },
        `${count(now.mentions)} mentions in ${current.data.length} ${range.interval}s${peak !== null && peak.total > 0 ? `, most (${count(peak.total)}) in the ${range.interval} from ${dateTime(peak.bucket, timeZone)}` : ''}.`,
      ),
    );

    const voicePanel = h('figure', { class: 'panel wide' }, h('figcaption', {}, h('h3', {}, 'Share of voice')));
    const voiceChart = h('div', { class: 'chart', id: 'voice-chart' });
    if (voice === null) voicePanel.append(emptyNote(`${brand.name} has no competitors configured (brands[].competitors), so there is nothing to compare.`));
    else
      voicePanel.append(
        voiceChart,
        table(
          'Share of voice over the range',
          ['Brand', 'Mentions', 'Share'],
          voice.data.map((entry) => [nameOf(entry.brand), count(entry.value), percent(entry.share, 1)]),
        ),
      );

    const topTable = (caption: string, heading: string, answer: TopAnswer, none: string) =>
      answer.data.length === 0
        ? h('div', { class: 'panel' }, h('h3', {}, caption), emptyNote(none))
        : h(
            'div',
            { class: 'panel' },
            table(caption, [heading, 'Mentions', 'Negative'], answer.data.map((entry) => [entry.key ?? '(unknown)', count(entry.mentions), `${count(entry.negative)} (${percent(entry.negative_share)})`])),
          );

    const flags = report.data.flags;
    const section = h(
      'section',
      {
        id: 'overview',
        'aria-labelledby': 'view-title',
        'data-since': current.since,
        'data-until': current.until,
        'data-interval': current.interval,
        'data-tz': current.tz,
      },
      h('h2', { id: 'view-title' }, `Overview — ${brand.name}`),
      h('p', { class: 'period' }, `${range.label}: ${dateTime(current.since, timeZone)} to ${dateTime(current.until, timeZone)} (${timeZone}).`),
      h('p', { id: 'overview-news', class: 'news', hidden: true }),
      tiles,
      volumeFigure,
      voicePanel,
      h(
        'div',
        { class: 'columns' },
        topTable('Top sites', 'Site', sites, 'No mentions in this range.'),
        topTable('Top authors', 'Author', authors, 'No mentions with a named author in this range.'),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, `Monthly report, ${report.data.month}`),
        flags.length === 0 ? emptyNote('Nothing changed significantly against the month before.') : h('ul', { class: 'flags' }, ...flags.map((flag) => h('li', {}, flag))),
      ),
    );
    fill(context.main, section);
    if (now.mentions === 0) volume.append(emptyNote('No mentions in this range.'));
    volumeChart(volume, current.data, timeZone);
    if (voice !== null) shareOfVoiceChart(voiceChart, voice, brand.id, timeZone, nameOf);
  },
};
