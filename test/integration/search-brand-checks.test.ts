// A full-text page of a brand whose newest links hold too few matches takes the word's matches from the GIN index and
// checks each one's brand newest first, until the page is full: not every match of the word, most of them older than
// the page (bench:api at 10M, brand=acme&q=boycott: 10,307 matches checked for a page of 51). Seen in EXPLAIN ANALYZE
// of the statement listMentions sends, with the pages and cursors of a plain reading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/store/database.js';
import { listMentions, SEARCH_WALK_ROWS, type MentionFilter, type MentionPosition } from '../../src/store/mention-queries.js';
import { insertMentions, linkKey, type NewLink, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { capturingDatabase, conditionsOf, planNodes, planOf, type PlanNode } from '../helpers/statement-plan.js';

const START = Date.UTC(2026, 10, 1);
/** Matches of the word in mentions of globex alone, newer than acme's. */
const GLOBEX_MATCHES = 20;
/** Matches of the word in acme's mentions, the oldest of all. */
const ACME_MATCHES = 20;
const LIMIT = 10;

function scored(index: number, text: string, brands: string[]): ScoredMention {
  return {
    id: `r${String(index).padStart(5, '0')}`,
    sourceId: 'feed-a',
    sourceType: 'rss',
    externalId: null,
    url: `https://recall.example/${index}`,
    title: null,
    text,
    author: null,
    lang: 'en',
    publishedAt: new Date(START + index * 60_000).toISOString(),
    seenAt: '2026-11-30T00:00:00.000Z',
    brands,
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

/** Oldest first: acme's matches, then globex's, then more of acme's links than a search walks, none of them a match. */
function mentions(): ScoredMention[] {
  const all: ScoredMention[] = [];
  for (let at = 0; at < ACME_MATCHES; at++) all.push(scored(all.length, `Acme recall notice ${at}`, ['acme']));
  for (let at = 0; at < GLOBEX_MATCHES; at++) all.push(scored(all.length, `Globex recall notice ${at}`, ['globex']));
  for (let at = 0; at < SEARCH_WALK_ROWS + 100; at++) all.push(scored(all.length, `Acme launch ${at}`, ['acme']));
  return all;
}

/** Every other acme match is in one story. */
const STORY = 'recall-story';

async function placeInStory(links: NewLink[]): Promise<Map<string, string>> {
  const inStory = links.filter((link) => link.brandId === 'acme' && Number(link.mentionId.slice(1)) < ACME_MATCHES && Number(link.mentionId.slice(1)) % 2 === 0);
  return new Map(inStory.map((link) => [linkKey(link), STORY]));
}

/** How many times a per-row subquery looked a mention's link to a brand up (`brand_id = …` on mention_brands). */
function brandChecks(plan: PlanNode): number {
  return planNodes(plan)
    .filter(({ node, underSubPlan }) => underSubPlan && node['Relation Name']?.startsWith('mention_brands') === true && conditionsOf(node).includes('brand_id = '))
    .reduce((sum, { node }) => sum + (node['Actual Loops'] ?? 0), 0);
}

describe('a full-text page of a brand, from the matches of its word', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const all = mentions();
    for (let batch = 0; batch < all.length; batch += 1000) {
      await inTransaction(db.database, (client) => insertMentions(client, all.slice(batch, batch + 1000), placeInStory));
    }
    await db.database.query('ANALYZE');
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('checks the brand of the newest matches until the page is full, not of every match', async () => {
    const captured = capturingDatabase(db.database);
    const page = await listMentions(captured.database, { brand: 'acme', q: 'recall', limit: LIMIT });
    expect(page.mentions.map((mention) => mention.id)).toEqual(['r00019', 'r00018', 'r00017', 'r00016', 'r00015', 'r00014', 'r00013', 'r00012', 'r00011', 'r00010']);
    const plan = await planOf(db.database, captured.last());
    // globex's matches (newer), then acme's until the page and the one row that tells of a next page are found.
    expect(brandChecks(plan)).toBe(GLOBEX_MATCHES + LIMIT + 1);
  });

  it('pages through the matches of a brand, a story or neither with the cursors of a plain reading', async () => {
    const filters: Array<Omit<MentionFilter, 'after' | 'limit'>> = [
      { brand: 'acme', q: 'recall' },
      { brand: 'globex', q: 'recall' },
      { q: 'recall' },
      { brand: 'acme', q: 'nothing' },
      { story: STORY, q: 'recall' },
      { brand: 'acme', story: STORY, q: 'recall' },
    ];
    for (const filter of filters) {
      const { rows } = await db.database.query<{ id: string }>(
        `SELECT m.id FROM mentions m WHERE m.search @@ websearch_to_tsquery('simple', $1)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand_id = $2))
           AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.story_id = $3))
         ORDER BY m.occurred_at DESC, m.id DESC`,
        [filter.q, filter.brand ?? null, filter.story ?? null],
      );
      if (filter.q === 'recall') expect(rows.length, JSON.stringify(filter)).toBeGreaterThan(LIMIT / 2);
      const ids: string[] = [];
      let after: MentionPosition | undefined;
      for (;;) {
        const page = await listMentions(db.database, { ...filter, limit: LIMIT, after });
        ids.push(...page.mentions.map((mention) => mention.id));
        if (page.next === null) break;
        after = page.next;
      }
      expect(ids, JSON.stringify(filter)).toEqual(rows.map((row) => row.id));
    }
  });
});
