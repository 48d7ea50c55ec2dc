// The poller role: keeps one job scheduler per source and polls sources as their jobs come due.
import { Worker } from 'bullmq';
import { pollSource, type PollOutcome } from '../src/poller/poll-source.js';
import { syncPollSchedules } from '../src/poller/sync-poll-schedules.js';
import { QueueName, type PollJobData } from '../src/queue/queues.js';
import { closeWorker } from '../src/queue/close-worker.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { moduleLogger } from '../src/runtime/logger.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { SHUTDOWN_GRACE_MS, type RunningRole } from './role.js';

export async function startPoller(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'poller');
  const schedules = await syncPollSchedules(runtime.queues.poll, runtime.redis, runtime.config.sources);
  logger.info(schedules, 'poll schedules');
  const connection = createWorkerConnection(runtime.settings.redisUrl);
  const deps = { ...runtime, logger, lockPrefix: runtime.settings.queuePrefix };
  const worker = new Worker<PollJobData, PollOutcome>(QueueName.poll, (job) => pollSource(job.data.sourceId, deps, { force: job.data.force }), {
    connection,
    prefix: runtime.settings.queuePrefix,
    concurrency: runtime.config.queue.poll_concurrency,
    lockDuration: runtime.config.queue.stalled_after,
    stalledInterval: runtime.config.queue.stalled_after,
  });
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error.message }, 'poll job failed'));
  worker.on('error', (error) => logger.error({ err: error.message }, 'poll worker error'));
  // Started means connected: a stop right after start must not find BullMQ still opening its connections.
  await worker.waitUntilReady();
  return {
    name: 'poller',
    close: () => closeWorker(worker, connection, SHUTDOWN_GRACE_MS),
  };
}
