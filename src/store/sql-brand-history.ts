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

export interface SqlBrandHistoryOptions {
  /** KEYWORD_WALK_ROWS unless given: tests set it to take either way over a small window. */
  keywordWalkRows?: number;
}

export function sqlBrandHistory(database: Database | DatabaseClient, options: SqlBrandHistoryOptions = {}): BrandHistory {
  const keywordWalkRows = options.keywordWalkRows ?? KEYWORD_WALK_ROWS;
  const history: BrandHistory = {
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

    async keywordCandidates(brandId, fromMs, toMs, filter, phrases, limit) {
      const prefilter = await keywordPrefilter(database, phrases);
      if (prefilter === null) return history.windowMentions(brandId, fromMs, toMs, filter, limit);
      const window = [brandId, new Date(fromMs), new Date(toMs)];
      // The walk, then (only when it cannot tell) the index, then the rows: short statements rather than one with both
      // ways in it, which PostgreSQL costs by its every branch and JIT-compiled first (6 s for a 30 ms walk,
      // bench:alerts, 300k mentions).
      let keys = await walkedMatches(database, window, filter, prefilter, limit, keywordWalkRows);
      if (keys.length < limit && !(await windowWalkedWhole(database, window, keywordWalkRows))) {
        keys = await indexedMatches(database, window, filter, prefilter, limit);
      }
      const mentions: WindowMention[] = [];
      for (let start = 0; start < keys.length; start += KEYWORD_READ_ROWS) {
        const part = keys.slice(start, start + KEYWORD_READ_ROWS);
        const { rows } = await database.query<WindowMentionRow>(
          `SELECT m.id, m.url, m.title, m.content, m.author, m.source_id, ${SITE_SQL} AS site, m.sentiment_label,
                  m.sentiment_score, m.reach, m.published_at, mb.occurred_at, mb.story_id,
                  ${OPENS_STORY_SQL} AS opens_story
             FROM unnest($2::text[], $3::timestamptz[]) AS p (id, occurred_at)
             CROSS JOIN LATERAL (SELECT * FROM mention_brands
                                  WHERE mention_id = p.id AND occurred_at = p.occurred_at AND brand_id = $1 OFFSET 0) AS mb
             CROSS JOIN LATERAL (SELECT * FROM mentions WHERE id = p.id AND occurred_at = p.occurred_at OFFSET 0) AS m
            ORDER BY mb.occurred_at DESC, mb.mention_id DESC`,
          [brandId, part.map((key) => key.id), part.map((key) => key.occurred_at)],
        );
        mentions.push(...rows.map(toWindowMention));
      }
      return mentions;
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
  return history;
}

/**
 * How many of the window's newest mentions the keyword prefilter walks through (reading each one's search vector)
 * before it takes the matches from the text index instead: a common term fills its candidates there, a rare one is
 * found by the index over any window (bench:alerts, 300k mentions: "acme" over 7 days 1.4 s as one join that
 * PostgreSQL hashed whole, "boycott" over 7 days a few ms from the index). The same two ways, for the same reason,
 * as a full-text page of the API (SEARCH_WALK_ROWS, mention-queries.ts).
 */
const KEYWORD_WALK_ROWS = 5_000;

/**
 * Candidate rows read per statement. PostgreSQL JIT-compiles a statement it costs above jit_above_cost (on in the
 * alerter's pool): reading 2,001 rows at once was, and compiling took 140-230 ms of a 30 ms read (bench:alerts).
 */
const KEYWORD_READ_ROWS = 500;

/** A mention's key, its time as PostgreSQL's text (microseconds and all, so it finds the row again). */
interface MentionKey {
  id: string;
  occurred_at: string;
}

/**
 * The newest mentions of the window whose search vector matches, among the newest `walkRows` (a common term fills
 * `limit` there, and the walk stops as soon as it has).
 */
async function walkedMatches(
  database: Database | DatabaseClient,
  window: unknown[],
  filter: WindowFilter,
  prefilter: string,
  limit: number,
  walkRows: number,
): Promise<MentionKey[]> {
  const parameters = [...window];
  const condition = filterSql(filter, parameters);
  parameters.push(prefilter, walkRows, limit);
  const { rows } = await database.query<MentionKey>(
    `SELECT w.id, w.occurred_at::text AS occurred_at FROM (
       SELECT mb.mention_id AS id, mb.occurred_at, m.search ${WINDOW_FROM} ${condition}
        ORDER BY mb.occurred_at DESC, mb.mention_id DESC LIMIT $${parameters.length - 1}) w
      WHERE w.search @@ $${parameters.length - 2}::tsquery
      ORDER BY w.occurred_at DESC, w.id DESC LIMIT $${parameters.length}`,
    parameters,
  );
  return rows;
}

/** Whether the window holds fewer links than a walk reads, so that the walk saw every mention of it. */
async function windowWalkedWhole(database: Database | DatabaseClient, window: unknown[], walkRows: number): Promise<boolean> {
  const { rows } = await database.query<{ links: number }>(
    `SELECT count(*)::int AS links FROM (SELECT 1 ${COUNTS_FROM} LIMIT $4) AS links`,
    [...window, walkRows],
  );
  return (rows[0]?.links ?? 0) < walkRows;
}

/**
 * The newest mentions of the window whose search vector matches, from the text index (within the window's
 * partitions and times), each one's brand looked up: for a term too rare to fill a walk.
 */
async function indexedMatches(
  database: Database | DatabaseClient,
  window: unknown[],
  filter: WindowFilter,
  prefilter: string,
  limit: number,
): Promise<MentionKey[]> {
  const parameters = [...window];
  const condition = filterSql(filter, parameters);
  parameters.push(prefilter, limit);
  // The brand as an EXISTS looked up per match (OFFSET 0 keeps it so): as a join PostgreSQL may hash all the
  // brand's links first (the same choice as a full-text page's, mention-queries.ts).
  const { rows } = await database.query<MentionKey>(
    `SELECT m.id, m.occurred_at::text AS occurred_at FROM mentions m
      WHERE m.occurred_at >= $2 AND m.occurred_at < $3 AND m.search @@ $${parameters.length - 1}::tsquery
        AND NOT m.backfill ${condition}
        AND EXISTS (SELECT 1 FROM mention_brands b
                     WHERE b.mention_id = m.id AND b.occurred_at = m.occurred_at AND b.brand_id = $1 OFFSET 0)
      ORDER BY m.occurred_at DESC, m.id DESC LIMIT $${parameters.length}`,
    parameters,
  );
  return rows;
}

/**
 * The text-search query that keeps every mention containing one of the phrases: each phrase's words AND'ed (a
 * phrase query would be exact more often, but to_tsvector stores no position past 16,383, so it would miss a phrase
 * far into a long text), the phrases OR'ed. PostgreSQL parses the words as it parsed the stored search text, which
 * is the same folded words joined by spaces (search-text.ts): a word splits into the same lexemes in both, whatever
 * its characters, so a mention holding a phrase's words holds all its lexemes. null: no prefilter, when a phrase
 * leaves no lexeme at all (only characters the parser skips, or words too long to index), since an empty query
 * would keep nothing.
 */
async function keywordPrefilter(database: Database | DatabaseClient, phrases: readonly (readonly string[])[]): Promise<string | null> {
  const { rows } = await database.query<{ query: string; lexemes: number }>(
    `SELECT plainto_tsquery('simple', phrase)::text AS query, numnode(plainto_tsquery('simple', phrase)) AS lexemes
       FROM unnest($1::text[]) WITH ORDINALITY AS phrases (phrase, position) ORDER BY position`,
    [phrases.map((words) => words.join(' '))],
  );
  if (rows.length === 0 || rows.some((row) => row.lexemes === 0)) return null;
  return rows.map((row) => `(${row.query})`).join(' | ');
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
