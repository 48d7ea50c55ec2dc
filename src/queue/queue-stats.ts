// How deep each queue is and how long its oldest waiting job has waited, for /metrics.
import type { Queue } from 'bullmq';
import type { Queues } from './queues.js';

export const COUNTED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

export interface QueueStats {
  queue: string;
  counts: Record<(typeof COUNTED_STATES)[number], number>;
  /** Seconds since the oldest waiting job became due (0 when none waits): how far behind the workers are. */
  oldestWaitingSeconds: number;
}

export async function queueStats(queues: Queues, now: Date): Promise<QueueStats[]> {
  return Promise.all(Object.values(queues).map((queue: Queue) => statsOf(queue, now)));
}

async function statsOf(queue: Queue, now: Date): Promise<QueueStats> {
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts(...COUNTED_STATES),
    // The wait list is pushed on the left and taken from the right: ascending order starts with the oldest.
    queue.getJobs(['wait'], 0, 0, true),
  ]);
  const [job] = oldest;
  // A scheduled or retried job waits from when it became due, not from when it was created.
  const dueAtMs = job === undefined ? null : job.timestamp + (job.opts.delay ?? 0);
  return {
    queue: queue.name,
    counts: Object.fromEntries(COUNTED_STATES.map((state) => [state, counts[state] ?? 0])) as QueueStats['counts'],
    oldestWaitingSeconds: dueAtMs === null ? 0 : Math.max(0, (now.getTime() - dueAtMs) / 1000),
  };
}
