// The scorer role: takes mention batches off the queue, tags sentiment and stores them.
import type { Job } from 'bullmq';
import { QueueName, mentionsWorkerSettings, type MentionsJobData } from '../src/queue/queues.js';
import { closeWorkers } from '../src/queue/close-worker.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { SeparateFetchWorker } from '../src/queue/separate-fetch-worker.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { scorerBatchDuration, scorerMentions, secondsSince } from '../src/runtime/metrics.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { keepMentionsMaintained, maintenanceDeps } from '../src/retention/mention-maintenance.js';
import { mentionsProcessor, type BatchOutcome } from '../src/scorer/score-and-store.js';
import { ScoreThreads } from '../src/scorer/score-threads.js';
import type { RunningRole } from './role.js';

const EVALUATE_AFTER_MENTIONS_MS = 1000;

export async function startScorer(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'scorer');
  const connection = createWorkerConnection(runtime.settings.redisUrl);
  // Scoring (pure CPU) on worker threads beside this one, which reads jobs and talks to PostgreSQL; 0: on this one.
  const threadCount = runtime.config.queue.score_threads;
  const threads = threadCount === 0 ? undefined : new ScoreThreads({ size: threadCount, logger });
  // Loaded before the first batch: a thread that cannot even start fails the start, not every batch.
  try {
    await threads?.ready;
  } catch (error) {
    await threads?.close();
    throw error;
  }
  // The processor reads the runtime's brand phrases at each batch, so a reloaded config applies to the next one.
  const storeBatch = mentionsProcessor(runtime, logger, threads);
  // Before a batch can need them: the coming months' partitions (and retention, if configured).
  const maintenance = keepMentionsMaintained(maintenanceDeps(runtime, logger));
  const timedStoreBatch = async (job: Job<MentionsJobData>): Promise<BatchOutcome> => {
    const started = performance.now();
    try {
      const outcome = await storeBatch(job);
      scorerBatchDuration.observe({ outcome: 'ok' }, secondsSince(started));
      scorerMentions.inc({ outcome: 'inserted' }, outcome.inserted);
      scorerMentions.inc({ outcome: 'rejected' }, outcome.rejected);
      scorerMentions.inc({ outcome: 'expired' }, outcome.expired);
      scorerMentions.inc({ outcome: 'duplicate' }, outcome.duplicates);
      return outcome;
    } catch (error) {
      scorerBatchDuration.observe({ outcome: 'failed' }, secondsSince(started));
      throw error;
    }
  };
  // Batches are large: see SeparateFetchWorker for why the next one is not taken in the reply completing the last.
  const worker = new SeparateFetchWorker<MentionsJobData, BatchOutcome>(QueueName.mentions, timedStoreBatch, {
    connection,
    prefix: runtime.settings.queuePrefix,
    concurrency: runtime.config.queue.score_concurrency,
    ...mentionsWorkerSettings(runtime.config.queue.stalled_after),
  });
  worker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, 'mentions batch failed'),
  );
  worker.on('error', (error) => logger.error({ err: error.message }, 'scorer worker error'));
  // New mentions are evaluated soon rather than at the next tick: a crisis should not wait a minute. One job per
  // second at most, however many batches land.
  worker.on('completed', (_job, outcome) => {
    if (outcome.inserted === 0 || runtime.config.alerts.rules.length === 0) return;
    runtime.queues.alerts
      .add('evaluate', {}, { delay: EVALUATE_AFTER_MENTIONS_MS, deduplication: { id: 'after-new-mentions', ttl: EVALUATE_AFTER_MENTIONS_MS } })
      .catch((error: Error) => logger.debug({ err: error.message }, 'could not queue an alert evaluation'));
  });
  // Started means connected: a stop right after start must not find BullMQ still opening its connections.
  await worker.waitUntilReady();
  return {
    name: 'scorer',
    async reload(config) {
      worker.concurrency = config.queue.score_concurrency;
    },
    async close(deadline) {
      await maintenance.stop(deadline);
      await closeWorkers([{ worker, connection }], deadline);
      await threads?.close();
    },
  };
}
