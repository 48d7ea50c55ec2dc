// Keeps exactly one BullMQ job scheduler per configured source. One process does it at a time (a Redis lock), so
// replicas starting together do not remove each other's schedulers.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queues } from '../queue/queues.js';
import type { SourceConfig } from '../sources/source-config.js';

const LOCK_TTL_MS = 30_000;

export interface ScheduleSyncReport {
  /** False when another process held the lock and did the work. */
  synced: boolean;
  upserted: string[];
  removed: string[];
}

export async function syncPollSchedules(
  queue: Queues['poll'],
  redis: Redis,
  sources: readonly SourceConfig[],
): Promise<ScheduleSyncReport> {
  const lockKey = `${queue.opts.prefix ?? 'bull'}:${queue.name}:schedule-sync-lock`;
  const token = randomUUID();
  const acquired = await redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX');
  if (acquired !== 'OK') return { synced: false, upserted: [], removed: [] };
  try {
    const wanted = new Set(sources.map((source) => source.id));
    const existing = await queue.getJobSchedulers(0, -1);
    const removed: string[] = [];
    for (const scheduler of existing) {
      if (!wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed.push(scheduler.key);
      }
    }
    for (const source of sources) {
      await queue.upsertJobScheduler(source.id, { every: source.every }, { name: 'poll', data: { sourceId: source.id } });
    }
    return { synced: true, upserted: sources.map((source) => source.id), removed };
  } finally {
    // Release only our own lock (it may have expired and been taken by someone else).
    await redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
      1,
      lockKey,
      token,
    );
  }
}
