// PostgreSQL connections: a pool per process, and creating the database on first start.
import pg from 'pg';
import { parseTimestamptz } from './timestamptz.js';

export type Database = pg.Pool;
export type DatabaseClient = pg.PoolClient;

// timestamptz columns come back as Date (pg's default); bigint counts as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// The same Dates as pg's own parser, faster (see timestamptz.ts).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);

export interface DatabaseOptions {
  /** Connections the pool opens at most (config `database.pool_size`). */
  max?: number;
  /**
   * PostgreSQL cancels any statement running longer than this (SQLSTATE 57014). Set at connection start, so it costs
   * no round trip per query; for pools whose callers are waiting people (the API), not batch work, which also run
   * without JIT compilation or parallel workers.
   */
  statementTimeoutMs?: number;
  /**
   * With statementTimeoutMs: every parameterised statement on these connections, named or not, runs on its generic
   * plan (plan_cache_mode = force_generic_plan), so a statement prepared by name is planned once per connection,
   * whatever its values. For a pool reserved to statements whose generic plans were measured to be as good as the
   * plans made for their values (listMentions' pages, see mention-queries.ts); PostgreSQL's default (auto) kept
   * planning them for their values, since a generic LIMIT $n is costed as fetching a tenth of the table.
   */
  genericPlans?: boolean;
}

// For the same pools: no JIT compilation and no parallel workers. A page reads a few rows, but a statement with a
// branch PostgreSQL skips at run time (a full-text page's fallback, see mention-queries.ts) can look expensive enough
// to be compiled first (30-40 ms for a sub-millisecond page, bench:api) or to start workers for it (15-20 ms); and
// requests running side by side already use every core. And times in UTC, whatever the server's TimeZone: a mention's
// times then come as text the API copies into its answers (isoTimeOfTimestamptz, timestamptz.ts); no statement of the
// API reads the session's zone (calendar buckets name theirs).
const INTERACTIVE_SETTINGS = '-c jit=off -c max_parallel_workers_per_gather=0 -c TimeZone=UTC';
const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/** How long a query waits for a free connection (or a new one to open) before it fails. */
export const POOL_WAIT_MS = 5_000;

export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: POOL_WAIT_MS,
    application_name: 'buzzwatch',
    ...(options.statementTimeoutMs === undefined
      ? {}
      : {
          statement_timeout: options.statementTimeoutMs,
          options: options.genericPlans === true ? `${INTERACTIVE_SETTINGS} ${GENERIC_PLANS}` : INTERACTIVE_SETTINGS,
        }),
  });
  // An idle client losing its connection (PostgreSQL restarting) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // So must a checked-out one (a lock holder, a transaction): the pool drops its idle listener while a client is
  // out, and pg emits 'error' besides rejecting the query in flight, which its caller already handles.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist yet. The target is tried first, so a managed
 * server that keeps its `postgres` database off-limits works as long as the database exists.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const target = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await target.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== DATABASE_MISSING) throw error;
  } finally {
    await target.end().catch(() => undefined);
  }
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
      // Another process created it between our attempt and our CREATE.
      if (error.code !== DUPLICATE_DATABASE && error.code !== UNIQUE_VIOLATION) throw error;
    });
  } finally {
    await client.end();
  }
}

const DATABASE_MISSING = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';
// The server is not accepting connections yet (refused, starting up, shutting down, too many clients).
const NOT_YET_REACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', '57P03', '57P01', '53300']);

function isNotYetReachable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code !== undefined) return NOT_YET_REACHABLE.has(code);
  // pg's own connection timeout has no code.
  return /timeout|Connection terminated/i.test((error as Error).message);
}

/**
 * ensureDatabaseExists, waiting up to `timeoutMs` for a PostgreSQL that is still starting (containers start
 * together); other errors (bad password, no permission) fail at once.
 */
export async function ensureDatabaseReachable(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDatabaseExists(databaseUrl);
      return;
    } catch (error) {
      if (!isNotYetReachable(error)) throw error;
      if (Date.now() >= deadline) {
        throw new Error(`cannot reach PostgreSQL at ${new URL(databaseUrl).host} within ${timeoutMs / 1000} s: ${(error as Error).message}`);
      }
      const pauseMs = Math.min(250 * attempt, 2_000, Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** Resolves when PostgreSQL answers a trivial statement on a connection of the pool (readiness). */
export async function pingDatabase(database: Database): Promise<void> {
  await database.query('SELECT 1');
}

export async function inTransaction<T>(database: Database, work: (client: DatabaseClient) => Promise<T>): Promise<T> {
  const client = await database.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
