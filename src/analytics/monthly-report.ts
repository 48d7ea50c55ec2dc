// The monthly KPI report of a brand: the month's figures against the previous month and the three before it, flags
// in words, what drove the buzz (sites, authors, terms) and the worst mentions, from the same counts as /v1/stats.
import { DateTime } from 'luxon';
import type { BrandConfig } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { buildPeriodFigures, type WorstMentionEntry } from './period-figures.js';
import { reportFlags, type Figure, type FigureName } from './report-figures.js';
import { SIGNIFICANCE_LEVEL } from './significance.js';
import type { TopRow } from './top.js';

export type { WorstMentionEntry };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const TOP_LIMIT = 10;
const WORST_LIMIT = 5;

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

export async function buildMonthlyReport(database: Database, allBrands: readonly BrandConfig[], request: ReportRequest): Promise<MonthlyReport> {
  const { brand, zone } = request;
  const monthStart = DateTime.fromFormat(request.month, 'yyyy-MM', { zone }).startOf('month');
  const counted = await buildPeriodFigures(database, allBrands, {
    brand,
    competitors: request.competitors,
    interval: 'month',
    periodStart: monthStart.toJSDate(),
    zone,
    topLimit: TOP_LIMIT,
    worstLimit: WORST_LIMIT,
  });
  const months = counted.periods;
  const reportStart = counted.since;
  const dailyByStart = new Map(counted.unitRows.map((row) => [row.bucketStart?.getTime(), row]));
  return {
    brand: { id: brand.id, name: brand.name },
    competitors: request.competitors.map((competitor) => competitor.id),
    month: request.month,
    tz: zone,
    since: reportStart.toISOString(),
    until: counted.until.toISOString(),
    previous_month: months.at(-2)?.month ?? '',
    baseline_months: months.slice(0, -1).map((month) => month.month),
    figures: counted.figures,
    flags: reportFlags(months, counted.figures),
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
    days: counted.unitStarts
      .filter((day) => day >= reportStart)
      .map((day) => ({
        day: DateTime.fromJSDate(day, { zone }).toFormat('yyyy-MM-dd'),
        mentions: dailyByStart.get(day.getTime())?.total ?? 0,
        negative: dailyByStart.get(day.getTime())?.negative ?? 0,
      })),
    top: counted.top,
    worst_mentions: counted.worst_mentions,
    method:
      `Figures compare the month with the previous month (significant, direction) and with the mean of the three months ` +
      `before it (baseline). Significant means p < ${SIGNIFICANCE_LEVEL}: Poisson rate test for counts (mentions, sites, ` +
      `authors, alert episodes; per day of each period), two-proportion z-test for shares, a z-test for net sentiment, ` +
      `Welch's t-test on daily reach. Backfill is left out; shares count scored mentions (not "unknown").` +
      (counted.termSample.read < counted.termSample.of ? ` Terms from a sample of ${counted.termSample.read} of ${counted.termSample.of} mentions.` : ''),
  };
}
