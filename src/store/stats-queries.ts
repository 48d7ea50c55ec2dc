// Counts of brand mentions per calendar bucket, from the rollups of 006_brand_stats.sql where whole rollup rows fit
// the range and the buckets, and from mention_brands for the rest (the edges of the range, or zones whose midnight
// falls between rollup rows).
import type { Interval } from '../analytics/buckets.js';
import type { Database } from './database.js';

/** Width of brand_stats rows (by sentiment) and brand_facet_stats rows (by source, site, language, author). */
export const SENTIMENT_GRAIN_MS = 15 * 60_000;
export const FACET_GRAIN_MS = 60 * 60_000;

export const FACETS = ['source', 'site', 'lang', 'author'] as const;
export type Facet = (typeof FACETS)[number];

export interface CountScope {
  brandIds: readonly string[];
  since: Date;
  until: Date;
  includeBackfill: boolean;
}

/** How rows are bucketed: calendar buckets of a zone, or none (totals over the whole range). */
export interface Bucketing {
  interval: Interval;
  zone: string;
  /** False when bucket boundaries fall inside rollup rows: everything is then counted from mention_brands. */
  rollupFits: boolean;
}

export interface SentimentCounts {
  total: number;
  positive: number;
  neutral: number;
  negative: number;
  unknown: number;
  reach: number;
}

export interface SentimentRow extends SentimentCounts {
  brandId: string;
  /** Null when counted without buckets. */
  bucketStart: Date | null;
}

export interface FacetRow {
  brandId: string;
  bucketStart: Date | null;
  /** '' when the mention has none (no author, no language). */
  key: string;
  total: number;
  negative: number;
  reach: number;
}

// Site as mention_site() in SQL and siteOf() in TypeScript compute it.
const FACET_KEY_SQL: Record<Facet, string> = {
  source: 'm.source_id',
  site: 'mention_site(m.url, m.source_id)',
  lang: "coalesce(m.lang, '')",
  author: "coalesce(m.author, '')",
};

const KNOWN_LABELS = "('positive', 'neutral', 'negative')";

/** The part of [since, until) made of whole grains; empty (both at `until`) when rollups cannot be used. */
function rollupSpan(scope: CountScope, grainMs: number, usable: boolean): { from: Date; to: Date } {
  const from = Math.ceil(scope.since.getTime() / grainMs) * grainMs;
  const to = Math.floor(scope.until.getTime() / grainMs) * grainMs;
  if (!usable || from >= to) return { from: scope.until, to: scope.until };
  return { from: new Date(from), to: new Date(to) };
}

class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface SplitSql {
  rollupWhere: string;
  rawWhere: string;
}

/** WHERE clauses for the rollup part and the raw edges of a scope. */
function splitWhere(scope: CountScope, grainMs: number, usable: boolean, parameters: Parameters): SplitSql {
  const span = rollupSpan(scope, grainMs, usable);
  const brands = parameters.add(scope.brandIds);
  const from = parameters.add(span.from);
  const to = parameters.add(span.to);
  const since = parameters.add(scope.since);
  const until = parameters.add(scope.until);
  const backfill = scope.includeBackfill ? '' : ' AND NOT backfill';
  return {
    rollupWhere: `brand_id = ANY(${brands}) AND bucket_start >= ${from} AND bucket_start < ${to}${backfill}`,
    rawWhere:
      `mb.brand_id = ANY(${brands}) AND ((mb.occurred_at >= ${since} AND mb.occurred_at < ${from}) ` +
      `OR (mb.occurred_at >= ${to} AND mb.occurred_at < ${until}))${scope.includeBackfill ? '' : ' AND NOT mb.backfill'}`,
  };
}

function bucketSql(bucketing: Bucketing | null, parameters: Parameters): string {
  if (bucketing === null) return 'NULL::timestamptz';
  return `date_trunc(${parameters.add(bucketing.interval)}, at, ${parameters.add(bucketing.zone)})`;
}

/** Mentions per brand (and bucket) by sentiment, with the sum of their reach. */
export async function sentimentCounts(database: Database, scope: CountScope, bucketing: Bucketing | null): Promise<SentimentRow[]> {
  if (scope.brandIds.length === 0 || scope.since >= scope.until) return [];
  const parameters = new Parameters();
  const where = splitWhere(scope, SENTIMENT_GRAIN_MS, bucketing?.rollupFits ?? true, parameters);
  const bucket = bucketSql(bucketing, parameters);
  const { rows } = await database.query<{
    brand_id: string;
    bucket: Date | null;
    total: number;
    positive: number;
    neutral: number;
    negative: number;
    unknown: number;
    reach: number;
  }>(
    `SELECT brand_id, ${bucket} AS bucket, sum(total)::int AS total, sum(positive)::int AS positive,
            sum(neutral)::int AS neutral, sum(negative)::int AS negative, sum(unknown)::int AS unknown,
            sum(reach)::float8 AS reach
       FROM (SELECT brand_id, bucket_start AS at, total, positive, neutral, negative, unknown, reach
               FROM brand_stats WHERE ${where.rollupWhere}
             UNION ALL
             SELECT mb.brand_id, mb.occurred_at, 1, (mb.sentiment_label = 'positive')::int,
                    (mb.sentiment_label = 'neutral')::int, (mb.sentiment_label = 'negative')::int,
                    (mb.sentiment_label NOT IN ${KNOWN_LABELS})::int, coalesce(m.reach, 0)
               FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
              WHERE ${where.rawWhere}) AS counted
      GROUP BY 1, 2`,
    parameters.values,
  );
  return rows.map((row) => ({
    brandId: row.brand_id,
    bucketStart: row.bucket,
    total: row.total,
    positive: row.positive,
    neutral: row.neutral,
    negative: row.negative,
    unknown: row.unknown,
    reach: row.reach,
  }));
}

/** Mentions per brand (and bucket) and per source, site, language or author; keys with no mention left out. */
export async function facetCounts(database: Database, scope: CountScope, facet: Facet, bucketing: Bucketing | null): Promise<FacetRow[]> {
  if (scope.brandIds.length === 0 || scope.since >= scope.until) return [];
  const parameters = new Parameters();
  const where = splitWhere(scope, FACET_GRAIN_MS, bucketing?.rollupFits ?? true, parameters);
  const facetParameter = parameters.add(facet);
  const bucket = bucketSql(bucketing, parameters);
  const { rows } = await database.query<{
    brand_id: string;
    bucket: Date | null;
    key: string;
    total: number;
    negative: number;
    reach: number;
  }>(
    `SELECT brand_id, ${bucket} AS bucket, key, sum(total)::int AS total, sum(negative)::int AS negative,
            sum(reach)::float8 AS reach
       FROM (SELECT brand_id, bucket_start AS at, key, total, negative, reach
               FROM brand_facet_stats WHERE facet = ${facetParameter} AND ${where.rollupWhere}
             UNION ALL
             SELECT mb.brand_id, mb.occurred_at, ${FACET_KEY_SQL[facet]}, 1, (mb.sentiment_label = 'negative')::int,
                    coalesce(m.reach, 0)
               FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
              WHERE ${where.rawWhere}) AS counted
      GROUP BY 1, 2, 3
     HAVING sum(total) > 0`,
    parameters.values,
  );
  return rows.map((row) => ({
    brandId: row.brand_id,
    bucketStart: row.bucket,
    key: row.key,
    total: row.total,
    negative: row.negative,
    reach: row.reach,
  }));
}

/** Distinct keys of a facet with at least one mention, per brand and bucket ('' — no author — not counted). */
export async function distinctFacetKeys(
  database: Database,
  scope: CountScope,
  facet: Facet,
  bucketing: Bucketing,
): Promise<Array<{ brandId: string; bucketStart: Date; distinct: number }>> {
  const rows = await facetCounts(database, scope, facet, bucketing);
  const counts = new Map<string, { brandId: string; bucketStart: Date; distinct: number }>();
  for (const row of rows) {
    if (row.key === '' || row.bucketStart === null) continue;
    const id = `${row.brandId}\u0000${row.bucketStart.getTime()}`;
    const entry = counts.get(id) ?? { brandId: row.brandId, bucketStart: row.bucketStart, distinct: 0 };
    entry.distinct += 1;
    counts.set(id, entry);
  }
  return [...counts.values()];
}

export interface TextSample {
  mentions: Array<{ title: string | null; text: string; lang: string | null; negative: boolean; reach: number }>;
  /** Mentions in the range, of which `mentions` is an even sample (all of them when there are few). */
  of: number;
}

/**
 * The texts of a brand's mentions in the range, at most `maxMentions` of them: every k-th in time order, so a
 * sample spreads over the whole range.
 */
export async function sampleMentionTexts(database: Database, scope: CountScope, maxMentions: number): Promise<TextSample> {
  const parameters = new Parameters();
  const brands = parameters.add(scope.brandIds);
  const since = parameters.add(scope.since);
  const until = parameters.add(scope.until);
  const cap = parameters.add(maxMentions);
  const backfill = scope.includeBackfill ? '' : 'AND NOT mb.backfill';
  const { rows } = await database.query<{
    title: string | null;
    content: string;
    lang: string | null;
    negative: boolean;
    reach: number;
    of: number;
  }>(
    `WITH links AS (
       SELECT mb.mention_id, mb.occurred_at, mb.sentiment_label, row_number() OVER (ORDER BY mb.occurred_at, mb.mention_id) AS position,
              count(*) OVER () AS of
         FROM mention_brands mb
        WHERE mb.brand_id = ANY(${brands}) AND mb.occurred_at >= ${since} AND mb.occurred_at < ${until} ${backfill}),
     picked AS (
       SELECT * FROM links WHERE position % greatest(1, ceil(of::float8 / ${cap}))::bigint = 0 LIMIT ${cap})
     SELECT m.title, m.content, m.lang, picked.sentiment_label = 'negative' AS negative, coalesce(m.reach, 0) AS reach,
            picked.of::int AS of
       FROM picked JOIN mentions m ON m.id = picked.mention_id AND m.occurred_at = picked.occurred_at`,
    parameters.values,
  );
  return {
    mentions: rows.map((row) => ({ title: row.title, text: row.content, lang: row.lang, negative: row.negative, reach: row.reach })),
    of: rows[0]?.of ?? 0,
  };
}

export interface WorstMention {
  id: string;
  url: string | null;
  title: string | null;
  text: string;
  site: string;
  author: string | null;
  occurredAt: Date;
  reach: number | null;
  sentimentScore: number;
}

/** The most negative mentions of the range, the widest-reaching first among equally negative ones. */
export async function worstMentions(database: Database, scope: CountScope, limit: number): Promise<WorstMention[]> {
  const { rows } = await database.query<{
    id: string;
    url: string | null;
    title: string | null;
    content: string;
    site: string;
    author: string | null;
    occurred_at: Date;
    reach: number | null;
    sentiment_score: number;
  }>(
    `SELECT m.id, m.url, m.title, m.content, mention_site(m.url, m.source_id) AS site, m.author, m.occurred_at, m.reach,
            m.sentiment_score
       FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
      WHERE mb.brand_id = ANY($1) AND mb.occurred_at >= $2 AND mb.occurred_at < $3 AND mb.sentiment_label = 'negative'
        ${scope.includeBackfill ? '' : 'AND NOT mb.backfill'}
      ORDER BY m.sentiment_score ASC, coalesce(m.reach, 0) DESC, m.id
      LIMIT $4`,
    [scope.brandIds, scope.since, scope.until, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    title: row.title,
    text: row.content,
    site: row.site,
    author: row.author,
    occurredAt: row.occurred_at,
    reach: row.reach,
    sentimentScore: row.sentiment_score,
  }));
}

/** Alert episodes that started in the range, per brand and bucket. */
export async function alertEpisodeCounts(
  database: Database,
  scope: Pick<CountScope, 'brandIds' | 'since' | 'until'>,
  bucketing: Pick<Bucketing, 'interval' | 'zone'>,
): Promise<Array<{ brandId: string; bucketStart: Date; episodes: number }>> {
  const { rows } = await database.query<{ brand_id: string; bucket: Date; episodes: number }>(
    `SELECT brand_id, date_trunc($4, started_at, $5) AS bucket, count(*)::int AS episodes
       FROM alert_episodes WHERE brand_id = ANY($1) AND started_at >= $2 AND started_at < $3
      GROUP BY 1, 2`,
    [scope.brandIds, scope.since, scope.until, bucketing.interval, bucketing.zone],
  );
  return rows.map((row) => ({ brandId: row.brand_id, bucketStart: row.bucket, episodes: row.episodes }));
}

export interface AlertEpisodeEntry {
  episodeId: string;
  ruleId: string;
  ruleType: string;
  startedAt: Date;
  resolvedAt: Date | null;
  /** What its finding at the peak led with ("37 negative mentions"); '' for episodes stored without one. */
  headline: string;
}

/** A brand's alert episodes that started in the range, the earliest first, at most `limit`. */
export async function alertEpisodeList(
  database: Database,
  scope: { brandId: string; since: Date; until: Date },
  limit: number,
): Promise<AlertEpisodeEntry[]> {
  const { rows } = await database.query<{ id: string; rule_id: string; rule_type: string; started_at: Date; resolved_at: Date | null; headline: string | null }>(
    `SELECT id, rule_id, rule_type, started_at, resolved_at, peak->>'headline' AS headline
       FROM alert_episodes WHERE brand_id = $1 AND started_at >= $2 AND started_at < $3
      ORDER BY started_at, id LIMIT $4`,
    [scope.brandId, scope.since, scope.until, limit],
  );
  return rows.map((row) => ({
    episodeId: row.id,
    ruleId: row.rule_id,
    ruleType: row.rule_type,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    headline: row.headline ?? '',
  }));
}

/** Stored mentions linked to each brand (backfill left out unless asked for), for GET /v1/brands. */
export async function brandMentionTotals(database: Database, includeBackfill: boolean): Promise<Map<string, { total: number; lastAt: Date | null }>> {
  const { rows } = await database.query<{ brand_id: string; total: number; last_at: Date | null }>(
    `SELECT totals.brand_id, totals.total,
            (SELECT max(mb.occurred_at) FROM mention_brands mb
              WHERE mb.brand_id = totals.brand_id ${includeBackfill ? '' : 'AND NOT mb.backfill'}) AS last_at
       FROM (SELECT brand_id, sum(total)::int AS total FROM brand_stats ${includeBackfill ? '' : 'WHERE NOT backfill'}
              GROUP BY brand_id) AS totals`,
  );
  return new Map(rows.map((row) => [row.brand_id, { total: row.total, lastAt: row.last_at }]));
}
