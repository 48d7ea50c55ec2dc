// A disconnect ends a connection that is waiting to reconnect: ioredis alone leaves it waiting for ever, its commands
// unanswered and no "end" event (see DisconnectableRedis).
import { afterEach, describe, expect, it } from 'vitest';
import { DisconnectableRedis } from '../../src/queue/disconnectable-redis.js';
import { createWorkerConnection } from '../../src/queue/redis.js';
import { nextEvent } from '../helpers/next-event.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';

/** Long enough that the connection is still waiting to reconnect whenever the test disconnects it. */
const RETRY_MS = 3_600_000;

describe('DisconnectableRedis', () => {
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await redis?.destroy();
  });

  it('ends at once when disconnected between attempts to reconnect, rejecting the command it held', async () => {
    redis = await startPrivateRedis();
    const client = new DisconnectableRedis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => RETRY_MS });
    client.on('error', () => undefined);
    await nextEvent(client, 'ready');
    const held = client.blpop('never-pushed', 0);
    const reconnecting = nextEvent(client, 'reconnecting');
    await redis.kill();
    await reconnecting;
    const ended = nextEvent(client, 'end');

    client.disconnect();
    expect(client.status).toBe('end');
    await ended;
    await expect(held).rejects.toThrow('Connection is closed.');
  });

  it("is what a worker connection's duplicates are, as BullMQ makes a worker its blocking connection", () => {
    const connection = createWorkerConnection('redis://127.0.0.1:1', { lazyConnect: true });
    expect(connection.duplicate({ connectionName: 'blocking' })).toBeInstanceOf(DisconnectableRedis);
  });
});

