// Review of the alerter against invariant 3 (one firing, reminders, one resolved per alert and channel, a retry never
// loses or duplicates a message, across restarts and two alerters): the alerter tick and the notify processor on a
// real PostgreSQL and Redis, at chosen times.
import { Worker } from 'bullmq';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlerter, type Alerter } from '../../src/alerts/alerter.js';
import { createSilence } from '../../src/store/alert-store.js';
import { endSilence } from '../../src/store/alert-queries.js';
import { notifyProcessor } from '../../src/alerts/deliver-notification.js';
import { notifiersForConfig } from '../../src/alerts/notifiers-for-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { createQueues, closeQueues, notifyJobId, QueueName, type NotifyJobData, type Queues } from '../../src/queue/queues.js';
import { createLogger } from '../../src/runtime/logger.js';
import { httpClientFor } from '../../src/runtime/http-for-config.js';
import { ADVISORY_LOCKS } from '../../src/store/advisory-locks.js';
import { createDatabase, inTransaction, type Database } from '../../src/store/database.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { watchQueue, type QueueWatch } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, redisConnectionOf, uniqueName, type TestDatabase } from '../helpers/services.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// A fixed moment in the middle of a 5-minute bucket; the alerter takes "now" as an argument.
const T0 = Date.UTC(2026, 0, 5, 12, 2, 30);
const logger = createLogger('silent');

function configYaml(rules: string): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: hook, type: webhook, secret: "hook-secret-0123456789abcdef" }
alerts:
  tick: 1m
  bucket: 5m
  delivery: { attempts: 3, backoff: 10ms }
  group_wait: 0s
  rules:
${rules}
  channels:
    - { id: pr-slack, type: slack, url: "http://127.0.0.1:9/services/T000/B000/s3cr3tpath" }
`;
}

const NEGATIVE_BUZZ_RULE = `
    - id: acme-negative-buzz
      type: negative_buzz
      brands: [acme]
      window: 1h
      min_mentions: 5
      min_sources: 3
      repeat_interval: 30m
      channels: [pr-slack]
`;

interface Harness {
  db: TestDatabase;
  prefix: string;
  queues: Queues;
  config: Config;
  alerter: Alerter;
  notifyEvents: QueueWatch<unknown>;
  closers: Array<() => Promise<unknown>>;
}

let harness: Harness | null = null;

afterEach(async () => {
  if (harness === null) return;
  for (const close of harness.closers.reverse()) await close();
  await harness.notifyEvents.close();
  for (const queue of Object.values(harness.queues)) await queue.obliterate({ force: true });
  await closeQueues(harness.queues);
  await harness.db.drop();
  harness = null;
});

async function startHarness(rules = NEGATIVE_BUZZ_RULE): Promise<Harness> {
  const db = await createTestDatabase();
  const prefix = uniqueName('bwq');
  const config = parseConfig(configYaml(rules), {});
  const queues = createQueues(redisConnectionOf(TEST_REDIS_URL), prefix, config.alerts.delivery.attempts);
  const alerter = createAlerter({ config, database: db.database, notifyQueue: queues.notify, logger });
  const notifyEvents = await watchQueue<unknown>(QueueName.notify, prefix);
  return { db, prefix, queues, config, alerter, notifyEvents, closers: [] };
}

/** `count` negative mentions of Acme from `sites` sites (and as many authors), spread over the 20 minutes before `endMs`. */
async function storeNegativeBurst(database: Database, count: number, sites: number, endMs: number): Promise<void> {
  const batch: ScoredMention[] = Array.from({ length: count }, (_, index) => {
    const at = new Date(endMs - 20 * MINUTE + (index * 20 * MINUTE) / count).toISOString();
    return {
      id: `burst-${endMs}-${index}`,
      sourceId: 'hook',
      sourceType: 'webhook',
      externalId: `burst-${endMs}-${index}`,
      url: `https://site${index % sites}.example/acme/${index}`,
      title: `Acme outage ${index}`,
      text: 'Acme is terrible today: broken, awful, a horrible mess.',
      author: `author${index % sites}`,
      lang: 'en',
      publishedAt: at,
      seenAt: at,
      brands: ['acme'],
      backfill: false,
      reach: null,
      sentiment: { label: 'negative', score: -3 },
    };
  });
  await inTransaction(database, (client) => insertMentions(client, batch));
}

async function deliveryStatuses(database: Database) {
  const { rows } = await database.query<{ kind: string; channel_id: string; status: string }>(
    `SELECT e.kind, d.channel_id, d.status FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id ORDER BY e.at, d.channel_id`,
  );
  return rows.map((row) => [row.kind, row.channel_id, row.status]);
}

describe('alert delivery survives a PostgreSQL outage', () => {
  it('queues a pending delivery again after its notify job failed for good without reaching the database', async () => {
    harness = await startHarness();
    const { db, queues, config, alerter } = harness;
    await storeNegativeBurst(db.database, 12, 4, T0);
    const firing = await alerter.tick(new Date(T0));
    expect(firing.messages.map((message) => message.kind)).toEqual(['firing']);
    const eventId = firing.messages[0]?.eventId as string;
    const jobId = notifyJobId({ eventId, channelId: 'pr-slack' });

    // The notify worker runs while PostgreSQL is unreachable for it: every attempt fails before anything is recorded.
    const unreachable = createDatabase('postgres://postgres@127.0.0.1:1/unreachable', { max: 1 });
    const worker = new Worker<NotifyJobData>(
      QueueName.notify,
      notifyProcessor({ database: unreachable, notifiers: notifiersForConfig(config, httpClientFor(config)), logger }),
      { connection: redisConnectionOf(TEST_REDIS_URL), prefix: harness.prefix, settings: { backoffStrategy: () => 10 } },
    );
    harness.closers.push(() => unreachable.end(), () => worker.close());
    await harness.notifyEvents.nextFailure(jobId);
    await worker.close();
    expect(await deliveryStatuses(db.database)).toEqual([['firing', 'pr-slack', 'pending']]);

    // PostgreSQL is back; a later tick finds the delivery still pending and says it queued it again.
    const later = await alerter.tick(new Date(T0 + 2 * MINUTE));
    expect(later.requeued).toBe(1);
    // It must then be waiting for a worker. With the failed job kept under the same id (removeOnFail: 7 days),
    // addBulk is a no-op: the job stays failed, the firing message is never sent (or sent a week late).
    expect(await queues.notify.getJobState(jobId)).toBe('waiting');
  });
});

describe('silences', () => {
  it('tells a channel that never heard of a silenced alert with a firing once the silence ends, then its resolution', async () => {
    harness = await startHarness();
    const { db, alerter } = harness;
    const silenceId = await createSilence(db.database, {
      brandId: 'acme',
      ruleId: null,
      startsAt: new Date(T0 - MINUTE),
      endsAt: new Date(T0 + 24 * HOUR),
      comment: 'maintenance',
      createdBy: 'admin',
    });
    await storeNegativeBurst(db.database, 12, 4, T0);
    expect((await alerter.tick(new Date(T0))).messages.map((message) => [message.kind, message.silenced])).toEqual([['firing', true]]);
    // The maintenance is over early; the storm goes on and the team hears of it at the next tick, as a firing.
    expect(await endSilence(db.database, silenceId, new Date(T0 + MINUTE))).toBe(true);
    expect((await alerter.tick(new Date(T0 + 2 * MINUTE))).messages.map((message) => [message.kind, message.silenced])).toEqual([['firing', false]]);
    // The burst leaves the window, stays calm for resolve_after: resolved.
    await alerter.tick(new Date(T0 + 2 * HOUR));
    const resolved = await alerter.tick(new Date(T0 + 2 * HOUR + 16 * MINUTE));
    expect(resolved.messages.map((message) => message.kind)).toEqual(['resolved']);
    expect(await deliveryStatuses(db.database)).toEqual([
      ['firing', 'pr-slack', 'silenced'],
      ['firing', 'pr-slack', 'pending'],
      ['resolved', 'pr-slack', 'pending'],
    ]);
    expect(resolved.queued).toBe(1);
  });
});

describe('restarts and a second alerter', () => {
  it('sends one firing per channel when two alerters tick at the same moment, and none after a restart', async () => {
    harness = await startHarness();
    const { db, config, queues, alerter } = harness;
    const second = createAlerter({ config, database: db.database, notifyQueue: queues.notify, logger });
    await storeNegativeBurst(db.database, 12, 4, T0);
    const [one, two] = await Promise.all([alerter.tick(new Date(T0)), second.tick(new Date(T0))]);
    expect([...one.messages, ...two.messages].map((message) => message.kind)).toEqual(['firing']);
    // A restarted alerter (a new instance on the same stores) carries the alert on: nothing new to say.
    const restarted = createAlerter({ config, database: db.database, notifyQueue: queues.notify, logger });
    for (const minutes of [1, 2, 10]) expect((await restarted.tick(new Date(T0 + minutes * MINUTE))).messages).toEqual([]);
    expect(await deliveryStatuses(db.database)).toEqual([['firing', 'pr-slack', 'pending']]);
    expect(await queues.notify.getWaitingCount()).toBe(1);
  });
});

describe('one evaluation at a time', () => {
  it('skips a tick while another session holds the alert evaluation lock, and evaluates once it is free', async () => {
    harness = await startHarness();
    const { db, alerter } = harness;
    await storeNegativeBurst(db.database, 12, 4, T0);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.alertEvaluation]);
      expect(await alerter.tick(new Date(T0))).toEqual({ evaluated: false, episodes: [], messages: [], queued: 0, requeued: 0 });
      expect(await deliveryStatuses(db.database)).toEqual([]);
    } finally {
      await other.end();
    }
    const report = await alerter.tick(new Date(T0));
    expect(report).toMatchObject({ evaluated: true, queued: 1 });
    expect(report.messages.map((message) => [message.kind, message.channelId])).toEqual([['firing', 'pr-slack']]);
  });
});

describe('rules that leave the config', () => {
  it('does not keep an episode or its alert open forever once its rule is removed', async () => {
    harness = await startHarness();
    const { db, alerter, queues } = harness;
    await storeNegativeBurst(db.database, 12, 4, T0);
    expect((await alerter.tick(new Date(T0))).messages.map((message) => message.kind)).toEqual(['firing']);
    // The rule is renamed in the config and the alerter restarted.
    const renamed = parseConfig(configYaml(NEGATIVE_BUZZ_RULE.replace('id: acme-negative-buzz', 'id: acme-negative-buzz-v2')), {});
    const restarted = createAlerter({ config: renamed, database: db.database, notifyQueue: queues.notify, logger });
    for (let nowMs = T0 + 2 * HOUR; nowMs <= T0 + 3 * HOUR; nowMs += 10 * MINUTE) await restarted.tick(new Date(nowMs));
    const { rows } = await db.database.query<{ rule_id: string; status: string }>('SELECT rule_id, status FROM alert_episodes');
    expect(rows).toEqual([{ rule_id: 'acme-negative-buzz', status: 'resolved' }]);
    const alerts = await db.database.query<{ status: string }>('SELECT status FROM alert_groups');
    expect(alerts.rows).toEqual([{ status: 'resolved' }]);
  });
});
