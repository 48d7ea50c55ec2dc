// Monthly partitions of mentions (010_mention_partitions.sql): a mention is stored once whatever time a redelivery
// carries, a month without partition lands in the default and moves out when its partition comes, retention drops
// whole months and deletes the rest row by row with rollups and stories kept consistent, and time-filtered pages read
// only their months.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainMentions } from '../../src/retention/mention-maintenance.js';
import { scoreAndStore } from '../../src/scorer/score-and-store.js';
import { ADVISORY_LOCKS } from '../../src/store/advisory-locks.js';
import { inTransaction, type Database } from '../../src/store/database.js';
import { listMentions, type MentionFilter } from '../../src/store/mention-queries.js';
import { ensureMentionPartitions, mentionMonths } from '../../src/store/mention-partitions.js';
import { insertMentions } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { until } from '../helpers/held-batch.js';
import { rollupDrift } from '../helpers/rollup-drift.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';
import { capturingDatabase, planNodes, planOf } from '../helpers/statement-plan.js';

const DAY = 86_400_000;
const silent = pino({ level: 'silent' });

async function partitionOf(database: Database, mentionId: string): Promise<Array<{ partition: string; occurred_at: Date }>> {
  const { rows } = await database.query<{ partition: string; occurred_at: Date }>(
    'SELECT tableoid::regclass::text AS partition, occurred_at FROM mentions WHERE id = $1',
    [mentionId],
  );
  return rows;
}

/** Partition tables of 2026 up to November (the migration also made the months around the real date). */
async function tableNames(database: Database, pattern: string): Promise<string[]> {
  const { rows } = await database.query<{ name: string }>(
    "SELECT relname AS name FROM pg_class WHERE relkind IN ('r', 'p') AND relname LIKE $1 ORDER BY 1",
    [pattern],
  );
  return rows.map((row) => row.name).filter((name) => !/_p\d{6}$/.test(name) || name.slice(-6) <= '202611');
}

describe('mention partitions', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensureMentionPartitions(db.database, new Date('2026-01-01T00:00:00Z'), { monthsAhead: 2 });
  });

  afterAll(async () => {
    await db.drop();
  });

  it('stores a mention delivered twice with different times once, at the time of its first delivery', async () => {
    const first = scoredMention({ key: 'twice', at: '2026-01-20T10:00:00.000Z', label: 'negative' });
    await storeMentions(db.database, [first]);
    // Re-polled: no publication date this time, so it would occur when it was seen, in another month.
    const report = await inTransaction(db.database, (client) =>
      insertMentions(client, [{ ...first, publishedAt: null, seenAt: '2026-02-03T00:00:00.000Z', sentiment: { label: 'positive', score: 2 } }]),
    );
    expect(report).toEqual({ insertedIds: [], newLinks: [] });
    expect(await partitionOf(db.database, 'test-twice')).toEqual([
      { partition: 'mentions_p202601', occurred_at: new Date('2026-01-20T10:00:00.000Z') },
    ]);
  });

  it('stores one row when two deliveries with different times race, whichever commits first', async () => {
    const mention = scoredMention({ key: 'race', at: '2026-01-21T10:00:00.000Z' });
    const holder = await db.database.connect();
    try {
      await holder.query('BEGIN');
      await insertMentions(holder, [mention]);
      // The second delivery, with a March time, must wait for the first one's claim of the id, then store nothing.
      const second = inTransaction(db.database, (client) =>
        insertMentions(client, [{ ...mention, publishedAt: '2026-03-02T10:00:00.000Z' }]),
      );
      await until('the second delivery waits for the first one’s id', async () => {
        const { rows } = await db.database.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%INSERT INTO mention_ids%'`,
        );
        return rows.length > 0;
      });
      await holder.query('COMMIT');
      expect((await second).insertedIds).toEqual([]);
    } finally {
      holder.release();
    }
    expect(await partitionOf(db.database, 'test-race')).toEqual([
      { partition: 'mentions_p202601', occurred_at: new Date('2026-01-21T10:00:00.000Z') },
    ]);
    expect(await rollupDrift(db.database)).toEqual([]);
  });

  it('stores one row, with no error, when deliveries with the same time race to claim the id', async () => {
    // Both statements may find the id free and insert it at once; the later one then meets the id's second unique
    // index (id, occurred_at) when the first commits, and must store nothing rather than fail its batch with a
    // duplicate key (which PostgreSQL raises for every unique index but ON CONFLICT's arbiters). The race is won
    // or lost inside one statement, so no lock can stage it: many rounds make it near certain to occur.
    const rounds = 300;
    const outcomes = await (async () => {
      const failures: string[] = [];
      let stored = 0;
      for (let round = 0; round < rounds; round += 1) {
        const mention = scoredMention({ key: `same-time-${round}`, at: '2026-01-22T10:00:00.000Z' });
        const deliveries = await Promise.allSettled([0, 1, 2, 3].map(() => inTransaction(db.database, (client) => insertMentions(client, [{ ...mention }]))));
        for (const delivery of deliveries) {
          if (delivery.status === 'rejected') failures.push(String((delivery.reason as Error).message));
          else stored += delivery.value.insertedIds.length;
        }
      }
      return { failures: failures.slice(0, 3), failed: failures.length, stored };
    })();
    expect(outcomes).toEqual({ failures: [], failed: 0, stored: rounds });
    const { rows } = await db.database.query<{ count: number }>("SELECT count(*)::int AS count FROM mentions WHERE id LIKE 'test-same-time-%'");
    expect(rows[0]?.count).toBe(rounds);
  });

  it('keeps a mention of a month without partition in the default one and moves it out when its month is created', async () => {
    await storeMentions(db.database, [
      scoredMention({ key: 'old-1', at: '2019-05-03T10:00:00.000Z', brands: ['acme', 'globex'], label: 'negative', reach: 5 }),
      scoredMention({ key: 'old-2', at: '2019-05-30T23:59:59.999Z', label: 'positive' }),
    ]);
    await db.database.query("UPDATE mention_brands SET story_id = 'st-old' WHERE mention_id = 'test-old-1' AND brand_id = 'acme'");
    expect((await partitionOf(db.database, 'test-old-1'))[0]?.partition).toBe('mentions_default');
    const created = await ensureMentionPartitions(db.database, new Date('2026-01-15T00:00:00Z'), { monthsAhead: 2 });
    expect(created).toEqual(['201905']);
    expect((await partitionOf(db.database, 'test-old-1'))[0]?.partition).toBe('mentions_p201905');
    expect((await partitionOf(db.database, 'test-old-2'))[0]?.partition).toBe('mentions_p201905');
    const { rows } = await db.database.query(
      `SELECT tableoid::regclass::text AS partition, brand_id, story_id FROM mention_brands
        WHERE mention_id = 'test-old-1' ORDER BY brand_id`,
    );
    expect(rows).toEqual([
      { partition: 'mention_brands_p201905', brand_id: 'acme', story_id: 'st-old' },
      { partition: 'mention_brands_p201905', brand_id: 'globex', story_id: null },
    ]);
    expect(await rollupDrift(db.database)).toEqual([]);
    expect(await ensureMentionPartitions(db.database, new Date('2026-01-15T00:00:00Z'), { monthsAhead: 2 })).toEqual([]);
  });

  it('reads only the months a time-filtered page asks for (partition pruning)', async () => {
    await storeMentions(
      db.database,
      ['2026-01-05', '2026-01-25', '2026-02-10', '2026-03-10'].map((day, index) =>
        scoredMention({ key: `prune-${index}`, at: `${day}T12:00:00.000Z`, brands: ['globex'], sourceId: 'wire' }),
      ),
    );
    const scanned = async (filter: MentionFilter) => {
      const captured = capturingDatabase(db.database);
      const page = await listMentions(captured.database, filter);
      const plan = await planOf(db.database, captured.last());
      const relations = new Set(planNodes(plan).flatMap(({ node }) => (node['Relation Name'] !== undefined && (node['Actual Loops'] ?? 0) > 0 ? [node['Relation Name']] : [])));
      return { ids: page.mentions.map((mention) => mention.id), relations: [...relations].sort() };
    };
    const february = { since: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-02-28T00:00:00Z'), limit: 50 };
    expect(await scanned(february)).toEqual({
      ids: ['test-prune-2'],
      relations: ['mention_brands_p202602', 'mentions_p202602'],
    });
    expect(await scanned({ ...february, brand: 'globex' })).toEqual({
      ids: ['test-prune-2'],
      relations: ['mention_brands_p202602', 'mentions_p202602'],
    });
    expect(await scanned({ since: new Date('2026-01-20T00:00:00Z'), until: new Date('2026-02-11T00:00:00Z'), source: 'wire', limit: 50 })).toEqual({
      ids: ['test-prune-2', 'test-prune-1'],
      relations: ['mention_brands_p202601', 'mention_brands_p202602', 'mentions_p202601', 'mentions_p202602'],
    });
  });

  it('does not store a mention that occurred before the retention', async () => {
    const now = new Date('2026-06-15T12:00:00.000Z');
    const mention = (key: string, publishedAt: string | null, seenAt: string) => {
      const { sentiment: _scored, ...received } = scoredMention({ key, at: publishedAt ?? seenAt });
      return { ...received, publishedAt, seenAt };
    };
    const report = await scoreAndStore(
      {
        mentions: [
          mention('expired', '2026-04-14T11:59:59.999Z', '2026-06-15T11:00:00.000Z'),
          mention('kept', '2026-04-14T12:00:00.000Z', '2026-06-15T11:00:00.000Z'),
          mention('seen-now', null, '2026-06-15T11:00:00.000Z'),
        ],
      },
      { database: db.database, brandPhrases: new Map(), mentionRetentionMs: 62 * DAY, clock: () => now },
    );
    expect(report).toEqual({
      insertedIds: ['test-kept', 'test-seen-now'],
      newLinks: [
        { mentionId: 'test-kept', brandId: 'acme', occurredAt: new Date('2026-04-14T12:00:00.000Z') },
        { mentionId: 'test-seen-now', brandId: 'acme', occurredAt: new Date('2026-06-15T11:00:00.000Z') },
      ],
      rejected: [],
      expired: 1,
    });
    expect(await partitionOf(db.database, 'test-expired')).toEqual([]);
  });
});

describe('mention retention', () => {
  let db: TestDatabase;
  const now = new Date('2026-06-15T12:00:00.000Z');
  // 62 days before `now`: 2026-04-14T12:00Z cuts April; February and March are wholly past it.
  const retentionMs = 62 * DAY;
  const maintain = () => maintainMentions({ database: db.database, logger: silent, clock: () => now, retentionMs: () => retentionMs });

  beforeAll(async () => {
    db = await createTestDatabase();
    await storeMentions(db.database, [
      scoredMention({ key: 'feb-a', at: '2026-02-02T10:00:00.000Z', brands: ['acme', 'globex'], label: 'negative', reach: 3 }),
      scoredMention({ key: 'feb-b', at: '2026-02-27T10:00:00.000Z', label: 'positive' }),
      scoredMention({ key: 'mar-end', at: '2026-03-31T23:59:59.999Z', label: 'negative', author: 'ann' }),
      scoredMention({ key: 'apr-early', at: '2026-04-10T08:00:00.000Z', label: 'negative', site: 'blog.example' }),
      scoredMention({ key: 'apr-just-before', at: '2026-04-14T11:59:59.999Z', brands: ['acme', 'globex'] }),
      scoredMention({ key: 'apr-at-cutoff', at: '2026-04-14T12:00:00.000Z', label: 'negative' }),
      scoredMention({ key: 'apr-late', at: '2026-04-20T08:00:00.000Z', label: 'negative', site: 'blog.example' }),
      scoredMention({ key: 'june', at: '2026-06-14T08:00:00.000Z' }),
      // From before any partition: waits in the default partition.
      scoredMention({ key: 'ancient', at: '2018-03-01T00:00:00.000Z' }),
    ]);
    // A story wholly before the cutoff, and one that spans it.
    await db.database.query(
      `INSERT INTO stories (id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions, sites, first_site, open)
       VALUES ('st-feb', 'acme', 'February story', '2026-02-02T10:00Z', '2026-02-27T10:00Z', 2, 1, 1, 'news.example', false),
              ('st-apr', 'acme', 'April story', '2026-04-10T08:00Z', '2026-04-20T08:00Z', 2, 2, 1, 'blog.example', false)`,
    );
    await db.database.query(
      `INSERT INTO story_sites (story_id, site, first_seen_at, first_mention_id, mentions)
       VALUES ('st-feb', 'news.example', '2026-02-02T10:00Z', 'test-feb-a', 2),
              ('st-apr', 'blog.example', '2026-04-10T08:00Z', 'test-apr-early', 2)`,
    );
    await db.database.query(
      `UPDATE mention_brands SET story_id = CASE WHEN mention_id IN ('test-feb-a', 'test-feb-b') THEN 'st-feb' ELSE 'st-apr' END
        WHERE brand_id = 'acme' AND mention_id IN ('test-feb-a', 'test-feb-b', 'test-apr-early', 'test-apr-late')`,
    );
    // The months of the seeded history (created at the scorer's start in production).
    await ensureMentionPartitions(db.database, new Date('2026-02-01T00:00:00Z'), {
      monthsAhead: 5,
      keepSince: new Date('2026-01-01T00:00:00Z'),
    });
  });

  afterAll(async () => {
    await db.drop();
  });

  it('waits while another process maintains the partitions', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.mentionMaintenance]);
      expect(await maintain()).toBeNull();
    } finally {
      await other.end();
    }
    expect(await tableNames(db.database, 'mentions_p2026%')).toEqual(
      ['202602', '202603', '202604', '202605', '202606', '202607'].map((month) => `mentions_p${month}`),
    );
  });

  it('drops the months past the retention whole, deletes the older rows of the month it cuts, and keeps the rest', async () => {
    const report = await maintain();
    expect(report).toEqual({
      createdMonths: ['202608'],
      retention: {
        cutoff: new Date('2026-04-14T12:00:00.000Z'),
        droppedMonths: ['202602', '202603'],
        releasedIds: 3,
        deletedMentions: 3,
        deletedStories: 1,
      },
    });
    const { rows } = await db.database.query<{ id: string }>('SELECT id FROM mentions ORDER BY occurred_at');
    expect(rows.map((row) => row.id)).toEqual(['test-apr-at-cutoff', 'test-apr-late', 'test-june']);
    const { rows: keys } = await db.database.query<{ id: string }>('SELECT id FROM mention_ids ORDER BY occurred_at');
    expect(keys.map((row) => row.id)).toEqual(['test-apr-at-cutoff', 'test-apr-late', 'test-june']);
    expect(await tableNames(db.database, 'mention%_p2026%')).toEqual(
      ['202604', '202605', '202606', '202607', '202608'].flatMap((month) => [`mention_brands_p${month}`, `mentions_p${month}`]).sort(),
    );
    expect((await mentionMonths(db.database)).map((month) => month.suffix).filter((month) => month <= '202611')).toEqual([
      '202604',
      '202605',
      '202606',
      '202607',
      '202608',
    ]);
  });

  it('keeps rollups exact and leaves none for the dropped months; stories that ended before the cutoff go', async () => {
    expect(await rollupDrift(db.database)).toEqual([]);
    const { rows } = await db.database.query(
      `SELECT (SELECT count(*) FROM brand_stats WHERE bucket_start < '2026-04-01')::int AS sentiment,
              (SELECT count(*) FROM brand_facet_stats WHERE bucket_start < '2026-04-01')::int AS facets,
              (SELECT coalesce(sum(total), 0) FROM brand_stats WHERE bucket_start < '2026-04-14T12:00Z')::int AS counted_before_cutoff,
              (SELECT sum(total) FROM brand_stats)::int AS counted`,
    );
    expect(rows).toEqual([{ sentiment: 0, facets: 0, counted_before_cutoff: 0, counted: 3 }]);
    const { rows: stories } = await db.database.query('SELECT id, mentions FROM stories ORDER BY id');
    expect(stories).toEqual([{ id: 'st-apr', mentions: 2 }]);
    const { rows: sites } = await db.database.query('SELECT story_id FROM story_sites ORDER BY story_id');
    expect(sites).toEqual([{ story_id: 'st-apr' }]);
  });

  it('does nothing more when run again, and never drops the month that holds the cutoff', async () => {
    expect(await maintain()).toEqual({
      createdMonths: [],
      retention: { cutoff: new Date('2026-04-14T12:00:00.000Z'), droppedMonths: [], releasedIds: 0, deletedMentions: 0, deletedStories: 0 },
    });
    expect((await mentionMonths(db.database))[0]?.suffix).toBe('202604');
  });
});
