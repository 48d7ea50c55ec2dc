// A short-lived lock in Redis (SET NX PX), for work that must not run twice at once across processes and hosts.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface HeldLock {
  release(): Promise<void>;
}

// Deletes the key only while it still holds our token: after expiry someone else may hold it.
const RELEASE_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The lock on `key` for `ttlMs`, or null when someone else holds it. */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomUUID();
  const acquired = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (acquired !== 'OK') return null;
  return {
    async release() {
      await redis.eval(RELEASE_IF_OURS, 1, key, token);
    },
  };
}
