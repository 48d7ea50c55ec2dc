// The monthly report's figures: each KPI of the month against the previous month and against the mean of the three
// months before it, with a significance test, and the flags a strategist should read first.
import {
  netSentimentTest,
  poissonRateTest,
  twoProportionTest,
  welchTest,
  type SentimentSplit,
  type TestResult,
} from './significance.js';

/**
 * What was counted in one month (a calendar month of the report's time zone). Digests count a day or a week in the
 * same shape: `month` then holds the period's key and `days` its units (hours of a day, days of a week).
 */
export interface MonthCounts {
  /** "2026-11" */
  month: string;
  /** Days in the month (its exposure for rate tests). */
  days: number;
  mentions: number;
  positive: number;
  neutral: number;
  negative: number;
  unknown: number;
  reach: number;
  /** Reach per day of the month (per unit of the period). */
  dailyReach: number[];
  sites: number;
  authors: number;
  /** Mentions of the brand and its competitors together; null when the brand has no competitors. */
  voiceTotal: number | null;
  alertEpisodes: number;
}

export type Direction = 'up' | 'down' | 'flat';

export interface Figure {
  value: number | null;
  previous: number | null;
  /** Counts and reach: relative change ((value − previous) / previous); shares and net sentiment: the difference. */
  change: number | null;
  /** Mean of the three months before. */
  baseline: number | null;
  /** Against the previous month, p < 0.05 in `test`. */
  significant: boolean;
  /** up or down when significant, else flat. */
  direction: Direction;
  p_value: number;
  test: string;
  baseline_change: number | null;
  baseline_significant: boolean;
  baseline_p_value: number;
}

export const FIGURE_NAMES = [
  'mentions',
  'negative_share',
  'positive_share',
  'net_sentiment',
  'reach',
  'sites',
  'authors',
  'share_of_voice',
  'alert_episodes',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export const FIGURE_LABELS: Record<FigureName, string> = {
  mentions: 'Mentions',
  negative_share: 'Negative share',
  positive_share: 'Positive share',
  net_sentiment: 'Net sentiment',
  reach: 'Reach',
  sites: 'Distinct sites',
  authors: 'Distinct authors',
  share_of_voice: 'Share of voice',
  alert_episodes: 'Alert episodes',
};

type Kind = 'count' | 'share' | 'net' | 'reach';
const KIND: Record<FigureName, Kind> = {
  mentions: 'count',
  negative_share: 'share',
  positive_share: 'share',
  net_sentiment: 'net',
  reach: 'reach',
  sites: 'count',
  authors: 'count',
  share_of_voice: 'share',
  alert_episodes: 'count',
};

export const TEST_NAMES: Record<Kind, string> = {
  count: 'Poisson rate test (conditional binomial, per day of each period), two-sided',
  share: 'two-proportion z-test (pooled), two-sided',
  net: 'z-test on the difference of net sentiment (positive share − negative share), two-sided',
  reach: "Welch's t-test on daily reach, two-sided",
};

const scored = (month: MonthCounts) => month.positive + month.neutral + month.negative;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** The figure's value in a month, with what its test needs. */
function valueOf(name: FigureName, month: MonthCounts): number | null {
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  switch (name) {
    case 'mentions':
      return month.mentions;
    case 'negative_share':
      return ratio(month.negative, scored(month));
    case 'positive_share':
      return ratio(month.positive, scored(month));
    case 'net_sentiment':
      return ratio(month.positive - month.negative, scored(month));
    case 'reach':
      return month.reach;
    case 'sites':
      return month.sites;
    case 'authors':
      return month.authors;
    case 'share_of_voice':
      return month.voiceTotal === null ? null : ratio(month.mentions, month.voiceTotal);
    case 'alert_episodes':
      return month.alertEpisodes;
  }
}

/** Several months as one period (pooled counts), for the test against the baseline. */
function pooled(months: readonly MonthCounts[]): MonthCounts {
  const voiceTotals = months.map((month) => month.voiceTotal);
  return {
    month: months.map((month) => month.month).join(','),
    days: sum(months.map((month) => month.days)),
    mentions: sum(months.map((month) => month.mentions)),
    positive: sum(months.map((month) => month.positive)),
    neutral: sum(months.map((month) => month.neutral)),
    negative: sum(months.map((month) => month.negative)),
    unknown: sum(months.map((month) => month.unknown)),
    reach: sum(months.map((month) => month.reach)),
    dailyReach: months.flatMap((month) => month.dailyReach),
    sites: sum(months.map((month) => month.sites)),
    authors: sum(months.map((month) => month.authors)),
    voiceTotal: voiceTotals.some((total) => total === null) ? null : sum(voiceTotals.map((total) => total ?? 0)),
    alertEpisodes: sum(months.map((month) => month.alertEpisodes)),
  };
}

function testOf(name: FigureName, month: MonthCounts, other: MonthCounts): TestResult {
  const split = (counts: MonthCounts): SentimentSplit => ({ positive: counts.positive, negative: counts.negative, scored: scored(counts) });
  switch (KIND[name]) {
    case 'count': {
      const count = (counts: MonthCounts) => (name === 'mentions' ? counts.mentions : name === 'sites' ? counts.sites : name === 'authors' ? counts.authors : counts.alertEpisodes);
      return poissonRateTest(count(month), month.days, count(other), other.days);
    }
    case 'share': {
      const hits = (counts: MonthCounts) => (name === 'negative_share' ? counts.negative : name === 'positive_share' ? counts.positive : counts.mentions);
      const trials = (counts: MonthCounts) => (name === 'share_of_voice' ? (counts.voiceTotal ?? 0) : scored(counts));
      return twoProportionTest(hits(month), trials(month), hits(other), trials(other));
    }
    case 'net':
      return netSentimentTest(split(month), split(other));
    case 'reach':
      return welchTest(month.dailyReach, other.dailyReach);
  }
}

function changeOf(kind: Kind, value: number | null, other: number | null): number | null {
  if (value === null || other === null) return null;
  if (kind === 'share' || kind === 'net') return value - other;
  return other === 0 ? null : (value - other) / other;
}

function directionOf(test: TestResult, value: number | null, other: number | null): Direction {
  if (!test.significant || value === null || other === null || value === other) return 'flat';
  return value > other ? 'up' : 'down';
}

/**
 * Figures of the last month of `months` (oldest first; at least the month and the one before, ideally the three
 * before it as well).
 */
export function reportFigures(months: readonly MonthCounts[]): Record<FigureName, Figure> {
  const current = months.at(-1);
  const previous = months.at(-2);
  if (current === undefined || previous === undefined) throw new Error('a report needs the month and the month before');
  const before = months.slice(-4, -1);
  const baselinePeriod = pooled(before);
  const figures = {} as Record<FigureName, Figure>;
  for (const name of FIGURE_NAMES) {
    const kind = KIND[name];
    const value = valueOf(name, current);
    const previousValue = valueOf(name, previous);
    const beforeValues = before.map((month) => valueOf(name, month)).filter((each): each is number => each !== null);
    const baseline = beforeValues.length === 0 ? null : sum(beforeValues) / beforeValues.length;
    const test = testOf(name, current, previous);
    const baselineTest = testOf(name, current, baselinePeriod);
    figures[name] = {
      value,
      previous: previousValue,
      change: changeOf(kind, value, previousValue),
      baseline,
      significant: test.significant,
      direction: directionOf(test, value, previousValue),
      p_value: test.pValue,
      test: TEST_NAMES[kind],
      baseline_change: changeOf(kind, value, baseline),
      baseline_significant: baselineTest.significant,
      baseline_p_value: baselineTest.pValue,
    };
  }
  return figures;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

export function monthName(month: string): string {
  return MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month;
}

const percent = (value: number) => `${Math.round(value * 100)} %`;

/** A figure's value as the flags write it. */
export function formatFigureValue(name: FigureName, value: number | null): string {
  if (value === null) return 'n/a';
  const kind = KIND[name];
  if (kind === 'share') return percent(value);
  if (kind === 'net') return `${value >= 0 ? '+' : ''}${Math.round(value * 100)}`;
  return Math.round(value).toLocaleString('en-US');
}

// Stagnation is worth a word for the KPIs a strategist steers by, not for every count.
const WATCHED_FOR_STAGNATION: readonly FigureName[] = ['mentions', 'negative_share', 'net_sentiment', 'share_of_voice'];

/**
 * The report's headlines: significant changes against the previous month, then against the three-month mean, then
 * KPIs flat for three months; within each, in the order of FIGURE_NAMES (mentions first).
 */
export function reportFlags(months: readonly MonthCounts[], figures: Record<FigureName, Figure>): string[] {
  const previous = months.at(-2);
  const current = months.at(-1);
  if (previous === undefined || current === undefined) return [];
  const previousName = monthName(previous.month);
  const before = months.slice(-4, -1);
  const baselineSpan = before.length > 1 ? `${monthName(before[0]?.month ?? '').slice(0, 3)}–${monthName(before.at(-1)?.month ?? '').slice(0, 3)}` : previousName;
  const changes: string[] = [];
  const againstBaseline: string[] = [];
  const flat: string[] = [];
  for (const name of FIGURE_NAMES) {
    const figure = figures[name];
    const label = FIGURE_LABELS[name];
    const kind = KIND[name];
    if (figure.value === null) continue;
    if (figure.significant && figure.previous !== null) {
      const verb = figure.direction === 'up' ? 'rose' : 'fell';
      const by =
        kind === 'share' || kind === 'net' || figure.change === null
          ? `from ${formatFigureValue(name, figure.previous)} to ${formatFigureValue(name, figure.value)}`
          : `${Math.round(Math.abs(figure.change) * 100)} % (${formatFigureValue(name, figure.previous)} → ${formatFigureValue(name, figure.value)})`;
      changes.push(`${label} ${verb} ${by} against ${previousName} — significant`);
    } else if (figure.baseline_significant && figure.baseline !== null) {
      const side = figure.value > figure.baseline ? 'above' : 'below';
      againstBaseline.push(
        `${label} ${formatFigureValue(name, figure.value)}, ${side} the ${baselineSpan} mean of ${formatFigureValue(name, figure.baseline)} — significant`,
      );
    } else if (WATCHED_FOR_STAGNATION.includes(name) && months.length >= 3 && !figure.baseline_significant) {
      const earlier = months.at(-3) as MonthCounts;
      const earlierChange = testOf(name, previous, earlier);
      if (!earlierChange.significant && valueOf(name, earlier) !== null && valueOf(name, previous) !== null) {
        flat.push(`${label} flat for three months (${formatFigureValue(name, figure.value)})`);
      }
    }
  }
  return [...changes, ...againstBaseline, ...flat];
}
