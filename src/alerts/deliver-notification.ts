// The notify worker's work on one job: send one event to one channel once, and record every attempt.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { findDelivery, recordAttempt } from '../store/alert-store.js';
import { DeliveryError, type Notifier } from './notifiers/notifier.js';
import type { NotifyJobData } from '../queue/queues.js';
import { alertEventsOf, type LivePublisher } from '../live/live-publisher.js';

export interface DeliveryDeps {
  database: Database;
  /** By channel id. */
  notifiers: Map<string, Notifier>;
  logger: Logger;
  /** Told that the alert's message list changed (a delivery's status), after it is recorded (GET /v1/stream). */
  live?: LivePublisher;
}

export type DeliveryOutcome = 'sent' | 'already-done' | 'failed';

export function notifyProcessor(deps: DeliveryDeps) {
  return async (job: Job<NotifyJobData>): Promise<DeliveryOutcome> => {
    const { eventId, channelId } = job.data;
    const delivery = await findDelivery(deps.database, eventId, channelId);
    // Sent, given up on or silenced: a re-queued job must never send a second time.
    if (delivery === null || !['pending', 'retrying'].includes(delivery.status)) return 'already-done';
    const { alertId, brand } = delivery.payload as Partial<typeof delivery.payload>;
    // Never throws: the live stream is best effort.
    const announce = async () => {
      if (typeof alertId === 'string' && typeof brand?.id === 'string') await deps.live?.publish(alertEventsOf([{ alertId, brandId: brand.id }]));
    };
    // A message written before alerts were grouped has another shape; no channel can word it any more.
    if (!Array.isArray(delivery.payload.rules)) {
      await recordAttempt(deps.database, eventId, channelId, 'failed', 'written by an older buzzwatch in a format no longer sent');
      await announce();
      return 'failed';
    }
    const notifier = deps.notifiers.get(channelId);
    if (notifier === undefined) {
      await recordAttempt(deps.database, eventId, channelId, 'failed', `channel "${channelId}" is no longer in the config`);
      await announce();
      return 'failed';
    }
    try {
      await notifier.send(delivery.payload);
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError(firstLine(error), true);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const giveUp = !failure.retryable || lastAttempt;
      await recordAttempt(deps.database, eventId, channelId, giveUp ? 'failed' : 'retrying', failure.message);
      await announce();
      deps.logger.warn({ eventId, channelId, attempt: job.attemptsMade + 1, retryable: failure.retryable, err: failure.message }, 'delivery failed');
      // A 4xx is a configuration error: retrying sends nothing, it only hides the problem.
      if (!failure.retryable) throw new UnrecoverableError(failure.message);
      throw failure;
    }
    await recordAttempt(deps.database, eventId, channelId, 'sent', null);
    await announce();
    return 'sent';
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
