// A page of one source walks that source's index in every month, never a month's time index filtered by source: a
// source with no mention in the newest month (a feed that stopped) once made PostgreSQL read that whole month by time
// (bench:api, 1M: 28,118 rows for none kept, 20 ms instead of 1), because under a LIMIT it picks each partition's scan
// by its cost to the first row, and the month's time index was one level shallower than its source index.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, inTransaction, type Database } from '../../src/store/database.js';
import { listMentions, type MentionFilter } from '../../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

// Long source ids make each month's source index a level deeper than its time index at a size a test loads in a
// moment (ordinary ids at 1M mentions: 28,118 rows in the month); the planner then sees what it saw there.
const QUIET = `quiet-${'q'.repeat(300)}`;
const ACTIVE = `active-${'a'.repeat(300)}`;
const HOUR = 3_600_000;
// The quiet source's mentions: September only. October: the active source's only, enough for the deeper index.
const SEPTEMBER = Date.UTC(2026, 8, 1);
const OCTOBER = Date.UTC(2026, 9, 1);
const QUIET_MENTIONS = 40;
const OCTOBER_MENTIONS = 1_500;

function mention(id: string, sourceId: string, at: number): ScoredMention {
  return {
    id,
    sourceId,
    sourceType: 'rss',
    externalId: null,
    url: `https://plan.example/${id}`,
    title: null,
    text: `Acme report ${id}`,
    author: null,
    lang: 'en',
    publishedAt: new Date(at).toISOString(),
    seenAt: '2026-11-20T00:00:00.000Z',
    brands: ['acme'],
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The scans of mentions' partitions in a plan (the brands looked up per row are mention_brands'). */
function mentionScans(node: PlanNode): PlanNode[] {
  const own = /^mentions_/.test(node['Relation Name'] ?? '') ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(mentionScans)];
}

describe('a page of one source', () => {
  let db: TestDatabase;
  let pages: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const month of ['2026-09-01', '2026-10-01']) await db.database.query('SELECT create_mention_partition($1)', [month]);
    const quiet = Array.from({ length: QUIET_MENTIONS }, (_, index) => mention(`q${String(index).padStart(4, '0')}`, QUIET, SEPTEMBER + index * HOUR));
    const active = Array.from({ length: OCTOBER_MENTIONS }, (_, index) => mention(`a${String(index).padStart(4, '0')}`, ACTIVE, OCTOBER + index * 0.4 * HOUR));
    await inTransaction(db.database, (client) => insertMentions(client, [...quiet, ...active]));
    await db.database.query('ANALYZE');
    pages = createDatabase(db.url, { max: 1, statementTimeoutMs: 10_000, genericPlans: true });
  });

  afterAll(async () => {
    await pages?.end();
    await db?.drop();
  });

  const filter: MentionFilter = { source: QUIET, limit: 5 };
  const newestQuiet = ['q0039', 'q0038', 'q0037', 'q0036', 'q0035'];

  /** The statement the page pool prepared for the page, and its plan for the values of `filter`. */
  async function preparedPlan(): Promise<{ statement: string; plan: PlanNode }> {
    const { rows: [prepared] } = await pages.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements WHERE NOT from_sql');
    if (prepared === undefined) throw new Error('no statement prepared');
    const values = [QUIET, filter.limit + 1].map((value) => pg.escapeLiteral(String(value)));
    const { rows } = await pages.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${prepared.name}(${values.join(', ')})`);
    return { statement: prepared.statement, plan: rows[0]['QUERY PLAN'][0].Plan };
  }

  it('walks the source index of every month, on its generic plan and on a plan made for its values', async () => {
    expect((await listMentions(db.database, filter, pages)).mentions.map((row) => row.id)).toEqual(newestQuiet);
    const { statement, plan: generic } = await preparedPlan();
    // Planned for the values, as the read pool (and bench:api's raw SQL) does.
    const { rows } = await db.database.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`, [QUIET, filter.limit + 1]);
    const custom: PlanNode = rows[0]['QUERY PLAN'][0].Plan;
    for (const plan of [generic, custom]) {
      const scans = mentionScans(plan);
      expect(scans.map((scan) => scan['Relation Name']).sort()).toContain('mentions_p202610');
      // Without the source's order: October walked by time, its 1,500 rows read and dropped for none kept.
      expect(scans.map((scan) => [scan['Relation Name'], scan['Rows Removed by Filter'] ?? 0])).toEqual(scans.map((scan) => [scan['Relation Name'], 0]));
      for (const scan of scans) expect(scan['Index Name'], JSON.stringify(scan)).toMatch(/^mentions_.*_source_id_occurred_at_id_idx$/);
    }
  });

  it('answers every page of a source as the same walk by time would, across the months', async () => {
    const read = async (source: string) => {
      const ids: string[] = [];
      let after: MentionFilter['after'];
      for (;;) {
        const page = await listMentions(db.database, { source, limit: 200, after }, pages);
        ids.push(...page.mentions.map((row) => row.id));
        if (page.next === null) return ids;
        after = page.next;
      }
    };
    expect(await read(QUIET)).toEqual(Array.from({ length: QUIET_MENTIONS }, (_, index) => `q${String(QUIET_MENTIONS - 1 - index).padStart(4, '0')}`));
    expect(await read(ACTIVE)).toEqual(Array.from({ length: OCTOBER_MENTIONS }, (_, index) => `a${String(OCTOBER_MENTIONS - 1 - index).padStart(4, '0')}`));
  });
});
