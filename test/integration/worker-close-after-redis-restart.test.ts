// Issue 13: a stop right after Redis came back waited out the whole 25 s grace with no job running. The worker's own
// connection was ready again while its blocking connection (BZPOPMIN) still waited for its next attempt to reconnect,
// and BullMQ's close waits for the disconnect of that one, which ioredis never finished (see DisconnectableRedis).
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closeWorker } from '../../src/queue/close-worker.js';
import { createWorkerConnection } from '../../src/queue/redis.js';
import { SeparateFetchWorker } from '../../src/queue/separate-fetch-worker.js';
import { nextEvent } from '../helpers/next-event.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { uniqueName } from '../helpers/services.js';

/** A budget, not a wait: a close that works ends long before it; one that hangs returns at it, the worker open. */
const GRACE_MS = 20_000;
/** Long enough that the blocking connection is still waiting to reconnect whenever the test closes the worker. */
const BLOCKING_RETRY_MS = 3_600_000;
const OWN_RETRY_MS = 20;

type WorkerClass = new (name: string, processor: Processor, options: WorkerOptions) => Worker;

describe('closing a worker after Redis restarted', () => {
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await redis?.destroy();
  });

  it.each<[string, WorkerClass]>([
    ['Worker', Worker],
    ['SeparateFetchWorker', SeparateFetchWorker],
  ])('a %s whose blocking connection has not reconnected yet closes, not when the grace runs out', async (_name, WorkerType) => {
    redis = await startPrivateRedis();
    let blockingWaits: () => void = () => undefined;
    const blockingConnectionWaitsToReconnect = new Promise<void>((resolve) => {
      blockingWaits = resolve;
    });
    const connection = createWorkerConnection(redis.url, {
      // BullMQ's blocking connection is a duplicate of this one, with a copy of these options: told apart by identity.
      retryStrategy(this: RedisOptions) {
        if (this === connection.options) return OWN_RETRY_MS;
        blockingWaits();
        return BLOCKING_RETRY_MS;
      },
    });
    const worker = new WorkerType(uniqueName('restart'), async () => 'done', { connection, prefix: uniqueName('bwq') });
    // Refused connections while Redis is down, expected here.
    worker.on('error', () => undefined);
    let closed = false;
    worker.on('closed', () => {
      closed = true;
    });
    // Drained: the worker found no job and went on to wait for one on its blocking connection.
    const drained = nextEvent(worker, 'drained');
    await worker.waitUntilReady();
    await drained;

    await redis.kill();
    await blockingConnectionWaitsToReconnect;
    await redis.restart();
    if (connection.status !== 'ready') await nextEvent(connection, 'ready');

    await closeWorker(worker, connection, GRACE_MS);
    // Closed, not given up on: the grace did not run out.
    expect(closed).toBe(true);
  }, 3 * GRACE_MS);
});

