// EncodedDataQueue (the mentions queue) hands ioredis each job's JSON as bytes, and Redis holds exactly what a plain
// BullMQ Queue stores: a worker, or a scorer of an earlier version, reads the same job either way.
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { EncodedDataQueue } from '../../src/queue/encoded-data-queue.js';
import { createWorkerConnection } from '../../src/queue/redis.js';
import { SeparateFetchWorker } from '../../src/queue/separate-fetch-worker.js';
import { TEST_REDIS_URL, uniqueName } from '../helpers/services.js';

// Beyond Latin-1 (a two-byte string in V8), astral, escaped by JSON, and plain.
const DATA = [
  { mentions: [{ id: 'a', text: 'Łódź: “Acme” 😀 café', title: null, brands: ['acme'] }] },
  { mentions: [{ id: 'b', text: 'quote " backslash \\ tab \t nul \u0000 line\u2028end', reach: 1.5 }] },
  { mentions: [{ id: 'c', text: 'plain ASCII', backfill: false }] },
];

describe('EncodedDataQueue', () => {
  const prefix = uniqueName('bwq');
  const encoded = new EncodedDataQueue<unknown>('batches', { connection: createWorkerConnection(TEST_REDIS_URL), prefix });
  const plain = new Queue('plain', { connection: createWorkerConnection(TEST_REDIS_URL), prefix });
  const closing: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const close of closing) await close();
    for (const queue of [encoded, plain]) {
      await queue.obliterate({ force: true });
      await queue.close();
      (await queue.client).disconnect();
    }
  });

  const storedData = async (queue: Queue, jobId: string | undefined) => (await queue.client).hget(queue.toKey(jobId as string), 'data');

  it('stores the same data as a plain queue, added one by one and in bulk, and hands ioredis bytes', async () => {
    for (const data of DATA) {
      const job = await encoded.add('store', data);
      const plainJob = await plain.add('store', data);
      expect(Buffer.isBuffer(job.asJSON().data)).toBe(true);
      expect(await storedData(encoded, job.id)).toBe(JSON.stringify(data));
      expect(await storedData(encoded, job.id)).toBe(await storedData(plain, plainJob.id));
    }
    const bulk = await encoded.addBulk(DATA.map((data) => ({ name: 'store', data })));
    expect(await Promise.all(bulk.map((job) => storedData(encoded, job.id)))).toEqual(DATA.map((data) => JSON.stringify(data)));
  });

  it('gives a worker the data it was given', async () => {
    await encoded.drain();
    const received: unknown[] = [];
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    const worker = new SeparateFetchWorker<unknown, void>(
      'batches',
      async (job) => {
        received.push(job.data);
        if (received.length === DATA.length) allReceived();
      },
      { connection: createWorkerConnection(TEST_REDIS_URL), prefix },
    );
    closing.push(() => worker.close());
    for (const data of DATA) await encoded.add('store', data);
    await done;
    expect(received).toEqual(DATA);
  });
});
