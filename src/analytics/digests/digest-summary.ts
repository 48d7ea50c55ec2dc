// What a digest says about one period: for each of its brands, the monthly report's figures (computed the same way,
// for a day, a week or a month) shortened to the headline ones, the flags it leads with, what drove the buzz and the
// worst mentions. Plain JSON: it is stored once per period (digest_periods) and every channel words the same one.
import { DateTime } from 'luxon';
import type { Config, DigestConfig } from '../../config/schema.js';
import { ruleKindFor } from '../../alerts/rules/registry.js';
import type { Database } from '../../store/database.js';
import { alertEpisodeList } from '../../store/stats-queries.js';
import { buildPeriodFigures, periodKey, type WorstMentionEntry } from '../period-figures.js';
import type { Direction, FigureName } from '../report-figures.js';
import type { TopRow } from '../top.js';
import type { DigestPeriod } from './due-period.js';
import { digestPeriodKinds, type DigestEvery } from './periods/registry.js';

/** The figures a digest shows, in order: the report's headline KPIs. */
export const DIGEST_FIGURES = ['mentions', 'negative_share', 'positive_share', 'net_sentiment', 'reach', 'alert_episodes'] as const satisfies readonly FigureName[];
export type DigestFigureName = (typeof DIGEST_FIGURES)[number];

const TOP_LIMIT = 3;
const WORST_LIMIT = 3;
const EPISODE_LIMIT = 5;

export interface DigestFigure {
  value: number | null;
  previous: number | null;
  /** Counts and reach: relative change; shares and net sentiment: the difference (as in the report). */
  change: number | null;
  significant: boolean;
  direction: Direction;
  p_value: number;
}

/** An alert episode of the period, as the digest lists it. */
export interface DigestEpisode {
  episode_id: string;
  rule_id: string;
  rule_type: string;
  /** The rule type in words: "Negative buzz". */
  title: string;
  /** What it found at its peak: "37 negative mentions". */
  headline: string;
  started_at: string;
  /** Null while it still fires. */
  resolved_at: string | null;
}

export interface BrandDigest {
  brand: { id: string; name: string };
  /** The report's flags in words (monthly digests); empty otherwise. */
  flags: string[];
  figures: Record<DigestFigureName, DigestFigure>;
  /** The alert episodes that started in the period, the earliest first (at most five; `figures.alert_episodes` counts them all). */
  episodes: DigestEpisode[];
  top: { sites: TopRow[]; authors: TopRow[]; terms: TopRow[] };
  worst_mentions: WorstMentionEntry[];
}

export interface DigestSummary {
  digest_id: string;
  every: DigestEvery;
  period: {
    /** 2026-10-25 (a day, or the Monday of a week), 2026-11 (a month). */
    key: string;
    label: string;
    since: string;
    until: string;
    tz: string;
    /** The period the changes are against, in words. */
    previous_label: string;
  };
  brands: BrandDigest[];
}

/** The digest's time zone: its own `tz`, else reports.timezone. */
export function digestZone(digest: DigestConfig, config: Config): string {
  return digest.tz ?? config.reports.timezone;
}

/**
 * Reach is a sum over mentions whose source tells one (followers, readers, views); a brand whose sources never do has
 * 0 in both periods, and "Reach: 0" would read as nobody having seen its mentions. Such a figure has no value: the
 * channels leave it out, as they do a share of no scored mention.
 */
function reachWhenTold(reach: DigestFigure): DigestFigure {
  if (reach.value !== 0 || (reach.previous ?? 0) !== 0) return reach;
  return { ...reach, value: null, previous: null, change: null };
}

export async function buildDigestSummary(database: Database, config: Config, digest: DigestConfig, period: DigestPeriod): Promise<DigestSummary> {
  const kind = digestPeriodKinds[digest.every];
  const zone = digestZone(digest, config);
  const start = DateTime.fromJSDate(period.start, { zone });
  const brands: BrandDigest[] = [];
  // One brand at a time: a digest of many brands must not take every database connection at once.
  for (const brandId of digest.brands) {
    const brand = config.brands.find((candidate) => candidate.id === brandId);
    if (brand === undefined) continue; // the loader rejects unknown brands
    const episodes = await alertEpisodeList(database, { brandId: brand.id, since: period.start, until: period.end }, EPISODE_LIMIT);
    const counted = await buildPeriodFigures(database, config.brands, {
      brand,
      competitors: config.brands.filter((candidate) => brand.competitors.includes(candidate.id)),
      interval: kind.interval,
      periodStart: period.start,
      zone,
      topLimit: TOP_LIMIT,
      worstLimit: WORST_LIMIT,
    });
    const figures = {} as Record<DigestFigureName, DigestFigure>;
    for (const name of DIGEST_FIGURES) {
      const { value, previous, change, significant, direction, p_value } = counted.figures[name];
      figures[name] = { value, previous, change, significant, direction, p_value };
    }
    figures.reach = reachWhenTold(figures.reach);
    brands.push({
      brand: { id: brand.id, name: brand.name },
      flags: kind.flags(counted.periods, counted.figures),
      figures,
      episodes: episodes.map((episode) => ({
        episode_id: episode.episodeId,
        rule_id: episode.ruleId,
        rule_type: episode.ruleType,
        title: ruleKindFor(episode.ruleType)?.title ?? episode.ruleType,
        headline: episode.headline,
        started_at: episode.startedAt.toISOString(),
        resolved_at: episode.resolvedAt?.toISOString() ?? null,
      })),
      top: counted.top,
      worst_mentions: counted.worst_mentions,
    });
  }
  return {
    digest_id: digest.id,
    every: digest.every,
    period: {
      key: periodKey(period.start, kind.interval, zone),
      label: kind.label(start),
      since: period.start.toISOString(),
      until: period.end.toISOString(),
      tz: zone,
      previous_label: kind.previousLabel(start.minus({ [`${kind.interval}s`]: 1 })),
    },
    brands,
  };
}
