// The CPU PostgreSQL spends for one database: the backends serving its connections (and autovacuum on it), read from
// /proc while they run. On a shared machine this moves much less with other work than wall-clock rates do, and it
// tells the SQL's share of a pipeline's cost from the client processes' share.
import type { Database } from '../src/store/database.js';
import { processCpuMs } from './api-under-test.js';

const POLL_MS = 200;

export interface BackendCpuMeter {
  /** Stops polling; answers the CPU seconds the database's backends used since the meter started (NaN without /proc). */
  stop(): Promise<number>;
}

/**
 * Polls pg_stat_activity for the backends of `databaseName` (through `observer`, whose own backend is left out) and
 * keeps each one's CPU at its last reading: a backend that exits between two polls loses at most POLL_MS of its work.
 * What a backend had used when the meter started (a connection that ran the migrations) is not counted.
 */
export async function startBackendCpuMeter(observer: Database, databaseName: string): Promise<BackendCpuMeter> {
  const startMs = new Map<number, number>();
  const lastMs = new Map<number, number>();
  const read = async (first: boolean) => {
    const { rows } = await observer.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    );
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (!Number.isFinite(ms)) continue;
      if (first) startMs.set(pid, ms);
      lastMs.set(pid, Math.max(ms, lastMs.get(pid) ?? 0));
    }
  };
  await read(true);
  let stopped = false;
  const polling = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      await read(false);
    }
  })();
  let total: Promise<number> | undefined;
  return {
    stop() {
      total ??= (async () => {
        stopped = true;
        await polling;
        if (lastMs.size === 0) return Number.NaN;
        let ms = 0;
        for (const [pid, last] of lastMs) ms += last - (startMs.get(pid) ?? 0);
        return ms / 1000;
      })();
      return total;
    },
  };
}
