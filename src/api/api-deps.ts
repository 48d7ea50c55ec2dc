// What the API needs from the running process; tests build it from real connections the same way.
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { LivePublisher } from '../live/live-publisher.js';
import type { Mention } from '../mentions/mention.js';
import type { QueueStats } from '../queue/queue-stats.js';
import type { ReloadOutcome } from '../runtime/config-reload.js';
import type { Database } from '../store/database.js';

export interface ApiDeps {
  config: Config;
  database: Database;
  /** Where the API's read-only queries go (DATABASE_READ_URL, a replica); `database` when not set. */
  readDatabase?: Database;
  /**
   * Where the pages of GET /v1/mentions go that run as well on a generic plan (listMentions): a pool on the same
   * server as readDatabase whose connections plan each page's statement once (createDatabase's genericPlans). Without
   * it every page is planned for its values on readDatabase.
   */
  pageDatabase?: Database;
  /** "Now" for judging source health: the wall clock, or a test's clock (the runtime's). */
  clock?: () => Date;
  /** Resolves when Redis answers, rejects with the reason otherwise. */
  pingRedis(): Promise<void>;
  /** Queues an immediate poll of a source; resolves with the job id. */
  pollNow(sourceId: string): Promise<string>;
  /**
   * Adds mentions to the mentions queue as one job (one Redis script: all of them or none) and resolves with its id
   * once Redis holds it; rejects at once when Redis is unreachable. Callers keep a batch well under MAX_JOB_BYTES.
   */
  enqueueMentionBatch(mentions: Mention[]): Promise<string>;
  /** Re-reads and applies the config file (POST /v1/admin/reload); absent where the process cannot reload. */
  reloadConfig?(): Promise<ReloadOutcome>;
  /** Jobs per queue and state, and the oldest waiting job's age, for /metrics. */
  queueStats(): Promise<QueueStats[]>;
  /** The live event log (GET /v1/stream, POST /v1/stream-tokens); absent where there is none (those answer 503). */
  live?: LiveDeps;
}

export interface LiveDeps {
  /** The producer connection: stream tokens, replays. */
  redis: Redis;
  /** A new connection for the app's one blocking reader of the log; the app closes it. */
  openReader(): Redis;
  /** The installation's Redis key prefix. */
  keyPrefix: string;
  /** Announces alert changes made through the API (an acknowledgement). */
  publisher: LivePublisher;
}
