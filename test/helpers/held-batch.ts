// Holds a scorer in the middle of a batch, for tests of what happens to a batch in flight: a lock on `mentions` that
// its INSERT waits for, and ways to know that the job was taken and that the INSERT is waiting.
import type { QueueEvents } from 'bullmq';
import pg from 'pg';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import type { Mention, SourceItem } from '../../src/mentions/mention.js';
import { toMentions } from '../../src/poller/match-items.js';
import type { Database } from '../../src/store/database.js';

/** `size` mentions of brand "acme" from `sourceId`, built exactly as the poller builds them from a feed's items. */
export function acmeMentionsBatch(sourceId: string, size: number): Mention[] {
  const items: SourceItem[] = Array.from({ length: size }, (_, index) => ({
    externalId: `${sourceId}-${index}`,
    url: `https://${sourceId}.example/story-${index}`,
    title: `Acme story number ${index}`,
    text: `Acme customers talk about story ${index}.`,
    author: null,
    lang: 'en',
    publishedAt: new Date(Date.UTC(2026, 10, 25, 10, index)),
    reach: null,
  }));
  const rules = compileBrandRules([{ id: 'acme', name: 'Acme Corp', keywords: ['acme'], exclude: [], competitors: [] }]);
  const mentions = toMentions(items, rules, { sourceId, sourceType: 'rss', seenAt: new Date(), backfill: false });
  if (mentions.length !== size) throw new Error(`expected ${size} matching mentions, got ${mentions.length}`);
  return mentions;
}

const CONDITION_POLL_MS = 50;

/** Resolves once `condition` holds, checking every 50 ms (for states that raise no event). */
export async function until(description: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, CONDITION_POLL_MS));
  }
}

// How long a job may take to be taken: a budget, not a wait (the promise settles at the event). 15 s was not enough for
// a scorer that had just started beside three others and another file's processes on 2 busy cores.
const ACTIVE_TIMEOUT_MS = 60_000;

/** Records 'active' events so a test can await a job being taken, even if that happened before it asked. */
export function activeJobs(events: QueueEvents): (jobId: string) => Promise<void> {
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  events.on('active', ({ jobId }) => {
    seen.add(jobId);
    waiters.get(jobId)?.();
  });
  return (jobId) =>
    seen.has(jobId)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`job ${jobId} never became active within ${ACTIVE_TIMEOUT_MS / 1000} s`)), ACTIVE_TIMEOUT_MS);
          waiters.set(jobId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
}

export interface MentionsLock {
  /** Rolls the locking transaction back: the waiting INSERT goes ahead. */
  release(): Promise<void>;
}

/** Holds every writer to `mentions` in this database until `release` (the lock waits for no one but us). */
export async function lockMentionsTable(databaseUrl: string): Promise<MentionsLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE mentions IN ACCESS EXCLUSIVE MODE');
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** The backend pid of a scorer's INSERT once PostgreSQL shows it waiting for the lock (there is no event for it). */
export async function blockedInsertPid(database: Database): Promise<number> {
  let pid: number | undefined;
  // insertMentions claims the ids in mention_ids first; pg_stat_activity cuts a statement at 1 kB.
  await until('the scorer’s INSERT waits for the lock on mentions', async () => {
    const { rows } = await database.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND (query LIKE '%INSERT INTO mention_ids%' OR query LIKE 'INSERT INTO mentions %')`,
    );
    pid = rows[0]?.pid;
    return pid !== undefined;
  });
  return pid as number;
}
