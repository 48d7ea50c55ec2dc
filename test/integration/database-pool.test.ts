// A PostgreSQL connection lost while the process holds it (a lock holder, a transaction) is an error its caller
// handles, never an uncaught exception that stops the process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

describe('database pool', () => {
  let testDatabase: TestDatabase;
  let pool: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    pool = createDatabase(testDatabase.url);
  });

  afterAll(async () => {
    await pool?.end();
    await testDatabase?.drop();
  });

  it('keeps a checked-out client whose connection is cut from raising an uncaught error, and answers again', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Without a listener of its own, pg's 'error' event on this client would throw out of the socket callback.
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const admin = new pg.Client({ connectionString: testDatabase.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await ended;
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
