// Writes to a stored mention's sentiment after it was first stored: a manual override (or clearing it), and the
// relabelling `buzzwatch rescore` does. Both keep the effective label in mentions and mention_brands in step, since
// filters read the one and alert counts the other, and the stories' sentiment counts with them.
import type { ScoredLabel, SentimentLabel } from '../sentiment/sentiment-label.js';
import { inTransaction, type Database, type DatabaseClient } from './database.js';
import { lockBrandStories } from './story-store.js';

export interface SentimentOverride {
  /** The label to use from now on, or null to return to the model's. */
  label: ScoredLabel | null;
  /** The API key's name. */
  by: string;
  at: Date;
}

/** Records (or clears) the override; false when there is no such mention. */
export async function setSentimentOverride(database: Database, mentionId: string, override: SentimentOverride): Promise<boolean> {
  return inTransaction(database, async (client) => {
    const { rows } = await client.query<{ sentiment_label: SentimentLabel }>(
      `UPDATE mentions
          SET sentiment_override = $2::text,
              sentiment_override_by = CASE WHEN $2::text IS NULL THEN NULL ELSE $3 END,
              sentiment_override_at = CASE WHEN $2::text IS NULL THEN NULL ELSE $4::timestamptz END,
              sentiment_label = coalesce($2::text, model_sentiment_label)
        WHERE id = $1
      RETURNING sentiment_label`,
      [mentionId, override.label, override.by, override.at],
    );
    const effective = rows[0]?.sentiment_label;
    if (effective === undefined) return false;
    await relabelLinks(client, [mentionId], [effective]);
    return true;
  });
}

export interface MentionToRescore {
  id: string;
  title: string | null;
  text: string;
  lang: string | null;
  brands: string[];
  occurredAt: Date;
}

export interface RescoreSelection {
  /** Mentions labelled by any other version are selected. */
  version: number;
  since?: Date;
  brand?: string;
  /** Keyset position: (occurred_at, id) strictly after this. */
  after?: { occurredAt: Date; id: string };
  limit: number;
}

/** The next mentions not labelled by `version`, oldest first (the mentions_by_sentiment_version index). */
export async function mentionsToRescore(database: Database, selection: RescoreSelection): Promise<MentionToRescore[]> {
  const params: unknown[] = [selection.version];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = ['m.sentiment_version <> $1'];
  if (selection.since !== undefined) conditions.push(`m.occurred_at >= ${param(selection.since)}`);
  if (selection.brand !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand_id = ${param(selection.brand)})`);
  }
  if (selection.after !== undefined) {
    conditions.push(`(m.occurred_at, m.id) > (${param(selection.after.occurredAt)}, ${param(selection.after.id)})`);
  }
  const { rows } = await database.query<{ id: string; title: string | null; content: string; lang: string | null; brands: string[]; occurred_at: Date }>(
    `SELECT m.id, m.title, m.content, m.lang, m.occurred_at,
            ARRAY(SELECT brand_id FROM mention_brands WHERE mention_id = m.id AND occurred_at = m.occurred_at ORDER BY brand_id) AS brands
       FROM mentions m
      WHERE ${conditions.join(' AND ')}
      ORDER BY m.occurred_at, m.id
      LIMIT ${param(selection.limit)}`,
    params,
  );
  return rows.map((row) => ({ id: row.id, title: row.title, text: row.content, lang: row.lang, brands: row.brands, occurredAt: row.occurred_at }));
}

export interface RescoredMention {
  id: string;
  lang: string | null;
  label: SentimentLabel;
  score: number | null;
}

/**
 * Stores the new model labels of a batch, all labelled by `version`; a manual override stays the effective label.
 * Answers how many mentions' effective label changed.
 */
export async function storeRescored(client: DatabaseClient, rescored: readonly RescoredMention[], version: number): Promise<number> {
  if (rescored.length === 0) return 0;
  const sorted = [...rescored].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // one lock order for all
  const { rows } = await client.query<{ id: string; sentiment_label: SentimentLabel; changed: boolean }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::real[]) AS input(id, lang, label, score)),
     before AS (
       SELECT m.id, m.sentiment_label FROM mentions m JOIN input USING (id) FOR UPDATE OF m)
     UPDATE mentions m
        SET model_sentiment_label = input.label, sentiment_score = input.score, sentiment_version = $5,
            lang = input.lang, sentiment_label = coalesce(m.sentiment_override, input.label)
       FROM input JOIN before USING (id)
      WHERE m.id = input.id
    RETURNING m.id, m.sentiment_label, m.sentiment_label IS DISTINCT FROM before.sentiment_label AS changed`,
    [sorted.map((mention) => mention.id), sorted.map((mention) => mention.lang), sorted.map((mention) => mention.label), sorted.map((mention) => mention.score), version],
  );
  const changed = rows.filter((row) => row.changed);
  if (changed.length > 0) await relabelLinks(client, changed.map((row) => row.id), changed.map((row) => row.sentiment_label));
  return changed.length;
}

/**
 * Gives the brand links of these mentions their new effective labels, and moves each relabelled link's story from
 * its old label's count to its new one: a story's negative and positive counts (its negative_share, the stories'
 * sentiment filter) are kept as the scorer stored them, so without this they kept the label a correction replaced.
 * The links are locked first, so the old label counted out is the one replaced.
 */
async function relabelLinks(client: DatabaseClient, mentionIds: readonly string[], labels: readonly SentimentLabel[]): Promise<void> {
  // The brands' story locks first, as the scorer takes them: both change story rows (and the brands' rollups), and
  // in another order the two could deadlock when a mention of several brands is corrected while its stories grow.
  const { rows: brands } = await client.query<{ brand_id: string }>(
    'SELECT DISTINCT brand_id FROM mention_brands WHERE mention_id = ANY($1::text[])',
    [mentionIds],
  );
  await lockBrandStories(client, brands.map((row) => row.brand_id));
  await client.query(
    `WITH relabelling AS (
       SELECT mb.mention_id, mb.brand_id, mb.occurred_at, mb.story_id, mb.sentiment_label AS was, changed.label AS now
         FROM mention_brands mb JOIN unnest($1::text[], $2::text[]) AS changed(id, label) ON mb.mention_id = changed.id
        WHERE mb.sentiment_label <> changed.label
          FOR UPDATE OF mb),
     relabelled AS (
       UPDATE mention_brands mb SET sentiment_label = relabelling.now
         FROM relabelling
        WHERE mb.mention_id = relabelling.mention_id AND mb.brand_id = relabelling.brand_id
          AND mb.occurred_at = relabelling.occurred_at
       RETURNING relabelling.story_id, relabelling.was, relabelling.now)
     UPDATE stories s
        SET negative_mentions = s.negative_mentions + moved.negative, positive_mentions = s.positive_mentions + moved.positive
       FROM (SELECT story_id, sum((now = 'negative')::int - (was = 'negative')::int) AS negative,
                    sum((now = 'positive')::int - (was = 'positive')::int) AS positive
               FROM relabelled WHERE story_id IS NOT NULL GROUP BY story_id) AS moved
      WHERE s.id = moved.story_id`,
    [mentionIds, labels],
  );
}
