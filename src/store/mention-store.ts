// Writes scored mentions in batches: one statement per table for the whole batch, idempotent by mention id.
import type { Mention } from '../mentions/mention.js';
import { arrayLiteral } from './array-literal.js';
import { textArrayBinary } from './text-array-binary.js';
import { searchableText } from '../mentions/search-text.js';
import type { Sentiment } from '../sentiment/sentiment-label.js';
import { SCORER_VERSION } from '../sentiment/scorer-version.js';
import type { TermList } from '../stories/story-terms.js';
import type { StoryOptions } from '../stories/story-options.js';
import type { DatabaseClient } from './database.js';

/**
 * A mention with its model sentiment; `lang` is the language it was scored as (declared, else detected), and
 * `sentimentVersion` the scorer version that labelled it (SCORER_VERSION when absent).
 */
export type ScoredMention = Mention & { sentiment: Sentiment; sentimentVersion?: number; prepared?: PreparedMention };

/**
 * What storing a mention derives from its text alone, worked out by the scorer before it takes the story locks (see
 * prepareMention in score-and-store.ts), so that the locked part of a batch is mostly PostgreSQL's. Absent: derived
 * while storing, with the same result.
 */
export interface PreparedMention {
  /** searchableText of the title and text. */
  searchText: string;
  /** The mention's story terms (storyTerms of storyMentionOf), and the weights they were computed with. */
  storyTerms: TermList;
  storyWeights: StoryOptions['weights'];
}

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

/**
 * Places new (mention, brand) links before they are written, answering each one's story id (see story-store.ts):
 * a link then gets its story in the INSERT itself, not in a second UPDATE of every row (which also recounted the
 * brand_stats rollups of each, by trigger).
 */
export type LinkPlacer = (newLinks: NewLink[]) => Promise<ReadonlyMap<string, string>>;

/** The key a LinkPlacer answers a link's story id under. */
export function linkKey(link: Pick<NewLink, 'mentionId' | 'brandId'>): string {
  return `${link.mentionId}\u0000${link.brandId}`;
}

/** Stores a batch: its mention rows, then its links (see storeMentionRows and linkStoredMentions). */
export async function insertMentions(client: DatabaseClient, batch: ScoredMention[], placeLinks?: LinkPlacer): Promise<InsertReport> {
  return linkStoredMentions(client, await storeMentionRows(client, batch), placeLinks);
}

/** A batch's mentions (one per id, see mergeDuplicates) and the rows storeMentionRows wrote for those that were new. */
export interface StoredRows {
  mentions: ScoredMention[];
  inserted: Array<{ id: string; source_id: string; source_type: string; seen_at: Date; occurred_at: Date }>;
}

/**
 * The first part of storing a batch: claims each id and writes the mention rows of the ids it claimed (their links
 * come with linkStoredMentions, in the same transaction). It takes no lock but the new rows' own: a batch with an id
 * another transaction claimed and has not committed yet waits for that one to end.
 */
export async function storeMentionRows(client: DatabaseClient, batch: ScoredMention[]): Promise<StoredRows> {
  const mentions = mergeDuplicates(batch);
  if (mentions.length === 0) return { mentions, inserted: [] };
  // The id is claimed in mention_ids first (its primary key is what makes a mention exactly once, 010 migration);
  // only the ids claimed by this statement become rows of the partitioned mentions table, at the time they were
  // claimed with. A redelivery, whatever its occurred_at, finds its id taken and stores nothing. ON CONFLICT has no
  // target: both of mention_ids' unique indexes are about the id, and two deliveries with the same time racing in
  // two transactions (no lock keeps them apart) would otherwise meet (id, occurred_at) with a duplicate-key error.
  const inserted = await client.query<{ id: string; source_id: string; source_type: string; seen_at: Date; occurred_at: Date }>(
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
       ON CONFLICT DO NOTHING
       RETURNING id)
     -- Only claimed rows reach to_tsvector: a redelivered batch builds no text-search vector.
     INSERT INTO mentions (id, source_id, source_type, external_id, url, title, content, author, lang, published_at,
                           seen_at, occurred_at, backfill, reach, sentiment_label, model_sentiment_label,
                           sentiment_score, sentiment_version, search)
     SELECT id, source_id, source_type, external_id, url, title, content, author, lang, published_ms,
            seen_ms, occurred_at, backfill, reach, sentiment_label, sentiment_label,
            sentiment_score, sentiment_version, to_tsvector('simple', search_text)
       FROM batch JOIN claimed USING (id)
     RETURNING id, source_id, source_type, seen_at, occurred_at`,
    // The text columns in binary form (text-array-binary.ts), the others as array literals built once
    // (array-literal.ts): what pg would send for them, cheaper to build.
    [
      textArrayBinary(mentions.map((mention) => mention.id)),
      textArrayBinary(mentions.map((mention) => mention.sourceId)),
      textArrayBinary(mentions.map((mention) => mention.sourceType)),
      textArrayBinary(mentions.map((mention) => mention.externalId)),
      textArrayBinary(mentions.map((mention) => mention.url)),
      textArrayBinary(mentions.map((mention) => mention.title)),
      textArrayBinary(mentions.map((mention) => mention.text)),
      textArrayBinary(mentions.map((mention) => mention.author)),
      textArrayBinary(mentions.map((mention) => mention.lang)),
      arrayLiteral(mentions.map((mention) => mention.publishedAt)),
      arrayLiteral(mentions.map((mention) => mention.seenAt)),
      arrayLiteral(mentions.map((mention) => mention.backfill)),
      arrayLiteral(mentions.map((mention) => mention.reach)),
      textArrayBinary(mentions.map((mention) => mention.sentiment.label)),
      arrayLiteral(mentions.map((mention) => mention.sentiment.score)),
      textArrayBinary(mentions.map((mention) => mention.prepared?.searchText ?? searchableText(`${mention.title ?? ''} ${mention.text}`))),
      arrayLiteral(mentions.map((mention) => mention.sentimentVersion ?? SCORER_VERSION)),
    ],
  );
  return { mentions, inserted: inserted.rows };
}

/**
 * The second part: the batch's (mention, brand) links not stored yet, placed in their stories by `placeLinks`, and
 * the sources' totals.
 */
export async function linkStoredMentions(client: DatabaseClient, stored: StoredRows, placeLinks?: LinkPlacer): Promise<InsertReport> {
  const { mentions, inserted } = stored;
  if (mentions.length === 0) return { insertedIds: [], newLinks: [] };
  // Links are added for every mention, new or not: the same story found later for another brand gains that brand.
  const insertedNow = new Set(inserted.map((row) => row.id));
  const candidates = await linksNotStored(client, mentions, inserted);
  const storyIds = placeLinks === undefined || candidates.length === 0 ? new Map<string, string>() : await placeLinks(candidates);
  // The brand_stats rollups follow these rows by trigger (006_brand_stats.sql). A mention stored by this batch is
  // linked with the label and backfill flag it was written with (no one else can see it yet); one stored earlier is
  // read by its key (its label may have been overridden since): no join over every stored id or mention.
  const byId = new Map(mentions.map((mention) => [mention.id, mention]));
  const newLinks = await client.query<{ mention_id: string; brand_id: string; occurred_at: Date }>(
    `INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill, story_id)
     SELECT link.mention_id, link.brand_id, link.occurred_at, coalesce(link.sentiment_label, stored.sentiment_label),
            coalesce(link.backfill, stored.backfill), link.story_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::boolean[])
              AS link(mention_id, brand_id, story_id, occurred_at, sentiment_label, backfill)
       -- OFFSET 0: one probe by key per earlier link (its time gives the partition), never a join of the table.
       LEFT JOIN LATERAL (SELECT m.sentiment_label, m.backfill FROM mentions m
                           WHERE link.sentiment_label IS NULL AND m.id = link.mention_id AND m.occurred_at = link.occurred_at
                          OFFSET 0) AS stored ON true
      WHERE link.sentiment_label IS NOT NULL OR stored.sentiment_label IS NOT NULL
     ON CONFLICT DO NOTHING
     RETURNING mention_id, brand_id, occurred_at`,
    [
      candidates.map((link) => link.mentionId),
      candidates.map((link) => link.brandId),
      candidates.map((link) => storyIds.get(linkKey(link)) ?? null),
      candidates.map((link) => link.occurredAt),
      candidates.map((link) => (insertedNow.has(link.mentionId) ? (byId.get(link.mentionId)?.sentiment.label ?? null) : null)),
      candidates.map((link) => (insertedNow.has(link.mentionId) ? (byId.get(link.mentionId)?.backfill ?? null) : null)),
    ],
  );
  await addToSourceTotals(client, inserted);
  return {
    insertedIds: inserted.map((row) => row.id),
    newLinks: newLinks.rows.map((row) => ({ mentionId: row.mention_id, brandId: row.brand_id, occurredAt: row.occurred_at })),
  };
}

/**
 * The batch's (mention, brand) links that are not stored yet, in mention id order, with the stored mention's time.
 * A mention stored just now has none stored; only the others (a redelivery, a story seen again for another brand)
 * are looked up. The scorer holds each brand's story lock (story-store.ts), so no one adds these links meanwhile.
 */
async function linksNotStored(
  client: DatabaseClient,
  mentions: ScoredMention[],
  inserted: Array<{ id: string; occurred_at: Date }>,
): Promise<NewLink[]> {
  const insertedAt = new Map(inserted.map((row) => [row.id, row.occurred_at]));
  const earlier = mentions.filter((mention) => !insertedAt.has(mention.id));
  const stored = new Map<string, Date>();
  if (earlier.length > 0) {
    const earlierLinks = earlier.flatMap((mention) => [...new Set(mention.brands)].map((brandId) => [mention.id, brandId] as const));
    const { rows } = await client.query<{ mention_id: string; brand_id: string; occurred_at: Date }>(
      `SELECT link.mention_id, link.brand_id, k.occurred_at
         FROM unnest($1::text[], $2::text[]) AS link(mention_id, brand_id)
         JOIN mention_ids k ON k.id = link.mention_id
        WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.id = k.id AND m.occurred_at = k.occurred_at)
          AND NOT EXISTS (SELECT 1 FROM mention_brands stored
                           WHERE stored.mention_id = link.mention_id AND stored.brand_id = link.brand_id
                             AND stored.occurred_at = k.occurred_at)`,
      [earlierLinks.map(([mentionId]) => mentionId), earlierLinks.map(([, brandId]) => brandId)],
    );
    for (const row of rows) stored.set(linkKey({ mentionId: row.mention_id, brandId: row.brand_id }), row.occurred_at);
  }
  return mentions.flatMap((mention) =>
    [...new Set(mention.brands)].flatMap((brandId) => {
      const occurredAt = insertedAt.get(mention.id) ?? stored.get(linkKey({ mentionId: mention.id, brandId }));
      return occurredAt === undefined ? [] : [{ mentionId: mention.id, brandId, occurredAt }];
    }),
  );
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
 * A batch without a repeated id (nearly every one) comes back as its own mentions, not copies of them: copying every
 * mention of every batch was garbage for nothing.
 */
export function mergeDuplicates(batch: ScoredMention[]): ScoredMention[] {
  const sorted = isSortedById(batch) ? batch : [...batch].sort(compareIds);
  if (isSortedById(sorted, true)) return sorted;
  const byId = new Map<string, ScoredMention>();
  for (const mention of sorted) {
    const earlier = byId.get(mention.id);
    if (earlier === undefined) byId.set(mention.id, { ...mention, brands: [...mention.brands] });
    else earlier.brands = [...new Set([...earlier.brands, ...mention.brands])];
  }
  return [...byId.values()];
}

/** Whether the ids ascend (`strictly`: with no id twice). */
function isSortedById(mentions: readonly ScoredMention[], strictly = false): boolean {
  for (let at = 1; at < mentions.length; at += 1) {
    const order = compareIds(mentions[at - 1] as ScoredMention, mentions[at] as ScoredMention);
    if (order > 0 || (strictly && order === 0)) return false;
  }
  return true;
}

function compareIds(a: ScoredMention, b: ScoredMention): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
