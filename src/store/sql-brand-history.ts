// BrandHistory from PostgreSQL; every query walks mention_brands (brand_id, occurred_at) for one window.
import { KNOWN_SENTIMENT_LABELS, type BrandHistory, type WindowFilter, type WindowMention, type WindowStats } from '../alerts/brand-history.js';
import type { Database, DatabaseClient } from './database.js';

// Site as siteOf() computes it (host without "www."), falling back to the source id; an author is one per site.
const SITE_SQL = `coalesce(regexp_replace(lower(substring(m.url from '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)')), '^www\\.', ''), m.source_id)`;
const AUTHOR_KEY_SQL = `CASE WHEN btrim(coalesce(m.author, '')) = '' THEN NULL ELSE ${SITE_SQL} || '|' || lower(m.author) END`;

function filterSql(filter: WindowFilter, parameters: unknown[]): string {
  let sql = '';
  if (filter.sentiment !== undefined) {
    parameters.push(filter.sentiment);
    sql += ` AND m.sentiment_label = $${parameters.length}`;
  }
  if (filter.minReach !== undefined) {
    parameters.push(filter.minReach);
    sql += ` AND m.reach >= $${parameters.length}`;
  }
  return sql;
}

// Each link's mention from its own month's partition, in a subquery kept apart (OFFSET 0): joined plainly on
// (id, occurred_at), PostgreSQL would expect one row in all and sort a whole window to find its newest mentions.
const WINDOW_FROM = `FROM mention_brands mb
  CROSS JOIN LATERAL (SELECT * FROM mentions WHERE id = mb.mention_id AND occurred_at = mb.occurred_at OFFSET 0) AS m
  WHERE mb.brand_id = $1 AND mb.occurred_at >= $2 AND mb.occurred_at < $3 AND NOT m.backfill`;
// Counts need no column of mentions: mention_brands carries the label and the backfill flag (003 migration), so a
// week of a busy brand is one index-only range scan.
const COUNTS_FROM = `FROM mention_brands mb WHERE mb.brand_id = $1 AND mb.occurred_at >= $2 AND mb.occurred_at < $3 AND NOT mb.backfill`;

// A (mention, brand) row opens its story when no row of the same story is earlier (by time, then mention id). Story
// ids are per brand, so "the same story" needs no brand. Backfill rows count as earlier too: a story that began in a
// source's backfill never counts, as backfill itself never does. A row without a story (stored before stories
// existed) is a story of its own. Each probe is one short descent of mention_brands_by_story.
const OPENS_STORY_SQL = `(mb.story_id IS NULL OR NOT EXISTS (
  SELECT 1 FROM mention_brands earlier
   WHERE earlier.story_id = mb.story_id AND earlier.occurred_at <= mb.occurred_at
     AND (earlier.occurred_at < mb.occurred_at OR earlier.mention_id < mb.mention_id)))`;

/**
 * Runs `work` with a history that reads one snapshot of the database (a read-only REPEATABLE READ transaction), so
 * every rule of a brand judges the same mentions even while the scorer stores more during the evaluation.
 */
export async function withBrandSnapshot<T>(database: Database, work: (history: BrandHistory) => Promise<T>): Promise<T> {
  const client = await database.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(sqlBrandHistory(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export function sqlBrandHistory(database: Database | DatabaseClient): BrandHistory {
  return {
    async bucketCounts(brandId, fromMs, toMs, bucketMs, negativeOnly) {
      const { rows } = await database.query<{ bucket: number; count: number }>(
        `SELECT floor(extract(epoch FROM mb.occurred_at) * 1000 / $4)::bigint * $4 AS bucket, count(*)::int AS count
           ${COUNTS_FROM} ${negativeOnly ? `AND mb.sentiment_label = 'negative'` : ''}
          GROUP BY 1`,
        [brandId, new Date(fromMs), new Date(toMs), bucketMs],
      );
      return new Map(rows.map((row) => [Number(row.bucket), row.count]));
    },

    async storyBucketCounts(brandId, fromMs, toMs, bucketMs) {
      const { rows } = await database.query<{ bucket: number; count: number }>(
        `SELECT floor(extract(epoch FROM mb.occurred_at) * 1000 / $4)::bigint * $4 AS bucket, count(*)::int AS count
           ${COUNTS_FROM} AND ${OPENS_STORY_SQL}
          GROUP BY 1`,
        [brandId, new Date(fromMs), new Date(toMs), bucketMs],
      );
      return new Map(rows.map((row) => [Number(row.bucket), row.count]));
    },

    async windowStoryCount(brandId, fromMs, toMs) {
      const { rows } = await database.query<{ count: number }>(
        `SELECT count(*)::int AS count ${COUNTS_FROM} AND ${OPENS_STORY_SQL}`,
        [brandId, new Date(fromMs), new Date(toMs)],
      );
      return rows[0]?.count ?? 0;
    },

    async windowTotals(brandId, fromMs, toMs) {
      const { rows } = await database.query<{ total: number; known: number; negative: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE mb.sentiment_label = ANY($4))::int AS known,
                count(*) FILTER (WHERE mb.sentiment_label = 'negative')::int AS negative
           ${COUNTS_FROM}`,
        [brandId, new Date(fromMs), new Date(toMs), KNOWN_SENTIMENT_LABELS],
      );
      return rows[0] ?? { total: 0, known: 0, negative: 0 };
    },

    async windowStats(brandId, fromMs, toMs, filter): Promise<WindowStats> {
      const parameters: unknown[] = [brandId, new Date(fromMs), new Date(toMs), KNOWN_SENTIMENT_LABELS];
      const matching = filterSql(filter, parameters).replace(/^ AND /, '');
      const condition = matching === '' ? 'true' : matching;
      const { rows } = await database.query<Omit<WindowStats, 'firstMatchingAtMs'> & { first_matching_at: Date | null }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE m.sentiment_label = ANY($4))::int AS known,
                count(*) FILTER (WHERE m.sentiment_label = 'negative')::int AS negative,
                count(*) FILTER (WHERE ${condition})::int AS matching,
                count(DISTINCT ${SITE_SQL}) FILTER (WHERE ${condition})::int AS "matchingSites",
                count(DISTINCT ${AUTHOR_KEY_SQL}) FILTER (WHERE ${condition})::int AS "matchingAuthors",
                min(mb.occurred_at) FILTER (WHERE ${condition}) AS first_matching_at
           ${WINDOW_FROM}`,
        parameters,
      );
      const row = rows[0];
      if (row === undefined) {
        return { total: 0, known: 0, negative: 0, matching: 0, matchingSites: 0, matchingAuthors: 0, firstMatchingAtMs: null };
      }
      const { first_matching_at: firstMatchingAt, ...counts } = row;
      return { ...counts, firstMatchingAtMs: firstMatchingAt?.getTime() ?? null };
    },

    async windowMentions(brandId, fromMs, toMs, filter, limit) {
      const parameters: unknown[] = [brandId, new Date(fromMs), new Date(toMs)];
      const condition = filterSql(filter, parameters);
      parameters.push(limit);
      const { rows } = await database.query<WindowMentionRow>(
        `SELECT m.id, m.url, m.title, m.content, m.author, m.source_id, ${SITE_SQL} AS site, m.sentiment_label,
                m.sentiment_score, m.reach, m.published_at, mb.occurred_at, mb.story_id,
                ${OPENS_STORY_SQL} AS opens_story
           ${WINDOW_FROM} ${condition}
          ORDER BY mb.occurred_at DESC, mb.mention_id DESC
          LIMIT $${parameters.length}`,
        parameters,
      );
      return rows.map(toWindowMention);
    },

    async lastMentionAt(brandId, beforeMs) {
      const { rows } = await database.query<{ occurred_at: Date }>(
        `SELECT occurred_at FROM mention_brands WHERE brand_id = $1 AND occurred_at < $2
          ORDER BY occurred_at DESC LIMIT 1`,
        [brandId, new Date(beforeMs)],
      );
      return rows[0] ? rows[0].occurred_at.getTime() : null;
    },
  };
}

interface WindowMentionRow {
  id: string;
  url: string | null;
  title: string | null;
  content: string;
  author: string | null;
  source_id: string;
  site: string;
  sentiment_label: string;
  sentiment_score: number | null;
  reach: number | null;
  published_at: Date | null;
  occurred_at: Date;
  story_id: string | null;
  opens_story: boolean;
}

function toWindowMention(row: WindowMentionRow): WindowMention {
  return {
    id: row.id,
    url: row.url,
    title: row.title,
    content: row.content,
    author: row.author,
    sourceId: row.source_id,
    site: row.site,
    sentimentLabel: row.sentiment_label,
    sentimentScore: row.sentiment_score,
    reach: row.reach,
    publishedAt: row.published_at,
    occurredAt: row.occurred_at,
    storyId: row.story_id,
    opensStory: row.opens_story,
  };
}
