// The API's live event reader stops at once when Redis is gone: a process told to stop during a Redis outage must not
// wait for an XREAD that sits in its connection's offline queue (ioredis settles nothing there on disconnect).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveHub } from '../../src/live/live-hub.js';
import { createProducerConnection, createWorkerConnection, waitForRedis } from '../../src/queue/redis.js';
import { createLogger } from '../../src/runtime/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { uniqueName } from '../helpers/services.js';

describe('LiveHub during a Redis outage', () => {
  let server: PrivateRedis;
  let producer: Redis;
  let reader: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
  });

  afterAll(async () => {
    producer?.disconnect();
    reader?.disconnect();
    await server?.destroy();
  });

  it('stops when told to while its reader is reconnecting to a Redis that died', async () => {
    // The connections the API process gives the hub: a fail-fast producer and a reader that waits for Redis.
    producer = createProducerConnection(server.url);
    reader = createWorkerConnection(server.url);
    reader.on('error', () => undefined);
    producer.on('error', () => undefined);
    await Promise.all([waitForRedis(producer, server.url, 10_000), waitForRedis(reader, server.url, 10_000)]);
    const hub = new LiveHub({
      redis: producer,
      reader,
      keyPrefix: uniqueName('{bwhubout}'),
      heartbeatMs: 60_000,
      render: async () => new Map(),
      logger: createLogger('silent'),
    });
    await hub.start();
    expect(hub.admission('reader')).toBe('ok');

    const reconnecting = new Promise<void>((resolve) => reader.once('reconnecting', () => resolve()));
    await server.kill();
    await reconnecting;
    expect(reader.status).toBe('reconnecting');

    // Without the stop signal this never settles: the blocked XREAD waits in the offline queue for ever.
    await hub.close();
    expect(hub.admission('reader')).toBe('not-ready');
  }, 15_000);
});
