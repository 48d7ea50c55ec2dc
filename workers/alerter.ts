// The alerter role: evaluates the alert rules every tick (and soon after new mentions), schedules the digests that
// are due, and delivers notifications and digests.
// Its tick scheduler is checked periodically and on every Redis reconnect, so a Redis that lost its data gets it back.
import { Worker, type Job } from 'bullmq';
import { createAlerter, type Alerter, type TickReport } from '../src/alerts/alerter.js';
import { notifyProcessor, type DeliveryOutcome } from '../src/alerts/deliver-notification.js';
import { timedDelivery } from '../src/alerts/delivery-latency.js';
import { notifiersForConfig } from '../src/alerts/notifiers-for-config.js';
import { digestProcessor, type DigestOutcome } from '../src/analytics/digests/deliver-digest.js';
import { createDigestScheduler, type DigestScheduler, type DigestTickReport } from '../src/analytics/digests/digest-scheduler.js';
import type { Config } from '../src/config/schema.js';
import { keepSchedules, schedulerNeedsRepair } from '../src/queue/job-schedulers.js';
import { NOTIFY_BACKOFF, QueueName, notifyBackoff, type AlertsJobData, type DigestJobData, type NotifyJobData } from '../src/queue/queues.js';
import { closeWorkers } from '../src/queue/close-worker.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { moduleLogger } from '../src/runtime/logger.js';
import { alerterLastTick, alerterTickDuration, scheduleRepairs, secondsSince } from '../src/runtime/metrics.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { keepMentionsMaintained, maintenanceDeps } from '../src/retention/mention-maintenance.js';
import type { RunningRole } from './role.js';

export const ALERT_TICK_SCHEDULER = 'alerts-tick';

/** What an evaluation job answers: the alert tick, and the digests it found due (null when not evaluated or it failed). */
export type EvaluationReport = TickReport & { digests: DigestTickReport | null };

export async function startAlerter(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'alerter');
  const { settings } = runtime;
  const build = (config: Config) => ({
    alerter: createAlerter({ config, database: runtime.database, notifyQueue: runtime.queues.notify, logger, live: runtime.live }),
    notify: notifyProcessor({ database: runtime.database, notifiers: notifiersForConfig(config, runtime.http), logger, live: runtime.live }),
    digests: createDigestScheduler({ config, database: runtime.database, digestQueue: runtime.queues.digests, logger }),
    sendDigest: digestProcessor({ config, database: runtime.database, notifierDeps: { http: runtime.http, timeoutMs: config.http.timeout }, logger }),
  });
  // Replaced whole on a config reload: the next tick evaluates the new rules and digests, the next delivery uses the
  // new channels.
  let current: {
    alerter: Alerter;
    notify: (job: Job<NotifyJobData>) => Promise<DeliveryOutcome>;
    digests: DigestScheduler;
    sendDigest: (job: Job<DigestJobData>) => Promise<DigestOutcome>;
  } = build(runtime.config);

  const ensureTickScheduler = async (): Promise<boolean> => {
    const wanted = { id: ALERT_TICK_SCHEDULER, everyMs: runtime.config.alerts.tick };
    if (!(await schedulerNeedsRepair(runtime.queues.alerts, wanted))) return false;
    await runtime.queues.alerts.upsertJobScheduler(ALERT_TICK_SCHEDULER, { every: wanted.everyMs }, { name: 'evaluate', data: {} });
    return true;
  };
  await ensureTickScheduler();
  const maintenance = keepMentionsMaintained(maintenanceDeps(runtime, logger));

  const tick = async (): Promise<EvaluationReport> => {
    const started = performance.now();
    const now = runtime.clock();
    const { alerter, digests } = current;
    const report = await alerter.tick(now);
    if (report.evaluated) {
      alerterTickDuration.observe(secondsSince(started));
      alerterLastTick.set(Date.now() / 1000);
    }
    // The alerter that evaluated schedules the due digests too (their rows are written once, so two would be harmless,
    // but one is enough); a failure there must not fail the alerts' tick.
    const digestReport = !report.evaluated
      ? null
      : await digests.tick(now).catch((error: unknown) => {
          logger.error({ err: (error as Error).message }, 'could not schedule the due digests; the next tick tries again');
          return null;
        });
    return { ...report, digests: digestReport };
  };
  const evaluateConnection = createWorkerConnection(settings.redisUrl);
  const evaluator = new Worker<AlertsJobData, EvaluationReport>(QueueName.alerts, tick, {
    connection: evaluateConnection,
    prefix: settings.queuePrefix,
    concurrency: 1,
  });
  const notifyConnection = createWorkerConnection(settings.redisUrl);
  // Each delivery's latency is observed by the attempt that ends it (delivery-latency.ts).
  const notifier = new Worker<NotifyJobData, DeliveryOutcome>(QueueName.notify, timedDelivery((job) => current.notify(job)), {
    connection: notifyConnection,
    prefix: settings.queuePrefix,
    concurrency: 4,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === NOTIFY_BACKOFF ? notifyBackoff(attemptsMade, runtime.config.alerts.delivery.backoff) : 0,
    },
  });
  const digestConnection = createWorkerConnection(settings.redisUrl);
  const digestSender = new Worker<DigestJobData, DigestOutcome>(QueueName.digests, (job) => current.sendDigest(job), {
    connection: digestConnection,
    prefix: settings.queuePrefix,
    concurrency: 2,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === NOTIFY_BACKOFF ? notifyBackoff(attemptsMade, runtime.config.alerts.delivery.backoff) : 0,
    },
  });
  evaluator.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error.message }, 'alert evaluation failed'));
  for (const worker of [evaluator, notifier, digestSender]) worker.on('error', (error) => logger.error({ err: error.message }, 'alerter worker error'));
  const keeper = keepSchedules({
    what: 'alert tick schedule',
    redis: runtime.redis,
    everyMs: runtime.config.queue.check_schedules_every,
    logger,
    async reconcile() {
      if (!(await ensureTickScheduler())) return;
      scheduleRepairs.inc({ queue: QueueName.alerts });
      logger.warn({ scheduler: ALERT_TICK_SCHEDULER }, 'the alert tick schedule was missing or out of date in Redis: repaired');
    },
  });
  await Promise.all([evaluator.waitUntilReady(), notifier.waitUntilReady(), digestSender.waitUntilReady()]);
  return {
    name: 'alerter',
    async reload(config) {
      current = build(config);
      await ensureTickScheduler();
    },
    close: async (deadline) => {
      keeper.stop();
      await maintenance.stop(deadline);
      await closeWorkers(
        [
          { worker: evaluator, connection: evaluateConnection },
          { worker: notifier, connection: notifyConnection },
          { worker: digestSender, connection: digestConnection },
        ],
        deadline,
      );
    },
  };
}
