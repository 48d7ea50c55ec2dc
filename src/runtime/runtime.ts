// Everything a buzzwatch process shares between its roles: config, logger, connections, queues, compiled rules.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiDeps } from '../api/api-deps.js';
import type { Config } from '../config/schema.js';
import type { BrandRule } from '../mentions/brand-matcher.js';
import { brandKeywordPhrases, compileBrandRules } from '../mentions/brand-rules.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { HttpClient } from '../net/http-client.js';
import { closeQueues, createQueues, type Queues } from '../queue/queues.js';
import { redisThrottle, type Throttle } from '../queue/redis-throttle.js';
import { createProducerConnection, pingRedis, waitForRedis } from '../queue/redis.js';
import { createSource } from '../sources/registry.js';
import type { Source } from '../sources/source.js';
import type { StoryOptions } from '../stories/story-options.js';
import { createDatabase, type Database } from '../store/database.js';
import { httpClientFor } from './http-for-config.js';
import type { Settings } from './settings.js';

export interface Runtime {
  settings: Settings;
  config: Config;
  logger: Logger;
  database: Database;
  /** The producer connection: queues, locks, readiness checks. Workers open their own. */
  redis: Redis;
  queues: Queues;
  http: HttpClient;
  brandRules: BrandRule[];
  brandPhrases: Map<string, WordToken[][]>;
  /** Story assignment settings for the scorer (config `stories:`). */
  stories: Partial<StoryOptions>;
  sources: Map<string, Source>;
  /** Paces API calls across every poller process (see PollContext.throttle). */
  throttle: Throttle;
  /** The time alert evaluation takes as "now": the wall clock, or a test's clock. */
  clock: () => Date;
  close(): Promise<void>;
}

const REDIS_START_TIMEOUT_MS = 30_000;

/** Opens connections (waiting for Redis to answer) and compiles the config into what roles use. */
export async function createRuntime(
  settings: Settings,
  config: Config,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Promise<Runtime> {
  const database = createDatabase(settings.databaseUrl);
  const redis = createProducerConnection(settings.redisUrl);
  // Without a listener ioredis reports every failed reconnect as an unhandled error; readiness reports the outage.
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'redis connection error'));
  try {
    await waitForRedis(redis, settings.redisUrl, REDIS_START_TIMEOUT_MS);
  } catch (error) {
    redis.disconnect();
    await database.end();
    throw error;
  }
  const queues = createQueues(redis, settings.queuePrefix, config.alerts.delivery.attempts);
  const http = httpClientFor(config);
  const sources = new Map(config.sources.map((sourceConfig) => [sourceConfig.id, createSource(sourceConfig, config.brands)] as const));

  return {
    settings,
    config,
    logger,
    database,
    redis,
    queues,
    http,
    brandRules: compileBrandRules(config.brands),
    brandPhrases: brandKeywordPhrases(config.brands),
    stories: { quietPeriodMs: config.stories.quiet_period },
    sources,
    throttle: redisThrottle(redis, settings.queuePrefix),
    clock,
    async close() {
      await closeQueues(queues);
      redis.disconnect();
      await database.end();
    },
  };
}

export function apiDepsOf(runtime: Runtime): ApiDeps {
  return {
    config: runtime.config,
    database: runtime.database,
    pingRedis: () => pingRedis(runtime.redis),
    async pollNow(sourceId) {
      // Forced: someone who just fixed a feed wants it polled now, not after the back-off. Deduplicated: a second
      // request while the first is still queued or running joins it instead of fetching again.
      const job = await runtime.queues.poll.add(
        'poll',
        { sourceId, force: true },
        { deduplication: { id: `poll-now:${sourceId}` } },
      );
      return job.id as string;
    },
    async enqueueMentionBatch(mentions) {
      // The producer connection has no offline queue: with Redis away this rejects at once (the webhook answers 503).
      const job = await runtime.queues.mentions.add('store', { mentions });
      return job.id as string;
    },
    async queueCounts() {
      const entries = await Promise.all(
        Object.values(runtime.queues).map(async (queue: Queues[keyof Queues]) => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
          return [queue.name, counts] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
  };
}
