// What the API needs from the running process; tests build it from real connections the same way.
import type { Config } from '../config/schema.js';
import type { Mention } from '../mentions/mention.js';
import type { Database } from '../store/database.js';

export interface ApiDeps {
  config: Config;
  database: Database;
  /** Resolves when Redis answers, rejects with the reason otherwise. */
  pingRedis(): Promise<void>;
  /** Queues an immediate poll of a source; resolves with the job id. */
  pollNow(sourceId: string): Promise<string>;
  /**
   * Adds mentions to the mentions queue as one job (one Redis script: all of them or none) and resolves with its id
   * once Redis holds it; rejects at once when Redis is unreachable. Callers keep a batch well under MAX_JOB_BYTES.
   */
  enqueueMentionBatch(mentions: Mention[]): Promise<string>;
  /** Jobs per queue and state (waiting, active, delayed, failed, completed), for /metrics. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
}
