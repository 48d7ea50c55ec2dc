// Invariant 2 for the scorer: a scorer process SIGKILLed while it holds a batch loses nothing, and the batch handed
// over to a restarted scorer is stored exactly once, whether the kill came before or after the batch committed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { QueueName, closeQueues, createQueues, type Queues } from '../../src/queue/queues.js';
import type { BatchOutcome } from '../../src/scorer/score-and-store.js';
import { killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { acmeMentionsBatch, activeJobs, blockedInsertPid, lockMentionsTable, until } from '../helpers/held-batch.js';
import { startPrivateRedis } from '../helpers/private-redis.js';
import { watchQueue, type QueueWatch } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, obliterateQueues, redisConnectionOf, uniqueName, type TestDatabase } from '../helpers/services.js';

// A short stall time so that the batch of a dead scorer is handed over within seconds.
const SCORER_CONFIG = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
queue: { stalled_after: 2s }
`;

const BATCH_SIZE = 50;
const SOURCE_ID = 'crash-feed';


interface Scenario {
  db: TestDatabase;
  prefix: string;
  redisUrl: string;
  configFile: string;
}

async function startScorer(scenario: Scenario): Promise<CliProcess> {
  const scorer = spawnCli(['start', '--role', 'scorer'], {
    BUZZWATCH_CONFIG: scenario.configFile,
    DATABASE_URL: scenario.db.url,
    REDIS_URL: scenario.redisUrl,
    BUZZWATCH_QUEUE_PREFIX: scenario.prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  await scorer.waitForLog((line) => line.msg === 'buzzwatch started');
  return scorer;
}

async function storedCounts(db: TestDatabase) {
  const { rows } = await db.database.query<{ mentions: number; links: number; mentions_total: number | null }>(
    `SELECT (SELECT count(*)::int FROM mentions) AS mentions,
            (SELECT count(*)::int FROM mention_brands WHERE brand_id = 'acme') AS links,
            (SELECT mentions_total FROM sources WHERE id = $1) AS mentions_total`,
    [SOURCE_ID],
  );
  return rows[0];
}


// The two cases share nothing (own database, queue prefix and Redis), so they run side by side.
// Each case starts node processes; on a loaded machine a start alone can take 20 s.
describe.concurrent('scorer killed with a batch in hand', { timeout: 120_000 }, () => {
  let directory: string;
  let configFile: string;
  const databases: TestDatabase[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-scorer-crash-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, SCORER_CONFIG);
  });

  afterAll(async () => {
    await killAllCliProcesses();
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    for (const db of databases) await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  async function newScenario(redisUrl: string): Promise<Scenario & { queues: Queues; events: QueueEvents }> {
    const db = await createTestDatabase();
    databases.push(db);
    const prefix = uniqueName('bwq');
    const queues = createQueues(redisConnectionOf(redisUrl), prefix);
    closers.push(() => closeQueues(queues));
    const events = new QueueEvents(QueueName.mentions, { prefix, connection: redisConnectionOf(redisUrl) });
    closers.push(() => events.close());
    // Every connection of ours is open before a scorer starts: the second case tells the scorer's apart by that.
    await Promise.all([queues.mentions.waitUntilReady(), queues.poll.waitUntilReady(), events.waitUntilReady()]);
    closers.push(async () => {
      const cleanup = createQueues(redisConnectionOf(redisUrl), prefix);
      await obliterateQueues(cleanup);
      await closeQueues(cleanup);
    });
    return { db, prefix, redisUrl, configFile, queues, events };
  }

  /** A scorer process holding one batch, its INSERT waiting on our lock on `mentions`. */
  async function holdScorerMidBatch(scenario: Scenario & { queues: Queues }, becameActive: (jobId: string) => Promise<void>) {
    const firstScorer = await startScorer(scenario);
    const lock = await lockMentionsTable(scenario.db.url);
    closers.push(() => lock.release().catch(() => undefined));
    const [jobId] = await enqueueMentions(scenario.queues.mentions, acmeMentionsBatch(SOURCE_ID, BATCH_SIZE));
    if (jobId === undefined) throw new Error('no job was queued');
    await becameActive(jobId);
    const insertPid = await blockedInsertPid(scenario.db.database);
    return { firstScorer, lock, jobId, insertPid };
  }

  it('stores the batch exactly once after a kill before the batch committed', async ({ expect }) => {
    const scenario = await newScenario(TEST_REDIS_URL);
    const stores: QueueWatch<BatchOutcome> = await watchQueue<BatchOutcome>(QueueName.mentions, scenario.prefix);
    closers.push(() => stores.close());
    const becameActive = activeJobs(scenario.events);

    const { firstScorer, lock, jobId, insertPid: orphanPid } = await holdScorerMidBatch(scenario, becameActive);

    firstScorer.child.kill('SIGKILL');
    expect((await firstScorer.exited).signal).toBe('SIGKILL');
    await lock.release();
    // The dead scorer's backend runs its INSERT once the lock is gone, then finds its client gone and rolls back.
    await until('the dead scorer’s database session is gone', async () => {
      const { rowCount } = await scenario.db.database.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [orphanPid]);
      return rowCount === 0;
    });
    expect(await storedCounts(scenario.db)).toEqual({ mentions: 0, links: 0, mentions_total: null });
    expect(await scenario.queues.mentions.getJobState(jobId)).toBe('active');

    await startScorer(scenario);
    const completed = await stores.next((job) => job.jobId === jobId);
    expect(completed.result).toMatchObject({ inserted: BATCH_SIZE, duplicates: 0 });
    expect(await storedCounts(scenario.db)).toEqual({ mentions: BATCH_SIZE, links: BATCH_SIZE, mentions_total: BATCH_SIZE });
    expect(stores.completed.filter((job) => job.jobId === jobId)).toHaveLength(1);
  });

  it('adds nothing when the batch committed but the kill came before the job was marked complete', async ({ expect }) => {
    // Pausing writes stops the scorer between its COMMIT and the job's completion in Redis: that needs a Redis of
    // our own, since a pause applies to every client of the server.
    const privateRedis = await startPrivateRedis();
    closers.push(() => privateRedis.destroy());
    const scenario = await newScenario(privateRedis.url);
    // Cleaned up before the scenario's queues, whose removal would wait for a pause this test failed to lift.
    const admin = new Redis(privateRedis.url);
    closers.push(async () => {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
    });
    const becameActive = activeJobs(scenario.events);
    const clientIdsBefore = await clientIds(admin);

    const { firstScorer, lock, jobId } = await holdScorerMidBatch(scenario, becameActive);
    const scorerClientIds = [...(await clientIds(admin))].filter((id) => !clientIdsBefore.has(id));
    expect(scorerClientIds.length).toBeGreaterThan(0);

    await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    await lock.release();
    // mentions_total is the transaction's last write, so seeing it means the whole batch is committed.
    await until('the scorer committed the batch', async () => (await storedCounts(scenario.db))?.mentions_total === BATCH_SIZE);
    firstScorer.child.kill('SIGKILL');
    expect((await firstScorer.exited).signal).toBe('SIGKILL');
    // Unpausing while Redis still holds the dead scorer's postponed "job completed" command would run it.
    await until('Redis dropped the dead scorer’s connections', async () => {
      const live = await clientIds(admin);
      return scorerClientIds.every((id) => !live.has(id));
    });
    await admin.call('CLIENT', 'UNPAUSE');
    expect(await scenario.queues.mentions.getJobState(jobId)).toBe('active');
    expect(await storedCounts(scenario.db)).toEqual({ mentions: BATCH_SIZE, links: BATCH_SIZE, mentions_total: BATCH_SIZE });

    await startScorer(scenario);
    const job = await scenario.queues.mentions.getJob(jobId);
    const outcome = (await job?.waitUntilFinished(scenario.events, 20_000)) as BatchOutcome;
    expect(outcome).toMatchObject({ inserted: 0, duplicates: BATCH_SIZE });
    expect(await storedCounts(scenario.db)).toEqual({ mentions: BATCH_SIZE, links: BATCH_SIZE, mentions_total: BATCH_SIZE });
    const { rows } = await scenario.db.database.query('SELECT count(*)::int AS total FROM sources');
    expect(rows[0]).toEqual({ total: 1 });
  });
});

async function clientIds(redis: Redis): Promise<Set<string>> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return new Set([...list.matchAll(/^id=(\d+) /gm)].map((match) => match[1] as string));
}
