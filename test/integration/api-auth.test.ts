// API keys (401 without or with a wrong key, 403 for a read key that writes), open health endpoints, readiness that
// names the unreachable dependency, the error shape of unknown routes, and no key ever echoed back.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createProducerConnection, pingRedis, waitForRedis } from '../../src/queue/redis.js';
import { createLogger } from '../../src/runtime/logger.js';
import { createDatabase, type Database } from '../../src/store/database.js';
import { closedPort } from '../helpers/ports.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { TEST_REDIS_URL, createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { ADMIN_KEY, READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const WRONG_KEY = 'wrong-key-that-nobody-issued-42';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: tech-news, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
${TEST_API_KEYS}`;

interface RawAnswer {
  status: number;
  text: string;
  headers: Headers;
  body: any;
}

/** Every answer received in this file, checked at the end for keys. */
const answers: RawAnswer[] = [];

async function call(
  baseUrl: string,
  path: string,
  options: { method?: string; authorization?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? 'GET', headers });
  const text = await response.text();
  const answer = { status: response.status, text, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
  answers.push(answer);
  return answer;
}

describe('API keys and open endpoints', () => {
  let system: TestSystem;
  const get = (path: string, authorization?: string) => call(system.baseUrl, path, { authorization });
  const post = (path: string, authorization?: string) => call(system.baseUrl, path, { method: 'POST', authorization });

  beforeAll(async () => {
    // The API alone: a poll it queues stays in Redis for the test to inspect.
    system = await startTestSystem({ configYaml: CONFIG_YAML, roles: ['api'] });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers 401 without an Authorization header', async () => {
    for (const path of ['/v1/mentions', '/v1/brands', '/v1/sources', '/v1/mentions/abc']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(401);
      expect(body, path).toEqual({
        error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'missing API key: send Authorization: Bearer <key>' },
      });
    }
  });

  it('answers 401 for a key nobody issued, and for a header that is not a bearer token', async () => {
    const wrong = await get('/v1/mentions', `Bearer ${WRONG_KEY}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'unknown API key' } });
    // A prefix of a real key is not the key.
    const prefix = await get('/v1/mentions', `Bearer ${READ_KEY.slice(0, -1)}`);
    expect(prefix.status).toBe(401);
    const basic = await get('/v1/mentions', `Basic ${Buffer.from(`reader:${READ_KEY}`).toString('base64')}`);
    expect(basic.status).toBe(401);
    expect(basic.body).toEqual({
      error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'malformed Authorization header: use Bearer <key>' },
    });
  });

  it('lets a read key read', async () => {
    const mentions = await get('/v1/mentions', `Bearer ${READ_KEY}`);
    expect(mentions.status).toBe(200);
    expect(mentions.body).toEqual({ data: [], next_cursor: null });
    const sources = await get('/v1/sources', `Bearer ${READ_KEY}`);
    expect(sources.status).toBe(200);
    expect(sources.body.data.map((source: any) => [source.id, source.status])).toEqual([['tech-news', 'new']]);
    const brands = await get('/v1/brands', `bearer ${READ_KEY}`);
    expect(brands.status).toBe(200);
    expect(brands.body.data.map((brand: any) => brand.id)).toEqual(['acme']);
  });

  it('forbids a read key to ask for a poll, and queues nothing', async () => {
    const waitingBefore = await system.runtime.queues.poll.getJobCounts('waiting', 'delayed');
    const { status, body } = await post('/v1/sources/tech-news/poll', `Bearer ${READ_KEY}`);
    expect(status).toBe(403);
    expect(body).toEqual({
      error: { code: 'BUZZ_ERR_FORBIDDEN', message: 'the key "reader" is read-only; POST needs an admin key' },
    });
    expect(await system.runtime.queues.poll.getJobCounts('waiting', 'delayed')).toEqual(waitingBefore);
    const anonymous = await post('/v1/sources/tech-news/poll');
    expect(anonymous.status).toBe(401);
  });

  it('accepts a poll request from an admin key with 202 once the job is in Redis', async () => {
    const { status, body } = await post('/v1/sources/tech-news/poll', `Bearer ${ADMIN_KEY}`);
    expect(status).toBe(202);
    expect(body).toEqual({ data: { source_id: 'tech-news', job_id: expect.any(String) } });
    const job = await system.runtime.queues.poll.getJob(body.data.job_id);
    // Forced: an operator's poll runs even while the source is backing off.
    expect(job?.data).toEqual({ sourceId: 'tech-news', force: true });
    const unknown = await post('/v1/sources/no-such-source/poll', `Bearer ${ADMIN_KEY}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'BUZZ_ERR_NOT_FOUND', message: 'no source with id no-such-source' } });
    // An admin key reads too.
    expect((await get('/v1/mentions', `Bearer ${ADMIN_KEY}`)).status).toBe(200);
  });

  it('serves /healthz and /readyz without a key', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('answers an unknown route with 404 in the API error shape', async () => {
    const outside = await get('/nope');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual({ error: { code: 'BUZZ_ERR_NOT_FOUND', message: 'no route GET /nope' } });
    const inside = await get('/v1/nope?limit=5', `Bearer ${READ_KEY}`);
    expect(inside.status).toBe(404);
    expect(inside.body).toEqual({ error: { code: 'BUZZ_ERR_NOT_FOUND', message: 'no route GET /v1/nope' } });
    expect(outside.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('never writes a key into a log line', () => {
    const log = system.logLines.join('\n');
    for (const key of [READ_KEY, ADMIN_KEY, WRONG_KEY]) expect(log).not.toContain(key);
  });
});

describe('readiness when a dependency is unreachable', () => {
  let testDb: TestDatabase;
  const config = parseConfig(CONFIG_YAML, {});
  const opened: Array<() => Promise<void> | void> = [];

  /** Serves the real app on loopback with the given connections. */
  const serve = async (database: Database, redis: Redis): Promise<string> => {
    const deps: ApiDeps = {
      config,
      database,
      pingRedis: () => pingRedis(redis),
      pollNow: () => Promise.reject(new Error('not used by these tests')),
      enqueueMentionBatch: () => Promise.reject(new Error('not used by these tests')),
      queueStats: () => Promise.reject(new Error('not used by these tests')),
    };
    const app: FastifyInstance = await buildApp(deps, { logger: createLogger('silent') });
    await app.listen({ port: 0, host: '127.0.0.1' });
    opened.push(() => app.close());
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the app is not listening on a port');
    return `http://127.0.0.1:${address.port}`;
  };

  /** A producer connection like the runtime's, with its reconnect errors kept out of the test output. */
  const producer = (url: string): Redis => {
    const redis = createProducerConnection(url);
    redis.on('error', () => undefined);
    opened.push(() => redis.disconnect());
    return redis;
  };

  const unreachableDatabase = (url: string): Database => {
    const database = createDatabase(url);
    opened.push(() => database.end());
    return database;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });

  afterAll(async () => {
    for (const close of opened.reverse()) await close();
    await testDb?.drop();
  });

  it('is 503 naming redis when Redis does not answer, and 200 on /healthz all the same', async () => {
    const port = await closedPort();
    const baseUrl = await serve(testDb.database, producer(`redis://:redis-password-xyz@127.0.0.1:${port}`));
    const { status, body, text } = await call(baseUrl, '/readyz');
    expect(status).toBe(503);
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).not.toBe('ok');
    expect(body.error).toEqual({ code: 'BUZZ_ERR_NOT_READY', message: `redis is unreachable (${body.checks.redis})` });
    expect(text).not.toContain('redis-password-xyz');
    expect((await call(baseUrl, '/healthz')).status).toBe(200);
  });

  it('is 503 naming postgres when PostgreSQL does not answer', async () => {
    const port = await closedPort();
    const redis = producer(TEST_REDIS_URL);
    await waitForRedis(redis, TEST_REDIS_URL, 5_000);
    const baseUrl = await serve(unreachableDatabase(`postgres://postgres:pg-password-xyz@127.0.0.1:${port}/buzzwatch`), redis);
    const { status, body, text } = await call(baseUrl, '/readyz');
    expect(status).toBe(503);
    expect(body).toEqual({
      error: { code: 'BUZZ_ERR_NOT_READY', message: `postgres is unreachable (connect ECONNREFUSED 127.0.0.1:${port})` },
      checks: { postgres: `connect ECONNREFUSED 127.0.0.1:${port}`, redis: 'ok' },
    });
    expect(text).not.toContain('pg-password-xyz');
    // A request that needs PostgreSQL is a 503 the client can retry, not a 500 that reads like a bug.
    const mentions = await call(baseUrl, '/v1/mentions', { authorization: `Bearer ${READ_KEY}` });
    expect(mentions.status).toBe(503);
    expect(mentions.body).toEqual({
      error: { code: 'BUZZ_ERR_UNAVAILABLE', message: 'a dependency (PostgreSQL or Redis) is unreachable; retry later' },
    });
    expect(mentions.text).not.toContain('pg-password-xyz');
  });

  it('names both when neither answers', async () => {
    const databasePort = await closedPort();
    const redisPort = await closedPort();
    const baseUrl = await serve(
      unreachableDatabase(`postgres://postgres@127.0.0.1:${databasePort}/buzzwatch`),
      producer(`redis://127.0.0.1:${redisPort}`),
    );
    const { status, body } = await call(baseUrl, '/readyz');
    expect(status).toBe(503);
    expect(body.error.message).toBe(
      `postgres is unreachable (connect ECONNREFUSED 127.0.0.1:${databasePort}); redis is unreachable (${body.checks.redis})`,
    );
  });

  describe('with a private Redis that stops and comes back', () => {
    let privateRedis: PrivateRedis;

    beforeAll(async () => {
      privateRedis = await startPrivateRedis();
    });

    afterAll(async () => {
      await privateRedis?.destroy();
    });

    it('goes 503 when the Redis it was connected to stops, and 200 once it is back', async () => {
      const redis = producer(privateRedis.url);
      await waitForRedis(redis, privateRedis.url, 5_000);
      const baseUrl = await serve(testDb.database, redis);
      expect((await call(baseUrl, '/readyz')).status).toBe(200);

      const closed = new Promise<void>((resolve) => redis.once('close', () => resolve()));
      await privateRedis.stop();
      await closed;
      const down = await call(baseUrl, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.checks).toEqual({ postgres: 'ok', redis: expect.any(String) });
      expect(down.body.checks.redis).not.toBe('ok');
      expect(down.body.error.message).toBe(`redis is unreachable (${down.body.checks.redis})`);

      const back = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      await privateRedis.restart();
      await back;
      const up = await call(baseUrl, '/readyz');
      expect(up.status).toBe(200);
      expect(up.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    });
  });
});

describe('secrets in responses', () => {
  it('never echoed a key in any body or header this file received', () => {
    expect(answers.length).toBeGreaterThan(20);
    for (const answer of answers) {
      const headerText = [...answer.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
      for (const key of [READ_KEY, ADMIN_KEY, WRONG_KEY]) {
        expect(answer.text).not.toContain(key);
        expect(headerText).not.toContain(key);
      }
    }
  });
});
