// Exactly one digest per (digest, period, channel): two alerters scheduling the same moment, a restart after the
// completed jobs were removed from Redis, a failed send retried without resending the channel that succeeded, and a
// job lost from Redis queued again. Schedulers and digest workers on real PostgreSQL and Redis, a loopback Slack and
// webhook receiver.
import type { ServerResponse } from 'node:http';
import { Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSharedState, sharedStateRegistry } from '../../src/api/shared-state-metrics.js';
import { digestProcessor, type DigestOutcome } from '../../src/analytics/digests/deliver-digest.js';
import { createDigestScheduler, type DigestScheduler } from '../../src/analytics/digests/digest-scheduler.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createHttpClient } from '../../src/net/http-client.js';
import { NOTIFY_BACKOFF, QueueName, closeQueues, createQueues, digestJobId, notifyBackoff, type DigestJobData, type Queues } from '../../src/queue/queues.js';
import { createLogger } from '../../src/runtime/logger.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { watchQueue, type QueueWatch } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, redisConnectionOf, uniqueName, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const SLACK_PATH = '/services/T0E/B0E/opsdigest';
const HOOK_PATH = '/hooks/ops';
const logger = createLogger('silent');
// 08:00 UTC on Wednesday 4 November 2026: the daily digest of Tuesday 3 November is due.
const T = new Date('2026-11-04T08:00:00Z');
const DAY_MS = 24 * 3_600_000;

interface AlerterInstance {
  scheduler: DigestScheduler;
  close(): Promise<void>;
}

let db: TestDatabase;
let queues: Queues;
let server: FixtureServer;
let watch: QueueWatch<DigestOutcome>;
let instances: AlerterInstance[];
let slackStatuses: number[];

beforeEach(async () => {
  db = await createTestDatabase();
  const prefix = uniqueName('bwq');
  queues = createQueues(redisConnectionOf(TEST_REDIS_URL), prefix, 3);
  watch = await watchQueue<DigestOutcome>(QueueName.digests, prefix);
  server = await startFixtureServer();
  // Slack answers with each status of slackStatuses in turn, then 200.
  slackStatuses = [];
  server.route(SLACK_PATH, (_request, response: ServerResponse) => {
    const status = slackStatuses.shift() ?? 200;
    response.writeHead(status).end(status === 200 ? 'ok' : 'server error');
  });
  server.route(HOOK_PATH, (_request, response: ServerResponse) => void response.writeHead(204).end());
  instances = [];
  await storeMentions(db.database, [
    ...Array.from({ length: 6 }, (_, index) => scoredMention({ key: `tue-${index}`, at: `2026-11-03T1${index}:00:00Z`, label: index === 0 ? 'negative' : 'neutral' })),
    ...Array.from({ length: 4 }, (_, index) => scoredMention({ key: `wed-${index}`, at: `2026-11-04T1${index}:00:00Z` })),
  ]);
  // An alert episode of Tuesday, told in its digest: the buzz began at 09:50, the alerter opened it at 10:05, it was calm
  // from 12:15 and closed at 12:30 (resolve_after).
  await db.database.query(
    `WITH alert AS (
       INSERT INTO alert_groups (id, group_key, brand_id, status, opened_at, started_at, resolved_at)
       VALUES ('al_tue', 'brand=acme', 'acme', 'resolved', '2026-11-03T10:05:00Z', '2026-11-03T09:50:00Z', '2026-11-03T12:15:00Z')
       RETURNING id)
     INSERT INTO alert_episodes (id, group_id, rule_id, rule_type, brand_id, status, started_at, signal_started_at, calm_since,
                                 resolved_at, last_notified_at, peak)
     SELECT 'ep_tue', alert.id, 'acme-negative-buzz', 'negative_buzz', 'acme', 'resolved', '2026-11-03T10:05:00Z',
            '2026-11-03T09:50:00Z', '2026-11-03T12:15:00Z', '2026-11-03T12:30:00Z', '2026-11-03T10:05:00Z',
            '{"headline": "5 negative mentions"}'
       FROM alert`,
  );
});

afterEach(async () => {
  for (const instance of instances) await instance.close();
  await watch.close();
  for (const queue of Object.values(queues)) await queue.obliterate({ force: true });
  await closeQueues(queues);
  await server.close();
  await db.drop();
});

const config = () =>
  parseConfig(
    `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
alerts:
  delivery: { attempts: 3, backoff: 10ms }
  channels:
    - { id: ops-slack, type: slack, url: "${server.baseUrl}${SLACK_PATH}" }
    - { id: ops-hook, type: webhook, url: "${server.baseUrl}${HOOK_PATH}", secret: "ops-hook-secret-0123456789" }
digests:
  - { id: daily-ops, brands: [acme], every: daily, at: "08:00", tz: UTC, channels: [ops-slack, ops-hook] }
`,
    {},
  );

/** What one alerter process runs for digests: its scheduler (ticked by the test) and its digest worker. */
function startAlerterInstance(): AlerterInstance {
  const loaded = config();
  const worker = new Worker<DigestJobData, DigestOutcome>(
    QueueName.digests,
    digestProcessor({ config: loaded, database: db.database, notifierDeps: { http: createHttpClient(), timeoutMs: 5_000 }, logger }),
    {
      connection: redisConnectionOf(TEST_REDIS_URL),
      prefix: queues.digests.opts.prefix,
      settings: { backoffStrategy: (attemptsMade: number, type?: string) => (type === NOTIFY_BACKOFF ? notifyBackoff(attemptsMade, 10) : 0) },
    },
  );
  const instance = {
    scheduler: createDigestScheduler({ config: loaded, database: db.database, digestQueue: queues.digests, logger }),
    close: () => worker.close(),
  };
  instances.push(instance);
  return instance;
}

const key = (period: string, channelId: string) => ({ digestId: 'daily-ops', period, channelId });

async function sent(keys: Array<ReturnType<typeof key>>): Promise<DigestOutcome[]> {
  const done = await Promise.all(keys.map((each) => watch.next((job) => job.jobId === digestJobId(each), 30_000)));
  return done.map((job) => job.result);
}

/** Digest jobs Redis holds in any state. */
async function jobsInRedis(): Promise<number> {
  const counts = await queues.digests.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active', 'prioritized');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

async function deliveryRows() {
  const { rows } = await db.database.query<{ period: string; channel_id: string; status: string; attempts: number }>(
    'SELECT period, channel_id, status, attempts FROM digest_deliveries ORDER BY period, channel_id',
  );
  return rows.map((row) => [row.period, row.channel_id, row.status, row.attempts]);
}

describe('digest delivery', () => {
  it('sends each channel one digest per period with two alerters, retries a failed channel alone, and sends nothing again after a restart', async () => {
    const first = startAlerterInstance();
    const second = startAlerterInstance();
    slackStatuses = [503];
    const [one, two] = await Promise.all([first.scheduler.tick(T), second.scheduler.tick(T)]);
    // Both alerters saw the period due; one of them wrote its deliveries.
    expect([...one.scheduled, ...two.scheduled].sort((a, b) => a.channelId.localeCompare(b.channelId))).toEqual([
      key('2026-11-03', 'ops-hook'),
      key('2026-11-03', 'ops-slack'),
    ]);
    expect(await sent([key('2026-11-03', 'ops-slack'), key('2026-11-03', 'ops-hook')])).toEqual(['sent', 'sent']);
    // Slack failed once and was retried; the webhook, which took it at once, got it once.
    expect(server.requestsTo(SLACK_PATH)).toHaveLength(2);
    expect(server.requestsTo(HOOK_PATH)).toHaveLength(1);
    expect(await deliveryRows()).toEqual([
      ['2026-11-03', 'ops-hook', 'sent', 1],
      ['2026-11-03', 'ops-slack', 'sent', 2],
    ]);
    // Both channels were told the same figures: the period's summary is written once.
    const summaries = await db.database.query<{ mentions: number }>("SELECT (summary #> '{brands,0,figures,mentions,value}')::int AS mentions FROM digest_periods");
    expect(summaries.rows).toEqual([{ mentions: 6 }]);
    const slackDigest = JSON.parse(server.requestsTo(SLACK_PATH)[1]?.body.toString('utf8') ?? 'null');
    expect(slackDigest.blocks[1].fields.map((field: { text: string }) => field.text)).toEqual([
      '*Mentions*\n6',
      '*Negative share*\n17 %',
      '*Positive share*\n0 %',
      '*Net sentiment*\n-17',
      // No "Reach: 0": none of these mentions told a reach, in this period or the one before.
      '*Alert episodes*\n1',
    ]);
    expect(slackDigest.blocks[2]).toEqual({
      type: 'section',
      // From when the buzz began to when it calmed, as the alert's own messages and /v1/alerts say (it read 10:05 → 12:30).
      text: { type: 'mrkdwn', text: '*Alert episodes*\n• Negative buzz: 5 negative mentions · 2026-11-03 09:50 → 12:15' },
    });

    // Both alerters restart, and Redis no longer holds the completed jobs (removeOnComplete, or a flush).
    await first.close();
    await second.close();
    await queues.digests.clean(0, 1000, 'completed');
    expect(await jobsInRedis()).toBe(0);
    const restarted = startAlerterInstance();
    for (const later of [0, 60_000, 2 * 3_600_000]) {
      expect(await restarted.scheduler.tick(new Date(T.getTime() + later))).toEqual({ scheduled: [], requeued: 0 });
    }
    expect(await jobsInRedis()).toBe(0);
    // A stale job for a sent delivery (say, queued again by a tick that read the row just before it was marked sent)
    // finds it sent and sends nothing.
    const stale = key('2026-11-03', 'ops-hook');
    await queues.digests.add('digest', stale, { jobId: digestJobId(stale) });
    await watch.next((job) => job.jobId === digestJobId(stale) && job.result === 'already-done');
    expect(server.requestsTo(HOOK_PATH)).toHaveLength(1);

    // The next day's digest goes out once per channel.
    expect((await restarted.scheduler.tick(new Date(T.getTime() + DAY_MS))).scheduled).toEqual([key('2026-11-04', 'ops-slack'), key('2026-11-04', 'ops-hook')]);
    expect(await sent([key('2026-11-04', 'ops-slack'), key('2026-11-04', 'ops-hook')])).toEqual(['sent', 'sent']);
    expect([server.requestsTo(SLACK_PATH).length, server.requestsTo(HOOK_PATH).length]).toEqual([3, 2]);
    // /metrics (the API's shared gauges) counts them by status.
    const metrics = await sharedStateRegistry(await readSharedState({ config: config(), database: db.database, queueStats: async () => [] }, T)).metrics();
    expect(metrics.split('\n').filter((line) => line.startsWith('buzzwatch_digest_deliveries{'))).toEqual([
      'buzzwatch_digest_deliveries{digest="daily-ops",channel="ops-hook",status="sent"} 2',
      'buzzwatch_digest_deliveries{digest="daily-ops",channel="ops-slack",status="sent"} 2',
    ]);
  });

  it('queues a delivery again when its job was lost from Redis, and sends it once', async () => {
    const instance = startAlerterInstance();
    // Written in PostgreSQL, then Redis lost the queue before any worker took the jobs.
    await instance.close();
    expect((await instance.scheduler.tick(T)).scheduled).toHaveLength(2);
    await queues.digests.obliterate({ force: true });
    const restarted = startAlerterInstance();
    expect(await restarted.scheduler.tick(new Date(T.getTime() + 30_000))).toEqual({ scheduled: [], requeued: 0 });
    expect(await restarted.scheduler.tick(new Date(T.getTime() + 61_000))).toEqual({ scheduled: [], requeued: 2 });
    expect(await sent([key('2026-11-03', 'ops-slack'), key('2026-11-03', 'ops-hook')])).toEqual(['sent', 'sent']);
    // Later ticks find them sent.
    expect(await restarted.scheduler.tick(new Date(T.getTime() + 3 * 60_000))).toEqual({ scheduled: [], requeued: 0 });
    expect([server.requestsTo(SLACK_PATH).length, server.requestsTo(HOOK_PATH).length]).toEqual([1, 1]);
  });
});
