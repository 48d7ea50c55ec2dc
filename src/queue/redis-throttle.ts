// A pace shared by every process: at most one call per key per interval, the others wait their turn.
import type { Redis } from 'ioredis';

export type Throttle = (key: string, minIntervalMs: number) => Promise<void>;

/** A wait longer than this is a misconfiguration (an interval of hours) or a pile-up of sources sharing one pace;
 * better to fail the poll (and say so) than to hold a poll worker indefinitely. Several minute-long turns fit. */
const MAX_WAIT_MS = 5 * 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function redisThrottle(redis: Redis, prefix: string): Throttle {
  return async (key, minIntervalMs) => {
    const redisKey = `${prefix}:throttle:${key}`;
    const started = Date.now();
    for (;;) {
      // The key lives exactly one interval: whoever sets it may call now, the rest wait until it expires.
      const taken = await redis.set(redisKey, '1', 'PX', minIntervalMs, 'NX');
      if (taken === 'OK') return;
      const waitMs = Math.max(10, await redis.pttl(redisKey));
      if (Date.now() - started + waitMs > MAX_WAIT_MS) throw new Error(`waited over ${MAX_WAIT_MS / 1000} s for the pace of ${key}`);
      await pause(waitMs);
    }
  };
}

/** The same pace within one process (for `buzzwatch preview`, which has no Redis). */
export function localThrottle(): Throttle {
  const nextAllowed = new Map<string, number>();
  return async (key, minIntervalMs) => {
    const now = Date.now();
    const allowedAt = nextAllowed.get(key) ?? 0;
    nextAllowed.set(key, Math.max(now, allowedAt) + minIntervalMs);
    if (allowedAt > now) await pause(allowedAt - now);
  };
}
