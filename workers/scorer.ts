// The scorer role: takes mention batches off the queue, tags sentiment and stores them.
import { UnrecoverableError, Worker } from 'bullmq';
import { CAPPED_BACKOFF, QueueName, cappedBackoff, type MentionsJobData } from '../src/queue/queues.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { moduleLogger } from '../src/runtime/logger.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { InvalidJobError, scoreAndStore } from '../src/scorer/score-and-store.js';
import type { InsertReport } from '../src/store/mention-store.js';
import type { RunningRole } from './role.js';

// A batch whose worker died is handed over this many times before it is parked as failed (kept for a week).
const MAX_STALLED_HANDOVERS = 10;

export async function startScorer(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'scorer');
  const connection = createWorkerConnection(runtime.settings.redisUrl);
  const worker = new Worker<MentionsJobData, InsertReport>(
    QueueName.mentions,
    async (job) => {
      try {
        const report = await scoreAndStore(job.data, runtime);
        logger.debug({ jobId: job.id, received: job.data.mentions.length, stored: report.insertedIds.length }, 'batch stored');
        return report;
      } catch (error) {
        // A malformed payload will never succeed; retrying it would only delay the batches behind it.
        if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection,
      prefix: runtime.settings.queuePrefix,
      concurrency: runtime.config.queue.score_concurrency,
      lockDuration: runtime.config.queue.stalled_after,
      stalledInterval: runtime.config.queue.stalled_after,
      maxStalledCount: MAX_STALLED_HANDOVERS,
      settings: { backoffStrategy: (attemptsMade: number, type?: string) => (type === CAPPED_BACKOFF ? cappedBackoff(attemptsMade) : 0) },
    },
  );
  worker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, 'mentions batch failed'),
  );
  worker.on('error', (error) => logger.error({ err: error.message }, 'scorer worker error'));
  return {
    name: 'scorer',
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
