// Reads mention history newest first with keyset pagination: (occurred_at, id) strictly after the cursor, so pages
// neither skip nor repeat while new mentions arrive.
import type { ScoredLabel, SentimentLabel } from '../sentiment/sentiment-label.js';
import { searchQuery } from '../mentions/search-text.js';
import type { Database } from './database.js';

export interface MentionPosition {
  occurredAt: Date;
  id: string;
}

export interface MentionFilter {
  brand?: string;
  source?: string;
  sentiment?: SentimentLabel;
  /** ISO 639-1 language code. */
  lang?: string;
  since?: Date;
  until?: Date;
  /** Full-text query (web search syntax: words, "phrases", OR, -word). */
  q?: string;
  /** Mentions in this story. */
  story?: string;
  /** False leaves out mentions found by a source's first poll (default: they are listed). */
  includeBackfill?: boolean;
  limit: number;
  after?: MentionPosition;
}

export interface StoredMention {
  id: string;
  brands: string[];
  /** The mention's story for each of its brands, in the order of `brands` (null: not assigned). */
  storyIds: Array<string | null>;
  sourceId: string;
  sourceType: string;
  url: string | null;
  title: string | null;
  text: string;
  author: string | null;
  lang: string | null;
  publishedAt: Date | null;
  seenAt: Date;
  occurredAt: Date;
  backfill: boolean;
  reach: number | null;
  /** The effective label (a manual override when there is one) and the model's score. */
  sentiment: { label: SentimentLabel; score: number | null };
  sentimentSource: 'model' | 'manual';
  modelSentiment: { label: SentimentLabel; version: number };
  override: { label: ScoredLabel; by: string; at: Date } | null;
}

interface MentionRow {
  id: string;
  brands: string[] | null;
  story_ids: Array<string | null> | null;
  source_id: string;
  source_type: string;
  url: string | null;
  title: string | null;
  content: string;
  author: string | null;
  lang: string | null;
  published_at: Date | null;
  seen_at: Date;
  occurred_at: Date;
  backfill: boolean;
  reach: number | null;
  sentiment_label: SentimentLabel;
  sentiment_score: number | null;
  model_sentiment_label: SentimentLabel;
  sentiment_version: number;
  sentiment_override: ScoredLabel | null;
  sentiment_override_by: string | null;
  sentiment_override_at: Date | null;
}

const MENTION_COLUMNS = `m.id, m.source_id, m.source_type, m.url, m.title, m.content, m.author, m.lang, m.published_at,
  m.seen_at, m.occurred_at, m.backfill, m.reach, m.sentiment_label, m.sentiment_score, m.model_sentiment_label,
  m.sentiment_version, m.sentiment_override, m.sentiment_override_by, m.sentiment_override_at,
  ARRAY(SELECT brand_id FROM mention_brands WHERE mention_id = m.id AND occurred_at = m.occurred_at ORDER BY brand_id) AS brands,
  ARRAY(SELECT story_id FROM mention_brands WHERE mention_id = m.id AND occurred_at = m.occurred_at ORDER BY brand_id) AS story_ids`;

function toStoredMention(row: MentionRow): StoredMention {
  return {
    id: row.id,
    brands: row.brands ?? [],
    storyIds: row.story_ids ?? [],
    sourceId: row.source_id,
    sourceType: row.source_type,
    url: row.url,
    title: row.title,
    text: row.content,
    author: row.author,
    lang: row.lang,
    publishedAt: row.published_at,
    seenAt: row.seen_at,
    occurredAt: row.occurred_at,
    backfill: row.backfill,
    reach: row.reach,
    sentiment: { label: row.sentiment_label, score: row.sentiment_score },
    sentimentSource: row.sentiment_override === null ? 'model' : 'manual',
    modelSentiment: { label: row.model_sentiment_label, version: row.sentiment_version },
    override:
      row.sentiment_override === null
        ? null
        : { label: row.sentiment_override, by: row.sentiment_override_by ?? '', at: row.sentiment_override_at ?? new Date(0) },
  };
}

export interface MentionPage {
  mentions: StoredMention[];
  /** Where the next page starts, or null when this was the last one. */
  next: MentionPosition | null;
}

/**
 * How a page is found: walking all mentions by time, walking one brand's links by time, or (for a full-text query
 * with few matches) collecting the matches from the GIN index first and sorting those.
 */
type Walk = 'time' | 'brand' | 'hits';

// Below this many matches a full-text query is answered from its matches; above it, matches are dense enough that
// walking by time finds a page quickly. PostgreSQL cannot tell the two apart for words it has no statistics for
// (it assumes 0.5 % of rows), and walked the whole history for a typo (bench:api, 1M mentions: 0.9 s).
export const RARE_QUERY_MATCHES = 10_000;

export async function listMentions(database: Database, filter: MentionFilter): Promise<MentionPage> {
  const tsquery = filter.q === undefined ? undefined : searchQuery(filter.q);
  const walk: Walk =
    tsquery !== undefined
      ? (await countMatchesUpTo(database, tsquery, RARE_QUERY_MATCHES)) < RARE_QUERY_MATCHES
        ? 'hits'
        : 'time'
      : filter.brand !== undefined || filter.story !== undefined
        ? 'brand'
        : 'time';
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const walked = { time: 'm', brand: 'mb', hits: 'h' }[walk];
  const timeColumn = `${walked}.occurred_at`;
  const idColumn = walk === 'brand' ? 'mb.mention_id' : `${walked}.id`;
  let from = 'mentions m';
  let prelude = '';
  if (walk === 'brand') from = 'mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at';
  if (walk === 'hits') {
    // MATERIALIZED, and ordered by the CTE's own columns, so PostgreSQL cannot fall back to walking by time.
    prelude = `WITH hits AS MATERIALIZED (
      SELECT id, occurred_at FROM mentions WHERE search @@ websearch_to_tsquery('simple', ${param(tsquery)}))`;
    from = 'hits h JOIN mentions m ON m.id = h.id AND m.occurred_at = h.occurred_at';
  }
  const conditions: string[] = [];
  if (walk === 'brand') {
    if (filter.brand !== undefined) conditions.push(`mb.brand_id = ${param(filter.brand)}`);
    if (filter.story !== undefined) conditions.push(`mb.story_id = ${param(filter.story)}`);
  } else if (filter.brand !== undefined) {
    // An EXISTS on the walk: PostgreSQL plans it far better than a join of two filtered tables (bench:api).
    conditions.push(`EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.occurred_at = m.occurred_at AND b.brand_id = ${param(filter.brand)})`);
  }
  if (walk !== 'brand' && filter.story !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.occurred_at = m.occurred_at AND b.story_id = ${param(filter.story)})`);
  }
  if (walk === 'time' && tsquery !== undefined) {
    conditions.push(`m.search @@ websearch_to_tsquery('simple', ${param(tsquery)})`);
  }
  if (filter.source !== undefined) conditions.push(`m.source_id = ${param(filter.source)}`);
  if (filter.sentiment !== undefined) conditions.push(`m.sentiment_label = ${param(filter.sentiment)}`);
  if (filter.includeBackfill === false) conditions.push('NOT m.backfill');
  if (filter.lang !== undefined) conditions.push(`m.lang = ${param(filter.lang)}`);
  if (filter.since !== undefined) conditions.push(`${timeColumn} >= ${param(filter.since)}`);
  if (filter.until !== undefined) conditions.push(`${timeColumn} < ${param(filter.until)}`);
  if (filter.after !== undefined) {
    conditions.push(`(${timeColumn}, ${idColumn}) < (${param(filter.after.occurredAt)}, ${param(filter.after.id)})`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await database.query<MentionRow>(
    `${prelude} SELECT ${MENTION_COLUMNS} FROM ${from} ${where}
     ORDER BY ${timeColumn} DESC, ${idColumn} DESC LIMIT ${param(filter.limit + 1)}`,
    params,
  );
  const mentions = rows.slice(0, filter.limit).map(toStoredMention);
  const last = mentions.at(-1);
  const next = rows.length > filter.limit && last !== undefined ? { occurredAt: last.occurredAt, id: last.id } : null;
  return { mentions, next };
}

/** How many mentions match a full-text query, counting no further than `cap`. */
async function countMatchesUpTo(database: Database, tsquery: string, cap: number): Promise<number> {
  const { rows } = await database.query<{ matches: number }>(
    `SELECT count(*)::int AS matches FROM (
       SELECT 1 FROM mentions WHERE search @@ websearch_to_tsquery('simple', $1) LIMIT $2) AS capped`,
    [tsquery, cap],
  );
  return rows[0]?.matches ?? 0;
}

export async function findMention(database: Database, mentionId: string): Promise<StoredMention | null> {
  const { rows } = await database.query<MentionRow>(`SELECT ${MENTION_COLUMNS} FROM mentions m WHERE m.id = $1`, [mentionId]);
  return rows[0] ? toStoredMention(rows[0]) : null;
}
