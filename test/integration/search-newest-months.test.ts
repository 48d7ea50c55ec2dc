// A full-text page whose newest mentions hold too few matches takes the word's matches from the GIN index a month at
// a time, newest first (this month, each of the two before it, then the rest), and stops once the page is full: a rare
// word's page reads its newest months' matches, not every match in all history (bench:api at 10M, q=boycott: 10,307).
// Seen in EXPLAIN ANALYZE of the statement listMentions sends; the data is dated from now, as the ranges are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDatabase, inTransaction } from '../../src/store/database.js';
import { listMentions, SEARCH_WALK_ROWS, type MentionFilter, type MentionPosition } from '../../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { capturingDatabase, conditionsOf, planNodes, planOf, type PlanNode } from '../helpers/statement-plan.js';

const NOW = new Date();
/** The UTC start of the month `back` months before this one. */
const monthStart = (back: number) => Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - back, 1);
/** mentions_pYYYYMM of the month `back` months before this one. */
const partitionOf = (back: number) => `mentions_p${new Date(monthStart(back)).toISOString().slice(0, 7).replace('-', '')}`;

/** Matches of the word in each month, by how many months back: this month's are too few for a page. */
const MATCHES_BY_MONTH = new Map([[0, 2], [1, 20], [2, 5], [3, 30]]);
const LIMIT = 10;

function scored(id: string, at: number, text: string, brands: string[]): ScoredMention {
  return {
    id,
    sourceId: 'feed-a',
    sourceType: 'rss',
    externalId: null,
    url: `https://months.example/${id}`,
    title: null,
    text,
    author: null,
    lang: 'en',
    publishedAt: new Date(at).toISOString(),
    seenAt: NOW.toISOString(),
    brands,
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

/** Words that make a month of mentions many pages long, as real ones are: one scanned whole costs more than its matches. */
const FILLER = ' of the new product line, in stores across every market and region from this week on'.repeat(4);

/**
 * In each month its matches a minute apart from the month's start (every other one acme's, the rest globex's), then
 * this month more mentions without the word than a search walks, newer than every match.
 */
function mentions(): ScoredMention[] {
  const all: ScoredMention[] = [];
  for (const [back, count] of MATCHES_BY_MONTH) {
    for (let at = 0; at < count; at++) {
      all.push(scored(`m${back}-${String(at).padStart(2, '0')}`, monthStart(back) + at * 60_000, `Recall notice ${at}`, at % 2 === 0 ? ['acme'] : ['globex']));
    }
  }
  const after = monthStart(0) + 3_600_000;
  for (let at = 0; at < SEARCH_WALK_ROWS + 100; at++) all.push(scored(`f${String(at).padStart(5, '0')}`, after + at * 1_000, `Launch ${at}${FILLER}`, ['acme']));
  return all;
}

/**
 * The rows that the scans of a partition for the words found (a GIN index's, or any other with the match as its
 * condition: a small partition may be read whole), and how many times they ran.
 */
function searchScansOf(plan: PlanNode, partition: string): { rows: number; loops: number } {
  const scans = planNodes(plan).filter(({ node }) => node['Relation Name'] === partition && conditionsOf(node).includes('search @@'));
  return {
    rows: scans.reduce((sum, { node }) => sum + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0), 0),
    loops: scans.reduce((sum, { node }) => sum + (node['Actual Loops'] ?? 0), 0),
  };
}

describe('a full-text page from the matches of its newest months first', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let back = 0; back <= 4; back++) await db.database.query('SELECT create_mention_partition($1)', [new Date(monthStart(back))]);
    const all = mentions();
    for (let batch = 0; batch < all.length; batch += 1000) {
      await inTransaction(db.database, (client) => insertMentions(client, all.slice(batch, batch + 1000)));
    }
    // As autovacuum leaves a table: the GIN indexes' pending entries merged in, their statistics known.
    await db.database.query('VACUUM ANALYZE');
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('reads this month and the month before, not the older months, when those two fill the page', async () => {
    const captured = capturingDatabase(db.database);
    const page = await listMentions(captured.database, { q: 'recall', limit: LIMIT });
    expect(page.mentions.map((mention) => mention.id)).toEqual(['m0-01', 'm0-00', 'm1-19', 'm1-18', 'm1-17', 'm1-16', 'm1-15', 'm1-14', 'm1-13', 'm1-12']);
    const plan = await planOf(db.database, captured.last());
    expect(searchScansOf(plan, partitionOf(0))).toEqual({ rows: 2, loops: 1 });
    // All of the month before's matches: its range is sorted before its page is taken.
    expect(searchScansOf(plan, partitionOf(1))).toEqual({ rows: 20, loops: 1 });
    expect(searchScansOf(plan, partitionOf(2))).toEqual({ rows: 0, loops: 0 });
    expect(searchScansOf(plan, partitionOf(3))).toEqual({ rows: 0, loops: 0 });
  });

  it('reads the older months of a brand only while its matches in the newer ones leave the page short', async () => {
    const captured = capturingDatabase(db.database);
    const page = await listMentions(captured.database, { brand: 'acme', q: 'recall', limit: 12 });
    // acme's (the even ones): this month's one and the month before's ten leave the page of 12 (and the row after it)
    // short, so the month before that one is read too.
    expect(page.mentions.map((mention) => mention.id)).toEqual([
      'm0-00', 'm1-18', 'm1-16', 'm1-14', 'm1-12', 'm1-10', 'm1-08', 'm1-06', 'm1-04', 'm1-02', 'm1-00', 'm2-04',
    ]);
    const plan = await planOf(db.database, captured.last());
    expect(searchScansOf(plan, partitionOf(2))).toEqual({ rows: 5, loops: 1 });
    expect(searchScansOf(plan, partitionOf(3))).toEqual({ rows: 0, loops: 0 });
  });

  it('reads them so on a generic plan too, as the API runs it, the GIN index taking the words computed once', async () => {
    const pages = createDatabase(db.url, { max: 1, statementTimeoutMs: 10_000, genericPlans: true });
    try {
      const captured = capturingDatabase(pages);
      const page = await listMentions(db.database, { q: 'recall', limit: LIMIT }, captured.database);
      expect(page.mentions.map((mention) => mention.id)).toEqual(['m0-01', 'm0-00', 'm1-19', 'm1-18', 'm1-17', 'm1-16', 'm1-15', 'm1-14', 'm1-13', 'm1-12']);
      const { text, values } = captured.last();
      const { rows: prepared } = await pages.query<{ name: string; generic_plans: number; custom_plans: number }>(
        'SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1',
        [text],
      );
      expect(prepared).toEqual([{ name: expect.stringMatching(/^bw_page_/), generic_plans: 1, custom_plans: 0 }]);
      const { rows } = await pages.query(`EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) EXECUTE ${prepared[0]?.name}(${values.map((value) => pg.escapeLiteral(String(value))).join(', ')})`);
      const plan = rows[0]['QUERY PLAN'][0].Plan as PlanNode;
      expect(searchScansOf(plan, partitionOf(0))).toEqual({ rows: 2, loops: 1 });
      expect(searchScansOf(plan, partitionOf(1))).toEqual({ rows: 20, loops: 1 });
      expect(searchScansOf(plan, partitionOf(2))).toEqual({ rows: 0, loops: 0 });
      expect(searchScansOf(plan, partitionOf(3))).toEqual({ rows: 0, loops: 0 });
      const nodes = planNodes(plan).map(({ node }) => node);
      // This month's matches from its GIN index, the words a value computed before the scan (an InitPlan's) ...
      const ginScans = nodes.filter((node) => node['Index Name'] === `${partitionOf(0)}_search_idx`);
      expect(ginScans.map((node) => [node['Node Type'], node['Index Cond']?.replace(/\$\d+/, '$n'), node['Actual Loops']])).toEqual([['Bitmap Index Scan', '(search @@ $n)', 1]]);
      // ... and never parsed again for each row: no condition of any node holds websearch_to_tsquery.
      expect(nodes.filter((node) => conditionsOf(node).includes('websearch_to_tsquery'))).toEqual([]);
    } finally {
      await pages.end();
    }
  });

  it('pages through every match, across the months, with the cursors of a plain reading', async () => {
    const filters: Array<Omit<MentionFilter, 'after' | 'limit'>> = [
      { q: 'recall' },
      { brand: 'acme', q: 'recall' },
      { brand: 'globex', q: 'recall' },
      { q: 'recall', since: new Date(monthStart(2) + 120_000), until: new Date(monthStart(0) + 60_000) },
      { q: 'nothing' },
    ];
    for (const filter of filters) {
      const { rows } = await db.database.query<{ id: string }>(
        `SELECT m.id FROM mentions m WHERE m.search @@ websearch_to_tsquery('simple', $1)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand_id = $2))
           AND ($3::timestamptz IS NULL OR m.occurred_at >= $3) AND ($4::timestamptz IS NULL OR m.occurred_at < $4)
         ORDER BY m.occurred_at DESC, m.id DESC`,
        [filter.q, filter.brand ?? null, filter.since ?? null, filter.until ?? null],
      );
      if (filter.q === 'recall') expect(rows.length, JSON.stringify(filter)).toBeGreaterThan(LIMIT);
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
