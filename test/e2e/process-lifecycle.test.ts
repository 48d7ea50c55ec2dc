// `buzzwatch start` processes as ops run them: several scorers on one host share PORT (the health endpoints of the
// later ones move), a process whose Redis died stops cleanly on SIGTERM, and SIGTERM lets a running batch finish.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { QueueName, closeQueues, createQueues } from '../../src/queue/queues.js';
import type { StoreReport } from '../../src/scorer/score-and-store.js';
import { exitWithin, killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { acmeMentionsBatch, activeJobs, blockedInsertPid, lockMentionsTable, until } from '../helpers/held-batch.js';
import { closedPort } from '../helpers/ports.js';
import { startPrivateRedis } from '../helpers/private-redis.js';
import { watchQueue } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, obliterateQueues, redisConnectionOf, uniqueName, type TestDatabase } from '../helpers/services.js';

const SCORER_CONFIG = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
`;
const BATCH_SIZE = 20;
const SOURCE_ID = 'lifecycle-feed';
// A stack trace line as Node prints it.
const STACK_FRAME = /^ {4}at /m;



// The cases share nothing (own database, queue prefix, port or Redis), so they run side by side.
describe.concurrent('buzzwatch processes starting and stopping', () => {
  let directory: string;
  let configFile: string;
  const databases: TestDatabase[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-lifecycle-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, SCORER_CONFIG);
  });

  afterAll(async () => {
    await killAllCliProcesses();
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    for (const db of databases) await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  async function newScenario(redisUrl: string) {
    const db = await createTestDatabase();
    databases.push(db);
    const prefix = uniqueName('bwq');
    closers.push(async () => {
      const cleanup = createQueues(redisConnectionOf(redisUrl), prefix);
      await obliterateQueues(cleanup);
      await closeQueues(cleanup);
    });
    const startScorer = (port: number): CliProcess =>
      spawnCli(['start', '--role', 'scorer'], {
        BUZZWATCH_CONFIG: configFile,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        BUZZWATCH_QUEUE_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'info',
      });
    return { db, prefix, startScorer };
  }

  it('runs a second scorer on a taken PORT, its health endpoints moved to a port it logs', async ({ expect }) => {
    const port = await closedPort();
    const scenario = await newScenario(TEST_REDIS_URL);
    const first = scenario.startScorer(port);
    const firstStarted = await first.waitForLog((line) => line.msg === 'buzzwatch started');
    expect(firstStarted.port).toBe(port);

    const second = scenario.startScorer(port);
    const moved = await second.waitForLog((line) => line.msg === 'PORT is taken: health endpoints moved');
    expect(moved).toMatchObject({ level: 40, wanted: port });
    expect(moved.port).toEqual(expect.any(Number));
    expect(moved.port).not.toBe(port);
    const secondStarted = await second.waitForLog((line) => line.msg === 'buzzwatch started');
    expect(secondStarted).toMatchObject({ roles: ['scorer'], port: moved.port });

    for (const healthPort of [port, moved.port]) {
      const response = await fetch(`http://127.0.0.1:${String(healthPort)}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
    expect(first.isRunning() && second.isRunning()).toBe(true);

    first.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    expect(await exitWithin(first, 15_000)).toMatchObject({ code: 0, signal: null });
    expect(await exitWithin(second, 15_000)).toMatchObject({ code: 0, signal: null });
  });

  it('stops with exit code 0 and no stack trace when SIGTERM comes after its Redis died', async ({ expect }) => {
    const privateRedis = await startPrivateRedis();
    closers.push(() => privateRedis.destroy());
    const scenario = await newScenario(privateRedis.url);
    const admin = new Redis(privateRedis.url);
    const scorer = scenario.startScorer(0);
    await scorer.waitForLog((line) => line.msg === 'buzzwatch started');
    // A scorer at work: its worker connected and blocked on Redis waiting for batches.
    await until('the scorer waits for batches on Redis', async () => {
      const clients = (await admin.call('CLIENT', 'LIST')) as string;
      return /\bcmd=bzpopmin\b/.test(clients);
    });
    admin.disconnect();

    await privateRedis.kill();
    try {
      scorer.child.kill('SIGTERM');
      const stopped = await exitWithin(scorer, 15_000);
      expect(stopped).toMatchObject({ code: 0, signal: null });
      expect(stopped.stderr).not.toMatch(STACK_FRAME);
      expect(stopped.stdout).not.toMatch(STACK_FRAME);
      const messages = scorer.logLines().map((line) => line.msg);
      expect(messages).toContain('stopping: finishing active jobs');
      expect(messages.at(-1)).toBe('stopped');
    } finally {
      // Redis comes back for the cleanup of the scenario's queue, which would otherwise wait for it for ever.
      await privateRedis.restart();
    }
  });

  it('finishes the batch it is storing before it stops on SIGTERM: stored once, job completed', async ({ expect }) => {
    const scenario = await newScenario(TEST_REDIS_URL);
    const queues = createQueues(redisConnectionOf(TEST_REDIS_URL), scenario.prefix);
    closers.push(() => closeQueues(queues));
    const events = new QueueEvents(QueueName.mentions, { prefix: scenario.prefix, connection: redisConnectionOf(TEST_REDIS_URL) });
    closers.push(() => events.close());
    await events.waitUntilReady();
    const stores = await watchQueue<StoreReport>(QueueName.mentions, scenario.prefix);
    closers.push(() => stores.close());
    const becameActive = activeJobs(events);
    const failed: string[] = [];
    events.on('failed', ({ jobId }) => failed.push(jobId));
    events.on('stalled', ({ jobId }) => failed.push(`stalled ${jobId}`));

    const scorer = scenario.startScorer(0);
    await scorer.waitForLog((line) => line.msg === 'buzzwatch started');
    const lock = await lockMentionsTable(scenario.db.url);
    closers.push(() => lock.release());
    const batch = acmeMentionsBatch(SOURCE_ID, BATCH_SIZE);
    expect(batch).toHaveLength(BATCH_SIZE);
    const [jobId] = await enqueueMentions(queues.mentions, batch);
    if (jobId === undefined) throw new Error('one batch was queued');
    await becameActive(jobId);
    await blockedInsertPid(scenario.db.database);

    scorer.child.kill('SIGTERM');
    await scorer.waitForLog((line) => line.msg === 'stopping: finishing active jobs');
    // Still waiting for the batch: the process must not be gone before it is stored.
    expect(scorer.isRunning()).toBe(true);
    await lock.release();
    const stopped = await exitWithin(scorer, 15_000);
    expect(stopped).toMatchObject({ code: 0, signal: null });

    // Completed by the process before it exited, not left active for another scorer to take over.
    expect(await queues.mentions.getJobState(jobId)).toBe('completed');
    const completed = await stores.next((job) => job.jobId === jobId);
    expect(completed.result.insertedIds).toHaveLength(BATCH_SIZE);
    expect(completed.result.rejected).toEqual([]);
    expect(stores.completed.filter((job) => job.jobId === jobId)).toHaveLength(1);
    expect(failed).toEqual([]);
    const { rows } = await scenario.db.database.query<{ mentions: number; links: number; mentions_total: number }>(
      `SELECT (SELECT count(*)::int FROM mentions) AS mentions,
              (SELECT count(*)::int FROM mention_brands WHERE brand_id = 'acme') AS links,
              (SELECT mentions_total FROM sources WHERE id = $1) AS mentions_total`,
      [SOURCE_ID],
    );
    expect(rows[0]).toEqual({ mentions: BATCH_SIZE, links: BATCH_SIZE, mentions_total: BATCH_SIZE });
  });
});
