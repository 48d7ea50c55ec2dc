// The pages of GET /v1/mentions that run as well on a generic plan are prepared by name on the API's pool of generic
// plans, so a connection plans each once and reuses its plan; other pages (stories) and any past the bound on names are
// planned for their values on the read pool, as before. Seen through PostgreSQL itself:
// pg_prepared_statements of the one connection of a pool of one.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/runtime/logger.js';
import type { SentimentLabel } from '../../src/sentiment/sentiment-label.js';
import { createDatabase, inTransaction, type Database } from '../../src/store/database.js';
import { listMentions, type MentionFilter } from '../../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { MAX_NAMED_PAGE_STATEMENTS } from '../../src/store/page-statements.js';
import { capturingDatabase, conditionsOf, planNodes, type PlanNode } from '../helpers/statement-plan.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { READ_KEY, TEST_API_KEYS } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
sources:
  - { id: feed-a, type: rss, url: "http://127.0.0.1:9/a.xml", every: 1h }
  - { id: feed-b, type: rss, url: "http://127.0.0.1:9/b.xml", every: 1h }
${TEST_API_KEYS}`;

// Four months, so that a page's plan has partitions to prune.
const START = Date.UTC(2026, 7, 20);
const HOUR = 3_600_000;
const LABELS: SentimentLabel[] = ['positive', 'neutral', 'negative'];

function scored(index: number): ScoredMention {
  const label = LABELS[index % 3] ?? 'neutral';
  return {
    id: `p${String(index).padStart(4, '0')}`,
    sourceId: index % 2 === 0 ? 'feed-a' : 'feed-b',
    sourceType: 'rss',
    externalId: null,
    url: `https://plans.example/${index}`,
    title: null,
    text: `Acme outage report ${index}${index % 7 === 0 ? ' boycott' : ''}`,
    author: null,
    lang: index % 5 === 0 ? 'pl' : 'en',
    publishedAt: new Date(START + index * 12 * HOUR).toISOString(),
    seenAt: '2026-11-20T00:00:00.000Z',
    brands: index % 3 === 0 ? ['acme', 'globex'] : index % 3 === 1 ? ['acme'] : ['globex'],
    backfill: index % 11 === 0,
    reach: null,
    sentiment: { label, score: label === 'negative' ? -1 : label === 'positive' ? 1 : 0 },
  };
}
const MENTIONS = 160;

/** A pool of generic plans of one connection, so that pg_prepared_statements through it is that connection's. */
function genericPool(db: TestDatabase): Database {
  return createDatabase(db.url, { max: 1, statementTimeoutMs: 10_000, genericPlans: true });
}

interface PreparedStatement {
  name: string;
  statement: string;
  generic_plans: number;
  custom_plans: number;
}

async function preparedOn(pool: Database): Promise<PreparedStatement[]> {
  const { rows } = await pool.query<PreparedStatement>(
    'SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE NOT from_sql ORDER BY prepare_time, name',
  );
  return rows;
}

/**
 * The filters of a page without a full-text query or a story, from the bits of `shape` (at most 2^8 of them: each
 * filter present or not), with values that vary with `shape` beyond the bits.
 */
function filterOfShape(shape: number): MentionFilter {
  const has = (bit: number) => (shape & (1 << bit)) !== 0;
  return {
    limit: 5 + (shape % 4),
    ...(has(0) ? { brand: shape % 3 === 0 ? 'globex' : 'acme' } : {}),
    ...(has(1) ? { source: 'feed-b' } : {}),
    ...(has(2) ? { sentiment: 'negative' as const } : {}),
    ...(has(3) ? { lang: 'en' } : {}),
    ...(has(4) ? { since: new Date(START + 10 * 24 * HOUR) } : {}),
    ...(has(5) ? { until: new Date(START + 60 * 24 * HOUR) } : {}),
    ...(has(6) ? { after: { occurredAt: new Date(START + 70 * 12 * HOUR), id: 'p0070' } } : {}),
    ...(has(7) ? { includeBackfill: false } : {}),
  };
}

/** Every page of `filter` in turn, read with `read`, as the ids of each page. */
async function allPages(read: (filter: MentionFilter) => ReturnType<typeof listMentions>, filter: MentionFilter): Promise<string[][]> {
  const pages: string[][] = [];
  let after = filter.after;
  for (;;) {
    const page = await read({ ...filter, after });
    pages.push(page.mentions.map((mention) => mention.id));
    if (page.next === null) return pages;
    after = page.next;
  }
}

describe('GET /v1/mentions pages on prepared statements with generic plans', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const month of ['2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']) {
      await db.database.query('SELECT create_mention_partition($1)', [month]);
    }
    await inTransaction(db.database, (client) => insertMentions(client, Array.from({ length: MENTIONS }, (_, index) => scored(index))));
    await db.database.query('ANALYZE');
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe('through the API', () => {
    let app: FastifyInstance;
    let pages: Database;

    beforeAll(async () => {
      pages = genericPool(db);
      const unused = () => Promise.reject(new Error('not used by this test'));
      app = await buildApp(
        {
          config: parseConfig(CONFIG_YAML, {}),
          database: db.database,
          pageDatabase: pages,
          pingRedis: () => Promise.resolve(),
          pollNow: unused,
          enqueueMentionBatch: unused,
          queueStats: () => Promise.resolve([]),
        },
        { logger: createLogger('silent') },
      );
    });

    afterAll(async () => {
      await app?.close();
      await pages?.end();
    });

    async function ids(path: string): Promise<string[]> {
      const response = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${READ_KEY}` } });
      expect(response.statusCode).toBe(200);
      return response.json().data.map((mention: { id: string }) => mention.id);
    }

    it('prepares a page statement once on a connection and runs it again on its generic plan, whatever its values', async () => {
      expect(await ids('/v1/mentions?brand=acme&limit=3')).toEqual(['p0159', 'p0157', 'p0156']);
      expect(await ids('/v1/mentions?brand=globex&limit=2')).toEqual(['p0159', 'p0158']);
      expect(await ids('/v1/mentions?brand=acme&limit=4')).toEqual(['p0159', 'p0157', 'p0156', 'p0154']);
      const [statement, ...others] = await preparedOn(pages);
      expect(others).toEqual([]);
      expect(statement).toMatchObject({ generic_plans: 3, custom_plans: 0 });
      expect(statement?.name).toMatch(/^bw_page_[0-9a-f]{24}$/);
      // The values are bind parameters, never in the text: one statement for every brand and limit.
      expect(statement?.statement).toContain('mb.brand_id = $1');
      expect(statement?.statement).not.toMatch(/acme|globex/);
    });

    it('prunes the time partitions of a generic plan as it runs, and answers as a plan made for the values does', async () => {
      const since = new Date(START + 45 * 24 * HOUR).toISOString();
      const until = new Date(START + 50 * 24 * HOUR).toISOString();
      const path = `/v1/mentions?source=feed-a&since=${since}&until=${until}&limit=20`;
      expect(await ids(path)).toEqual(['p0098', 'p0096', 'p0094', 'p0092', 'p0090']);
      const prepared = (await preparedOn(pages)).find((statement) => statement.statement.includes('m.source_id = ANY(ARRAY[$1])'));
      expect(prepared).toMatchObject({ generic_plans: 1, custom_plans: 0 });
      const values = ['feed-a', since, until, 21];
      const { rows } = await pages.query(`EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) EXECUTE ${prepared?.name}(${values.map((value) => pg.escapeLiteral(String(value))).join(', ')})`);
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      // Every partition of mentions but the one month the window lies in is left out when the plan starts.
      const { rows: [partitions] } = await db.database.query<{ count: number }>("SELECT count(*)::int AS count FROM pg_inherits WHERE inhparent = 'mentions'::regclass");
      expect(partitions?.count).toBeGreaterThan(4);
      expect(plan).toContain(`"Subplans Removed":${(partitions?.count ?? 0) - 1}`);
    });

    it('prepares full-text pages too, whose generic plans compute the words once', async () => {
      expect(await ids('/v1/mentions?q=boycott&limit=3')).toEqual(['p0154', 'p0147', 'p0140']);
      expect(await ids('/v1/mentions?q=outage&limit=2')).toEqual(['p0159', 'p0158']);
      expect(await ids('/v1/mentions?brand=acme&q=boycott&limit=2')).toEqual(['p0154', 'p0147']);
      const searches = (await preparedOn(pages)).filter((statement) => statement.statement.includes('websearch_to_tsquery'));
      // One statement for every word and limit, one for every brand's search.
      expect(searches.map((statement) => [statement.generic_plans, statement.custom_plans])).toEqual([[2, 0], [1, 0]]);
      expect(searches.every((statement) => !/boycott|outage|acme/.test(statement.statement))).toBe(true);
      for (const filter of [{ q: 'boycot', limit: 3 }, { brand: 'acme', q: 'boycot', limit: 3 }]) {
        const captured = capturingDatabase(pages);
        // A typo: no match in the newest mentions walked, so every range of the matches is read.
        expect((await listMentions(db.database, filter, captured.database)).mentions).toEqual([]);
        const { text, values } = captured.last();
        const prepared = (await preparedOn(pages)).find((statement) => statement.statement === text);
        expect(prepared?.custom_plans).toBe(0);
        const { rows } = await pages.query(`EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) EXECUTE ${prepared?.name}(${values.map((value) => pg.escapeLiteral(String(value))).join(', ')})`);
        const nodes = planNodes(rows[0]['QUERY PLAN'][0].Plan as PlanNode).map(({ node }) => node);
        // The words are a value computed once (an InitPlan's), never parsed again for each row a scan reads: no
        // condition of any node holds websearch_to_tsquery (search-newest-months.test.ts: the GIN index takes them).
        expect(nodes.filter((node) => conditionsOf(node).includes('search @@')).length, JSON.stringify(filter)).toBeGreaterThan(0);
        expect(nodes.filter((node) => conditionsOf(node).includes('websearch_to_tsquery'))).toEqual([]);
      }
    });

    it('plans story pages for their values, on the read pool, as before', async () => {
      const before = await preparedOn(pages);
      expect(await ids('/v1/mentions?story=0123456789abcdef01234567&q=boycott&limit=3')).toEqual([]);
      expect(await ids('/v1/mentions?story=0123456789abcdef01234567&limit=3')).toEqual([]);
      expect(await preparedOn(pages)).toEqual(before);
    });
  });

  it('answers every shape of filters as an unnamed statement does, and names at most MAX_NAMED_PAGE_STATEMENTS per pool', async () => {
    const pages = genericPool(db);
    try {
      const shapes = Array.from({ length: MAX_NAMED_PAGE_STATEMENTS + 10 }, (_, index) => index * 3 + 1);
      let nonEmpty = 0;
      for (const shape of shapes) {
        const filter = filterOfShape(shape);
        const unnamed = await allPages((page) => listMentions(db.database, page), filter);
        const prepared = await allPages((page) => listMentions(db.database, page, pages), filter);
        expect(prepared, `shape ${shape}`).toEqual(unnamed);
        if (unnamed.flat().length > 0) nonEmpty += 1;
      }
      // Most shapes find mentions (brand=acme with sentiment=negative finds none in this data).
      expect(nonEmpty).toBeGreaterThan(shapes.length / 2);
      const named = await preparedOn(pages);
      expect(named).toHaveLength(MAX_NAMED_PAGE_STATEMENTS);
      expect(named.every((statement) => statement.custom_plans === 0 && statement.generic_plans > 0)).toBe(true);
      // The shapes past the bound went to the read pool unnamed; the first ones are still reused.
      await listMentions(db.database, filterOfShape(shapes[0] ?? 0), pages);
      expect(await preparedOn(pages)).toHaveLength(MAX_NAMED_PAGE_STATEMENTS);
    } finally {
      await pages.end();
    }
  });

  it('sees a partition created after a page was prepared (PostgreSQL plans the statement again)', async () => {
    const pages = genericPool(db);
    try {
      const filter: MentionFilter = { limit: 5, since: new Date(Date.UTC(2025, 0, 1)), until: new Date(Date.UTC(2025, 1, 1)) };
      expect((await listMentions(db.database, filter, pages)).mentions).toEqual([]);
      await db.database.query('SELECT create_mention_partition($1)', ['2025-01-01']);
      await inTransaction(db.database, (client) => insertMentions(client, [{ ...scored(0), id: 'old-one', url: 'https://plans.example/old', publishedAt: '2025-01-15T00:00:00.000Z' }]));
      expect((await listMentions(db.database, filter, pages)).mentions.map((mention) => mention.id)).toEqual(['old-one']);
      const [statement] = await preparedOn(pages);
      expect(statement).toMatchObject({ generic_plans: 2, custom_plans: 0 });
    } finally {
      await pages.end();
    }
  });
});
