// Story assignment in the scorer's transaction: takes each batch brand's story lock (in brand order, before any
// row lock, so that two scorers never deadlock and never start two stories for one event), stores the mentions,
// loads the open stories of the brands that gain links, places each new link, saves what changed, and then writes
// the links with their stories.
import { BrandStories, type StorySnapshot } from '../stories/brand-stories.js';
import { DEFAULT_STORY_OPTIONS, type StoryOptions } from '../stories/story-options.js';
import { siteOf, storyMentionOf } from '../stories/story-mention.js';
import type { DatabaseClient } from './database.js';
import { insertMentions, linkKey, type InsertReport, type NewLink, type ScoredMention } from './mention-store.js';

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
  const brandIds = [...new Set(batch.flatMap((mention) => mention.brands))].sort();
  for (const brandId of brandIds) {
    // Held to the end of the transaction; one statement each, so the order is the order of the loop.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`buzzwatch:stories:${brandId}`]);
  }
  return insertMentions(client, batch, (newLinks) => assignStories(client, newLinks, batch, options));
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
  await addSites(client, placed);
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
  await client.query(
    `INSERT INTO stories (id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions,
                          positive_mentions, centroid)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[],
                          $7::int[], $8::int[], $9::jsonb[])
     ON CONFLICT (id) DO UPDATE
       SET title = excluded.title, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
           mentions = excluded.mentions,
           negative_mentions = stories.negative_mentions + excluded.negative_mentions,
           positive_mentions = stories.positive_mentions + excluded.positive_mentions,
           centroid = excluded.centroid`,
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
    ],
  );
}

/** Records each site's first mention of a story and keeps the story's site count and first site in step. */
async function addSites(client: DatabaseClient, placed: PlacedLink[]): Promise<void> {
  const sites = new Map<string, { storyId: string; site: string; firstSeenAt: Date; firstMentionId: string; mentions: number }>();
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
  const rows = [...sites.values()].sort((a, b) => (a.storyId !== b.storyId ? (a.storyId < b.storyId ? -1 : 1) : a.site < b.site ? -1 : 1));
  await client.query(
    `INSERT INTO story_sites (story_id, site, first_seen_at, first_mention_id, mentions)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::int[])
     ON CONFLICT (story_id, site) DO UPDATE
       SET mentions = story_sites.mentions + excluded.mentions,
           first_mention_id = CASE WHEN excluded.first_seen_at < story_sites.first_seen_at
                                   THEN excluded.first_mention_id ELSE story_sites.first_mention_id END,
           first_seen_at = least(story_sites.first_seen_at, excluded.first_seen_at)`,
    [
      rows.map((row) => row.storyId),
      rows.map((row) => row.site),
      rows.map((row) => row.firstSeenAt),
      rows.map((row) => row.firstMentionId),
      rows.map((row) => row.mentions),
    ],
  );
  await client.query(
    `UPDATE stories s
        SET sites = (SELECT count(*) FROM story_sites WHERE story_id = s.id),
            first_site = (SELECT site FROM story_sites WHERE story_id = s.id ORDER BY first_seen_at, site LIMIT 1)
      WHERE s.id = ANY($1::text[])`,
    [[...new Set(rows.map((row) => row.storyId))].sort()],
  );
}
