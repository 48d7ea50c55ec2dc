// Fails the run at once, with the fix, when the services the suite talks to are not up; then migrates the template
// every test database of the run is copied from and compiles the command the end-to-end tests start, and removes
// both when the run ends.
import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { compileCli } from './compiled-cli.js';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL, createMigratedTemplate, dropDatabase } from './services.js';

export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_DATABASE_ADMIN_URL} (${(error as Error).message}); run .ci/run or start it`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (${(error as Error).message}); run .ci/run or start it`);
  } finally {
    redis.disconnect();
  }
  const template = await createMigratedTemplate();
  project.provide('migratedTemplate', template);
  const cli = await compileCli();
  project.provide('compiledCli', cli.entry);
  return async () => {
    cli.remove();
    await dropDatabase(template.name);
  };
}
