// The suite's own plumbing: every test database of a run is a copy of the template the global setup migrated once,
// not an empty database migrated again by each file (which cost every file a second or more on a busy machine).
import { afterAll, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const fileStartedAt = new Date();
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

it('creates a test database already migrated, by the run\'s global setup before this file started', async () => {
  const template = inject('migratedTemplate');
  expect(template.name).toMatch(/^bwtest_template_/);
  const db = await createTestDatabase();
  databases.push(db);
  const { rows } = await db.database.query<{ name: string; applied_at: Date }>('SELECT name, applied_at FROM schema_migrations ORDER BY name');
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.applied_at.getTime(), row.name).toBeLessThan(fileStartedAt.getTime());
});
