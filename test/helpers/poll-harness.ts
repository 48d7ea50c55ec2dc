// Polling one source at a chosen time in a test, and storing what it queued: either with a bare harness (a database,
// a producer Redis connection and queues, the scorer's store step run inline) or through a running test system.
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { Logger } from 'pino';
import type { BrandConfig } from '../../src/config/schema.js';
import { brandKeywordPhrases, compileBrandRules } from '../../src/mentions/brand-rules.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../src/net/http-client.js';
import { pollSource, type PollDeps, type PollOutcome } from '../../src/poller/poll-source.js';
import { closeQueues, createQueues, type Queues } from '../../src/queue/queues.js';
import { localThrottle, type Throttle } from '../../src/queue/redis-throttle.js';
import { createProducerConnection, waitForRedis } from '../../src/queue/redis.js';
import { createLogger } from '../../src/runtime/logger.js';
import { scoreAndStore } from '../../src/scorer/score-and-store.js';
import type { Source } from '../../src/sources/source.js';
import type { Database } from '../../src/store/database.js';
import type { FixtureServer, RecordedRequest } from './http-fixture-server.js';
import { TEST_REDIS_URL, createTestDatabase, obliterateQueues, uniqueName, type TestDatabase } from './services.js';
import type { TestSystem } from './test-system.js';

export interface PollHarness {
  db: TestDatabase;
  redis: Redis;
  queues: Queues;
  /** The queue prefix, also the prefix of the per-source poll locks. */
  prefix: string;
  http: HttpClient;
  logger: Logger;
  /**
   * Polls `source` for `brands` as if it were `now` (the real clock when left out), then stores what the poll
   * queued as the scorer would.
   */
  pollAndStore(source: Source, brands: readonly BrandConfig[], now?: Date, options?: { force?: boolean; sleep?: PollDeps['sleep'] }): Promise<PollOutcome>;
  /** Empties and closes the queues, disconnects Redis and drops the database. */
  close(): Promise<void>;
}

/** A fresh database and queue prefix to poll sources into, without a running process; silent logs. */
export async function startPollHarness(http: Partial<HttpClientOptions> = {}): Promise<PollHarness> {
  const db = await createTestDatabase();
  const redis = createProducerConnection(TEST_REDIS_URL);
  try {
    await waitForRedis(redis, TEST_REDIS_URL, 5_000);
  } catch (error) {
    redis.disconnect();
    await db.drop();
    throw error;
  }
  const prefix = uniqueName('bwq');
  const queues = createQueues(redis, prefix);
  const client = createHttpClient(http);
  const logger = createLogger('silent');
  return {
    db,
    redis,
    queues,
    prefix,
    http: client,
    logger,
    async pollAndStore(source, brands, now, { sleep, ...options } = {}) {
      const sourceId = source.config.id;
      const deps: PollDeps = {
        sources: new Map([[sourceId, source]]),
        brandRules: compileBrandRules(brands),
        database: db.database,
        queues,
        redis,
        lockPrefix: prefix,
        http: client,
        throttle: localThrottle(),
        logger,
        ...(now === undefined ? {} : { now: () => now }),
        sleep,
      };
      const outcome = await pollSource(sourceId, deps, options);
      if (outcome.status === 'ok') {
        for (const jobId of outcome.jobIds) {
          const job = await queues.mentions.getJob(jobId);
          await scoreAndStore(job?.data, { database: db.database, brandPhrases: brandKeywordPhrases(brands) });
        }
      }
      return outcome;
    },
    async close() {
      await obliterateQueues(queues);
      await closeQueues(queues);
      redis.disconnect();
      await db.drop();
    },
  };
}

/**
 * One poll of `sourceId` in a running test system (started without a poller) as if it were `now`, with `throttle`,
 * then waits until its scorer has stored what the poll queued.
 */
export async function pollSystemAt(
  system: TestSystem,
  sourceId: string,
  now: Date,
  options: { throttle: Throttle; force?: boolean },
): Promise<PollOutcome> {
  const { throttle, ...pollOptions } = options;
  // The whole process lives at that time: GET /v1/sources judges health (stale, silent) as of the poll.
  system.runtime.clock = () => now;
  const deps: PollDeps = { ...system.runtime, lockPrefix: system.prefix, throttle, now: () => now };
  const outcome = await pollSource(sourceId, deps, pollOptions);
  if (outcome.status === 'ok') await Promise.all(outcome.jobIds.map((id) => system.stores.next((job) => job.jobId === id)));
  return outcome;
}

/** A throttle that never waits: it appends `${label}${key} ${minIntervalMs}` to `calls` instead. */
export function recordingThrottle(calls: string[], label = ''): Throttle {
  return async (key, minIntervalMs) => {
    calls.push(`${label}${key} ${minIntervalMs}`);
  };
}

/** What `run` returns, and the requests `server` received while it ran. */
export async function requestsDuring<T>(server: FixtureServer, run: () => Promise<T>): Promise<{ outcome: T; requests: RecordedRequest[] }> {
  const before = server.requests.length;
  const outcome = await run();
  return { outcome, requests: server.requests.slice(before) };
}

/** Source `sourceId` as GET /v1/sources lists it. */
export async function listedSource(system: TestSystem, sourceId: string): Promise<Record<string, unknown>> {
  const { status, body } = await system.api('/v1/sources');
  expect(status).toBe(200);
  return body.data.find((source: { id: string }) => source.id === sourceId);
}

/** The mentions stored from `sourceId`, each with the ids of its brands, in the order `orderBy` gives. */
export async function mentionsWithBrands(database: Database, sourceId: string, orderBy: 'published_at DESC' | 'url'): Promise<any[]> {
  const { rows } = await database.query(
    `SELECT m.url, m.external_id, m.title, m.content, m.author, m.lang, m.published_at, m.backfill, m.reach,
            array_agg(b.brand_id ORDER BY b.brand_id) AS brands
       FROM mentions m JOIN mention_brands b ON b.mention_id = m.id
      WHERE m.source_id = $1 GROUP BY m.id, m.occurred_at ORDER BY m.${orderBy}`,
    [sourceId],
  );
  return rows;
}

/** The mentions stored from `sourceId`, oldest first. */
export async function storedMentions(database: Database, sourceId: string): Promise<any[]> {
  const { rows } = await database.query(
    `SELECT external_id, url, title, content, author, published_at, reach, backfill
       FROM mentions WHERE source_id = $1 ORDER BY published_at, external_id`,
    [sourceId],
  );
  return rows;
}

/** What source `sourceId` remembers between polls (undefined before its first poll). */
export async function sourceState(database: Database, sourceId: string): Promise<any> {
  const { rows } = await database.query('SELECT state FROM sources WHERE id = $1', [sourceId]);
  return rows[0]?.state;
}
