// The poller role: keeps one job scheduler per source (checked periodically and on every Redis reconnect, so a Redis
// that lost its data gets them back) and polls sources as their jobs come due.
import { Worker } from 'bullmq';
import { pollSource, type PollOutcome } from '../src/poller/poll-source.js';
import { syncPollSchedules } from '../src/poller/sync-poll-schedules.js';
import { keepSchedules } from '../src/queue/job-schedulers.js';
import { QueueName, type PollJobData } from '../src/queue/queues.js';
import { closeWorkers } from '../src/queue/close-worker.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { pollDuration, pollErrors, scheduleRepairs, secondsSince } from '../src/runtime/metrics.js';
import type { Runtime } from '../src/runtime/runtime.js';
import type { RunningRole } from './role.js';

export async function startPoller(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'poller');
  const syncSchedules = async (reason: 'start' | 'check' | 'reload') => {
    const report = await syncPollSchedules(runtime.queues.poll, runtime.redis, runtime.config.sources);
    const changed = report.upserted.length + report.removed.length;
    if (reason !== 'check') logger.info({ ...report, reason }, 'poll schedules');
    else if (changed > 0) {
      // Nothing changed the config: Redis lost them (or another process's config differs from this one's).
      scheduleRepairs.inc({ queue: QueueName.poll }, changed);
      logger.warn(report, 'poll schedules were missing or out of date in Redis: repaired');
    }
  };
  await syncSchedules('start');
  const connection = createWorkerConnection(runtime.settings.redisUrl);
  // Read at each job, so that a reloaded config (sources, brands, http settings) applies to the next poll.
  const pollJob = async (data: PollJobData): Promise<PollOutcome> => {
    const started = performance.now();
    const outcome = await pollSource(data.sourceId, { ...runtime, logger, lockPrefix: runtime.settings.queuePrefix }, { force: data.force });
    pollDuration.observe({ source: data.sourceId, outcome: outcome.status }, secondsSince(started));
    if (outcome.status === 'failed') pollErrors.inc({ source: data.sourceId, kind: outcome.error.kind });
    return outcome;
  };
  const worker = new Worker<PollJobData, PollOutcome>(QueueName.poll, (job) => pollJob(job.data), {
    connection,
    prefix: runtime.settings.queuePrefix,
    concurrency: runtime.config.queue.poll_concurrency,
    lockDuration: runtime.config.queue.stalled_after,
    stalledInterval: runtime.config.queue.stalled_after,
  });
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error.message }, 'poll job failed'));
  worker.on('error', (error) => logger.error({ err: error.message }, 'poll worker error'));
  const keeper = keepSchedules({
    what: 'poll schedules',
    redis: runtime.redis,
    everyMs: runtime.config.queue.check_schedules_every,
    logger,
    reconcile: () => syncSchedules('check'),
  });
  // Started means connected: a stop right after start must not find BullMQ still opening its connections.
  await worker.waitUntilReady();
  return {
    name: 'poller',
    async reload(config) {
      worker.concurrency = config.queue.poll_concurrency;
      await syncSchedules('reload');
    },
    close: async (deadline) => {
      keeper.stop();
      await closeWorkers([{ worker, connection }], deadline);
    },
  };
}
