// Creates the database when missing and applies migrations: what `start` and `migrate` do first.
import type { Settings } from '../runtime/settings.js';

// As long as start-up waits for Redis: in docker-compose both may still be starting.
const DATABASE_START_TIMEOUT_MS = 30_000;

/** Resolves with the migrations applied now (none when the database was up to date). */
export async function prepareDatabase(settings: Settings): Promise<string[]> {
  const { createDatabase, ensureDatabaseReachable } = await import('../store/database.js');
  const { migrate } = await import('../store/migrate.js');
  await ensureDatabaseReachable(settings.databaseUrl, DATABASE_START_TIMEOUT_MS);
  const database = createDatabase(settings.databaseUrl, { max: 1 });
  try {
    return (await migrate(database)).applied;
  } finally {
    await database.end();
  }
}
