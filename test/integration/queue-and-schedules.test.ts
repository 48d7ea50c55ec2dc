// Poll schedules kept in step with the config by one process at a time, mention batches that bound Redis memory, and
// migrations that several processes may start at once.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { MAX_JOB_BYTES, MAX_MENTIONS_PER_JOB, enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { syncPollSchedules } from '../../src/poller/sync-poll-schedules.js';
import { CAPPED_BACKOFF, QueueName, closeQueues, createQueues, type PollJobData, type Queues } from '../../src/queue/queues.js';
import { createProducerConnection, waitForRedis } from '../../src/queue/redis.js';
import type { SourceConfig } from '../../src/sources/source-config.js';
import { createDatabase, ensureDatabaseExists, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { TEST_REDIS_URL, dropDatabase, testDatabaseUrl, uniqueName } from '../helpers/services.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));

function rssSource(id: string, everyMs: number): SourceConfig {
  return { id, type: 'rss', url: `https://${id}.example/feed.xml`, every: everyMs };
}

function sampleMention(index: number, text = `Acme story ${index}`): Mention {
  return {
    id: `mention-${String(index).padStart(5, '0')}`,
    sourceId: 'bulk',
    sourceType: 'rss',
    externalId: `guid-${index}`,
    url: `https://bulk.example/${index}`,
    title: null,
    text,
    author: null,
    lang: 'en',
    publishedAt: null,
    seenAt: '2026-11-27T00:00:00.000Z',
    brands: ['acme'],
    backfill: false,
    reach: null,
  };
}

describe('queues in Redis', () => {
  let redis: Redis;
  let queues: Queues;
  let prefix: string;

  const schedulers = async () =>
    (await queues.poll.getJobSchedulers(0, -1))
      .map((scheduler) => ({ key: scheduler.key, every: Number(scheduler.every), name: scheduler.name }))
      .sort((a, b) => a.key.localeCompare(b.key));

  beforeAll(async () => {
    prefix = uniqueName('bwq');
    redis = createProducerConnection(TEST_REDIS_URL);
    await waitForRedis(redis, TEST_REDIS_URL, 5_000);
    queues = createQueues(redis, prefix);
  });

  afterAll(async () => {
    if (queues !== undefined) {
      for (const queue of Object.values(queues) as Queue[]) await queue.obliterate({ force: true });
      await closeQueues(queues);
    }
    redis?.disconnect();
  });

  describe('poll schedules', () => {
    it('creates one job scheduler per source, with its interval', async () => {
      const report = await syncPollSchedules(queues.poll, redis, [
        rssSource('alpha', 60_000),
        rssSource('beta', 300_000),
        rssSource('gamma', 3_600_000),
      ]);
      expect(report).toEqual({ synced: true, upserted: ['alpha', 'beta', 'gamma'], removed: [] });
      expect(await schedulers()).toEqual([
        { key: 'alpha', every: 60_000, name: 'poll' },
        { key: 'beta', every: 300_000, name: 'poll' },
        { key: 'gamma', every: 3_600_000, name: 'poll' },
      ]);
    });

    it('gives scheduled poll jobs the source id and the trimming options', async () => {
      const pending = await queues.poll.getJobs(['waiting', 'delayed', 'prioritized']);
      const bySource = new Map(pending.map((job) => [job.data.sourceId, job]));
      expect([...bySource.keys()].sort()).toEqual(['alpha', 'beta', 'gamma']);
      for (const job of bySource.values()) {
        expect(job.name).toBe('poll');
        expect(job.opts.removeOnComplete).toEqual({ count: 200 });
        expect(job.opts.removeOnFail).toEqual({ count: 1000 });
      }
    });

    it('removes the scheduler of a source dropped from the config and updates a changed interval, leaving the others be', async () => {
      const alphaBefore = await queues.poll.getJobScheduler('alpha');
      const report = await syncPollSchedules(queues.poll, redis, [rssSource('alpha', 60_000), rssSource('gamma', 1_800_000)]);
      expect(report).toEqual({ synced: true, upserted: ['gamma'], removed: ['beta'] });
      // Rewriting an intact scheduler would move its next run: alpha keeps its own.
      expect((await queues.poll.getJobScheduler('alpha'))?.next).toBe(alphaBefore?.next);
      expect(await schedulers()).toEqual([
        { key: 'alpha', every: 60_000, name: 'poll' },
        { key: 'gamma', every: 1_800_000, name: 'poll' },
      ]);
      // No future poll of the source that is gone (a first poll already waiting may still run: the poller skips
      // sources it does not know), and a re-sync never doubles the pending poll of a kept source.
      const pending = await queues.poll.getJobs(['waiting', 'delayed', 'prioritized']);
      const delayedBeta = await queues.poll.getJobs(['delayed']);
      expect(delayedBeta.filter((job) => job.data.sourceId === 'beta')).toEqual([]);
      expect(pending.filter((job) => job.data.sourceId === 'alpha')).toHaveLength(1);
      expect(pending.filter((job) => job.data.sourceId === 'gamma')).toHaveLength(1);
    });

    it('lets exactly one of two concurrent syncs do the work, and ends with the wanted schedulers', async () => {
      const wanted = [rssSource('alpha', 120_000), rssSource('delta', 60_000)];
      const reports = await Promise.all([
        syncPollSchedules(queues.poll, redis, wanted),
        syncPollSchedules(queues.poll, redis, wanted),
      ]);
      expect(reports.filter((report) => report.synced)).toEqual([{ synced: true, upserted: ['alpha', 'delta'], removed: ['gamma'] }]);
      expect(reports.filter((report) => !report.synced)).toEqual([{ synced: false, upserted: [], removed: [] }]);
      expect(await schedulers()).toEqual([
        { key: 'alpha', every: 120_000, name: 'poll' },
        { key: 'delta', every: 60_000, name: 'poll' },
      ]);
      // The lock is released afterwards, so the next start syncs again.
      const later = await syncPollSchedules(queues.poll, redis, wanted);
      expect(later.synced).toBe(true);
    });

    it('puts back schedulers Redis lost, and a scheduler whose next job is gone, without touching intact ones', async () => {
      const wanted = [rssSource('alpha', 120_000), rssSource('delta', 60_000)];
      const delta = await queues.poll.getJobScheduler('delta');
      // As after a Redis restart without persistence: alpha's scheduler is gone; delta's next job is lost.
      await queues.poll.removeJobScheduler('alpha');
      const lostJobId = `repeat:delta:${delta?.next}`;
      const keyOf = (suffix: string) => `${prefix}:${QueueName.poll}:${suffix}`;
      await redis.del(keyOf(lostJobId));
      await redis.lrem(keyOf('wait'), 0, lostJobId);
      await redis.zrem(keyOf('delayed'), lostJobId);
      expect(await queues.poll.getJob(lostJobId)).toBeUndefined();
      expect(await syncPollSchedules(queues.poll, redis, wanted)).toEqual({ synced: true, upserted: ['alpha', 'delta'], removed: [] });
      expect(await schedulers()).toEqual([
        { key: 'alpha', every: 120_000, name: 'poll' },
        { key: 'delta', every: 60_000, name: 'poll' },
      ]);
      for (const id of ['alpha', 'delta']) {
        const scheduler = await queues.poll.getJobScheduler(id);
        expect((await queues.poll.getJob(`repeat:${id}:${scheduler?.next}`))?.data).toEqual({ sourceId: id });
      }
      // Intact now: a second check changes nothing.
      expect(await syncPollSchedules(queues.poll, redis, wanted)).toEqual({ synced: true, upserted: [], removed: [] });
    });

    it('keeps the schedulers of a queue under another prefix apart', async () => {
      const otherPrefix = uniqueName('bwq');
      const other = new Queue<PollJobData>(QueueName.poll, { connection: redis, prefix: otherPrefix });
      try {
        const report = await syncPollSchedules(other, redis, [rssSource('omega', 60_000)]);
        expect(report).toEqual({ synced: true, upserted: ['omega'], removed: [] });
        expect((await schedulers()).map((scheduler) => scheduler.key)).toEqual(['alpha', 'delta']);
      } finally {
        await other.obliterate({ force: true });
        await other.close();
      }
    });
  });

  describe('mention batches', () => {
    it('puts 1200 mentions in 3 jobs of at most 500, in order', async () => {
      const mentions = Array.from({ length: 1200 }, (_unused, index) => sampleMention(index));
      const jobIds = await enqueueMentions(queues.mentions, mentions);
      expect(jobIds).toHaveLength(3);
      const jobs = await Promise.all(jobIds.map((jobId) => queues.mentions.getJob(jobId)));
      expect(jobs.map((job) => job?.data.mentions.length)).toEqual([MAX_MENTIONS_PER_JOB, MAX_MENTIONS_PER_JOB, 200]);
      expect(jobs.flatMap((job) => job?.data.mentions.map((mention) => mention.id) ?? [])).toEqual(mentions.map((mention) => mention.id));
    });

    it('gives every mentions job trimming options, so Redis memory stays bounded, and retries with capped backoff', async () => {
      const [jobId] = await enqueueMentions(queues.mentions, [sampleMention(0)]);
      const job = await queues.mentions.getJob(jobId as string);
      expect(job?.name).toBe('store');
      expect(job?.opts.removeOnComplete).toEqual({ age: 3600, count: 20 });
      // Completed events carry the scorer's report: the event stream keeps 1,000 of them, not BullMQ's 10,000.
      expect(await redis.hget(`${prefix}:${QueueName.mentions}:meta`, 'opts.maxLenEvents')).toBe('1000');
      expect(job?.opts.removeOnFail).toEqual({ age: 7 * 24 * 3600 });
      expect(job?.opts.attempts).toBe(200);
      expect(job?.opts.backoff).toEqual({ type: CAPPED_BACKOFF });
    });

    it('splits by size too: no job carries more than 4 MiB of text', async () => {
      // Each mention counts its text plus 512 bytes of overhead: 41 fit under MAX_JOB_BYTES, the 42nd does not.
      const text = 'a'.repeat(100_000);
      expect(41 * (100_000 + 512)).toBeLessThanOrEqual(MAX_JOB_BYTES);
      expect(42 * (100_000 + 512)).toBeGreaterThan(MAX_JOB_BYTES);
      const mentions = Array.from({ length: 100 }, (_unused, index) => sampleMention(index, text));
      const jobIds = await enqueueMentions(queues.mentions, mentions);
      const jobs = await Promise.all(jobIds.map((jobId) => queues.mentions.getJob(jobId)));
      expect(jobs.map((job) => job?.data.mentions.length)).toEqual([41, 41, 18]);
    });

    it('queues nothing for no mentions', async () => {
      expect(await enqueueMentions(queues.mentions, [])).toEqual([]);
    });
  });
});

describe('migrations started together', () => {
  const name = uniqueName('bwmig');
  const url = new URL(testDatabaseUrl(name));
  const pools: Database[] = [];

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await dropDatabase(name);
  });

  it('creates the database and applies each migration once when three processes start at the same time', async () => {
    await Promise.all([1, 2, 3].map(() => ensureDatabaseExists(url.toString())));
    pools.push(...[1, 2, 3].map(() => createDatabase(url.toString(), { max: 2 })));
    const reports = await Promise.all(pools.map((pool) => migrate(pool)));

    const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    const applied = reports.map((report) => report.applied);
    expect(applied.filter((list) => list.length > 0)).toEqual([files]);
    expect(applied.filter((list) => list.length === 0)).toHaveLength(2);

    const { rows } = await (pools[0] as Database).query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual(files);
    // Tables, not their monthly partitions (which depend on today's date).
    const tables = await (pools[0] as Database).query<{ table_name: string }>(
      `SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      'alert_deliveries',
      'alert_episodes',
      'alert_events',
      'alert_group_channels',
      'alert_groups',
      'alert_rule_memory',
      'alert_silences',
      'brand_day_stats',
      'brand_facet_day_stats',
      'brand_facet_stats',
      'brand_hour_stats',
      'brand_stats',
      'digest_deliveries',
      'digest_periods',
      'mention_brands',
      'mention_ids',
      'mentions',
      'schema_migrations',
      'sources',
      'stories',
      'story_sites',
    ]);
  });

  it('applies nothing on a later start', async () => {
    expect(await migrate(pools[1] as Database)).toEqual({ applied: [] });
  });
});
