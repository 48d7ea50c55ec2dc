// A stopping role closes its workers by one deadline: three queues each holding a job that never finishes are let go
// when the grace is over, not after three graces one after the other (the alerter has three queues, and docker-compose
// kills a container 30 s after SIGTERM). No clock: the grace ends when the test says so, once all three are closing.
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkersWhen, type ClosingWorker } from '../../src/queue/close-worker.js';
import { createWorkerConnection } from '../../src/queue/redis.js';
import { TEST_REDIS_URL, uniqueName } from '../helpers/services.js';

const QUEUES = ['evaluate', 'notify', 'digest'];

describe('closeWorkers', () => {
  const prefix = uniqueName('bwq');
  const queues = QUEUES.map((name) => new Queue(name, { connection: createWorkerConnection(TEST_REDIS_URL), prefix }));
  let releaseJobs: () => void = () => undefined;
  const jobsHang = new Promise<void>((resolve) => {
    releaseJobs = resolve;
  });

  afterAll(async () => {
    releaseJobs();
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
      // The queues were given their connections, so they leave them open.
      (await queue.client).disconnect();
    }
  });

  it('lets go of three workers whose jobs never finish once the one grace is over, not after three', async () => {
    const closing: ClosingWorker[] = [];
    const active: Array<Promise<void>> = [];
    for (const name of QUEUES) {
      const connection = createWorkerConnection(TEST_REDIS_URL);
      const worker = new Worker(name, () => jobsHang, { connection, prefix, lockDuration: 60_000 });
      active.push(new Promise((resolve) => worker.once('active', () => resolve())));
      closing.push({ worker, connection });
    }
    await Promise.all(queues.map((queue) => queue.add('job', {})));
    await Promise.all(active);

    // Side by side, every worker starts closing before the grace is over; one after the other, the second would start
    // only after the first's grace, which ends only once all three are closing: the close would never return.
    const allClosing = Promise.all(closing.map(({ worker }) => new Promise<void>((resolve) => worker.once('closing', () => resolve()))));
    let endGrace: () => void = () => undefined;
    const graceOver = new Promise<void>((resolve) => {
      endGrace = resolve;
    });
    const closed = closeWorkersWhen(closing, graceOver);
    await allClosing;
    endGrace();
    await closed;

    // Cut off, not lost: each job is still active (a process that exits now leaves it to its lock's expiry) ...
    expect(await Promise.all(queues.map((queue) => queue.getActiveCount()))).toEqual([1, 1, 1]);

    // ... and in a process that lives on, the graceful close goes on: the jobs finish, are recorded, and each
    // worker's connection is closed after them.
    const ended = closing.map(({ connection }) => new Promise<void>((resolve) => connection.once('end', () => resolve())));
    releaseJobs();
    await Promise.all(ended);
    expect(await Promise.all(queues.map((queue) => queue.getCompletedCount()))).toEqual([1, 1, 1]);
  });
});
