// What the API needs from the running process; tests build it from real connections the same way.
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';

export interface ApiDeps {
  config: Config;
  database: Database;
  /** Resolves when Redis answers, rejects with the reason otherwise. */
  pingRedis(): Promise<void>;
  /** Queues an immediate poll of a source; resolves with the job id. */
  pollNow(sourceId: string): Promise<string>;
  /** Jobs per queue and state (waiting, active, delayed, failed, completed), for /metrics. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
}
