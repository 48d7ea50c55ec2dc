// The monthly partitions of mentions and mention_brands (010_mention_partitions.sql): months created ahead of time,
// and retention, which drops the months wholly past it and deletes the older rows of the month it cuts through.
import type { Database, DatabaseClient } from './database.js';

/** A month's partitions: mentions_pYYYYMM and mention_brands_pYYYYMM, holding [start, end). */
export interface MentionMonth {
  suffix: string;
  start: Date;
  end: Date;
}

export interface RetentionReport {
  /** Months whose partitions were dropped whole (YYYYMM). */
  droppedMonths: string[];
  /** Mentions deleted one by one: older than the cutoff in the month it cuts through, or in the default partition. */
  deletedMentions: number;
  /** Ids of dropped months released from mention_ids. */
  releasedIds: number;
  /** Stories whose every mention was older than the cutoff. */
  deletedStories: number;
}

const MONTH_SUFFIX = /^mentions_p(\d{4})(\d{2})$/;
// Rows deleted (or ids released) per transaction: short transactions, so the scorer and the API never wait long.
const DELETE_BATCH = 20_000;
/** Expired months are detached under this suffix first; a run that stopped half-way finishes them next time. */
const EXPIRED_SUFFIX = '_expired';

export function monthOf(at: Date): MentionMonth {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  const suffix = `${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  return { suffix, start, end };
}

/** The months that have partitions, oldest first. */
export async function mentionMonths(database: Database | DatabaseClient): Promise<MentionMonth[]> {
  const { rows } = await database.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = 'mentions'::regclass`,
  );
  return rows
    .map((row) => MONTH_SUFFIX.exec(row.name))
    .filter((match) => match !== null)
    .map((match) => monthOf(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * Creates the partitions of the month of `now` and of the `monthsAhead` months after it, and of every month (not
 * before `keepSince`) that has rows waiting in the DEFAULT partition. Answers the months created.
 */
export async function ensureMentionPartitions(
  database: Database,
  now: Date,
  options: { monthsAhead: number; keepSince?: Date },
): Promise<string[]> {
  const wanted = new Map<string, MentionMonth>();
  for (let ahead = 0; ahead <= options.monthsAhead; ahead++) {
    const month = monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1)));
    wanted.set(month.suffix, month);
  }
  const { rows } = await database.query<{ month: Date }>(
    `SELECT DISTINCT mention_month_start(occurred_at) AS month FROM mentions_default WHERE occurred_at >= $1`,
    [options.keepSince ?? new Date(0)],
  );
  for (const row of rows) wanted.set(monthOf(row.month).suffix, monthOf(row.month));
  const created: string[] = [];
  for (const month of [...wanted.values()].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const { rows: result } = await database.query<{ created: boolean }>('SELECT create_mention_partition($1) AS created', [month.start]);
    if (result[0]?.created === true) created.push(month.suffix);
  }
  return created;
}

/** The rollup tables (006_brand_stats.sql, 009_brand_stats_levels.sql) and the width of their rows. */
const ROLLUPS = [
  { table: 'brand_stats', grain: '15 minutes' },
  { table: 'brand_hour_stats', grain: '1 hour' },
  { table: 'brand_day_stats', grain: '1 day' },
  { table: 'brand_facet_stats', grain: '1 hour' },
  { table: 'brand_facet_day_stats', grain: '1 day' },
] as const;

/**
 * Removes every mention that occurred before `cutoff`, and what only they made: whole months are detached and
 * dropped (their rollup rows deleted with them, since dropping fires no trigger), the rest deleted row by row (the
 * rollup triggers subtract them). A month is dropped only when it ends at or before the cutoff and holds no row at
 * or after it. Stories that ended before the cutoff go too; a story spanning it keeps its counts.
 */
export async function deleteMentionsBefore(database: Database, cutoff: Date): Promise<RetentionReport> {
  const report: RetentionReport = { droppedMonths: [], deletedMentions: 0, releasedIds: 0, deletedStories: 0 };
  for (const month of await mentionMonths(database)) {
    if (month.end.getTime() > cutoff.getTime()) break;
    if (await detachExpiredMonth(database, month, cutoff)) report.droppedMonths.push(month.suffix);
  }
  report.releasedIds = await finishExpiredMonths(database);
  report.deletedMentions = await deleteOlderRows(database, cutoff);
  // Buckets wholly before the cutoff count nothing any more (the triggers left them at zero): not kept.
  for (const { table, grain } of ROLLUPS) {
    await database.query(`DELETE FROM ${table} WHERE bucket_start <= $1::timestamptz - interval '${grain}'`, [cutoff]);
  }
  const stories = await database.query('DELETE FROM stories WHERE last_seen_at < $1', [cutoff]);
  report.deletedStories = stories.rowCount ?? 0;
  return report;
}

/**
 * Detaches the month's two partitions (renamed *_expired) and deletes its rollup rows, in one transaction: the
 * mentions, their counts and the API's view of them go together. The mentions' ids are released afterwards.
 */
async function detachExpiredMonth(database: Database, month: MentionMonth, cutoff: Date): Promise<boolean> {
  const client = await database.connect();
  try {
    await client.query('BEGIN');
    const mentions = `mentions_p${month.suffix}`;
    const links = `mention_brands_p${month.suffix}`;
    // Bounds read from the catalogue, not trusted from the name: a month is dropped only if its partition ends by the
    // cutoff and nothing in it is as recent.
    const { rows } = await client.query<{ ends_by_cutoff: boolean; recent: boolean }>(
      `SELECT pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES FROM (%L) TO (%L)', $2::timestamptz, $3::timestamptz)
                AND $3::timestamptz <= $4::timestamptz AS ends_by_cutoff,
              EXISTS (SELECT 1 FROM ${mentions} WHERE occurred_at >= $4)
                OR EXISTS (SELECT 1 FROM ${links} WHERE occurred_at >= $4) AS recent
         FROM pg_class c WHERE c.relname = $1`,
      [mentions, month.start, month.end, cutoff],
    );
    if (rows[0]?.ends_by_cutoff !== true || rows[0].recent) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query(`ALTER TABLE mention_brands DETACH PARTITION ${links}`);
    await client.query(`ALTER TABLE mentions DETACH PARTITION ${mentions}`);
    await client.query(`ALTER TABLE ${links} RENAME TO ${links}${EXPIRED_SUFFIX}`);
    await client.query(`ALTER TABLE ${mentions} RENAME TO ${mentions}${EXPIRED_SUFFIX}`);
    // Releasing the ids must not cascade into the detached rows one by one: they are dropped whole.
    await client.query(`ALTER TABLE ${mentions}${EXPIRED_SUFFIX} DROP CONSTRAINT IF EXISTS mentions_key_fkey`);
    await client.query(`ALTER TABLE ${links}${EXPIRED_SUFFIX} DROP CONSTRAINT IF EXISTS mention_brands_key_fkey`);
    // Rollup rows are UTC-aligned 15-minute, hour and day buckets: a month holds whole buckets.
    for (const { table } of ROLLUPS) {
      await client.query(`DELETE FROM ${table} WHERE bucket_start >= $1 AND bucket_start < $2`, [month.start, month.end]);
    }
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Releases the ids of every detached month (a batch per transaction) and drops its tables. */
async function finishExpiredMonths(database: Database): Promise<number> {
  const { rows } = await database.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relname ~ '^(mentions|mention_brands)_p[0-9]{6}${EXPIRED_SUFFIX}$'
      ORDER BY relname`,
  );
  let released = 0;
  for (const { name } of rows) {
    if (name.startsWith('mentions_')) {
      for (;;) {
        // Taken out of the detached table as they are released, so a run stopped half-way resumes where it was.
        const result = await database.query(
          `WITH batch AS (
             DELETE FROM ${name} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${name} LIMIT ${DELETE_BATCH}))
             RETURNING id, occurred_at)
           DELETE FROM mention_ids k USING batch WHERE k.id = batch.id AND k.occurred_at = batch.occurred_at`,
        );
        released += result.rowCount ?? 0;
        const { rows: left } = await database.query(`SELECT 1 FROM ${name} LIMIT 1`);
        if (left.length === 0) break;
      }
    }
    await database.query(`DROP TABLE ${name}`);
  }
  return released;
}

/** Deletes the mentions before the cutoff that are still attached, a batch per transaction; the keys cascade. */
async function deleteOlderRows(database: Database, cutoff: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await database.query(
      `DELETE FROM mention_ids k
        USING (SELECT id, occurred_at FROM mentions WHERE occurred_at < $1 LIMIT ${DELETE_BATCH}) AS old
        WHERE k.id = old.id AND k.occurred_at = old.occurred_at`,
      [cutoff],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < DELETE_BATCH) return deleted;
  }
}
