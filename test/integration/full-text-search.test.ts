// Full-text search (q) answers the same pages whether its matches are few (collected from the GIN index first) or
// many (found by walking mentions by time): both are checked against a plain SQL reading of the same filter, pages
// and cursors alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/store/database.js';
import { listMentions, type MentionFilter, type MentionPosition } from '../../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { capturingDatabase, conditionsOf, planNodes, planOf } from '../helpers/statement-plan.js';

const START = Date.UTC(2026, 9, 1);
// Every mention has the common word: over 10,000 of them, where search used to count matches to choose its plan.
const COMMON_COUNT = 10_150;

function scored(index: number, text: string, brands: string[]): ScoredMention {
  return {
    id: `m${String(index).padStart(6, '0')}`,
    sourceId: index % 2 === 0 ? 'even' : 'odd',
    sourceType: 'rss',
    externalId: null,
    url: `https://search.example/${index}`,
    title: `Story ${index}`,
    text,
    author: null,
    lang: 'en',
    // Every third mention shares its time with the next one, so ties are broken by id on some page boundaries.
    publishedAt: new Date(START + Math.floor(index / 3) * 60_000).toISOString(),
    seenAt: '2026-11-20T00:00:00.000Z',
    brands,
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

describe('full-text search pages', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const mentions: ScoredMention[] = [];
    for (let index = 0; index < COMMON_COUNT; index++) {
      const rare = index % 997 === 0 ? ' A boycott is called.' : '';
      mentions.push(scored(index, `Acme product launch number ${index}.${rare}`, index % 5 === 0 ? ['acme', 'globex'] : ['acme']));
    }
    for (let batch = 0; batch < mentions.length; batch += 1000) {
      await inTransaction(db.database, (client) => insertMentions(client, mentions.slice(batch, batch + 1000)));
    }
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** Ids of every page of listMentions, following the cursor. */
  async function pagedIds(filter: Omit<MentionFilter, 'after'>, pages: number): Promise<string[]> {
    const ids: string[] = [];
    let after: MentionFilter['after'];
    for (let page = 0; page < pages; page++) {
      const result = await listMentions(db.database, { ...filter, after });
      ids.push(...result.mentions.map((mention) => mention.id));
      if (result.next === null) break;
      after = result.next;
    }
    return ids;
  }

  /** The same filter read plainly, newest first. */
  async function expectedIds(where: string, params: unknown[], limit: number): Promise<string[]> {
    const { rows } = await db.database.query<{ id: string }>(
      `SELECT m.id FROM mentions m WHERE ${where} ORDER BY m.occurred_at DESC, m.id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((row) => row.id);
  }

  it('pages through a query matching more mentions than the threshold', async () => {
    const ids = await pagedIds({ q: 'launch', limit: 50 }, 4);
    expect(ids).toHaveLength(200);
    expect(ids).toEqual(await expectedIds("m.search @@ websearch_to_tsquery('simple', 'launch')", [], 200));
  });

  it('pages through every match of a common word with the pages and cursors of a plain reading', async () => {
    const limit = 250;
    const { rows } = await db.database.query<{ id: string; occurred_at: Date }>(
      `SELECT id, occurred_at FROM mentions WHERE search @@ websearch_to_tsquery('simple', 'launch') ORDER BY occurred_at DESC, id DESC`,
    );
    expect(rows).toHaveLength(COMMON_COUNT);
    const expectedPages: Array<{ ids: string[]; next: MentionPosition | null }> = [];
    for (let start = 0; start < rows.length; start += limit) {
      const page = rows.slice(start, start + limit);
      const last = page.at(-1);
      const more = start + limit < rows.length && last !== undefined;
      expectedPages.push({ ids: page.map((row) => row.id), next: more ? { occurredAt: last.occurred_at, id: last.id } : null });
    }
    const pages: Array<{ ids: string[]; next: MentionPosition | null }> = [];
    let after: MentionPosition | undefined;
    do {
      const page = await listMentions(db.database, { q: 'launch', limit, after });
      pages.push({ ids: page.mentions.map((mention) => mention.id), next: page.next });
      after = page.next ?? undefined;
    } while (after !== undefined && pages.length <= expectedPages.length);
    expect(pages).toEqual(expectedPages);
  });

  it('pages through a query with few matches, to the last page', async () => {
    const ids = await pagedIds({ q: 'boycott', limit: 4 }, 10);
    const expected = await expectedIds("m.search @@ websearch_to_tsquery('simple', 'boycott')", [], 1000);
    expect(expected).toHaveLength(Math.ceil(COMMON_COUNT / 997));
    expect(ids).toEqual(expected);
  });

  it('combines either kind of query with brand, source and time filters', async () => {
    const since = new Date(START);
    const until = new Date(START + 3400 * 60_000);
    for (const q of ['launch', 'boycott']) {
      const ids = await pagedIds({ q, brand: 'globex', source: 'even', since, until, limit: 25 }, 4);
      const expected = await expectedIds(
        `m.search @@ websearch_to_tsquery('simple', $1) AND m.source_id = 'even' AND m.occurred_at >= $2 AND m.occurred_at < $3
         AND EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand_id = 'globex')`,
        [q, since, until],
        100,
      );
      expect(expected.length, q).toBeGreaterThan(0);
      expect(ids, q).toEqual(expected);
    }
  });

  it("walks a brand's own links for a search with a brand, not every mention with a per-row check of its brand", async () => {
    const captured = capturingDatabase(db.database);
    await listMentions(captured.database, { q: 'boycott', brand: 'globex', limit: 25 });
    const plan = await planOf(db.database, captured.last(), { analyze: false });
    const walked = planNodes(plan).find(({ node }) => node['Subplan Name'] === 'CTE walked')?.node;
    if (walked === undefined) throw new Error('no walked CTE in the plan');
    // Links of the brand read by the walk itself (a scan of them with the brand as its condition)...
    const linkScans = planNodes(walked).filter((scan) => scan.node['Relation Name']?.startsWith('mention_brands') === true);
    expect(linkScans.some((scan) => !scan.underSubPlan && /brand_id = /.test(conditionsOf(scan.node)))).toBe(true);
    // ...and no per-row subplan asking each walked mention for its brand.
    expect(linkScans.filter((scan) => scan.underSubPlan)).toEqual([]);
  });

  it('answers a query nothing matches with an empty last page', async () => {
    const page = await listMentions(db.database, { q: 'boycot', limit: 50 });
    expect(page).toEqual({ mentions: [], next: null });
  });
});

describe('full-text search over the words brand matching sees', () => {
  let db: TestDatabase;
  const STORIES: Array<[id: string, title: string, text: string]> = [
    ['node-release', 'Node.js 24 released', 'The runtime ships today.'],
    ['graph-primer', 'Nodes and edges', 'A graph primer.'],
    ['help-desk', 'Help desk hours', 'Our e-mail support is open on Sundays.'],
    ['inbox-tips', 'Inbox tips', 'Email marketing for beginners.'],
    ['fans', 'Fans cheer', 'So proud of the #acme team.'],
    ['launch', 'Acme launches', 'A new product from Acme.'],
    ['weather', 'Weather', 'Sunny with some clouds.'],
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    const mentions = STORIES.map(([id, title, text], index) => ({ ...scored(index, text, ['acme']), id, title }));
    await inTransaction(db.database, (client) => insertMentions(client, mentions));
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Ids of every mention matching `q`, newest first. */
  async function found(q: string): Promise<string[]> {
    const page = await listMentions(db.database, { q, limit: 50 });
    expect(page.next).toBeNull();
    return page.mentions.map((mention) => mention.id);
  }

  it('finds "Node.js" by node, by node.js and by the quoted phrase, but not "Nodes"', async () => {
    expect(await found('node')).toEqual(['node-release']);
    expect(await found('node.js')).toEqual(['node-release']);
    expect(await found('"node.js"')).toEqual(['node-release']);
    expect(await found('Node.JS released')).toEqual(['node-release']);
  });

  it('finds "e-mail support" by e-mail, and not "Email"', async () => {
    expect(await found('e-mail')).toEqual(['help-desk']);
    expect(await found('e-mail support')).toEqual(['help-desk']);
  });

  it('answers #acme as it answers acme: the hashtag and the plain word', async () => {
    const plain = await found('acme');
    expect(plain).toEqual(['launch', 'fans']);
    expect(await found('#acme')).toEqual(plain);
  });
});

