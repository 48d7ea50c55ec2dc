// A stopping role does not wait past its grace for a maintenance run stuck behind a lock on the mentions (found in CI:
// a scorer stopped right after start waited for ever for its first run, blocked by a test's LOCK TABLE).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepMentionsMaintained } from '../../src/retention/mention-maintenance.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { lockMentionsTable, until } from '../helpers/held-batch.js';

/** The maintenance run's statement, while it waits for a lock. */
const WAITING_RUN = `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%mentions_default%'`;

describe('mention maintenance stopping', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('stops at the deadline while its run waits for a lock on the mentions, and the run ends once the lock goes', async () => {
    const lock = await lockMentionsTable(db.url);
    try {
      const keeper = keepMentionsMaintained({ database: db.database, logger: pino({ level: 'silent' }), clock: () => new Date(), retentionMs: () => undefined });
      await until('the maintenance run waits for the lock on the mentions', async () => {
        const { rows } = await db.database.query(WAITING_RUN);
        return rows.length > 0;
      });
      // Without the deadline this never returns: the run is still waiting.
      await keeper.stop(Date.now() + 100);
      const stillWaiting = await db.database.query(WAITING_RUN);
      expect(stillWaiting.rows).toHaveLength(1);
      await lock.release();
      // Not cancelled, only no longer waited for: it ends on its own once the lock is gone.
      await until('the maintenance run ends', async () => {
        const { rows } = await db.database.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%mentions_default%' AND state = 'active' AND pid <> pg_backend_pid()`);
        return rows.length === 0;
      });
      expect(await keeper.runNow()).toEqual({ createdMonths: [], retention: null });
    } finally {
      await lock.release();
    }
  });
});
