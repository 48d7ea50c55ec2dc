// Per-source poll state and health in PostgreSQL, so any poller replica can take over any source.
import type { SourceState } from '../sources/source.js';
import type { SourceError } from '../sources/source-error.js';
import type { Database } from './database.js';

export interface SourceRecord {
  id: string;
  type: string;
  state: SourceState;
  configFingerprint: string | null;
  firstOkAt: Date | null;
  lastPolledAt: Date | null;
  lastOkAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorKind: string | null;
  /** What the last successful poll left out, and why (null: nothing). */
  lastWarning: string | null;
  retryAt: Date | null;
  mentionsTotal: number;
  lastMentionSeenAt: Date | null;
}

interface SourceRow {
  id: string;
  type: string;
  state: SourceState;
  config_fingerprint: string | null;
  first_ok_at: Date | null;
  last_polled_at: Date | null;
  last_ok_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_kind: string | null;
  last_warning: string | null;
  retry_at: Date | null;
  mentions_total: number;
  last_mention_seen_at: Date | null;
}

function toRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    configFingerprint: row.config_fingerprint,
    firstOkAt: row.first_ok_at,
    lastPolledAt: row.last_polled_at,
    lastOkAt: row.last_ok_at,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
    lastErrorKind: row.last_error_kind,
    lastWarning: row.last_warning,
    retryAt: row.retry_at,
    mentionsTotal: row.mentions_total,
    lastMentionSeenAt: row.last_mention_seen_at,
  };
}

export async function findSourceRecord(database: Database, sourceId: string): Promise<SourceRecord | null> {
  const { rows } = await database.query<SourceRow>('SELECT * FROM sources WHERE id = $1', [sourceId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Whether the source has a stored record (a source dropped from the config keeps it, with its mentions). */
export async function isStoredSource(database: Database, sourceId: string): Promise<boolean> {
  const { rows } = await database.query<{ id: string }>('SELECT id FROM sources WHERE id = $1', [sourceId]);
  return rows.length > 0;
}

export async function listSourceRecords(database: Database): Promise<Map<string, SourceRecord>> {
  const { rows } = await database.query<SourceRow>('SELECT * FROM sources');
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

/**
 * Records a successful poll; a poll under a new fetch fingerprint counts as the source's first. `warning` says what
 * it left out (null: nothing), and replaces the last one.
 */
export async function recordPollSuccess(
  database: Database,
  source: { id: string; type: string },
  fingerprint: string,
  nextState: SourceState,
  at: Date,
  warning: string | null = null,
): Promise<void> {
  await database.query(
    `INSERT INTO sources (id, type, state, config_fingerprint, first_ok_at, last_polled_at, last_ok_at, last_warning)
     VALUES ($1, $2, $3, $4, $5, $5, $5, $6)
     ON CONFLICT (id) DO UPDATE
       SET type = excluded.type, state = excluded.state, config_fingerprint = excluded.config_fingerprint,
           first_ok_at = CASE WHEN sources.config_fingerprint IS DISTINCT FROM excluded.config_fingerprint
                              THEN excluded.first_ok_at
                              ELSE coalesce(sources.first_ok_at, excluded.first_ok_at) END,
           last_polled_at = excluded.last_polled_at, last_ok_at = excluded.last_ok_at, consecutive_failures = 0,
           last_error = NULL, last_error_kind = NULL, retry_at = NULL, last_warning = excluded.last_warning`,
    [source.id, source.type, JSON.stringify(nextState), fingerprint, at, warning],
  );
}

export async function recordPollFailure(
  database: Database,
  source: { id: string; type: string },
  error: SourceError,
  at: Date,
  retryAt: Date,
): Promise<void> {
  await database.query(
    `INSERT INTO sources (id, type, last_polled_at, consecutive_failures, last_error, last_error_kind, retry_at)
     VALUES ($1, $2, $3, 1, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE
       SET type = excluded.type, last_polled_at = excluded.last_polled_at,
           consecutive_failures = sources.consecutive_failures + 1, last_error = excluded.last_error,
           last_error_kind = excluded.last_error_kind, retry_at = excluded.retry_at`,
    [source.id, source.type, at, error.message, error.kind, retryAt],
  );
}
