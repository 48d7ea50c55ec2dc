// The advisory locks that keep a job to one process at a time (src/store/advisory-locks.ts), on a real PostgreSQL:
// another session's hold is seen, and the lock is given back however the work ends.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whileHoldingLock } from '../../src/store/advisory-locks.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const KEY = 0x7465_7374;

let db: TestDatabase;
let other: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  other = new pg.Client({ connectionString: db.url });
  await other.connect();
});

afterAll(async () => {
  await other.end();
  await db.drop();
});

/** Whether another session could take the lock now (it gives it back at once). */
async function freeForOthers(): Promise<boolean> {
  const { rows } = await other.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [KEY]);
  if (rows[0]!.locked) await other.query('SELECT pg_advisory_unlock($1)', [KEY]);
  return rows[0]!.locked;
}

describe('whileHoldingLock', () => {
  it('runs the work holding the lock, answers its result and gives the lock back', async () => {
    const held = await whileHoldingLock(db.database, KEY, async () => ({ freeDuringWork: await freeForOthers() }));
    expect(held).toEqual({ result: { freeDuringWork: false } });
    expect(await freeForOthers()).toBe(true);
  });

  it('answers null without running the work while another session holds the lock', async () => {
    await other.query('SELECT pg_advisory_lock($1)', [KEY]);
    let ran = false;
    try {
      const held = await whileHoldingLock(db.database, KEY, async () => {
        ran = true;
        return 1;
      });
      expect(held).toBeNull();
    } finally {
      await other.query('SELECT pg_advisory_unlock($1)', [KEY]);
    }
    expect(ran).toBe(false);
    expect(await whileHoldingLock(db.database, KEY, async () => 2)).toEqual({ result: 2 });
  });

  it('gives the lock back and passes the error on when the work throws', async () => {
    await expect(
      whileHoldingLock(db.database, KEY, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await freeForOthers()).toBe(true);
    // The pool's connection went back too: the pool can hand out all of its connections again.
    expect(db.database.totalCount - db.database.idleCount).toBe(0);
  });
});
