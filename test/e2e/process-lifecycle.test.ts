// `buzzwatch start` processes as ops run them: roles started separately on one host with one PORT (only the API binds
// it; the others serve health on HEALTH_PORT or PORT + n, and a second scorer moves to a free port), a process whose
// Redis died stops cleanly on SIGTERM, and SIGTERM lets a running batch finish.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { QueueName, closeQueues, createQueues } from '../../src/queue/queues.js';
import type { BatchOutcome } from '../../src/scorer/score-and-store.js';
import { exitWithin, killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { acmeMentionsBatch, activeJobs, blockedInsertPid, lockMentionsTable, until } from '../helpers/held-batch.js';
import { closedPort, closedPortRun } from '../helpers/ports.js';
import { startPrivateRedis } from '../helpers/private-redis.js';
import { watchQueue } from '../helpers/queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, obliterateQueues, redisConnectionOf, uniqueName, type TestDatabase } from '../helpers/services.js';

const SCORER_CONFIG = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
`;
const BATCH_SIZE = 20;
const SOURCE_ID = 'lifecycle-feed';
// Processes start side by side on a busy machine (each loads the whole command).
const START_TIMEOUT_MS = 60_000;
// A stop is slow on a loaded machine (6.4 s of the 15 s this was were seen at load 10), but must stay under the
// roles' 25 s shutdown grace: a stop that waits it out instead of ending when its work is done still fails.
const EXIT_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 150_000;
// The 25 s shutdown grace, then closing and exiting, on a busy machine.
const GRACE_EXIT_TIMEOUT_MS = 60_000;
// A stack trace line as Node prints it.
const STACK_FRAME = /^ {4}at /m;



// The cases share nothing (own database, queue prefix, port or Redis), so they run side by side.
// Each test starts two or three processes; in a full run on 2 cores one took 63 s.
describe.concurrent('buzzwatch processes starting and stopping', { timeout: 120_000 }, () => {
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
    const startRole = (role: string, env: Record<string, string>): CliProcess =>
      spawnCli(['start', '--role', role], {
        BUZZWATCH_CONFIG: configFile,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        BUZZWATCH_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ...env,
      });
    const startScorer = (port: number): CliProcess => startRole('scorer', { PORT: String(port) });
    return { db, prefix, startRole, startScorer };
  }

  it('gives PORT to the API alone, whichever role starts first; the others serve health on PORT + n', async ({ expect }) => {
    // PORT and the health ports the roles derive from it (PORT + 2, PORT + 3), all free a moment ago.
    const port = await closedPortRun(4);
    const scenario = await newScenario(TEST_REDIS_URL);
    // The alerter first: before, it took PORT and the API then exited with EADDRINUSE.
    const started = (role: CliProcess) => role.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS);
    const alerter = scenario.startRole('alerter', { PORT: String(port) });
    expect(await started(alerter)).toMatchObject({ roles: ['alerter'], port: port + 3 });
    const api = scenario.startRole('api', { PORT: String(port) });
    const scorer = scenario.startRole('scorer', { PORT: String(port) });
    expect(await started(api)).toMatchObject({ roles: ['api'], port });
    expect(await started(scorer)).toMatchObject({ roles: ['scorer'], port: port + 2 });
    // A second scorer on the same host finds its health port taken and moves to a free one, which it logs.
    const secondScorer = scenario.startRole('scorer', { PORT: String(port) });
    const moved = await secondScorer.waitForLog((line) => line.msg === 'health port is taken: health endpoints moved', START_TIMEOUT_MS);
    // Logged as the health server it is: a scorer's log said module "api" (here and on "Server listening at").
    expect(moved).toMatchObject({ level: 40, module: 'health', wanted: port + 2 });
    expect(moved.port).not.toBe(port + 2);
    expect(await started(secondScorer)).toMatchObject({ port: moved.port });

    expect((await fetch(`http://127.0.0.1:${port}/v1/sources`)).status).toBe(401);
    for (const healthPort of [port, port + 2, port + 3, Number(moved.port)]) {
      const response = await fetch(`http://127.0.0.1:${String(healthPort)}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
    // Only the API has /v1.
    expect((await fetch(`http://127.0.0.1:${port + 3}/v1/sources`)).status).toBe(404);
    for (const role of [alerter, api, scorer, secondScorer]) role.child.kill('SIGTERM');
    for (const role of [alerter, api, scorer, secondScorer]) expect(await exitWithin(role, EXIT_TIMEOUT_MS)).toMatchObject({ code: 0, signal: null });
  }, TEST_TIMEOUT_MS);

  it('serves the health endpoints of a role on HEALTH_PORT when it is set', async ({ expect }) => {
    const [port, healthPort] = [await closedPort(), await closedPort()];
    const scenario = await newScenario(TEST_REDIS_URL);
    const poller = scenario.startRole('poller', { PORT: String(port), HEALTH_PORT: String(healthPort) });
    expect(await poller.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS)).toMatchObject({
      roles: ['poller'],
      port: healthPort,
    });
    expect((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status).toBe(200);
    poller.child.kill('SIGTERM');
    expect(await exitWithin(poller, EXIT_TIMEOUT_MS)).toMatchObject({ code: 0, signal: null });
  }, TEST_TIMEOUT_MS);

  it('stops with exit code 0 and no stack trace when SIGTERM comes after its Redis died', async ({ expect }) => {
    const privateRedis = await startPrivateRedis();
    closers.push(() => privateRedis.destroy());
    const scenario = await newScenario(privateRedis.url);
    const admin = new Redis(privateRedis.url);
    const scorer = scenario.startScorer(0);
    await scorer.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS);
    // A scorer at work: its worker connected and blocked on Redis waiting for batches.
    await until('the scorer waits for batches on Redis', async () => {
      const clients = (await admin.call('CLIENT', 'LIST')) as string;
      return /\bcmd=bzpopmin\b/.test(clients);
    });
    admin.disconnect();

    await privateRedis.kill();
    try {
      scorer.child.kill('SIGTERM');
      const stopped = await exitWithin(scorer, EXIT_TIMEOUT_MS);
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
  }, TEST_TIMEOUT_MS);

  it('finishes the batch it is storing before it stops on SIGTERM: stored once, job completed', async ({ expect }) => {
    const scenario = await newScenario(TEST_REDIS_URL);
    const queues = createQueues(redisConnectionOf(TEST_REDIS_URL), scenario.prefix);
    closers.push(() => closeQueues(queues));
    const events = new QueueEvents(QueueName.mentions, { prefix: scenario.prefix, connection: redisConnectionOf(TEST_REDIS_URL) });
    closers.push(() => events.close());
    await events.waitUntilReady();
    const stores = await watchQueue<BatchOutcome>(QueueName.mentions, scenario.prefix);
    closers.push(() => stores.close());
    const becameActive = activeJobs(events);
    const failed: string[] = [];
    events.on('failed', ({ jobId }) => failed.push(jobId));
    events.on('stalled', ({ jobId }) => failed.push(`stalled ${jobId}`));

    const scorer = scenario.startScorer(0);
    await scorer.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS);
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
    const stopped = await exitWithin(scorer, EXIT_TIMEOUT_MS);
    expect(stopped).toMatchObject({ code: 0, signal: null });

    // Completed by the process before it exited, not left active for another scorer to take over.
    expect(await queues.mentions.getJobState(jobId)).toBe('completed');
    const completed = await stores.next((job) => job.jobId === jobId);
    expect(completed.result).toEqual({ received: BATCH_SIZE, inserted: BATCH_SIZE, duplicates: 0, rejected: 0, expired: 0 });
    expect(stores.completed.filter((job) => job.jobId === jobId)).toHaveLength(1);
    expect(failed).toEqual([]);
    const { rows } = await scenario.db.database.query<{ mentions: number; links: number; mentions_total: number }>(
      `SELECT (SELECT count(*)::int FROM mentions) AS mentions,
              (SELECT count(*)::int FROM mention_brands WHERE brand_id = 'acme') AS links,
              (SELECT mentions_total FROM sources WHERE id = $1) AS mentions_total`,
      [SOURCE_ID],
    );
    expect(rows[0]).toEqual({ mentions: BATCH_SIZE, links: BATCH_SIZE, mentions_total: BATCH_SIZE });
  }, TEST_TIMEOUT_MS);

  it('exits once its grace is over while a batch is still being stored, leaving the job to its lock', async ({ expect }) => {
    const scenario = await newScenario(TEST_REDIS_URL);
    const queues = createQueues(redisConnectionOf(TEST_REDIS_URL), scenario.prefix);
    closers.push(() => closeQueues(queues));
    const events = new QueueEvents(QueueName.mentions, { prefix: scenario.prefix, connection: redisConnectionOf(TEST_REDIS_URL) });
    closers.push(() => events.close());
    await events.waitUntilReady();
    const becameActive = activeJobs(events);

    const scorer = scenario.startScorer(0);
    await scorer.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS);
    const lock = await lockMentionsTable(scenario.db.url);
    closers.push(() => lock.release());
    const [jobId] = await enqueueMentions(queues.mentions, acmeMentionsBatch(SOURCE_ID, BATCH_SIZE));
    if (jobId === undefined) throw new Error('one batch was queued');
    await becameActive(jobId);
    await blockedInsertPid(scenario.db.database);

    scorer.child.kill('SIGTERM');
    // The batch stays blocked for ever: the stop waits out the roles' 25 s grace, then the process must end (it
    // stayed alive while the abandoned job's close and database connection lived on).
    const stopped = await exitWithin(scorer, GRACE_EXIT_TIMEOUT_MS);
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.stderr).toBe('');
    expect(stopped.stdout).toContain('"msg":"stopped"');
    // Not completed: still active until its lock expires and another scorer takes it over.
    expect(await queues.mentions.getJobState(jobId)).toBe('active');
  }, TEST_TIMEOUT_MS);
});
