// Listens to a queue's real BullMQ events so tests await job completion instead of sleeping.
import { QueueEvents } from 'bullmq';
import { TEST_REDIS_URL } from './services.js';

export interface CompletedJob<Result> {
  jobId: string;
  result: Result;
}

export interface QueueWatch<Result> {
  completed: CompletedJob<Result>[];
  /** Ids of jobs put back to wait out a back-off after a failed attempt, once per retry. */
  retried: string[];
  /** Resolves when job `jobId` has failed an attempt and waits to be retried (already, or still to come). */
  nextRetry(jobId: string, timeoutMs?: number): Promise<void>;
  /** Ids and reasons of jobs that failed for good (no retry left, or unrecoverable). */
  failed: { jobId: string; reason: string }[];
  /** Resolves with the reason when job `jobId` has failed for good (already, or still to come). */
  nextFailure(jobId: string, timeoutMs?: number): Promise<string>;
  /** The first completion (already seen or still to come) that satisfies `predicate`. */
  next(predicate: (job: CompletedJob<Result>) => boolean, timeoutMs?: number): Promise<CompletedJob<Result>>;
  close(): Promise<void>;
}

export async function watchQueue<Result>(
  queueName: string,
  prefix: string,
  redisUrl = TEST_REDIS_URL,
): Promise<QueueWatch<Result>> {
  const { hostname, port } = new URL(redisUrl);
  const events = new QueueEvents(queueName, { prefix, connection: { host: hostname, port: Number(port) } });
  await events.waitUntilReady();
  const completed: CompletedJob<Result>[] = [];
  const retried: string[] = [];
  const retryWaiters = new Map<string, () => void>();
  const failed: { jobId: string; reason: string }[] = [];
  const failureWaiters = new Map<string, (reason: string) => void>();
  events.on('failed', ({ jobId, failedReason }) => {
    failed.push({ jobId, reason: failedReason });
    failureWaiters.get(jobId)?.(failedReason);
  });
  // BullMQ reports a failed attempt that will be retried as the job moving to "delayed" for its back-off.
  events.on('delayed', ({ jobId }) => {
    retried.push(jobId);
    retryWaiters.get(jobId)?.();
  });
  const waiters = new Set<{ predicate: (job: CompletedJob<Result>) => boolean; resolve: (job: CompletedJob<Result>) => void }>();
  events.on('completed', ({ jobId, returnvalue }) => {
    const raw: unknown = returnvalue;
    const result = (typeof raw === 'string' ? parseReturnValue(raw) : raw) as Result;
    const job = { jobId, result };
    completed.push(job);
    for (const waiter of waiters) {
      if (waiter.predicate(job)) {
        waiters.delete(waiter);
        waiter.resolve(job);
      }
    }
  });
  return {
    completed,
    retried,
    failed,
    nextFailure(jobId, timeoutMs = 20_000) {
      const seen = failed.find((failure) => failure.jobId === jobId);
      if (seen !== undefined) return Promise.resolve(seen.reason);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          failureWaiters.delete(jobId);
          reject(new Error(`job ${jobId} of ${queueName} did not fail within ${timeoutMs} ms`));
        }, timeoutMs);
        failureWaiters.set(jobId, (reason) => {
          clearTimeout(timer);
          failureWaiters.delete(jobId);
          resolve(reason);
        });
      });
    },
    nextRetry(jobId, timeoutMs = 20_000) {
      if (retried.includes(jobId)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          retryWaiters.delete(jobId);
          reject(new Error(`job ${jobId} of ${queueName} was not retried within ${timeoutMs} ms`));
        }, timeoutMs);
        retryWaiters.set(jobId, () => {
          clearTimeout(timer);
          retryWaiters.delete(jobId);
          resolve();
        });
      });
    },
    next(predicate, timeoutMs = 20_000) {
      const seen = completed.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (job: CompletedJob<Result>) => {
            clearTimeout(timer);
            resolve(job);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching ${queueName} job completed within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => events.close(),
  };
}

/** BullMQ sends return values as JSON, except that some versions pass a plain string result through as is. */
function parseReturnValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
