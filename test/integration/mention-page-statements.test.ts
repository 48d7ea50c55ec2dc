// A page of GET /v1/mentions is one statement to PostgreSQL, whatever it filters on: a full-text query does not count
// its matches first, and a source dropped from the config (known by its stored history) is looked up only when the
// page comes back empty, which is when the answer depends on it (200 empty or 400 unknown).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { inTransaction, type Database } from '../../src/store/database.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { READ_KEY, TEST_API_KEYS } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: configured-feed, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
${TEST_API_KEYS}`;

const START = Date.UTC(2026, 9, 1);

function scored(index: number, sourceId: string, text: string): ScoredMention {
  return {
    id: `s${String(index).padStart(4, '0')}`,
    sourceId,
    sourceType: 'rss',
    externalId: null,
    url: `https://statements.example/${index}`,
    title: null,
    text,
    author: null,
    lang: 'en',
    publishedAt: new Date(START + index * 60_000).toISOString(),
    seenAt: '2026-11-20T00:00:00.000Z',
    brands: ['acme'],
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

/** The pool, counting the statements sent through it. */
function countingDatabase(database: Database): { database: Database; statements: () => number } {
  let sent = 0;
  const counting = Object.create(database) as Database;
  counting.query = ((...args: Parameters<Database['query']>) => {
    sent += 1;
    return (database.query as (...forwarded: unknown[]) => unknown)(...args);
  }) as Database['query'];
  return { database: counting, statements: () => sent };
}

describe('statements per page of GET /v1/mentions', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let statements: () => number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const mentions = Array.from({ length: 30 }, (_, index) =>
      scored(index, index % 3 === 0 ? 'dropped-feed' : 'configured-feed', `Acme outage report ${index}${index === 7 ? ' boycott' : ''}`),
    );
    await inTransaction(db.database, (client) => insertMentions(client, mentions));
    const counted = countingDatabase(db.database);
    statements = counted.statements;
    const unused = () => Promise.reject(new Error('not used by this test'));
    app = await buildApp(
      {
        config: parseConfig(CONFIG_YAML, {}),
        database: counted.database,
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
    await db?.drop();
  });

  /** The answer to GET `path` and how many statements it sent. */
  async function get(path: string): Promise<{ status: number; body: any; statements: number }> {
    const before = statements();
    const response = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${READ_KEY}` } });
    return { status: response.statusCode, body: response.json(), statements: statements() - before };
  }

  it('answers a full-text search with one statement, common word, rare word or no match', async () => {
    const common = await get('/v1/mentions?q=outage&limit=5');
    expect(common.body.data.map((mention: any) => mention.id)).toEqual(['s0029', 's0028', 's0027', 's0026', 's0025']);
    expect(common.statements).toBe(1);
    const rare = await get('/v1/mentions?q=boycott');
    expect(rare.body).toMatchObject({ data: [{ id: 's0007' }], next_cursor: null });
    expect(rare.statements).toBe(1);
    const none = await get('/v1/mentions?q=boycot');
    expect(none.body).toEqual({ data: [], next_cursor: null });
    expect(none.statements).toBe(1);
  });

  it('pages through a source dropped from the config with one statement per page', async () => {
    const page = await get('/v1/mentions?source=dropped-feed&limit=3');
    expect(page.status).toBe(200);
    expect(page.body.data.map((mention: any) => mention.id)).toEqual(['s0027', 's0024', 's0021']);
    expect(page.statements).toBe(1);
  });

  it('still tells an empty page of a dropped source from an unknown source', async () => {
    const empty = await get(`/v1/mentions?source=dropped-feed&since=${new Date(START + 3_600_000).toISOString()}`);
    expect(empty).toEqual({ status: 200, body: { data: [], next_cursor: null }, statements: 2 });
    const unknown = await get('/v1/mentions?source=nowhere');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: { code: 'BUZZ_ERR_VALIDATION', message: 'source: source "nowhere" is not configured (known: configured-feed)' },
    });
  });

  it('answers a configured source with one statement, even when its page is empty', async () => {
    const empty = await get(`/v1/mentions?source=configured-feed&q=boycot`);
    expect(empty).toEqual({ status: 200, body: { data: [], next_cursor: null }, statements: 1 });
  });
});
