// Counts of brand mentions per calendar bucket, summed from the rollups of 006_brand_stats.sql and
// 009_brand_stats_levels.sql: for each bucket the coarsest UTC rows that lie wholly inside it (days, then hours, then
// quarter hours), and mention_brands for what is left (the ends of a range that is not on a quarter hour). Buckets
// come from TypeScript (DST-safe, any zone), so PostgreSQL sums rows into ranges and converts no time zones.
import type { Interval } from '../analytics/buckets.js';
import type { Database } from './database.js';
import { coverRanges, type RollupPiece } from './rollup-cover.js';

const QUARTER_HOUR_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** Rollup tables by sentiment and by facet, coarsest first, with the width of their rows. */
const SENTIMENT_LEVELS = [
  { table: 'brand_day_stats', grainMs: DAY_MS },
  { table: 'brand_hour_stats', grainMs: HOUR_MS },
  { table: 'brand_stats', grainMs: QUARTER_HOUR_MS },
] as const;
const FACET_LEVELS = [
  { table: 'brand_facet_day_stats', grainMs: DAY_MS },
  { table: 'brand_facet_stats', grainMs: HOUR_MS },
] as const;

export const FACETS = ['source', 'site', 'lang', 'author'] as const;
export type Facet = (typeof FACETS)[number];

export interface CountScope {
  brandIds: readonly string[];
  since: Date;
  until: Date;
  includeBackfill: boolean;
}

/**
 * Calendar buckets as their starts, ascending (the first may begin before `since`; each ends where the next begins,
 * the last at `until`); null counts the whole range as one.
 */
export type BucketStarts = readonly Date[] | null;

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

class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The ranges the buckets cover within [since, until). */
function bucketRanges(scope: CountScope, starts: BucketStarts): Array<{ from: number; to: number }> {
  const since = scope.since.getTime();
  const until = scope.until.getTime();
  if (starts === null) return [{ from: since, to: until }];
  return starts.map((start, index) => ({
    from: Math.max(start.getTime(), since),
    to: Math.min(starts[index + 1]?.getTime() ?? until, until),
  }));
}

/**
 * Pieces as a row source p(range, from_at, to_at). Each is joined LATERAL with OFFSET 0, so PostgreSQL runs one index
 * range scan per piece: flattened, it scanned a brand's whole history and compared it with every piece.
 */
function piecesSql(pieces: readonly RollupPiece[], parameters: Parameters): string {
  const ranges = parameters.add(pieces.map((piece) => piece.range));
  const froms = parameters.add(pieces.map((piece) => new Date(piece.from)));
  const tos = parameters.add(pieces.map((piece) => new Date(piece.to)));
  return `unnest(${ranges}::int[], ${froms}::timestamptz[], ${tos}::timestamptz[]) AS p(range, from_at, to_at)`;
}

/**
 * Raw pieces as a condition on mb.occurred_at and the range of the piece a link falls in. Spelled out with their
 * values, not joined from an array: PostgreSQL then estimates these few minutes as the few rows they are (a joined
 * range it estimates at 0.5 % of the brand's links, and compiles the query with JIT for that cost).
 */
function rawSql(pieces: readonly RollupPiece[], parameters: Parameters): { where: string; range: string } {
  const ordered = [...pieces].sort((a, b) => a.from - b.from);
  const spans = ordered.map((piece) => `(mb.occurred_at >= ${parameters.add(new Date(piece.from))} AND mb.occurred_at < ${parameters.add(new Date(piece.to))})`);
  const ranges = parameters.add(ordered.map((piece) => piece.range));
  const starts = parameters.add(ordered.map((piece) => new Date(piece.from)));
  return { where: `(${spans.join(' OR ')})`, range: `(${ranges}::int[])[width_bucket(mb.occurred_at, ${starts}::timestamptz[])]` };
}

interface CountParts {
  parameters: Parameters;
  brands: string;
  /** Each rollup level with pieces to count: its table and its pieces as a row source. */
  rollups: Array<{ table: string; pieces: string }>;
  /** What rollups do not cover, or null when they cover everything. */
  raw: { where: string; range: string } | null;
  /** AND-condition leaving backfill out (for alias `alias`), or ''. */
  backfill: (alias: string) => string;
}

function countParts(scope: CountScope, starts: BucketStarts, levels: ReadonlyArray<{ table: string; grainMs: number }>): CountParts {
  const parameters = new Parameters();
  const brands = parameters.add(scope.brandIds);
  const cover = coverRanges(bucketRanges(scope, starts), levels.map((level) => level.grainMs));
  const rollups = levels.flatMap((level, index) => {
    const pieces = cover.byGrain[index] ?? [];
    return pieces.length === 0 ? [] : [{ table: level.table, pieces: piecesSql(pieces, parameters) }];
  });
  return {
    parameters,
    brands,
    rollups,
    raw: cover.raw.length === 0 ? null : rawSql(cover.raw, parameters),
    backfill: (alias) => (scope.includeBackfill ? '' : `AND NOT ${alias}.backfill`),
  };
}

const bucketOf = (starts: BucketStarts, range: number): Date | null => (starts === null ? null : (starts[range] ?? null));

/** Mentions per brand (and bucket) by sentiment, with the sum of their reach. */
export async function sentimentCounts(database: Database, scope: CountScope, starts: BucketStarts): Promise<SentimentRow[]> {
  if (scope.brandIds.length === 0 || scope.since >= scope.until) return [];
  const parts = countParts(scope, starts, SENTIMENT_LEVELS);
  const sources = parts.rollups.map(
    (rollup) =>
      `SELECT s.brand_id, p.range, s.total, s.positive, s.neutral, s.negative, s.unknown, s.reach
         FROM ${rollup.pieces} CROSS JOIN LATERAL (
              SELECT * FROM ${rollup.table} s
               WHERE s.brand_id = ANY(${parts.brands}) AND s.bucket_start >= p.from_at AND s.bucket_start < p.to_at ${parts.backfill('s')} OFFSET 0) AS s`,
  );
  if (parts.raw !== null) {
    sources.push(
      `SELECT mb.brand_id, ${parts.raw.range}, 1, (mb.sentiment_label = 'positive')::int, (mb.sentiment_label = 'neutral')::int,
              (mb.sentiment_label = 'negative')::int, (mb.sentiment_label NOT IN ${KNOWN_LABELS})::int, coalesce(m.reach, 0)
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
        WHERE mb.brand_id = ANY(${parts.brands}) AND ${parts.raw.where} ${parts.backfill('mb')}`,
    );
  }
  const { rows } = await database.query<{
    brand_id: string;
    range: number;
    total: number;
    positive: number;
    neutral: number;
    negative: number;
    unknown: number;
    reach: number;
  }>(
    `SELECT brand_id, range, sum(total)::int AS total, sum(positive)::int AS positive, sum(neutral)::int AS neutral,
            sum(negative)::int AS negative, sum(unknown)::int AS unknown, sum(reach)::float8 AS reach
       FROM (${sources.join('\n UNION ALL \n')}) AS counted(brand_id, range, total, positive, neutral, negative, unknown, reach)
      GROUP BY 1, 2`,
    parts.parameters.values,
  );
  return rows.map((row) => ({
    brandId: row.brand_id,
    bucketStart: bucketOf(starts, row.range),
    total: row.total,
    positive: row.positive,
    neutral: row.neutral,
    negative: row.negative,
    unknown: row.unknown,
    reach: row.reach,
  }));
}

/** Mentions per brand (and bucket) and per source, site, language or author; keys with no mention left out. */
export async function facetCounts(database: Database, scope: CountScope, facet: Facet, starts: BucketStarts): Promise<FacetRow[]> {
  if (scope.brandIds.length === 0 || scope.since >= scope.until) return [];
  const parts = countParts(scope, starts, FACET_LEVELS);
  // Only rollup rows have a facet column; a query of raw links alone must not carry the parameter.
  const facetParameter = parts.rollups.length > 0 ? parts.parameters.add(facet) : '';
  const sources = parts.rollups.map(
    (rollup) =>
      `SELECT s.brand_id, p.range, s.key, s.total, s.negative, s.reach
         FROM ${rollup.pieces} CROSS JOIN LATERAL (
              SELECT * FROM ${rollup.table} s
               WHERE s.brand_id = ANY(${parts.brands}) AND s.facet = ${facetParameter}
                 AND s.bucket_start >= p.from_at AND s.bucket_start < p.to_at ${parts.backfill('s')} OFFSET 0) AS s`,
  );
  if (parts.raw !== null) {
    sources.push(
      `SELECT mb.brand_id, ${parts.raw.range}, ${FACET_KEY_SQL[facet]}, 1, (mb.sentiment_label = 'negative')::int, coalesce(m.reach, 0)
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
        WHERE mb.brand_id = ANY(${parts.brands}) AND ${parts.raw.where} ${parts.backfill('mb')}`,
    );
  }
  const { rows } = await database.query<{ brand_id: string; range: number; key: string; total: number; negative: number; reach: number }>(
    `SELECT brand_id, range, key, sum(total)::int AS total, sum(negative)::int AS negative, sum(reach)::float8 AS reach
       FROM (${sources.join('\n UNION ALL \n')}) AS counted(brand_id, range, key, total, negative, reach)
      GROUP BY 1, 2, 3
     HAVING sum(total) > 0`,
    parts.parameters.values,
  );
  return rows.map((row) => ({
    brandId: row.brand_id,
    bucketStart: bucketOf(starts, row.range),
    key: row.key,
    total: row.total,
    negative: row.negative,
    reach: row.reach,
  }));
}

export interface TextSample {
  mentions: Array<{ title: string | null; text: string; lang: string | null; negative: boolean; reach: number }>;
  /** Mentions in the range, of which `mentions` is a sample (all of them when there are few). */
  of: number;
}

/**
 * The texts of a brand's mentions in the range, at most `maxMentions` of them: when there are more, those whose id
 * hashes to a multiple of k (k = how many per one picked), a sample spread over the range as the mentions are.
 * How many there are comes from the rollups, so the links are neither sorted nor numbered (a window over a busy
 * month's links was most of the report's time).
 */
export async function sampleMentionTexts(
  database: Database,
  brandId: string,
  range: Omit<CountScope, 'brandIds'>,
  maxMentions: number,
): Promise<TextSample> {
  const of = (await sentimentCounts(database, { ...range, brandIds: [brandId] }, null)).reduce((sum, row) => sum + row.total, 0);
  if (of === 0) return { mentions: [], of: 0 };
  const step = Math.ceil(of / maxMentions);
  const { rows } = await database.query<{ title: string | null; content: string; lang: string | null; negative: boolean; reach: number }>(
    `SELECT m.title, m.content, m.lang, picked.sentiment_label = 'negative' AS negative, coalesce(m.reach, 0) AS reach
       FROM (SELECT mb.mention_id, mb.occurred_at, mb.sentiment_label FROM mention_brands mb
              WHERE mb.brand_id = $1 AND mb.occurred_at >= $2 AND mb.occurred_at < $3 ${range.includeBackfill ? '' : 'AND NOT mb.backfill'}
                AND hashtext(mb.mention_id) % $4 = 0
              LIMIT $5) AS picked
       JOIN mentions m ON m.id = picked.mention_id AND m.occurred_at = picked.occurred_at`,
    [brandId, range.since, range.until, step, maxMentions],
  );
  return {
    mentions: rows.map((row) => ({ title: row.title, text: row.content, lang: row.lang, negative: row.negative, reach: row.reach })),
    of,
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
  bucketing: { interval: Interval; zone: string },
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

/**
 * A brand's alert episodes opened in the range, the earliest first, at most `limit`; each from when its signal began
 * to when it calmed down (the times its messages and /v1/alerts give), not from when the alerter opened it to when
 * resolve_after closed it.
 */
export async function alertEpisodeList(
  database: Database,
  scope: { brandId: string; since: Date; until: Date },
  limit: number,
): Promise<AlertEpisodeEntry[]> {
  const { rows } = await database.query<{ id: string; rule_id: string; rule_type: string; started_at: Date; resolved_at: Date | null; headline: string | null }>(
    `SELECT id, rule_id, rule_type, signal_started_at AS started_at,
            CASE WHEN status = 'resolved' THEN coalesce(calm_since, resolved_at) END AS resolved_at, peak->>'headline' AS headline
       FROM alert_episodes WHERE brand_id = $1 AND started_at >= $2 AND started_at < $3
      ORDER BY signal_started_at, id LIMIT $4`,
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
       FROM (SELECT brand_id, sum(total)::int AS total FROM brand_day_stats ${includeBackfill ? '' : 'WHERE NOT backfill'}
              GROUP BY brand_id) AS totals`,
  );
  return new Map(rows.map((row) => [row.brand_id, { total: row.total, lastAt: row.last_at }]));
}
