// Redis connections. Producers fail fast when Redis is away (a webhook must answer 503, not hang); workers wait for
// it to come back, which is what BullMQ requires of them.
import { Redis, type RedisOptions } from 'ioredis';
import { DisconnectableRedis } from './disconnectable-redis.js';

const lastErrors = new WeakMap<Redis, string>();

export function createProducerConnection(redisUrl: string): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 });
  // Remembered so that an outage can be explained (readiness) instead of reported as "stream isn't writeable".
  redis.on('error', (error: Error) => lastErrors.set(redis, error.message));
  redis.on('ready', () => lastErrors.delete(redis));
  return redis;
}

/** Resolves when Redis answers PING; otherwise rejects with the connection state and its last error. */
export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    const lastError = lastErrors.get(redis);
    throw new Error(`connection ${redis.status}${lastError === undefined ? '' : `: ${lastError}`}`);
  }
  await redis.ping();
}

/** `options` add to or override the defaults (tests: a retry strategy of their own). */
export function createWorkerConnection(redisUrl: string, options: RedisOptions = {}): Redis {
  return new WorkerConnection(redisUrl, { maxRetriesPerRequest: null, connectTimeout: 5_000, ...options });
}

/**
 * A worker's connection. BullMQ duplicates it for the worker's blocking connection, which must close even between two
 * attempts to reconnect (see DisconnectableRedis). This one stays plain ioredis: disconnected while Redis is gone
 * (closeWorker does so when Redis dies during the grace), it keeps the writes of a job still finishing waiting. Rejected
 * instead, BullMQ 5.81.5 retries a closing worker's write at once (retryIfFailed, worker.js:931), again and again, a
 * loop of promises in which no timer fires any more: the process could not even exit.
 */
class WorkerConnection extends Redis {
  override duplicate(override?: Partial<RedisOptions>): DisconnectableRedis {
    return new DisconnectableRedis({ ...this.options, ...override });
  }
}

/** Resolves once `redis` is connected; rejects with the last connection error after `timeoutMs`. */
export async function waitForRedis(redis: Redis, redisUrl: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let lastError = 'no answer';
  const onError = (error: Error) => {
    lastError = error.message;
  };
  redis.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`cannot reach Redis at ${redactUrl(redisUrl)} within ${timeoutMs / 1000} s: ${lastError}`));
      }, timeoutMs);
      function onReady() {
        clearTimeout(timer);
        resolve();
      }
      redis.once('ready', onReady);
    });
  } finally {
    redis.off('error', onError);
  }
}

/** A connection URL without its password, fit for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
