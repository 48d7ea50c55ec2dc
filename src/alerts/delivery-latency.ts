// buzzwatch_delivery_latency_seconds: from an alert notification being queued to its delivery ending (sent, or failed
// for good), observed by the attempt that ends it. Observed in the processor, before BullMQ records the job as
// finished, so whoever sees the job finished sees the observation; an attempt that BullMQ retries is not an end, one
// that is unrecoverable (a 4xx) or the last allowed is.
import { UnrecoverableError, type Job } from 'bullmq';
import type { NotifyJobData } from '../queue/queues.js';
import type { DeliveryOutcome } from './deliver-notification.js';
import { deliveryLatency } from '../runtime/metrics.js';

/** What a delivery attempt is judged from: the job's channel, when it was queued and which attempt this is. */
export type NotifyAttempt = Pick<Job<NotifyJobData>, 'data' | 'timestamp' | 'attemptsMade' | 'opts'>;

export interface DeliveryEnd {
  channel: string;
  outcome: 'sent' | 'failed';
  seconds: number;
}

/** Whether an attempt that threw `error` ends the delivery (BullMQ will not try the job again). */
export function failureEndsDelivery(job: NotifyAttempt, error: unknown): boolean {
  const unrecoverable = error instanceof UnrecoverableError || (error instanceof Error && error.name === 'UnrecoverableError');
  return unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Into the process's histogram. */
export function observeDeliveryEnd(end: DeliveryEnd): void {
  deliveryLatency.observe({ channel: end.channel, outcome: end.outcome }, end.seconds);
}

/**
 * `deliver`, reporting each delivery's end to `observe`: a sent or failed outcome, or a failure that ends it. A job
 * found already done (sent before, silenced) ends nothing.
 */
export function timedDelivery<J extends NotifyAttempt>(
  deliver: (job: J) => Promise<DeliveryOutcome>,
  observe: (end: DeliveryEnd) => void = observeDeliveryEnd,
  nowMs: () => number = Date.now,
): (job: J) => Promise<DeliveryOutcome> {
  const ended = (job: J, outcome: DeliveryEnd['outcome']) =>
    observe({ channel: job.data.channelId, outcome, seconds: Math.max(0, nowMs() - job.timestamp) / 1000 });
  return async (job) => {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver(job);
    } catch (error) {
      if (failureEndsDelivery(job, error)) ended(job, 'failed');
      throw error;
    }
    if (outcome !== 'already-done') ended(job, outcome);
    return outcome;
  };
}
