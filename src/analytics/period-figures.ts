// The figures of one calendar period of a brand (a month for the report; a day, week or month for digests) against the
// period before and the three before it, with what drove the buzz and the worst mentions: the counting shared by the
// monthly report and digests, so both say the same numbers.
import { DateTime } from 'luxon';
import type { BrandConfig } from '../config/schema.js';
import type { Database } from '../store/database.js';
import {
  alertEpisodeCounts,
  facetCounts,
  sampleMentionTexts,
  sentimentCounts,
  worstMentions,
  type FacetRow,
  type SentimentRow,
} from '../store/stats-queries.js';
import { brandWordsOf } from './brand-words.js';
import { bucketStarts } from './buckets.js';
import { reportFigures, type Figure, type FigureName, type MonthCounts } from './report-figures.js';
import { rankTerms } from './terms.js';
import type { TopRow } from './top.js';

/** The period and the three before it: previous period and baseline. */
const PERIODS_READ = 4;
/** Terms are read from at most this many texts of the period (a sample spread over the period beyond). */
const TERM_SAMPLE = 2_000;
const SNIPPET_CHARS = 280;

export type PeriodInterval = 'day' | 'week' | 'month';

/** What a period is split into for rate tests and reach per unit: hours of a day (23 to 25 of them), days otherwise. */
export const UNIT_OF: Record<PeriodInterval, 'hour' | 'day'> = { day: 'hour', week: 'day', month: 'day' };

export interface PeriodRequest {
  brand: BrandConfig;
  competitors: BrandConfig[];
  interval: PeriodInterval;
  /** Start of the period (midnight in `zone`; a Monday for weeks, the 1st for months). */
  periodStart: Date;
  zone: string;
  /** How many top sites, authors and terms, and worst mentions. */
  topLimit: number;
  worstLimit: number;
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

export interface PeriodFigures {
  since: Date;
  until: Date;
  /** The period and up to three before it, oldest first; `month` holds each period's key (2026-11, 2026-11-03). */
  periods: MonthCounts[];
  figures: Record<FigureName, Figure>;
  /** Counts per unit (hour or day) of all four periods: the report draws its daily chart from them. */
  unitRows: SentimentRow[];
  unitStarts: Date[];
  top: { sites: TopRow[]; authors: TopRow[]; terms: TopRow[] };
  worst_mentions: WorstMentionEntry[];
  /** Texts read for terms, of how many mentions in the period. */
  termSample: { read: number; of: number };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** A period's key: "2026-11" for a month, the date of its first day for a day or a week. */
export function periodKey(start: Date, interval: PeriodInterval, zone: string): string {
  return DateTime.fromJSDate(start, { zone }).toFormat(interval === 'month' ? 'yyyy-MM' : 'yyyy-MM-dd');
}

function topOf(rows: readonly FacetRow[], periodStart: Date, limit: number): TopRow[] {
  return rows
    .filter((row) => row.bucketStart?.getTime() === periodStart.getTime() && row.key !== '')
    .sort((a, b) => b.total - a.total || b.negative - a.negative || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit)
    .map((row) => ({ key: row.key, mentions: row.total, negative: row.negative, negative_share: ratio(row.negative, row.total), reach: row.reach }));
}

function distinctKeys(rows: readonly FacetRow[], periodStart: Date): number {
  return rows.filter((row) => row.bucketStart?.getTime() === periodStart.getTime() && row.key !== '' && row.total > 0).length;
}

export async function buildPeriodFigures(database: Database, allBrands: readonly BrandConfig[], request: PeriodRequest): Promise<PeriodFigures> {
  const { brand, zone, interval } = request;
  const unit = UNIT_OF[interval];
  const start = DateTime.fromJSDate(request.periodStart, { zone });
  const end = start.plus({ [`${interval}s`]: 1 });
  const since = start.minus({ [`${interval}s`]: PERIODS_READ - 1 }).toJSDate();
  const until = end.toJSDate();
  const periodStarts = bucketStarts(since, until, interval, zone);
  const unitStarts = bucketStarts(since, until, unit, zone);
  const brandScope = { brandIds: [brand.id], since, until, includeBackfill: false };
  const periodScope = { brandIds: [brand.id], since: request.periodStart, until, includeBackfill: false };
  const byPeriod = { interval, zone };
  const competitorIds = request.competitors.map((competitor) => competitor.id);

  const [voiceRows, unitRows, siteRows, authorRows, episodeRows, sample, worst] = await Promise.all([
    sentimentCounts(database, { ...brandScope, brandIds: [brand.id, ...competitorIds] }, periodStarts),
    sentimentCounts(database, brandScope, unitStarts),
    facetCounts(database, brandScope, 'site', periodStarts),
    facetCounts(database, brandScope, 'author', periodStarts),
    alertEpisodeCounts(database, brandScope, byPeriod),
    sampleMentionTexts(database, brand.id, periodScope, TERM_SAMPLE),
    worstMentions(database, periodScope, request.worstLimit),
  ]);

  const reachByUnit = new Map(unitRows.map((row) => [row.bucketStart?.getTime(), row.reach]));
  const periods: MonthCounts[] = periodStarts.map((periodStart, index) => {
    const periodEnd = periodStarts[index + 1] ?? until;
    const at = (brandId: string) => voiceRows.find((row) => row.brandId === brandId && row.bucketStart?.getTime() === periodStart.getTime());
    const own = at(brand.id);
    const competitorsTotal = competitorIds.reduce((sum, id) => sum + (at(id)?.total ?? 0), 0);
    const unitsOfPeriod = unitStarts.filter((unitStart) => unitStart >= periodStart && unitStart < periodEnd);
    return {
      month: periodKey(periodStart, interval, zone),
      days: unitsOfPeriod.length,
      mentions: own?.total ?? 0,
      positive: own?.positive ?? 0,
      neutral: own?.neutral ?? 0,
      negative: own?.negative ?? 0,
      unknown: own?.unknown ?? 0,
      reach: own?.reach ?? 0,
      dailyReach: unitsOfPeriod.map((unitStart) => reachByUnit.get(unitStart.getTime()) ?? 0),
      sites: distinctKeys(siteRows, periodStart),
      authors: distinctKeys(authorRows, periodStart),
      voiceTotal: competitorIds.length === 0 ? null : (own?.total ?? 0) + competitorsTotal,
      alertEpisodes: episodeRows.find((row) => row.bucketStart.getTime() === periodStart.getTime())?.episodes ?? 0,
    };
  });
  const scale = sample.mentions.length > 0 ? sample.of / sample.mentions.length : 1;
  return {
    since: request.periodStart,
    until,
    periods,
    figures: reportFigures(periods),
    unitRows,
    unitStarts,
    top: {
      sites: topOf(siteRows, request.periodStart, request.topLimit),
      authors: topOf(authorRows, request.periodStart, request.topLimit),
      terms: rankTerms(sample.mentions, 'term', brandWordsOf(allBrands, brand.id), request.topLimit).map((term) => ({
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
    termSample: { read: sample.mentions.length, of: sample.of },
  };
}
