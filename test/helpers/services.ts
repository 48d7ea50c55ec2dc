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

/** A fresh, migrated database for one test file (or benchmark); `drop` removes it. */
export async function createTestDatabase(namePrefix = 'bwtest'): Promise<TestDatabase> {
  const name = uniqueName(namePrefix);
  const url = testDatabaseUrl(name);
  await ensureDatabaseExists(url);
  const database = createDatabase(url);
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

/** Drops database `name` even while clients are still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Removes every queue of a test's prefix from the shared Redis (each Queue object leaves at least its meta key). */
export async function obliterateQueues(queues: Queues): Promise<void> {
  for (const queue of Object.values(queues) as Queue[]) await queue.obliterate({ force: true });
}
