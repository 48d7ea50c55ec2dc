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
  // Disconnectable: a worker closed while its connections wait to reconnect must still close (see the class).
  return new DisconnectableRedis(redisUrl, { maxRetriesPerRequest: null, connectTimeout: 5_000, ...options });
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
