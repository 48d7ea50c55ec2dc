// Keeps exactly one BullMQ job scheduler per configured source. One process does it at a time (a Redis lock), so
// replicas starting together do not remove each other's schedulers. Run at start, after a config reload, and
// periodically and on every Redis reconnect (see job-schedulers.ts): intact schedulers are left as they are.
import type { Redis } from 'ioredis';
import { schedulerNeedsRepair } from '../queue/job-schedulers.js';
import type { Queues } from '../queue/queues.js';
import { tryLock } from '../queue/redis-lock.js';
import { sourceKindFor } from '../sources/registry.js';
import type { SourceConfig } from '../sources/source-config.js';

const LOCK_TTL_MS = 30_000;

export interface ScheduleSyncReport {
  /** False when another process held the lock and did the work. */
  synced: boolean;
  /** Sources whose scheduler was missing, had another interval, or had lost its next job. */
  upserted: string[];
  removed: string[];
}

export async function syncPollSchedules(
  queue: Queues['poll'],
  redis: Redis,
  sources: readonly SourceConfig[],
): Promise<ScheduleSyncReport> {
  const lock = await tryLock(redis, `${queue.opts.prefix ?? 'bull'}:${queue.name}:schedule-sync-lock`, LOCK_TTL_MS);
  if (lock === null) return { synced: false, upserted: [], removed: [] };
  try {
    // Pushed-to sources (webhooks) get no scheduler; one left from when the source was a polled kind is removed.
    const polled = sources.filter((source) => sourceKindFor(source.type)?.inbound !== true);
    const wanted = new Set(polled.map((source) => source.id));
    const existing = await queue.getJobSchedulers(0, -1);
    const removed: string[] = [];
    for (const scheduler of existing) {
      if (!wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed.push(scheduler.key);
      }
    }
    const upserted: string[] = [];
    for (const source of polled) {
      if (!(await schedulerNeedsRepair(queue, { id: source.id, everyMs: source.every }))) continue;
      await queue.upsertJobScheduler(source.id, { every: source.every }, { name: 'poll', data: { sourceId: source.id } });
      upserted.push(source.id);
    }
    return { synced: true, upserted, removed };
  } finally {
    await lock.release();
  }
}
