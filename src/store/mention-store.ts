// Writes scored mentions in batches: one statement per table for the whole batch, idempotent by mention id.
import type { Mention } from '../mentions/mention.js';
import { searchableText } from '../mentions/search-text.js';
import type { Sentiment } from '../sentiment/sentiment-label.js';
import { SCORER_VERSION } from '../sentiment/scorer-version.js';
import type { DatabaseClient } from './database.js';

/**
 * A mention with its model sentiment; `lang` is the language it was scored as (declared, else detected), and
 * `sentimentVersion` the scorer version that labelled it (SCORER_VERSION when absent).
 */
export type ScoredMention = Mention & { sentiment: Sentiment; sentimentVersion?: number };

export interface InsertReport {
  /** Ids of mentions that were new; the others were already stored. */
  insertedIds: string[];
  /** (mention, brand) links that were new: what story assignment has to place. */
  newLinks: NewLink[];
}

export interface NewLink {
  mentionId: string;
  brandId: string;
  occurredAt: Date;
}

export async function insertMentions(client: DatabaseClient, batch: ScoredMention[]): Promise<InsertReport> {
  const mentions = mergeDuplicates(batch);
  if (mentions.length === 0) return { insertedIds: [], newLinks: [] };
  // The id is claimed in mention_ids first (its primary key is what makes a mention exactly once, 010 migration);
  // only the ids claimed by this statement become rows of the partitioned mentions table, at the time they were
  // claimed with. A redelivery, whatever its occurred_at, finds its id taken and stores nothing.
  const inserted = await client.query<{ id: string; source_id: string; source_type: string; seen_at: Date }>(
    `WITH batch AS (
       SELECT input.*, published_ms, seen_ms, least(coalesce(published_ms, seen_ms), seen_ms) AS occurred_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::timestamptz[], $11::timestamptz[], $12::boolean[], $13::float8[], $14::text[],
                     $15::real[], $16::text[], $17::integer[])
           AS input(id, source_id, source_type, external_id, url, title, content, author, lang, published_at, seen_at,
                    backfill, reach, sentiment_label, sentiment_score, search_text, sentiment_version),
         -- Millisecond precision, as JavaScript and the API's cursors have it: a microsecond tail would make keyset
         -- pages skip rows.
         LATERAL (SELECT date_trunc('milliseconds', published_at) AS published_ms,
                         date_trunc('milliseconds', seen_at) AS seen_ms) AS truncated),
     claimed AS (
       INSERT INTO mention_ids (id, occurred_at) SELECT id, occurred_at FROM batch
       ON CONFLICT (id) DO NOTHING
       RETURNING id)
     -- Only claimed rows reach to_tsvector: a redelivered batch builds no text-search vector.
     INSERT INTO mentions (id, source_id, source_type, external_id, url, title, content, author, lang, published_at,
                           seen_at, occurred_at, backfill, reach, sentiment_label, model_sentiment_label,
                           sentiment_score, sentiment_version, search)
     SELECT id, source_id, source_type, external_id, url, title, content, author, lang, published_ms,
            seen_ms, occurred_at, backfill, reach, sentiment_label, sentiment_label,
            sentiment_score, sentiment_version, to_tsvector('simple', search_text)
       FROM batch JOIN claimed USING (id)
     RETURNING id, source_id, source_type, seen_at`,
    [
      mentions.map((mention) => mention.id),
      mentions.map((mention) => mention.sourceId),
      mentions.map((mention) => mention.sourceType),
      mentions.map((mention) => mention.externalId),
      mentions.map((mention) => mention.url),
      mentions.map((mention) => mention.title),
      mentions.map((mention) => mention.text),
      mentions.map((mention) => mention.author),
      mentions.map((mention) => mention.lang),
      mentions.map((mention) => mention.publishedAt),
      mentions.map((mention) => mention.seenAt),
      mentions.map((mention) => mention.backfill),
      mentions.map((mention) => mention.reach),
      mentions.map((mention) => mention.sentiment.label),
      mentions.map((mention) => mention.sentiment.score),
      mentions.map((mention) => searchableText(`${mention.title ?? ''} ${mention.text}`)),
      mentions.map((mention) => mention.sentimentVersion ?? SCORER_VERSION),
    ],
  );
  // Links are added for every mention, new or not: the same story found later for another brand gains that brand.
  const links = mentions.flatMap((mention) => mention.brands.map((brandId) => [mention.id, brandId] as const));
  // The brand_stats rollups follow these rows by trigger (006_brand_stats.sql).
  const newLinks = await client.query<{ mention_id: string; brand_id: string; occurred_at: Date }>(
    `INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill)
     SELECT link.mention_id, link.brand_id, m.occurred_at, m.sentiment_label, m.backfill
       FROM unnest($1::text[], $2::text[]) AS link(mention_id, brand_id)
       -- The key gives the mention's time, so each lookup reads one partition.
       JOIN mention_ids k ON k.id = link.mention_id
       JOIN mentions m ON m.id = k.id AND m.occurred_at = k.occurred_at
     ON CONFLICT DO NOTHING
     RETURNING mention_id, brand_id, occurred_at`,
    [links.map(([mentionId]) => mentionId), links.map(([, brandId]) => brandId)],
  );
  await addToSourceTotals(client, inserted.rows);
  return {
    insertedIds: inserted.rows.map((row) => row.id),
    newLinks: newLinks.rows.map((row) => ({ mentionId: row.mention_id, brandId: row.brand_id, occurredAt: row.occurred_at })),
  };
}

async function addToSourceTotals(
  client: DatabaseClient,
  rows: Array<{ source_id: string; source_type: string; seen_at: Date }>,
): Promise<void> {
  const totals = new Map<string, { type: string; count: number; lastSeen: Date }>();
  for (const row of rows) {
    const total = totals.get(row.source_id) ?? { type: row.source_type, count: 0, lastSeen: row.seen_at };
    total.count += 1;
    if (row.seen_at > total.lastSeen) total.lastSeen = row.seen_at;
    totals.set(row.source_id, total);
  }
  if (totals.size === 0) return;
  // Sorted so that concurrent batches lock source rows in the same order and cannot deadlock.
  const sourceIds = [...totals.keys()].sort();
  await client.query(
    `INSERT INTO sources (id, type, mentions_total, last_mention_seen_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
     ON CONFLICT (id) DO UPDATE
       SET mentions_total = sources.mentions_total + excluded.mentions_total,
           last_mention_seen_at = greatest(sources.last_mention_seen_at, excluded.last_mention_seen_at)`,
    [
      sourceIds,
      sourceIds.map((id) => totals.get(id)?.type),
      sourceIds.map((id) => totals.get(id)?.count),
      sourceIds.map((id) => totals.get(id)?.lastSeen),
    ],
  );
}

/**
 * One entry per mention id, with the brands of all its copies (the same story from two feeds in one batch), sorted
 * by id so that concurrent batches with overlapping ids take their row locks in the same order and cannot deadlock.
 */
function mergeDuplicates(batch: ScoredMention[]): ScoredMention[] {
  const byId = new Map<string, ScoredMention>();
  for (const mention of batch) {
    const earlier = byId.get(mention.id);
    if (earlier === undefined) byId.set(mention.id, { ...mention, brands: [...mention.brands] });
    else earlier.brands = [...new Set([...earlier.brands, ...mention.brands])];
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
