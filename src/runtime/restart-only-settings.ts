// Settings a process reads once, at start (pools, worker options, server timeouts): a reload leaves them as they were,
// so a reload that changes them says so instead of answering as if all of the file were in force.
import type { Config } from '../config/schema.js';

const RESTART_ONLY: ReadonlyArray<{ path: string; read: (config: Config) => unknown }> = [
  { path: 'queue.stalled_after', read: (config) => config.queue.stalled_after },
  { path: 'queue.score_threads', read: (config) => config.queue.score_threads },
  { path: 'alerts.delivery.attempts', read: (config) => config.alerts.delivery.attempts },
  { path: 'database.pool_size', read: (config) => config.database.pool_size },
  { path: 'database.prepared_statements', read: (config) => config.database.prepared_statements },
  { path: 'api.query_timeout', read: (config) => config.api.query_timeout },
  { path: 'api.request_timeout', read: (config) => config.api.request_timeout },
];

/** The key paths of restart-only settings whose value in `next` differs from the one the process started with. */
export function restartOnlyChanges(startedWith: Config, next: Config): string[] {
  return RESTART_ONLY.filter(({ read }) => read(startedWith) !== read(next)).map(({ path }) => path);
}

/** The reload warning for those changes, or null when there are none. */
export function restartWarning(changed: readonly string[]): string | null {
  return changed.length === 0 ? null : `${changed.join(', ')}: changed in the file, in force only after a restart`;
}
