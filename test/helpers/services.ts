// Where the shared test services are; each test file isolates itself with its own database and queue prefix.
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import pg from 'pg';
import type { Queues } from '../../src/queue/queues.js';
import { ensureDatabaseExists, createDatabase, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

export const TEST_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** BullMQ connection options for a redis:// URL. */
export function redisConnectionOf(redisUrl: string): { host: string; port: number } {
  const { hostname, port } = new URL(redisUrl);
  return { host: hostname, port: Number(port || 6379) };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, migrated database for one test file (or benchmark); `drop` removes it. In a test run it is a copy of the
 * run's migrated template (see createMigratedTemplate), otherwise an empty database migrated here.
 */
export async function createTestDatabase(namePrefix = 'bwtest'): Promise<TestDatabase> {
  const name = uniqueName(namePrefix);
  const url = testDatabaseUrl(name);
  const template = await currentMigratedTemplate();
  if (template === undefined) await ensureDatabaseExists(url);
  else await runAdminStatement(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template.name)}`);
  const database = createDatabase(url);
  // Applies nothing to a copy of the template; kept so that a copy missing a migration would still get it.
  await migrate(database);
  return {
    name,
    url,
    database,
    async drop() {
      await database.end();
      await dropDatabase(name);
    },
  };
}

// One migrated database per test run that every test file's databases are copied from (CREATE DATABASE … TEMPLATE):
// a copy takes a fraction of the second or more that applying every migration to an empty database takes on a busy
// machine, and the suite creates one or more databases per file. The migrations themselves are still proven where
// they are the subject: those tests create empty databases and migrate them.
export interface MigratedTemplate {
  name: string;
  /** The UTC month (YYYY-MM) it was migrated in: the migrations create monthly partitions up to two months ahead. */
  month: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    migratedTemplate: MigratedTemplate;
  }
}

function utcMonth(date = new Date()): string {
  return date.toISOString().slice(0, 7);
}

/** Creates and migrates the run's template (the services project's global setup); dropDatabase removes it. */
export async function createMigratedTemplate(): Promise<MigratedTemplate> {
  const name = uniqueName('bwtest_template');
  await runAdminStatement(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const month = utcMonth();
  const database = createDatabase(testDatabaseUrl(name));
  try {
    await migrate(database);
  } finally {
    await database.end();
  }
  // A copy fails while anyone is connected to its template: nothing may connect to it from now on.
  await runAdminStatement(`ALTER DATABASE ${pg.escapeIdentifier(name)} ALLOW_CONNECTIONS false`);
  return { name, month };
}

/**
 * The run's template when this process is a test file of a run that made one and its partitions are still this
 * month's; undefined elsewhere (benchmarks, the unit project, a run that went past the end of the month).
 */
async function currentMigratedTemplate(): Promise<MigratedTemplate | undefined> {
  if (process.env.VITEST === undefined) return undefined;
  const { inject } = await import('vitest');
  const template = inject('migratedTemplate');
  return template !== undefined && template.month === utcMonth() ? template : undefined;
}

/** Drops database `name` even while clients are still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await runAdminStatement(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

/** Runs one statement (CREATE/DROP DATABASE) on the test server's maintenance database. */
async function runAdminStatement(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Removes every queue of a test's prefix from the shared Redis (each Queue object leaves at least its meta key). */
export async function obliterateQueues(queues: Queues): Promise<void> {
  for (const queue of Object.values(queues) as Queue[]) await queue.obliterate({ force: true });
}
