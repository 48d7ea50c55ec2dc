// Defect 4: a Redis that lost its data (flushed, or restarted without persistence) took every poll schedule and the
// alert tick with it, and nothing ran until a restart. Pollers and alerters now check their schedulers periodically
// and on every reconnect: polling and alert evaluation resume by themselves, in the same processes.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { sampleValues } from '../helpers/promtool.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const FEED_TYPE = 'application/rss+xml; charset=utf-8';

function configYaml(feedUrl: string, checkEvery: string): string {
  return `${BRAND_CONFIG}
sources:
  - { id: news, type: rss, url: "${feedUrl}", every: 1h }
queue:
  check_schedules_every: ${checkEvery}
alerts:
  tick: 1h
${TEST_API_KEYS}`;
}

describe.each([
  // A check every second finds the flushed schedulers; the connection never dropped, so only the check can.
  { lost: 'flushed (FLUSHALL)', checkEvery: '1s', loseData: (redis: PrivateRedis) => flushAll(redis.url) },
  // Checks an hour apart: only the reconnect after the restart can find them.
  { lost: 'restarted without persistence', checkEvery: '1h', loseData: (redis: PrivateRedis) => redis.kill().then(() => redis.restart()) },
])('a Redis $lost', ({ checkEvery, loseData }) => {
  let feeds: FixtureServer;
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/feed.xml', serveFeed(rss2(RSS_ENTRIES), FEED_TYPE));
    redis = await startPrivateRedis();
    system = await startTestSystem({
      configYaml: configYaml(`${feeds.baseUrl}/feed.xml`, checkEvery),
      roles: ['api', 'poller', 'scorer', 'alerter'],
      redisUrl: redis.url,
    });
    await system.initialPolls();
    await system.evaluations.next((job) => job.jobId.startsWith('repeat:alerts-tick:'));
  });

  afterAll(async () => {
    await system?.stop();
    await redis?.destroy();
    await feeds?.close();
  });

  it('puts the poll and alert tick schedules back, so polling and evaluation resume without a restart', async () => {
    const repairsBefore = await scheduleRepairs(system.baseUrl);
    const pollsBefore = system.polls.completed.length;
    const ticksBefore = system.evaluations.completed.length;
    await loseData(redis);
    // Each new scheduler runs at once: a scheduled poll and a scheduled tick complete again, in the same process.
    const poll = await system.polls.next(
      (job) => job.jobId.startsWith('repeat:news:') && system.polls.completed.indexOf(job) >= pollsBefore,
    );
    expect(poll.result).toMatchObject({ status: 'ok' });
    const tick = await system.evaluations.next(
      (job) => job.jobId.startsWith('repeat:alerts-tick:') && system.evaluations.completed.indexOf(job) >= ticksBefore,
    );
    expect(tick.result).toMatchObject({ evaluated: true });
    expect(await system.runtime.queues.poll.getJobScheduler('news')).toMatchObject({ every: 3_600_000 });
    expect(await system.runtime.queues.alerts.getJobScheduler('alerts-tick')).toMatchObject({ every: 3_600_000 });
    // A repair is counted and logged after the schedule lock is released, a Redis round trip after the scheduler
    // exists: its first job may complete before that, so both are awaited rather than read once.
    await vi.waitFor(
      () => {
        const repaired = system.logLines.map((line) => JSON.parse(line) as { msg: string }).map((line) => line.msg);
        expect(repaired).toContain('poll schedules were missing or out of date in Redis: repaired');
        expect(repaired).toContain('the alert tick schedule was missing or out of date in Redis: repaired');
      },
      { timeout: 20_000 },
    );
    // Counted per process (the cases of this file share one): one repair of each since the data was lost.
    await vi.waitFor(
      async () => {
        const repairsAfter = await scheduleRepairs(system.baseUrl);
        expect({ poll: repairsAfter.poll - repairsBefore.poll, alerts: repairsAfter.alerts - repairsBefore.alerts }).toEqual({ poll: 1, alerts: 1 });
      },
      { timeout: 20_000 },
    );
  });
});

async function scheduleRepairs(baseUrl: string): Promise<{ poll: number; alerts: number }> {
  const samples = sampleValues(await (await fetch(`${baseUrl}/metrics`)).text());
  const repairs = (queue: string) => samples.get(`buzzwatch_schedule_repairs_total{queue="${queue}"}`) ?? 0;
  return { poll: repairs('poll'), alerts: repairs('alerts') };
}

async function flushAll(url: string): Promise<void> {
  const admin = new Redis(url);
  try {
    await admin.flushall();
  } finally {
    admin.disconnect();
  }
}
