// The alerter role: evaluates the alert rules every tick (and soon after new mentions), and delivers notifications.
import { Worker } from 'bullmq';
import { createAlerter, type TickReport } from '../src/alerts/alerter.js';
import { notifyProcessor, type DeliveryOutcome } from '../src/alerts/deliver-notification.js';
import { notifiersForConfig } from '../src/alerts/notifiers-for-config.js';
import { NOTIFY_BACKOFF, QueueName, notifyBackoff, type AlertsJobData, type NotifyJobData } from '../src/queue/queues.js';
import { closeWorker } from '../src/queue/close-worker.js';
import { createWorkerConnection } from '../src/queue/redis.js';
import { moduleLogger } from '../src/runtime/logger.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { SHUTDOWN_GRACE_MS, type RunningRole } from './role.js';

export const ALERT_TICK_SCHEDULER = 'alerts-tick';

export async function startAlerter(runtime: Runtime): Promise<RunningRole> {
  const logger = moduleLogger(runtime.logger, 'alerter');
  const { config, settings } = runtime;
  const alerter = createAlerter({ config, database: runtime.database, notifyQueue: runtime.queues.notify, logger });
  await runtime.queues.alerts.upsertJobScheduler(ALERT_TICK_SCHEDULER, { every: config.alerts.tick }, { name: 'evaluate', data: {} });
  const evaluateConnection = createWorkerConnection(settings.redisUrl);
  const evaluator = new Worker<AlertsJobData, TickReport>(QueueName.alerts, () => alerter.tick(runtime.clock()), {
    connection: evaluateConnection,
    prefix: settings.queuePrefix,
    concurrency: 1,
  });
  const notifyConnection = createWorkerConnection(settings.redisUrl);
  const backoffMs = config.alerts.delivery.backoff;
  const notifier = new Worker<NotifyJobData, DeliveryOutcome>(
    QueueName.notify,
    notifyProcessor({ database: runtime.database, notifiers: notifiersForConfig(config, runtime.http), logger }),
    {
      connection: notifyConnection,
      prefix: settings.queuePrefix,
      concurrency: 4,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) => (type === NOTIFY_BACKOFF ? notifyBackoff(attemptsMade, backoffMs) : 0),
      },
    },
  );
  evaluator.on('failed', (job, error) => logger.error({ jobId: job?.id, err: error.message }, 'alert evaluation failed'));
  for (const worker of [evaluator, notifier]) worker.on('error', (error) => logger.error({ err: error.message }, 'alerter worker error'));
  await Promise.all([evaluator.waitUntilReady(), notifier.waitUntilReady()]);
  return {
    name: 'alerter',
    close: async () => {
      await closeWorker(evaluator, evaluateConnection, SHUTDOWN_GRACE_MS);
      await closeWorker(notifier, notifyConnection, SHUTDOWN_GRACE_MS);
    },
  };
}
