// Everything a buzzwatch process shares between its roles: config, logger, connections, queues, compiled rules.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiDeps } from '../api/api-deps.js';
import type { Config } from '../config/schema.js';
import type { BrandRule } from '../mentions/brand-matcher.js';
import { brandKeywordPhrases, compileBrandRules } from '../mentions/brand-rules.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { HttpClient } from '../net/http-client.js';
import { queueStats } from '../queue/queue-stats.js';
import { resolveQueuePrefix } from '../queue/queue-prefix.js';
import { closeQueues, createQueues, type Queues } from '../queue/queues.js';
import { redisThrottle, type Throttle } from '../queue/redis-throttle.js';
import { createProducerConnection, createWorkerConnection, pingRedis, waitForRedis } from '../queue/redis.js';
import { createLivePublisher, type LivePublisher } from '../live/live-publisher.js';
import { createSource } from '../sources/registry.js';
import type { Source } from '../sources/source.js';
import type { StoryOptions } from '../stories/story-options.js';
import { createDatabase, type Database } from '../store/database.js';
import { httpClientFor } from './http-for-config.js';
import type { Settings } from './settings.js';

export interface Runtime {
  settings: Settings;
  /** The config in force; replaced as a whole (with what is compiled from it) by `applyConfig` on a reload. */
  config: Config;
  logger: Logger;
  database: Database;
  /** The API's pool on DATABASE_URL: its statements are cancelled past api.query_timeout (a worker's batch is not). */
  apiDatabase: Database;
  /** For the API's read-only queries: a pool on DATABASE_READ_URL (a replica, same limits), or `apiDatabase` itself. */
  readDatabase: Database;
  /**
   * The pages of GET /v1/mentions: a pool beside readDatabase, on the same server and with the same limits, whose
   * connections run prepared statements on generic plans (listMentions); none with database.prepared_statements off.
   */
  pageDatabase: Database | undefined;
  /** The producer connection: queues, locks, readiness checks. Workers open their own. */
  redis: Redis;
  queues: Queues;
  http: HttpClient;
  brandRules: BrandRule[];
  brandPhrases: Map<string, WordToken[][]>;
  /** Story assignment settings for the scorer (config `stories:`). */
  stories: Partial<StoryOptions>;
  /** Config `retention.mentions` in milliseconds: older mentions are not stored; undefined keeps them all. */
  mentionRetentionMs: number | undefined;
  sources: Map<string, Source>;
  /** Paces API calls across every poller process (see PollContext.throttle). */
  throttle: Throttle;
  /** Announces newly stored mentions and alert changes to live streams (GET /v1/stream); best effort. */
  live: LivePublisher;
  /** The time alert evaluation and source health take as "now": the wall clock, or a test's clock. */
  clock: () => Date;
  /** Puts a new, valid config in force: the fields above derived from it are rebuilt. Roles read them at each job. */
  applyConfig(config: Config): void;
  close(): Promise<void>;
}

const REDIS_START_TIMEOUT_MS = 30_000;

/** Opens connections (waiting for Redis to answer) and compiles the config into what roles use. */
export async function createRuntime(
  requestedSettings: Settings,
  config: Config,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Promise<Runtime> {
  const poolSize = config.database.pool_size;
  const database = createDatabase(requestedSettings.databaseUrl, { max: poolSize });
  // The API's queries answer people who wait: PostgreSQL cancels any that runs past api.query_timeout.
  const apiPool = { max: poolSize, statementTimeoutMs: config.api.query_timeout };
  const apiDatabase = createDatabase(requestedSettings.databaseUrl, apiPool);
  const readDatabase =
    requestedSettings.databaseReadUrl === undefined ? apiDatabase : createDatabase(requestedSettings.databaseReadUrl, apiPool);
  // Its own pool, because plan_cache_mode is a setting of the session: on the API's pool it would give every other
  // statement of the API a generic plan too. Its connections are opened only when pages are asked for.
  const pageDatabase = config.database.prepared_statements
    ? createDatabase(requestedSettings.databaseReadUrl ?? requestedSettings.databaseUrl, { ...apiPool, genericPlans: true })
    : undefined;
  const endDatabases = async () => {
    await database.end();
    await apiDatabase.end();
    if (readDatabase !== apiDatabase) await readDatabase.end();
    await pageDatabase?.end();
  };
  const redis = createProducerConnection(requestedSettings.redisUrl);
  // Without a listener ioredis reports every failed reconnect as an unhandled error; readiness reports the outage.
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'redis connection error'));
  let resolved: Awaited<ReturnType<typeof resolveQueuePrefix>>;
  try {
    await waitForRedis(redis, requestedSettings.redisUrl, REDIS_START_TIMEOUT_MS);
    resolved = await resolveQueuePrefix(redis, requestedSettings.queuePrefix);
  } catch (error) {
    redis.disconnect();
    await endDatabases();
    throw error;
  }
  const { prefix, legacy } = resolved;
  if (legacy) {
    logger.warn(
      { prefix, wanted: requestedSettings.queuePrefix },
      'queues found under the old Redis key prefix: still using it (set BUZZWATCH_QUEUE_PREFIX to choose; see README "Scaling out")',
    );
  }
  const settings: Settings = { ...requestedSettings, queuePrefix: prefix };
  // Without a listener BullMQ prints a queue's connection errors to stderr (stack traces, not JSON); the connection's
  // own listener above already reports them.
  const queues = createQueues(redis, settings.queuePrefix, config.alerts.delivery.attempts, () => undefined);

  const runtime: Runtime = {
    settings,
    ...compiledFrom(config),
    logger,
    database,
    apiDatabase,
    readDatabase,
    pageDatabase,
    redis,
    queues,
    throttle: redisThrottle(redis, settings.queuePrefix),
    live: createLivePublisher({ redis, keyPrefix: settings.queuePrefix, logger: logger.child({ module: 'live' }) }),
    clock,
    applyConfig(next) {
      Object.assign(runtime, compiledFrom(next));
    },
    async close() {
      await closeQueues(queues);
      redis.disconnect();
      await endDatabases();
    },
  };
  return runtime;
}

function compiledFrom(
  config: Config,
): Pick<Runtime, 'config' | 'http' | 'brandRules' | 'brandPhrases' | 'stories' | 'mentionRetentionMs' | 'sources'> {
  return {
    config,
    http: httpClientFor(config),
    brandRules: compileBrandRules(config.brands),
    brandPhrases: brandKeywordPhrases(config.brands),
    stories: { quietPeriodMs: config.stories.quiet_period },
    mentionRetentionMs: config.retention.mentions,
    sources: new Map(config.sources.map((sourceConfig) => [sourceConfig.id, createSource(sourceConfig, config.brands)] as const)),
  };
}

export function apiDepsOf(runtime: Runtime): ApiDeps {
  return {
    config: runtime.config,
    database: runtime.apiDatabase,
    readDatabase: runtime.readDatabase,
    pageDatabase: runtime.pageDatabase,
    clock: () => runtime.clock(),
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
    queueStats: () => queueStats(runtime.queues, new Date()),
    live: {
      redis: runtime.redis,
      openReader() {
        const reader = createWorkerConnection(runtime.settings.redisUrl);
        // Its outages are the producer connection's too, which reports them.
        reader.on('error', () => undefined);
        return reader;
      },
      keyPrefix: runtime.settings.queuePrefix,
      publisher: runtime.live,
    },
  };
}
