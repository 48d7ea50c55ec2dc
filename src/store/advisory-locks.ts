// PostgreSQL session advisory locks that keep a job to one buzzwatch process at a time. A key is any constant, the
// same in every process; they are listed together so that no two jobs share one.
import type { Database } from './database.js';

export const ADVISORY_LOCKS = {
  /** Applying the migrations (migrate.ts; waited for, not skipped). */
  migration: 0x62757a7a,
  /** One alert evaluation at a time across every alerter (alerts/alerter.ts). */
  alertEvaluation: 0x62757a61,
  /** Mention partition maintenance (retention/mention-maintenance.ts). */
  mentionMaintenance: 0x62757a6d,
} as const;

/**
 * Runs `work` while this process holds the advisory lock `key` on a connection of its own, and answers what it
 * returned; null, without running it, when another session holds the lock. The lock is released once `work` has
 * ended, whether it returned or threw.
 */
export async function whileHoldingLock<T>(database: Database, key: number, work: () => Promise<T>): Promise<{ result: T } | null> {
  const holder = await database.connect();
  try {
    const { rows } = await holder.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (rows[0]?.locked !== true) return null;
    try {
      return { result: await work() };
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    holder.release();
  }
}
