// Migration 005 on a database holding alerts written before alerts were grouped: each old episode becomes an alert
// under the same id, shown by the API, and an open one goes on to one resolved message that answers its firing.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerter } from '../../src/alerts/alerter.js';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Worker } from 'bullmq';
import { notifyProcessor, type DeliveryOutcome } from '../../src/alerts/deliver-notification.js';
import { QueueName, closeQueues, createQueues, type NotifyJobData, type Queues } from '../../src/queue/queues.js';
import { createLogger } from '../../src/runtime/logger.js';
import { findAlert, listAlerts } from '../../src/store/alert-queries.js';
import { migrate } from '../../src/store/migrate.js';
import { createDatabase, ensureDatabaseExists, type Database } from '../../src/store/database.js';
import { watchQueue } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, dropDatabase, redisConnectionOf, testDatabaseUrl, uniqueName } from '../helpers/services.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0);
const MIGRATIONS = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));

const CONFIG = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
alerts:
  group_wait: 0s
  rules:
    - { id: acme-negative-buzz, type: negative_buzz, channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "http://127.0.0.1:9/services/T000/B000/x" }
`;

const OLD_COUNTS = '{"mentions":12,"negative":12,"baseline":null,"ratio":null,"negativeShare":1,"usualNegativeShare":null,"sources":4}';
const OLD_SAMPLE = {
  mentionId: 'm1',
  url: 'https://site0.example/1',
  title: 'Acme outage',
  snippet: 'Acme is terrible',
  author: 'author0',
  sourceId: 'hook',
  site: 'site0.example',
  sentiment: 'negative',
  sentimentScore: -0.6,
  reach: null,
  publishedAt: null,
};

describe('migration 005 on alerts from before grouping', () => {
  const name = uniqueName('bwtest');
  const prefix = uniqueName('bwq');
  // A database of its own, migrated by hand: the test helpers' databases come fully migrated.
  const db: { database: Database } = { database: createDatabase(testDatabaseUrl(name)) };
  let queues: Queues;
  let before: string;

  beforeAll(async () => {
    await ensureDatabaseExists(testDatabaseUrl(name));
    before = mkdtempSync(join(tmpdir(), 'buzzwatch-migrations-'));
    for (const file of readdirSync(MIGRATIONS).filter((name) => name < '005')) cpSync(join(MIGRATIONS, file), join(before, file));
    await migrate(db.database, before);
    const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
    // As the alerter wrote them then: one episode over, one still firing, told to Slack.
    await db.database.query(
      `INSERT INTO alert_episodes (id, rule_id, rule_type, brand_id, status, started_at, resolved_at, last_notified_at, latest)
       VALUES ('ep_old0', 'acme-negative-buzz', 'negative_buzz', 'acme', 'resolved', $1, $2, $1, $4),
              ('ep_old1', 'acme-negative-buzz', 'negative_buzz', 'acme', 'firing', $3, NULL, $3, $4)`,
      [at(-300), at(-200), at(-60), OLD_COUNTS],
    );
    await db.database.query(
      `INSERT INTO alert_events (id, episode_id, kind, at, payload) VALUES
         ('ep_old0-firing', 'ep_old0', 'firing', $1, $4), ('ep_old0-resolved', 'ep_old0', 'resolved', $2, $5),
         ('ep_old1-firing', 'ep_old1', 'firing', $3, $6), ('ep_old1-reminder-1', 'ep_old1', 'reminder', $3, $6)`,
      [
        at(-300),
        at(-200),
        at(-60),
        JSON.stringify({ summary: '9 negative mentions in the last hour, from 3 sources', samples: [] }),
        JSON.stringify({ summary: 'Back to normal after 1 h 40 min: 1 negative mention in the last hour', samples: [] }),
        JSON.stringify({ summary: '12 negative mentions in the last hour, from 4 sources', samples: [OLD_SAMPLE] }),
      ],
    );
    await db.database.query(
      `INSERT INTO alert_deliveries (event_id, channel_id, status, attempts, sent_at, created_at) VALUES
         ('ep_old0-firing', 'pr-slack', 'sent', 1, $1, $1), ('ep_old0-resolved', 'pr-slack', 'sent', 1, $2, $2),
         ('ep_old1-firing', 'pr-slack', 'sent', 1, $3, $3), ('ep_old1-reminder-1', 'pr-email', 'pending', 0, NULL, $3)`,
      [at(-300), at(-200), at(-60)],
    );
    expect((await migrate(db.database)).applied).toEqual(readdirSync(MIGRATIONS).filter((name) => name >= '005'));
    queues = createQueues(redisConnectionOf(TEST_REDIS_URL), prefix, 3);
  });

  afterAll(async () => {
    for (const queue of Object.values(queues ?? {})) await queue.obliterate({ force: true });
    if (queues !== undefined) await closeQueues(queues);
    await db.database.end();
    await dropDatabase(name);
    rmSync(before, { recursive: true, force: true });
  });

  it('shows each old episode as an alert under its own id, with its messages and samples in snake_case', async () => {
    const { alerts } = await listAlerts(db.database, { limit: 10 });
    expect(alerts.map((alert) => [alert.id, alert.status, alert.rules.map((rule) => rule.latest.summary)])).toEqual([
      ['ep_old1', 'firing', ['12 negative mentions in the last hour, from 4 sources']],
      ['ep_old0', 'resolved', ['9 negative mentions in the last hour, from 3 sources']],
    ]);
    expect(alerts[0]?.notifications.map((message) => [message.id, message.channel_id, message.status])).toEqual([
      ['ep_old1-firing', 'pr-slack', 'sent'],
      ['ep_old1-reminder-1', 'pr-email', 'pending'],
    ]);
    expect(alerts[1]?.notifications.map((message) => [message.id, message.kind, message.channel_id, message.status, message.summary])).toEqual([
      ['ep_old0-firing', 'firing', 'pr-slack', 'sent', '9 negative mentions in the last hour, from 3 sources'],
      ['ep_old0-resolved', 'resolved', 'pr-slack', 'sent', 'Back to normal after 1 h 40 min: 1 negative mention in the last hour'],
    ]);
    expect(alerts[0]?.rules[0]?.latest.counts).toEqual({
      mentions: 12,
      negative: 12,
      negative_share: 1,
      usual_negative_share: null,
      matching: 12,
      baseline: null,
      ratio: null,
      sites: 4,
      authors: 0,
    });
    expect((await findAlert(db.database, 'ep_old1'))?.samples).toEqual([
      {
        mention_id: 'm1',
        url: 'https://site0.example/1',
        title: 'Acme outage',
        snippet: 'Acme is terrible',
        author: 'author0',
        source_id: 'hook',
        site: 'site0.example',
        sentiment: 'negative',
        sentiment_score: -0.6,
        reach: null,
        published_at: null,
      },
    ]);
  });

  it('does not send a message still pending from before, which no channel can word any more, and says why', async () => {
    const watch = await watchQueue<DeliveryOutcome>(QueueName.notify, prefix);
    const worker = new Worker<NotifyJobData, DeliveryOutcome>(
      QueueName.notify,
      notifyProcessor({ database: db.database, notifiers: new Map(), logger: createLogger('silent') }),
      { connection: redisConnectionOf(TEST_REDIS_URL), prefix },
    );
    try {
      const job = await queues.notify.add('notify', { eventId: 'ep_old1-reminder-1', channelId: 'pr-email' });
      expect((await watch.next((completed) => completed.jobId === job.id)).result).toBe('failed');
    } finally {
      await worker.close();
      await watch.close();
    }
    const { rows } = await db.database.query('SELECT status, attempts, last_error FROM alert_deliveries WHERE event_id = $1', ['ep_old1-reminder-1']);
    expect(rows).toEqual([{ status: 'failed', attempts: 1, last_error: 'written by an older buzzwatch in a format no longer sent' }]);
  });

  it('resolves the open one with one resolved message to the channel that heard it, in its e-mail thread', async () => {
    const alerter = createAlerter({ config: parseConfig(CONFIG, {}), database: db.database, notifyQueue: queues.notify, logger: createLogger('silent') });
    expect((await alerter.tick(new Date(T0))).messages).toEqual([]);
    const resolved = await alerter.tick(new Date(T0 + 16 * MINUTE));
    expect(resolved.messages).toEqual([
      { alertId: 'ep_old1', channelId: 'pr-slack', kind: 'resolved', eventId: 'ep_old1-pr-slack-2-resolved', silenced: false },
    ]);
    const { rows } = await db.database.query<{ payload: AlertEvent }>(`SELECT payload FROM alert_events WHERE id = 'ep_old1-pr-slack-2-resolved'`);
    expect(rows[0]?.payload).toMatchObject({ alertId: 'ep_old1', inReplyTo: 'ep_old1-firing', rules: [{ ruleId: 'acme-negative-buzz', status: 'resolved' }] });
    expect((await alerter.tick(new Date(T0 + 30 * MINUTE))).messages).toEqual([]);
  });
});
