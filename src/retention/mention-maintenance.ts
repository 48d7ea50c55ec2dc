// Keeps the monthly mention partitions in order: the coming months created ahead, and mentions past the configured
// retention removed. Run at the start of the scorer and alerter roles and daily after; one process at a time.
import type { Logger } from 'pino';
import { gracePeriod } from '../runtime/grace-period.js';
import { ADVISORY_LOCKS, whileHoldingLock } from '../store/advisory-locks.js';
import type { Database } from '../store/database.js';
import { deleteMentionsBefore, ensureMentionPartitions, type RetentionReport } from '../store/mention-partitions.js';
import { mentionPartitionsCreated, mentionsExpired } from '../runtime/metrics.js';
import type { Runtime } from '../runtime/runtime.js';

/** Months created beyond the current one: an insert finds its month even if maintenance fails for weeks. */
export const MONTHS_AHEAD = 2;
export const MAINTENANCE_EVERY_MS = 86_400_000;

export interface MentionMaintenanceDeps {
  database: Database;
  logger: Logger;
  clock: () => Date;
  /** The retention in force (config `retention.mentions`), read at each run; undefined keeps every mention. */
  retentionMs: () => number | undefined;
}

export interface MaintenanceReport {
  createdMonths: string[];
  retention: (RetentionReport & { cutoff: Date }) | null;
}

/** Maintenance as a role runs it: the role's pool and clock, the retention of the config in force at each run. */
export function maintenanceDeps(runtime: Pick<Runtime, 'database' | 'clock' | 'config'>, logger: Logger): MentionMaintenanceDeps {
  return { database: runtime.database, logger, clock: () => runtime.clock(), retentionMs: () => runtime.config.retention.mentions };
}

/** The time before which mentions are not kept, or undefined when all are. */
export function retentionCutoff(now: Date, retentionMs: number | undefined): Date | undefined {
  return retentionMs === undefined ? undefined : new Date(now.getTime() - retentionMs);
}

/** One maintenance run; null when another process is running one. */
export async function maintainMentions(deps: MentionMaintenanceDeps): Promise<MaintenanceReport | null> {
  const held = await whileHoldingLock(deps.database, ADVISORY_LOCKS.mentionMaintenance, async () => {
    const now = deps.clock();
    const cutoff = retentionCutoff(now, deps.retentionMs());
    const createdMonths = await ensureMentionPartitions(deps.database, now, { monthsAhead: MONTHS_AHEAD, keepSince: cutoff });
    mentionPartitionsCreated.inc(createdMonths.length);
    const retention = cutoff === undefined ? null : { cutoff, ...(await deleteMentionsBefore(deps.database, cutoff)) };
    if (retention !== null) mentionsExpired.inc(retention.releasedIds + retention.deletedMentions);
    if (createdMonths.length > 0 || (retention !== null && (retention.droppedMonths.length > 0 || retention.deletedMentions > 0))) {
      deps.logger.info({ createdMonths, retention }, 'mention partitions maintained');
    }
    return { createdMonths, retention };
  });
  return held === null ? null : held.result;
}

export interface MaintenanceKeeper {
  /** Runs now (waits for a run of this process already going instead of starting a second). */
  runNow(): Promise<MaintenanceReport | null>;
  /**
   * No more runs; resolves when the one going (if any) has ended, or at `deadline` (epoch ms) if that comes first: a
   * run waiting for a lock on the mentions (a long transaction, a LOCK TABLE) must not hold a stopping role past its
   * grace, and what the process leaves undone PostgreSQL rolls back.
   */
  stop(deadline?: number): Promise<void>;
}

/** Runs maintenance now and every `everyMs`; a failed run is logged and tried again at the next. */
export function keepMentionsMaintained(deps: MentionMaintenanceDeps, everyMs = MAINTENANCE_EVERY_MS): MaintenanceKeeper {
  let running: Promise<MaintenanceReport | null> | null = null;
  const runNow = () => {
    running ??= maintainMentions(deps)
      .catch((error: unknown) => {
        deps.logger.warn({ err: (error as Error).message }, 'mention partition maintenance failed');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), everyMs);
  timer.unref();
  void runNow();
  return {
    runNow,
    async stop(deadline) {
      clearInterval(timer);
      if (running === null || deadline === undefined) return void (await running);
      const grace = gracePeriod(deadline - Date.now());
      await Promise.race([running, grace.over]);
      grace.cancel();
    },
  };
}
