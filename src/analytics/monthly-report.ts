// The monthly KPI report of a brand: the month's figures against the previous month and the three before it, flags
// in words, what drove the buzz (sites, authors, terms) and the worst mentions, from the same counts as /v1/stats.
import { DateTime } from 'luxon';
import type { BrandConfig } from '../config/schema.js';
import type { Database } from '../store/database.js';
import {
  FACET_GRAIN_MS,
  alertEpisodeCounts,
  facetCounts,
  sampleMentionTexts,
  sentimentCounts,
  worstMentions,
  type FacetRow,
} from '../store/stats-queries.js';
import { brandWordsOf } from './brand-words.js';
import { bucketStarts, bucketsAlignWithGrain } from './buckets.js';
import { reportFigures, reportFlags, type Figure, type FigureName, type MonthCounts } from './report-figures.js';
import { SIGNIFICANCE_LEVEL } from './significance.js';
import { rankTerms } from './terms.js';
import type { TopRow } from './top.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** The month and the three before it: previous month and baseline. */
const MONTHS_READ = 4;
const TOP_LIMIT = 10;
const WORST_LIMIT = 5;
/** Terms of a report are read from at most this many texts of the month (an even sample beyond). */
const REPORT_TERM_SAMPLE = 2_000;
const SNIPPET_CHARS = 280;

export function isReportMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The last complete month in `zone` at `now`, as "2026-11". */
export function lastCompleteMonth(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
}

export interface ReportRequest {
  brand: BrandConfig;
  competitors: BrandConfig[];
  /** "2026-11" */
  month: string;
  zone: string;
}

export interface WorstMentionEntry {
  id: string;
  url: string | null;
  title: string | null;
  snippet: string;
  site: string;
  author: string | null;
  occurred_at: string;
  reach: number | null;
  sentiment_score: number;
}

export interface MonthlyReport {
  brand: { id: string; name: string };
  competitors: string[];
  month: string;
  tz: string;
  since: string;
  until: string;
  previous_month: string;
  baseline_months: string[];
  figures: Record<FigureName, Figure>;
  flags: string[];
  /** Month by month, oldest first: what the figures were computed from (and what the charts draw). */
  months: Array<{ month: string; mentions: number; positive: number; neutral: number; negative: number; unknown: number; reach: number; sites: number; authors: number; share_of_voice: number | null; alert_episodes: number }>;
  /** Mentions per day of the month (for the chart). */
  days: Array<{ day: string; mentions: number; negative: number }>;
  top: { sites: TopRow[]; authors: TopRow[]; terms: TopRow[] };
  worst_mentions: WorstMentionEntry[];
  method: string;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const monthKey = (start: Date, zone: string) => DateTime.fromJSDate(start, { zone }).toFormat('yyyy-MM');

function topOf(rows: readonly FacetRow[], monthStart: Date): TopRow[] {
  return rows
    .filter((row) => row.bucketStart?.getTime() === monthStart.getTime() && row.key !== '')
    .sort((a, b) => b.total - a.total || b.negative - a.negative || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, TOP_LIMIT)
    .map((row) => ({ key: row.key, mentions: row.total, negative: row.negative, negative_share: ratio(row.negative, row.total), reach: row.reach }));
}

function distinctKeys(rows: readonly FacetRow[], monthStart: Date): number {
  return rows.filter((row) => row.bucketStart?.getTime() === monthStart.getTime() && row.key !== '' && row.total > 0).length;
}

export async function buildMonthlyReport(database: Database, allBrands: readonly BrandConfig[], request: ReportRequest): Promise<MonthlyReport> {
  const { brand, zone } = request;
  const monthStart = DateTime.fromFormat(request.month, 'yyyy-MM', { zone }).startOf('month');
  const monthEnd = monthStart.plus({ months: 1 });
  const firstStart = monthStart.minus({ months: MONTHS_READ - 1 });
  const since = firstStart.toJSDate();
  const until = monthEnd.toJSDate();
  const monthStarts = bucketStarts(since, until, 'month', zone);
  const dayStarts = bucketStarts(since, until, 'day', zone);
  const brandScope = { brandIds: [brand.id], since, until, includeBackfill: false };
  const monthScope = { brandIds: [brand.id], since: monthStart.toJSDate(), until, includeBackfill: false };
  const monthly = { interval: 'month' as const, zone, rollupFits: true };
  const facetBucketing = { interval: 'month' as const, zone, rollupFits: bucketsAlignWithGrain(monthStarts, FACET_GRAIN_MS) };
  const competitorIds = request.competitors.map((competitor) => competitor.id);

  const [voiceRows, dailyRows, siteRows, authorRows, episodeRows, sample, worst] = await Promise.all([
    sentimentCounts(database, { ...brandScope, brandIds: [brand.id, ...competitorIds] }, monthly),
    sentimentCounts(database, brandScope, { interval: 'day', zone, rollupFits: true }),
    facetCounts(database, brandScope, 'site', facetBucketing),
    facetCounts(database, brandScope, 'author', facetBucketing),
    alertEpisodeCounts(database, brandScope, monthly),
    sampleMentionTexts(database, monthScope, REPORT_TERM_SAMPLE),
    worstMentions(database, monthScope, WORST_LIMIT),
  ]);

  const months: MonthCounts[] = monthStarts.map((start, index) => {
    const end = monthStarts[index + 1] ?? until;
    const at = (rows: typeof voiceRows, brandId: string) => rows.find((row) => row.brandId === brandId && row.bucketStart?.getTime() === start.getTime());
    const own = at(voiceRows, brand.id);
    const competitorsTotal = competitorIds.reduce((sum, id) => sum + (at(voiceRows, id)?.total ?? 0), 0);
    const daysOfMonth = dayStarts.filter((day) => day >= start && day < end);
    const reachByDay = new Map(dailyRows.map((row) => [row.bucketStart?.getTime(), row.reach]));
    return {
      month: monthKey(start, zone),
      days: daysOfMonth.length,
      mentions: own?.total ?? 0,
      positive: own?.positive ?? 0,
      neutral: own?.neutral ?? 0,
      negative: own?.negative ?? 0,
      unknown: own?.unknown ?? 0,
      reach: own?.reach ?? 0,
      dailyReach: daysOfMonth.map((day) => reachByDay.get(day.getTime()) ?? 0),
      sites: distinctKeys(siteRows, start),
      authors: distinctKeys(authorRows, start),
      voiceTotal: competitorIds.length === 0 ? null : (own?.total ?? 0) + competitorsTotal,
      alertEpisodes: episodeRows.find((row) => row.bucketStart.getTime() === start.getTime())?.episodes ?? 0,
    };
  });
  const figures = reportFigures(months);
  const scale = sample.mentions.length > 0 ? sample.of / sample.mentions.length : 1;
  const reportStart = monthStart.toJSDate();
  const dailyByStart = new Map(dailyRows.map((row) => [row.bucketStart?.getTime(), row]));
  return {
    brand: { id: brand.id, name: brand.name },
    competitors: competitorIds,
    month: request.month,
    tz: zone,
    since: reportStart.toISOString(),
    until: until.toISOString(),
    previous_month: months.at(-2)?.month ?? '',
    baseline_months: months.slice(0, -1).map((month) => month.month),
    figures,
    flags: reportFlags(months, figures),
    months: months.map((month) => ({
      month: month.month,
      mentions: month.mentions,
      positive: month.positive,
      neutral: month.neutral,
      negative: month.negative,
      unknown: month.unknown,
      reach: month.reach,
      sites: month.sites,
      authors: month.authors,
      share_of_voice: month.voiceTotal === null ? null : ratio(month.mentions, month.voiceTotal),
      alert_episodes: month.alertEpisodes,
    })),
    days: dayStarts
      .filter((day) => day >= reportStart)
      .map((day) => ({
        day: DateTime.fromJSDate(day, { zone }).toFormat('yyyy-MM-dd'),
        mentions: dailyByStart.get(day.getTime())?.total ?? 0,
        negative: dailyByStart.get(day.getTime())?.negative ?? 0,
      })),
    top: {
      sites: topOf(siteRows, reportStart),
      authors: topOf(authorRows, reportStart),
      terms: rankTerms(sample.mentions, 'term', brandWordsOf(allBrands, brand.id), TOP_LIMIT).map((term) => ({
        key: term.key,
        mentions: Math.round(term.mentions * scale),
        negative: Math.round(term.negative * scale),
        negative_share: ratio(term.negative, term.mentions),
        reach: Math.round(term.reach * scale),
      })),
    },
    worst_mentions: worst.map((mention) => ({
      id: mention.id,
      url: mention.url,
      title: mention.title,
      snippet: mention.text.length > SNIPPET_CHARS ? `${mention.text.slice(0, SNIPPET_CHARS - 1)}…` : mention.text,
      site: mention.site,
      author: mention.author,
      occurred_at: mention.occurredAt.toISOString(),
      reach: mention.reach,
      sentiment_score: mention.sentimentScore,
    })),
    method:
      `Figures compare the month with the previous month (significant, direction) and with the mean of the three months ` +
      `before it (baseline). Significant means p < ${SIGNIFICANCE_LEVEL}: Poisson rate test for counts (mentions, sites, ` +
      `authors, alert episodes; per day of each period), two-proportion z-test for shares, a z-test for net sentiment, ` +
      `Welch's t-test on daily reach. Backfill is left out; shares count scored mentions (not "unknown").` +
      (sample.mentions.length < sample.of ? ` Terms from an even sample of ${sample.mentions.length} of ${sample.of} mentions.` : ''),
  };
}
