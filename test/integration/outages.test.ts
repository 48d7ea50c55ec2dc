// Invariant 2, nothing accepted is lost: mentions already queued end in PostgreSQL even when PostgreSQL is down for a
// while (the scorer retries with back-off) or Redis is killed and restarted (its append-only file keeps the queue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { startScorer } from '../../workers/scorer.js';
import { SHUTDOWN_GRACE_MS } from '../../workers/role.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

async function storedCounts(system: TestSystem, sourceId: string) {
  const { rows } = await system.db.database.query<{ mentions: number; links: number; total: number | null }>(
    `SELECT (SELECT count(*)::int FROM mentions WHERE source_id = $1) AS mentions,
            (SELECT count(*)::int FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id WHERE m.source_id = $1) AS links,
            (SELECT mentions_total::int FROM sources WHERE id = $1) AS total`,
    [sourceId],
  );
  return rows[0];
}

describe('PostgreSQL down for a while', () => {
  let proxy: TcpProxy;
  let system: TestSystem;

  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', 5432);
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}${TEST_API_KEYS}`,
      roles: ['scorer'],
      databaseUrlFor: (directUrl) => {
        const throughProxy = new URL(directUrl);
        throughProxy.port = String(proxy.port);
        return throughProxy.toString();
      },
    });
  });

  afterAll(async () => {
    await proxy?.up();
    await system?.stop();
    await proxy?.close();
  });

  it('retries a batch with back-off while PostgreSQL is unreachable and stores it once it is back', async () => {
    const mentions: Mention[] = Array.from({ length: 20 }, (_unused, index) => {
      const url = `https://outage.example/${index}`;
      return {
        id: mentionId(url, 'rss', null),
        sourceId: 'outage-feed',
        sourceType: 'rss',
        externalId: null,
        url,
        title: `Acme outage story ${index}`,
        text: 'Acme keeps going.',
        author: null,
        lang: 'en',
        publishedAt: '2026-11-25T10:00:00.000Z',
        seenAt: '2026-11-25T10:05:00.000Z',
        brands: ['acme'],
        backfill: false,
        reach: null,
      };
    });
    await proxy.down();
    const [jobId] = await enqueueMentions(system.runtime.queues.mentions, mentions);
    if (jobId === undefined) throw new Error('no job was queued');
    await system.stores.nextRetry(jobId);
    const waiting = await system.runtime.queues.mentions.getJob(jobId);
    expect(waiting?.failedReason).toMatch(/ECONNREFUSED/);
    expect(await waiting?.getState()).toBe('delayed');
    expect(await storedCounts(system, 'outage-feed')).toEqual({ mentions: 0, links: 0, total: null });

    await proxy.up();
    const { result } = await system.stores.next((job) => job.jobId === jobId);
    expect(result).toMatchObject({ received: 20, inserted: 20 });
    expect(await storedCounts(system, 'outage-feed')).toEqual({ mentions: 20, links: 20, total: 20 });
    const job = await system.runtime.queues.mentions.getJob(jobId);
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(2);
  });
});

describe('Redis killed and restarted (append-only file on)', () => {
  let redis: PrivateRedis;
  let feeds: FixtureServer;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendOnly: true });
    feeds = await startFixtureServer();
    feeds.route('/rss.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml'));
    // No scorer yet: the poller's batch waits in Redis when Redis dies.
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: news-rss, type: rss, url: "${feeds.baseUrl}/rss.xml", every: 1h }
${TEST_API_KEYS}`,
      roles: ['api', 'poller'],
      redisUrl: redis.url,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
    await redis?.destroy();
  });

  it('stores the mentions a poller queued before Redis was SIGKILLed', async () => {
    const { result: outcome } = await system.polls.next((job) => job.jobId.startsWith('repeat:news-rss:'));
    if (outcome.status !== 'ok') throw new Error(`the first poll did not succeed: ${JSON.stringify(outcome)}`);
    expect(outcome).toMatchObject({ mentions: 3, jobIds: [expect.any(String)] });

    await redis.kill();
    await redis.restart();

    const scorer = await startScorer(system.runtime);
    try {
      const [jobId] = outcome.jobIds;
      const { result } = await system.stores.next((job) => job.jobId === jobId);
      expect(result).toMatchObject({ received: 3, inserted: 3 });
      expect(await storedCounts(system, 'news-rss')).toEqual({ mentions: 3, links: 3, total: 3 });
    } finally {
      await scorer.close(Date.now() + SHUTDOWN_GRACE_MS);
    }
  });
});
