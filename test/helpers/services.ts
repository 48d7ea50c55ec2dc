// Where the shared test services are; each test file isolates itself with its own database and queue prefix.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabaseExists, createDatabase, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

export const TEST_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file; `drop` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName('bwtest');
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  await ensureDatabaseExists(url.toString());
  const database = createDatabase(url.toString());
  await migrate(database);
  return {
    url: url.toString(),
    database,
    async drop() {
      await database.end();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
