// Benchmark: putting mentions on the mentions queue one job each (add in a loop, addBulk) against batched jobs
// (enqueueMentions, 500 per job), then draining both kinds through the real scorer path into PostgreSQL.
// Usage: npm run bench:queue -- [--mentions=N] [--single-drain=N] [--concurrency=N]
//   (env: BENCH_QUEUE_MENTIONS, BENCH_QUEUE_SINGLE_DRAIN, BENCH_QUEUE_CONCURRENCY)
import { Worker } from 'bullmq';
import { MAX_MENTIONS_PER_JOB, enqueueMentions } from '../src/poller/enqueue-mentions.js';
import type { Mention } from '../src/mentions/mention.js';
import { brandKeywordPhrases } from '../src/mentions/brand-rules.js';
import { closeQueues, createQueues, QueueName, type MentionsJobData, type Queues } from '../src/queue/queues.js';
import { createProducerConnection, createWorkerConnection, waitForRedis } from '../src/queue/redis.js';
import { scoreAndStore } from '../src/scorer/score-and-store.js';
import type { StoreReport } from '../src/scorer/score-and-store.js';
import {
  BENCH_BRANDS,
  BENCH_REDIS_URL,
  benchQueuePrefix,
  createBenchDatabase,
  formatCount,
  makeMentions,
  perSecond,
  printTable,
  scoreMentions,
  timed,
  timedSync,
  sizeOption,
  type BenchDatabase,
} from './bench-support.js';

const mentionCount = sizeOption('mentions', 'BENCH_QUEUE_MENTIONS', 20_000);
// Draining single-mention jobs runs at a few hundred a second; a subset keeps the default run near a minute.
const singleDrainCount = Math.min(mentionCount, sizeOption('single-drain', 'BENCH_QUEUE_SINGLE_DRAIN', 5_000));
// The scorer's default queue.score_concurrency.
const scorerConcurrency = sizeOption('concurrency', 'BENCH_QUEUE_CONCURRENCY', 2);
const ENQUEUE_ROUNDS = 3;

interface Measurement {
  name: string;
  jobs: number;
  ms: number;
}

async function emptyMentionsQueue(queues: Queues): Promise<void> {
  await queues.mentions.obliterate({ force: true });
}

/** Runs a scorer worker like workers/scorer.ts until `jobCount` jobs have completed; returns the elapsed time. */
async function drain(prefix: string, db: BenchDatabase, jobCount: number): Promise<number> {
  const brandPhrases = brandKeywordPhrases(BENCH_BRANDS);
  const connection = createWorkerConnection(BENCH_REDIS_URL);
  let completed = 0;
  let worker: Worker<MentionsJobData, StoreReport> | undefined;
  try {
    const { ms } = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          worker = new Worker<MentionsJobData, StoreReport>(
            QueueName.mentions,
            (job) => scoreAndStore(job.data, { database: db.database, brandPhrases }),
            { connection, prefix, concurrency: scorerConcurrency },
          );
          worker.on('completed', () => {
            completed += 1;
            if (completed === jobCount) resolve();
          });
          worker.on('failed', (job, error) => reject(new Error(`job ${job?.id} failed: ${error.message}`)));
          worker.on('error', reject);
        }),
    );
    return ms;
  } finally {
    await worker?.close();
    connection.disconnect();
  }
}

async function storedRows(db: BenchDatabase): Promise<{ mentions: number; links: number }> {
  const { rows } = await db.database.query<{ mentions: number; links: number }>(
    'SELECT (SELECT count(*) FROM mentions)::bigint AS mentions, (SELECT count(*) FROM mention_brands)::bigint AS links',
  );
  return rows[0] ?? { mentions: 0, links: 0 };
}

async function main(): Promise<void> {
  const mentions: Mention[] = makeMentions({ count: mentionCount });
  const payloadBytes = mentions.reduce((total, mention) => total + Buffer.byteLength(JSON.stringify(mention)), 0);
  const { prefix, obliterate } = benchQueuePrefix();
  const redis = createProducerConnection(BENCH_REDIS_URL);
  redis.on('error', () => undefined); // waitForRedis reports a connection failure
  await waitForRedis(redis, BENCH_REDIS_URL, 5_000);
  const queues = createQueues(redis, prefix);
  const db = await createBenchDatabase();
  try {
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    console.log(`queue batching: ${mentionCount.toLocaleString('en-US')} mentions, ${formatCount(payloadBytes / mentionCount)} bytes of JSON each on average`);
    console.log(`Redis ${redisVersion} at ${BENCH_REDIS_URL}, queue prefix ${prefix}, node ${process.version}`);

    // Warm-up: connection, BullMQ's Lua scripts loaded, JIT; not measured.
    const warmUp = mentions.slice(0, 200);
    for (const mention of warmUp.slice(0, 50)) await queues.mentions.add('store', { mentions: [mention] });
    await queues.mentions.addBulk(warmUp.map((mention) => ({ name: 'store', data: { mentions: [mention] } })));
    await enqueueMentions(queues.mentions, warmUp);
    await emptyMentionsQueue(queues);

    // Each method runs ENQUEUE_ROUNDS times from an empty queue; the median round is reported.
    const measure = async (name: string, enqueue: () => Promise<number>): Promise<Measurement> => {
      const rounds: Array<{ jobs: number; ms: number }> = [];
      for (let round = 0; round < ENQUEUE_ROUNDS; round++) {
        await emptyMentionsQueue(queues);
        const { result: jobs, ms } = await timed(enqueue);
        rounds.push({ jobs, ms });
      }
      await emptyMentionsQueue(queues);
      const middle = rounds.sort((left, right) => left.ms - right.ms)[Math.floor(ENQUEUE_ROUNDS / 2)] as { jobs: number; ms: number };
      return { name, ...middle };
    };
    const enqueued: Measurement[] = [
      await measure('one job per mention, await add() in a loop', async () => {
        for (const mention of mentions) await queues.mentions.add('store', { mentions: [mention] });
        return mentions.length;
      }),
      await measure('one job per mention, one addBulk() call', async () => {
        const jobs = await queues.mentions.addBulk(mentions.map((mention) => ({ name: 'store', data: { mentions: [mention] } })));
        return jobs.length;
      }),
      await measure(`batched, enqueueMentions() (${MAX_MENTIONS_PER_JOB} per job)`, async () => {
        const jobIds = await enqueueMentions(queues.mentions, mentions);
        return jobIds.length;
      }),
    ];
    const batched = enqueued[2] as Measurement;

    const singleDrainMentions = mentions.slice(0, singleDrainCount);
    await queues.mentions.addBulk(singleDrainMentions.map((mention) => ({ name: 'store', data: { mentions: [mention] } })));
    console.log(`\nscorer draining ${singleDrainCount.toLocaleString('en-US')} single-mention jobs`);
    const singleDrainMs = await drain(prefix, db, singleDrainCount);
    const afterSingle = await storedRows(db);
    await db.database.query('TRUNCATE mentions, mention_brands, sources');

    const batchedJobIds = await enqueueMentions(queues.mentions, mentions);
    console.log(`scorer draining ${batchedJobIds.length} batched jobs`);
    const batchedDrainMs = await drain(prefix, db, batchedJobIds.length);
    const afterBatched = await storedRows(db);
    // How much of the drain is sentiment scoring alone (no Redis, no PostgreSQL), for reading the drain figures.
    const scoringOnly = timedSync(() => scoreMentions(mentions));

    const batchedRate = perSecond(mentionCount, batched.ms);
    console.log(`\nenqueue (until Redis holds every job), median of ${ENQUEUE_ROUNDS} rounds`);
    printTable(
      ['method', 'jobs', 'ms', 'mentions/s', 'batched is x faster'],
      enqueued.map((measurement) => {
        const rate = perSecond(mentionCount, measurement.ms);
        return [
          measurement.name,
          measurement.jobs.toLocaleString('en-US'),
          formatCount(measurement.ms),
          formatCount(rate),
          (batchedRate / rate).toFixed(1),
        ];
      }),
    );

    console.log(`\ndrain through scoreAndStore (BullMQ worker, concurrency ${scorerConcurrency}, sentiment + INSERT into PostgreSQL)`);
    printTable(
      ['jobs', 'ms', 'mentions/s', 'rows stored', 'brand links'],
      [
        [`${singleDrainCount.toLocaleString('en-US')} single-mention jobs`, formatCount(singleDrainMs), formatCount(perSecond(singleDrainCount, singleDrainMs)), afterSingle.mentions.toLocaleString('en-US'), afterSingle.links.toLocaleString('en-US')],
        [`${batchedJobIds.length.toLocaleString('en-US')} batched jobs`, formatCount(batchedDrainMs), formatCount(perSecond(mentionCount, batchedDrainMs)), afterBatched.mentions.toLocaleString('en-US'), afterBatched.links.toLocaleString('en-US')],
      ],
    );
    const singleDrainRate = perSecond(singleDrainCount, singleDrainMs);
    const batchedDrainRate = perSecond(mentionCount, batchedDrainMs);
    console.log(`batched drain is ${(batchedDrainRate / singleDrainRate).toFixed(1)}x the mentions/s of single-mention drain`);
    console.log(`(sentiment scoring alone, one thread, no I/O: ${formatCount(perSecond(mentionCount, scoringOnly))} mentions/s)`);
  } finally {
    await closeQueues(queues);
    redis.disconnect();
    await obliterate();
    await db.drop();
  }
}

await main();
