// Listens to a queue's real BullMQ events so tests await job completion instead of sleeping.
import { QueueEvents } from 'bullmq';
import { TEST_REDIS_URL } from './services.js';

export interface CompletedJob<Result> {
  jobId: string;
  result: Result;
}

export interface QueueWatch<Result> {
  completed: CompletedJob<Result>[];
  /** The first completion (already seen or still to come) that satisfies `predicate`. */
  next(predicate: (job: CompletedJob<Result>) => boolean, timeoutMs?: number): Promise<CompletedJob<Result>>;
  close(): Promise<void>;
}

export async function watchQueue<Result>(queueName: string, prefix: string): Promise<QueueWatch<Result>> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const events = new QueueEvents(queueName, { prefix, connection: { host: hostname, port: Number(port) } });
  await events.waitUntilReady();
  const completed: CompletedJob<Result>[] = [];
  const waiters = new Set<{ predicate: (job: CompletedJob<Result>) => boolean; resolve: (job: CompletedJob<Result>) => void }>();
  events.on('completed', ({ jobId, returnvalue }) => {
    const raw: unknown = returnvalue;
    const result = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Result;
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
