// Story assignment in the scorer's transaction: stores the mention rows, takes each batch brand's story lock (in
// brand order, so that two scorers never deadlock and never start two stories for one event), loads the open stories
// of the brands that gain links, places each new link, saves what changed, and then writes the links with their
// stories.
import { BrandStories, type StorySnapshot } from '../stories/brand-stories.js';
import { DEFAULT_STORY_OPTIONS, type StoryOptions } from '../stories/story-options.js';
import { siteOf, storyMentionOf } from '../stories/story-mention.js';
import type { DatabaseClient } from './database.js';
import { linkKey, linkStoredMentions, storeMentionRows, type InsertReport, type NewLink, type ScoredMention } from './mention-store.js';

interface StoryRow {
  id: string;
  brand_id: string;
  title: string;
  first_seen_at: Date;
  last_seen_at: Date;
  mentions: number;
  centroid: { titleSimilarity: number; terms: Array<[string, number]> };
}

/** Stores a batch of mentions and puts every new (mention, brand) link into a story of that brand. */
export async function insertMentionsWithStories(
  client: DatabaseClient,
  batch: ScoredMention[],
  options: Partial<StoryOptions> = {},
): Promise<InsertReport> {
  // The mention rows first, before the story locks: the costliest statement of a batch (its text-search vectors and
  // index entries) then runs while another batch holds the locks, instead of after it. No deadlock comes of it: this
  // statement waits for no story lock, and a holder of story locks never waits for another batch's new mention rows
  // (its links are its own mentions' or committed ones', written under the brand's lock).
  const stored = await storeMentionRows(client, batch);
  await lockBrandStories(client, batch.flatMap((mention) => mention.brands));
  return linkStoredMentions(client, stored, (newLinks) => assignStories(client, newLinks, batch, options));
}

/**
 * Takes the story lock of each brand, in brand order, held to the end of the transaction: whoever changes a brand's
 * stories (the scorer placing links, a sentiment correction moving a story's counts) takes them first, so two
 * writers of one brand's story rows take turns instead of deadlocking on them.
 */
export async function lockBrandStories(client: DatabaseClient, brandIds: Iterable<string>): Promise<void> {
  for (const brandId of [...new Set(brandIds)].sort()) {
    // One statement each, so the order is the order of the loop.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`buzzwatch:stories:${brandId}`]);
  }
}

/** Places each new link in a story of its brand and saves the stories; answers the story id of each link. */
async function assignStories(
  client: DatabaseClient,
  links: NewLink[],
  batch: ScoredMention[],
  options: Partial<StoryOptions>,
): Promise<Map<string, string>> {
  const mentions = new Map(batch.map((mention) => [mention.id, mention]));
  const linksByBrand = new Map<string, NewLink[]>();
  for (const link of links) {
    const brandLinks = linksByBrand.get(link.brandId);
    if (brandLinks === undefined) linksByBrand.set(link.brandId, [link]);
    else brandLinks.push(link);
  }
  const brandIds = [...linksByBrand.keys()].sort();
  // Terms the scorer worked out before taking the locks, when they were weighted as these stories weigh them.
  const weights = options.weights ?? DEFAULT_STORY_OPTIONS.weights;
  const openStories = await loadOpenStories(client, brandIds);
  const placed: PlacedLink[] = [];
  const changed: Array<StorySnapshot & { brandId: string }> = [];
  const closed: string[] = [];
  for (const brandId of brandIds) {
    const stories = new BrandStories(brandId, openStories.get(brandId) ?? [], options);
    // In time order, ties by id: the batch's own order is the order of its ids (see mergeDuplicates).
    const brandLinks = (linksByBrand.get(brandId) ?? []).sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.mentionId < b.mentionId ? -1 : 1),
    );
    for (const link of brandLinks) {
      const mention = mentions.get(link.mentionId) as ScoredMention;
      const prepared = mention.prepared?.storyWeights === weights ? mention.prepared.storyTerms : undefined;
      const { storyId } = stories.assign(storyMentionOf(mention, link.occurredAt), prepared);
      placed.push({ link, storyId, mention });
    }
    const changes = stories.drainChanges();
    changed.push(...changes.changed.map((snapshot) => ({ ...snapshot, brandId })));
    closed.push(...changes.closed);
  }
  await saveStories(client, changed, placed);
  if (closed.length > 0) {
    await client.query('UPDATE stories SET open = false, centroid = NULL WHERE id = ANY($1::text[])', [closed.sort()]);
  }
  return new Map(placed.map(({ link, storyId }) => [linkKey(link), storyId]));
}

interface PlacedLink {
  link: NewLink;
  storyId: string;
  mention: ScoredMention;
}

async function loadOpenStories(client: DatabaseClient, brandIds: string[]): Promise<Map<string, StorySnapshot[]>> {
  const { rows } = await client.query<StoryRow>(
    `SELECT id, brand_id, title, first_seen_at, last_seen_at, mentions, centroid
       FROM stories WHERE open AND brand_id = ANY($1::text[])`,
    [brandIds],
  );
  const byBrand = new Map<string, StorySnapshot[]>();
  for (const row of rows) {
    const snapshot: StorySnapshot = {
      id: row.id,
      firstSeenAt: row.first_seen_at.getTime(),
      lastSeenAt: row.last_seen_at.getTime(),
      mentions: row.mentions,
      title: row.title,
      titleSimilarity: row.centroid.titleSimilarity,
      terms: row.centroid.terms,
    };
    const stories = byBrand.get(row.brand_id);
    if (stories === undefined) byBrand.set(row.brand_id, [snapshot]);
    else stories.push(snapshot);
  }
  return byBrand;
}

/**
 * Saves the changed stories and records each site's first mention of a story, in one statement: each story row is
 * written once, with its site count and first site (a second UPDATE of every changed story rewrote the row and its
 * seven index entries again). The statement's snapshot is from before it, so a story's sites are its stored ones plus
 * those this statement adds, and its first site the earliest of its stored sites and the ones it adds or moves
 * earlier. The sites' foreign key is checked at the end of the statement, when a new story's row is there.
 */
async function saveStories(
  client: DatabaseClient,
  changed: Array<StorySnapshot & { brandId: string }>,
  placed: PlacedLink[],
): Promise<void> {
  if (changed.length === 0) return;
  const negative = new Map<string, number>();
  const positive = new Map<string, number>();
  for (const { storyId, mention } of placed) {
    if (mention.sentiment.label === 'negative') negative.set(storyId, (negative.get(storyId) ?? 0) + 1);
    if (mention.sentiment.label === 'positive') positive.set(storyId, (positive.get(storyId) ?? 0) + 1);
  }
  const stories = [...changed].sort((a, b) => (a.id < b.id ? -1 : 1));
  const sites = siteRows(placed);
  await client.query(
    `WITH added_sites AS (
       INSERT INTO story_sites (story_id, site, first_seen_at, first_mention_id, mentions)
       SELECT * FROM unnest($10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::int[])
       ON CONFLICT (story_id, site) DO UPDATE
         SET mentions = story_sites.mentions + excluded.mentions,
             first_mention_id = CASE WHEN excluded.first_seen_at < story_sites.first_seen_at
                                     THEN excluded.first_mention_id ELSE story_sites.first_mention_id END,
             first_seen_at = least(story_sites.first_seen_at, excluded.first_seen_at)
       -- xmax is 0 on a row this statement inserted, not on one it updated.
       RETURNING story_id, site, first_seen_at, xmax = 0 AS added)
     INSERT INTO stories (id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions,
                          positive_mentions, centroid, sites, first_site)
     SELECT story.*,
            (SELECT count(*) FROM story_sites stored WHERE stored.story_id = story.id)
              + (SELECT count(*) FROM added_sites added WHERE added.story_id = story.id AND added.added),
            (SELECT site FROM (SELECT site, first_seen_at FROM story_sites stored WHERE stored.story_id = story.id
                               UNION ALL
                               SELECT site, first_seen_at FROM added_sites added WHERE added.story_id = story.id) AS known
              ORDER BY first_seen_at, site LIMIT 1)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::int[],
                   $8::int[], $9::jsonb[])
              AS story(id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions, positive_mentions,
                       centroid)
     ON CONFLICT (id) DO UPDATE
       SET title = excluded.title, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
           mentions = excluded.mentions,
           negative_mentions = stories.negative_mentions + excluded.negative_mentions,
           positive_mentions = stories.positive_mentions + excluded.positive_mentions,
           centroid = excluded.centroid, sites = excluded.sites, first_site = excluded.first_site`,
    [
      stories.map((story) => story.id),
      stories.map((story) => story.brandId),
      stories.map((story) => story.title),
      stories.map((story) => new Date(story.firstSeenAt)),
      stories.map((story) => new Date(story.lastSeenAt)),
      stories.map((story) => story.mentions),
      stories.map((story) => negative.get(story.id) ?? 0),
      stories.map((story) => positive.get(story.id) ?? 0),
      stories.map((story) => JSON.stringify({ titleSimilarity: story.titleSimilarity, terms: story.terms })),
      sites.map((row) => row.storyId),
      sites.map((row) => row.site),
      sites.map((row) => row.firstSeenAt),
      sites.map((row) => row.firstMentionId),
      sites.map((row) => row.mentions),
    ],
  );
}

interface SiteRow {
  storyId: string;
  site: string;
  firstSeenAt: Date;
  firstMentionId: string;
  mentions: number;
}

/** Each (story, site) of the placed links: its first mention and how many it carried, in story and site order. */
function siteRows(placed: PlacedLink[]): SiteRow[] {
  const sites = new Map<string, SiteRow>();
  for (const { storyId, mention, link } of placed) {
    const site = siteOf(mention.url, mention.sourceId);
    const key = JSON.stringify([storyId, site]);
    const known = sites.get(key);
    if (known === undefined) sites.set(key, { storyId, site, firstSeenAt: link.occurredAt, firstMentionId: mention.id, mentions: 1 });
    else {
      known.mentions += 1;
      if (link.occurredAt < known.firstSeenAt) Object.assign(known, { firstSeenAt: link.occurredAt, firstMentionId: mention.id });
    }
  }
  return [...sites.values()].sort((a, b) => (a.storyId !== b.storyId ? (a.storyId < b.storyId ? -1 : 1) : a.site < b.site ? -1 : 1));
}
