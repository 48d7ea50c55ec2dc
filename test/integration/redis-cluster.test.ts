// Beyond one machine: the default Redis key prefix "{buzzwatch}" is a Redis Cluster hash tag, so every key of an
// installation lands in one slot and BullMQ's multi-key scripts run on a cluster (here a one-node cluster, which
// refuses cross-slot commands exactly as a bigger one does). An installation whose queues live under the old
// "buzzwatch" prefix keeps using it.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveQueuePrefix } from '../../src/queue/queue-prefix.js';
import { QueueName } from '../../src/queue/queues.js';
import { DEFAULT_QUEUE_PREFIX, LEGACY_QUEUE_PREFIX } from '../../src/runtime/settings.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

describe('on a Redis Cluster', () => {
  let feeds: FixtureServer;
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/feed.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8'));
    redis = await startPrivateRedis({ cluster: true });
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: news, type: rss, url: "${feeds.baseUrl}/feed.xml", every: 1h }
${TEST_API_KEYS}`,
      roles: ['api', 'poller', 'scorer', 'alerter'],
      redisUrl: redis.url,
      queuePrefix: DEFAULT_QUEUE_PREFIX,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await redis?.destroy();
    await feeds?.close();
  });

  it('polls, stores and evaluates with the default prefix, every key in one slot', async () => {
    const [outcome] = (await system.initialPolls()).values();
    expect(outcome).toMatchObject({ status: 'ok', mentions: 3 });
    expect(await system.evaluateAlerts()).toMatchObject({ evaluated: true });
    const { rows } = await system.db.database.query<{ count: number }>('SELECT count(*)::int AS count FROM mentions');
    expect(rows[0]?.count).toBe(3);
    const admin = new Redis(redis.url);
    try {
      const keys = await admin.keys('*');
      const slots = new Set(await Promise.all(keys.map(async (key) => Number(await admin.call('CLUSTER', 'KEYSLOT', key)))));
      expect(keys.every((key) => key.startsWith(`${DEFAULT_QUEUE_PREFIX}:`))).toBe(true);
      expect(slots.size).toBe(1);
    } finally {
      admin.disconnect();
    }
  });

  it('is needed: without a hash tag, BullMQ cannot even add a job there', async () => {
    const untagged = new Queue(QueueName.poll, { connection: { host: '127.0.0.1', port: redis.port }, prefix: LEGACY_QUEUE_PREFIX });
    try {
      await expect(untagged.add('poll', { sourceId: 'news' })).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await untagged.close();
    }
  });
});

describe('the key prefix of an existing installation', () => {
  let redis: PrivateRedis;
  let admin: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url);
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.destroy();
  });

  it('is the new one on an empty Redis, the old one while only it holds queues, the new one once that has any', async () => {
    expect(await resolveQueuePrefix(admin, DEFAULT_QUEUE_PREFIX)).toEqual({ prefix: DEFAULT_QUEUE_PREFIX, legacy: false });
    const legacyQueue = new Queue(QueueName.mentions, { connection: admin, prefix: LEGACY_QUEUE_PREFIX });
    await legacyQueue.add('store', { mentions: [] });
    await legacyQueue.close();
    expect(await resolveQueuePrefix(admin, DEFAULT_QUEUE_PREFIX)).toEqual({ prefix: LEGACY_QUEUE_PREFIX, legacy: true });
    // Someone who set BUZZWATCH_QUEUE_PREFIX gets exactly that.
    expect(await resolveQueuePrefix(admin, 'mine')).toEqual({ prefix: 'mine', legacy: false });
    const newQueue = new Queue(QueueName.poll, { connection: admin, prefix: DEFAULT_QUEUE_PREFIX });
    await newQueue.waitUntilReady();
    await newQueue.add('poll', { sourceId: 'news' });
    await newQueue.close();
    expect(await resolveQueuePrefix(admin, DEFAULT_QUEUE_PREFIX)).toEqual({ prefix: DEFAULT_QUEUE_PREFIX, legacy: false });
  });
});
