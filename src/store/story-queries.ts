// Reads stories for the API: a filtered, keyset-paged list in one of three orders, and one story with its spread
// timeline (each site with the time it first carried the story).
import type { Database } from './database.js';

export type StorySort = 'recent' | 'spread' | 'size';
export type StorySentiment = 'negative' | 'positive' | 'neutral';

/** Where a page of stories starts: the sort value and id of the last story of the previous page. */
export interface StoryPosition {
  sort: StorySort;
  value: number;
  id: string;
}

export interface StoryFilter {
  brand?: string;
  /** Stories active at or after this time (last mention at or after it). */
  since?: Date;
  /** Stories that had started before this time. */
  until?: Date;
  sentiment?: StorySentiment;
  sort: StorySort;
  limit: number;
  after?: StoryPosition;
}

export interface StorySummary {
  id: string;
  brand: string;
  title: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  mentions: number;
  sites: number;
  authors: number;
  negativeShare: number;
  sitesLast6h: number;
  firstSite: string | null;
  sampleUrls: string[];
  open: boolean;
}

export interface StorySite {
  site: string;
  firstSeenAt: Date;
  mentions: number;
  firstUrl: string | null;
}

const SORT_COLUMN: Record<StorySort, string> = {
  recent: 's.last_seen_at',
  spread: 's.sites',
  size: 's.mentions',
};

const SENTIMENT_CONDITION: Record<StorySentiment, string> = {
  negative: 's.negative_mentions * 2 >= s.mentions',
  positive: 's.positive_mentions * 2 >= s.mentions',
  neutral: 's.negative_mentions * 2 < s.mentions AND s.positive_mentions * 2 < s.mentions',
};

// What the list shows beyond the stories row: distinct authors, sites newly reached in the story's last 6 hours,
// and the first URL of each of its first three sites. Computed for one page of stories only.
const SUMMARY_COLUMNS = `s.id, s.brand_id, s.title, s.first_seen_at, s.last_seen_at, s.mentions, s.sites, s.negative_mentions,
  s.first_site, s.open,
  (SELECT count(DISTINCT m.author)::int FROM mention_brands mb
    JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at
    WHERE mb.story_id = s.id) AS authors,
  (SELECT count(*)::int FROM story_sites ss WHERE ss.story_id = s.id
    AND ss.first_seen_at > s.last_seen_at - interval '6 hours') AS sites_last_6h,
  ARRAY(SELECT m.url FROM story_sites ss JOIN mentions m ON m.id = ss.first_mention_id
    WHERE ss.story_id = s.id AND m.url IS NOT NULL ORDER BY ss.first_seen_at, ss.site LIMIT 3) AS sample_urls`;

interface SummaryRow {
  id: string;
  brand_id: string;
  title: string;
  first_seen_at: Date;
  last_seen_at: Date;
  mentions: number;
  sites: number;
  negative_mentions: number;
  first_site: string | null;
  open: boolean;
  authors: number;
  sites_last_6h: number;
  sample_urls: string[];
}

function toSummary(row: SummaryRow): StorySummary {
  return {
    id: row.id,
    brand: row.brand_id,
    title: row.title,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    mentions: row.mentions,
    sites: row.sites,
    authors: row.authors,
    negativeShare: row.mentions === 0 ? 0 : row.negative_mentions / row.mentions,
    sitesLast6h: row.sites_last_6h,
    firstSite: row.first_site,
    sampleUrls: row.sample_urls,
    open: row.open,
  };
}

export interface StoryPage {
  stories: StorySummary[];
  next: StoryPosition | null;
}

export async function listStories(database: Database, filter: StoryFilter): Promise<StoryPage> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const sortColumn = SORT_COLUMN[filter.sort];
  const conditions: string[] = [];
  if (filter.brand !== undefined) conditions.push(`s.brand_id = ${param(filter.brand)}`);
  if (filter.since !== undefined) conditions.push(`s.last_seen_at >= ${param(filter.since)}`);
  if (filter.until !== undefined) conditions.push(`s.first_seen_at < ${param(filter.until)}`);
  if (filter.sentiment !== undefined) conditions.push(SENTIMENT_CONDITION[filter.sentiment]);
  if (filter.after !== undefined) {
    const value = filter.sort === 'recent' ? new Date(filter.after.value) : filter.after.value;
    conditions.push(`(${sortColumn}, s.id) < (${param(value)}, ${param(filter.after.id)})`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await database.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM stories s ${where}
     ORDER BY ${sortColumn} DESC, s.id DESC LIMIT ${param(filter.limit + 1)}`,
    params,
  );
  const stories = rows.slice(0, filter.limit).map(toSummary);
  const last = stories.at(-1);
  const next =
    rows.length > filter.limit && last !== undefined
      ? { sort: filter.sort, value: sortValue(last, filter.sort), id: last.id }
      : null;
  return { stories, next };
}

function sortValue(story: StorySummary, sort: StorySort): number {
  return sort === 'recent' ? story.lastSeenAt.getTime() : sort === 'spread' ? story.sites : story.mentions;
}

export async function findStory(database: Database, storyId: string): Promise<StorySummary | null> {
  const { rows } = await database.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM stories s WHERE s.id = $1`, [storyId]);
  return rows[0] === undefined ? null : toSummary(rows[0]);
}

/** Each site that carried the story, in the order they first did. */
export async function storySpread(database: Database, storyId: string): Promise<StorySite[]> {
  const { rows } = await database.query<{ site: string; first_seen_at: Date; mentions: number; url: string | null }>(
    `SELECT ss.site, ss.first_seen_at, ss.mentions, m.url
       FROM story_sites ss LEFT JOIN mentions m ON m.id = ss.first_mention_id
      WHERE ss.story_id = $1 ORDER BY ss.first_seen_at, ss.site`,
    [storyId],
  );
  return rows.map((row) => ({ site: row.site, firstSeenAt: row.first_seen_at, mentions: row.mentions, firstUrl: row.url }));
}
