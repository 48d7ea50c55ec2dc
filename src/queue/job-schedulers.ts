// Job schedulers that put themselves back: a scheduler (and its next job) lives only in Redis, so a Redis that lost
// its data (restarted without persistence, flushed, failed over to an empty replica) silently stops everything
// scheduled. Roles check their schedulers periodically and on every reconnect, and repair what is missing.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface SchedulerWanted {
  id: string;
  everyMs: number;
}

/**
 * Whether the scheduler must be (re)written: it is missing, has another interval, or its next job is gone. An intact
 * scheduler is left alone, since rewriting it would move its next run.
 */
export async function schedulerNeedsRepair(queue: Queue, wanted: SchedulerWanted): Promise<boolean> {
  const scheduler = await queue.getJobScheduler(wanted.id);
  if (scheduler == null || Number(scheduler.every) !== wanted.everyMs) return true;
  if (scheduler.next === undefined) return true;
  return (await queue.getJob(`repeat:${wanted.id}:${scheduler.next}`)) === undefined;
}

export interface ScheduleKeeper {
  /** Checks now (waits for a check already running instead of starting a second). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Runs `reconcile` every `everyMs` and whenever `redis` (re)connects; a check that fails (Redis or PostgreSQL away)
 * is logged and tried again at the next occasion.
 */
export function keepSchedules(options: {
  what: string;
  redis: Redis;
  everyMs: number;
  logger: Logger;
  reconcile: () => Promise<void>;
}): ScheduleKeeper {
  let running: Promise<void> | null = null;
  let stopped = false;
  const check = () => {
    if (stopped) return Promise.resolve();
    running ??= options
      .reconcile()
      .catch((error: unknown) => options.logger.warn({ err: (error as Error).message, what: options.what }, 'could not check the schedules'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const onReconnect = () => void check();
  options.redis.on('ready', onReconnect);
  const timer = setInterval(() => void check(), options.everyMs);
  timer.unref();
  return {
    check,
    stop() {
      stopped = true;
      clearInterval(timer);
      options.redis.off('ready', onReconnect);
    },
  };
}
