// The scorer's worker completes a job without taking the next one in the same reply (see SeparateFetchWorker), and
// still takes every job, in order.
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerConnection } from '../../src/queue/redis.js';
import { SeparateFetchWorker } from '../../src/queue/separate-fetch-worker.js';
import { TEST_REDIS_URL, uniqueName } from '../helpers/services.js';

describe('SeparateFetchWorker', () => {
  const prefix = uniqueName('bwq');
  const queue = new Queue('batches', { connection: createWorkerConnection(TEST_REDIS_URL), prefix });
  const closing: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const close of closing) await close();
    await queue.obliterate({ force: true });
    await queue.close();
    (await queue.client).disconnect();
  });

  it('answers no next job when it completes one, while another is waiting', async () => {
    const processed: number[] = [];
    const worker = new SeparateFetchWorker<{ n: number }, number>('batches', async (job) => processed.push(job.data.n), {
      connection: createWorkerConnection(TEST_REDIS_URL),
      prefix,
      autorun: false,
    });
    closing.push(() => worker.close());
    await queue.add('batch', { n: 1 });
    await queue.add('batch', { n: 2 });

    const first = await worker.getNextJob('token-1');
    expect(first?.data).toEqual({ n: 1 });
    // A plain Worker answers the second job here, read out of the reply that completed the first.
    const next = await worker.processJob(first!, 'token-1', () => true);
    expect(next).toBeUndefined();
    expect(await queue.getJobCounts('completed', 'waiting', 'active')).toMatchObject({ completed: 1, waiting: 1, active: 0 });

    const second = await worker.getNextJob('token-2');
    expect(second?.data).toEqual({ n: 2 });
    expect(await worker.processJob(second!, 'token-2', () => true)).toBeUndefined();
    expect(processed).toEqual([1, 2]);
    expect(await queue.getJobCounts('completed', 'waiting', 'active')).toMatchObject({ completed: 2, waiting: 0, active: 0 });
  });

  it('runs every job when it runs on its own', async () => {
    const jobs = Array.from({ length: 12 }, (_, n) => ({ name: 'batch', data: { n } }));
    const done = new Set<number>();
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const worker = new SeparateFetchWorker<{ n: number }, void>(
      'batches',
      async (job) => {
        done.add(job.data.n);
        if (done.size === jobs.length) allDone();
      },
      { connection: createWorkerConnection(TEST_REDIS_URL), prefix, concurrency: 2 },
    );
    closing.push(() => worker.close());
    await queue.addBulk(jobs);
    await finished;
    expect([...done].sort((a, b) => a - b)).toEqual(jobs.map((job) => job.data.n));
  });
});
