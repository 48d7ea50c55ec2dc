// Migration 010 on a database holding data written by the schema before it (migrations 001–009): every row of every
// mention-related table comes through unchanged, each mention and link sits in the partition of its month, the
// constraints hold, the rollups stay exact, and every query answers as it did before.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStarts } from '../../src/analytics/buckets.js';
import { sqlBrandHistory } from '../../src/store/sql-brand-history.js';
import { findAlert, listAlerts } from '../../src/store/alert-queries.js';
import { createDatabase, ensureDatabaseExists, inTransaction, type Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { findMention, listMentions } from '../../src/store/mention-queries.js';
import { insertMentions } from '../../src/store/mention-store.js';
import { mentionsToRescore } from '../../src/store/mention-sentiment-store.js';
import { facetCounts, sampleMentionTexts, sentimentCounts, worstMentions, brandMentionTotals } from '../../src/store/stats-queries.js';
import { listStories, storySpread } from '../../src/store/story-queries.js';
import { dropDatabase, testDatabaseUrl, uniqueName } from '../helpers/services.js';
import { scoredMention } from '../helpers/stored-mentions.js';
import { rollupDrift } from '../helpers/rollup-drift.js';

const MIGRATIONS = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
const NOW = new Date();
const RECENT = new Date(NOW.getTime() - 86_400_000).toISOString();

// As the scorer and story assignment wrote them before 010, straight into the unpartitioned tables (the 006 triggers
// keep the rollups). One mention per case: month edges, a manual override, no language or author, backfill, a score
// the scorer could not give (unknown), a mention of two brands, and one from the last day.
const OLD_MENTIONS = [
  { id: 'jan-outage', at: '2026-01-10T08:00:00.000Z', brands: ['acme'], label: 'negative', story: 's-outage', text: 'Acme outage in Lodz' },
  { id: 'jan-outage-2', at: '2026-01-10T09:30:00.000Z', brands: ['acme'], label: 'negative', story: 's-outage', text: 'Acme outage spreads' },
  { id: 'feb-end', at: '2026-02-28T23:59:59.999Z', brands: ['acme', 'globex'], label: 'positive', story: null, text: 'Acme and Globex deal' },
  { id: 'mar-start', at: '2026-03-01T00:00:00.000Z', brands: ['globex'], label: 'neutral', story: null, text: 'Globex quarterly notes' },
  { id: 'mar-unknown', at: '2026-03-15T12:00:00.000Z', brands: ['acme'], label: 'unknown', story: null, text: 'Acme ist neu' },
  { id: 'recent', at: RECENT, brands: ['acme'], label: 'negative', story: 's-recent', text: 'Acme recall announced' },
] as const;

const TABLES: Record<string, string> = {
  mentions: 'id',
  mention_brands: 'mention_id, brand_id',
  brand_stats: 'brand_id, bucket_start, backfill',
  brand_facet_stats: 'brand_id, facet, bucket_start, backfill, key',
  stories: 'id',
  story_sites: 'story_id, site',
  alert_groups: 'id',
  alert_episodes: 'id',
  alert_events: 'id',
  alert_deliveries: 'event_id, channel_id',
  sources: 'id',
};

async function seedOldSchema(database: Database): Promise<void> {
  for (const [index, mention] of OLD_MENTIONS.entries()) {
    const label = mention.label;
    await database.query(
      `INSERT INTO mentions (id, source_id, source_type, external_id, url, title, content, author, lang, published_at,
                             seen_at, occurred_at, backfill, reach, sentiment_label, model_sentiment_label,
                             sentiment_score, sentiment_version, search)
       VALUES ($1, $2, 'rss', $1, $3, $4, $4, $5, $6, $7, $7, $7, $8, $9, $10, $10, $11, 1, to_tsvector('simple', lower($4)))`,
      [
        mention.id,
        index % 2 === 0 ? 'news' : 'blog',
        `https://www.site${index % 3}.example/${mention.id}`,
        mention.text,
        index === 3 ? null : `author${index % 2}`,
        label === 'unknown' ? null : 'en',
        mention.at,
        index === 1,
        index * 10,
        label,
        label === 'unknown' ? null : label === 'negative' ? -2 : label === 'positive' ? 2 : 0,
      ],
    );
    for (const brand of mention.brands) {
      await database.query(
        `INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill, story_id)
         SELECT id, $2, occurred_at, sentiment_label, backfill, $3 FROM mentions WHERE id = $1`,
        [mention.id, brand, brand === 'acme' ? mention.story : null],
      );
    }
  }
  // A manual override, as PATCH /v1/mentions/:id writes it.
  await database.query(
    `UPDATE mentions SET sentiment_override = 'negative', sentiment_override_by = 'pr', sentiment_override_at = '2026-03-01T10:00:00Z',
            sentiment_label = 'negative' WHERE id = 'feb-end'`,
  );
  await database.query("UPDATE mention_brands SET sentiment_label = 'negative' WHERE mention_id = 'feb-end'");
  await database.query(
    `INSERT INTO stories (id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions, sites, first_site, open, centroid)
     VALUES ('s-outage', 'acme', 'Acme outage in Lodz', '2026-01-10T08:00:00Z', '2026-01-10T09:30:00Z', 2, 2, 2, 'site0.example', false, NULL),
            ('s-recent', 'acme', 'Acme recall announced', $1, $1, 1, 1, 1, 'site2.example', true, '{"titleSimilarity":0.5,"terms":[["recall",1]]}')`,
    [RECENT],
  );
  await database.query(
    `INSERT INTO story_sites (story_id, site, first_seen_at, first_mention_id, mentions)
     VALUES ('s-outage', 'site0.example', '2026-01-10T08:00:00Z', 'jan-outage', 1),
            ('s-outage', 'site1.example', '2026-01-10T09:30:00Z', 'jan-outage-2', 1),
            ('s-recent', 'site2.example', $1, 'recent', 1)`,
    [RECENT],
  );
  await database.query(
    `INSERT INTO sources (id, type, mentions_total, last_mention_seen_at) VALUES ('news', 'rss', 3, $1), ('blog', 'rss', 3, $1)`,
    [RECENT],
  );
  // An alert told to Slack whose message names two of the mentions.
  const sample = (mentionId: string) => ({ mention_id: mentionId, url: `https://www.site0.example/${mentionId}`, title: 'Acme outage' });
  await database.query(
    `INSERT INTO alert_groups (id, group_key, brand_id, status, opened_at, started_at, resolved_at)
     VALUES ('al-1', 'brand=acme', 'acme', 'resolved', '2026-01-10T09:00:00Z', '2026-01-10T08:00:00Z', '2026-01-10T12:00:00Z')`,
  );
  await database.query(
    `INSERT INTO alert_episodes (id, rule_id, rule_type, brand_id, status, started_at, resolved_at, last_notified_at, latest,
                                 group_id, subject, signal_started_at, peak)
     VALUES ('ep-1', 'acme-negative', 'negative_buzz', 'acme', 'resolved', '2026-01-10T09:00:00Z', '2026-01-10T12:00:00Z',
             '2026-01-10T09:00:00Z', $1, 'al-1', '', '2026-01-10T08:00:00Z', $1)`,
    [JSON.stringify({ subject: '', holds: true, summary: '2 negative mentions', counts: { mentions: 2, negative: 2 } })],
  );
  await database.query(
    `INSERT INTO alert_events (id, group_id, channel_id, kind, at, payload)
     VALUES ('al-1-firing', 'al-1', 'pr-slack', 'firing', '2026-01-10T09:00:00Z', $1)`,
    [JSON.stringify({ rules: [{ title: 'Negative buzz', summary: '2 negative mentions' }], samples: [sample('jan-outage'), sample('jan-outage-2')] })],
  );
  await database.query(
    `INSERT INTO alert_deliveries (event_id, channel_id, status, attempts, sent_at, created_at)
     VALUES ('al-1-firing', 'pr-slack', 'sent', 1, '2026-01-10T09:00:01Z', '2026-01-10T09:00:00Z')`,
  );
}

async function tableRows(database: Database): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    rows[table] = (await database.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${order}`)).rows.map((row) => row.row);
  }
  return rows;
}

/** What the API, the alerter and the reports read, through the store's own queries. */
async function queryAnswers(database: Database): Promise<Record<string, unknown>> {
  const scope = { brandIds: ['acme', 'globex'], since: new Date('2026-01-01T00:00:00Z'), until: NOW, includeBackfill: true };
  const monthly = bucketStarts(scope.since, scope.until, 'month', 'Europe/Warsaw');
  const history = sqlBrandHistory(database);
  return {
    newest: await listMentions(database, { limit: 10 }),
    pages: [
      await listMentions(database, { limit: 2 }),
      await listMentions(database, { limit: 2, after: { occurredAt: new Date('2026-03-01T00:00:00Z'), id: 'mar-start' } }),
    ],
    acme: await listMentions(database, { brand: 'acme', limit: 10 }),
    globexSince: await listMentions(database, { brand: 'globex', since: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-03-02T00:00:00Z'), limit: 10 }),
    february: await listMentions(database, { since: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-03-01T00:00:00Z'), limit: 10 }),
    search: await listMentions(database, { q: 'outage', limit: 10 }),
    story: await listMentions(database, { story: 's-outage', limit: 10 }),
    negativeBlog: await listMentions(database, { source: 'blog', sentiment: 'negative', limit: 10 }),
    noBackfill: await listMentions(database, { includeBackfill: false, lang: 'en', limit: 10 }),
    one: await findMention(database, 'feb-end'),
    rescore: await mentionsToRescore(database, { version: 99, limit: 10 }),
    stories: await listStories(database, { sort: 'recent', limit: 10 }),
    spread: await storySpread(database, 's-outage'),
    sentiment: await sentimentCounts(database, scope, monthly),
    sites: await facetCounts(database, scope, 'site', monthly),
    authors: await facetCounts(database, scope, 'author', null),
    worst: await worstMentions(database, scope, 5),
    texts: await sampleMentionTexts(database, 'acme', scope, 10),
    totals: [...(await brandMentionTotals(database, true)).entries()],
    window: await history.windowStats('acme', Date.parse('2026-01-01T00:00:00Z'), NOW.getTime(), {}),
    windowMentions: await history.windowMentions('acme', Date.parse('2026-01-01T00:00:00Z'), NOW.getTime(), {}, 10),
    stories15m: [...(await history.storyBucketCounts('acme', Date.parse('2026-01-01T00:00:00Z'), NOW.getTime(), 900_000)).entries()],
    alerts: await listAlerts(database, { limit: 10 }),
    alert: await findAlert(database, 'al-1'),
  };
}

describe('migration 010 on mentions stored before partitioning', () => {
  const name = uniqueName('bwtest');
  const database = createDatabase(testDatabaseUrl(name));
  let before: string;
  let rowsBefore: Record<string, unknown[]>;
  let answersBefore: Record<string, unknown>;
  let applied: string[];

  beforeAll(async () => {
    await ensureDatabaseExists(testDatabaseUrl(name));
    before = mkdtempSync(join(tmpdir(), 'buzzwatch-migrations-'));
    for (const file of readdirSync(MIGRATIONS).filter((file) => file < '010')) cpSync(join(MIGRATIONS, file), join(before, file));
    await migrate(database, before);
    await seedOldSchema(database);
    rowsBefore = await tableRows(database);
    answersBefore = await queryAnswers(database);
    applied = (await migrate(database)).applied;
  });

  afterAll(async () => {
    await database.end();
    await dropDatabase(name);
    rmSync(before, { recursive: true, force: true });
  });

  it('applies 010 and keeps every row of every mention-related table as it was', async () => {
    expect(applied).toEqual(readdirSync(MIGRATIONS).filter((file) => file >= '010'));
    expect(rowsBefore.mentions).toHaveLength(OLD_MENTIONS.length);
    expect(rowsBefore.mention_brands).toHaveLength(7);
    expect((rowsBefore.brand_stats ?? []).length).toBeGreaterThan(0);
    const rowsAfter = await tableRows(database);
    // 012 (after 010) adds sources.last_warning: empty on every source, the rest of each row as it was.
    const sources = (rowsAfter.sources ?? []) as Array<Record<string, unknown>>;
    expect(sources.map((source) => source.last_warning)).toEqual(sources.map(() => null));
    rowsAfter.sources = sources.map(({ last_warning: _added, ...row }) => row);
    expect(rowsAfter).toEqual(rowsBefore);
  });

  it('puts each mention and link in the partition of its UTC month, and claims each id once in mention_ids', async () => {
    const { rows } = await database.query<{ id: string; partition: string }>(
      "SELECT id, tableoid::regclass::text AS partition FROM mentions ORDER BY occurred_at, id",
    );
    const recentMonth = `${RECENT.slice(0, 4)}${RECENT.slice(5, 7)}`;
    expect(rows).toEqual([
      { id: 'jan-outage', partition: 'mentions_p202601' },
      { id: 'jan-outage-2', partition: 'mentions_p202601' },
      { id: 'feb-end', partition: 'mentions_p202602' },
      { id: 'mar-start', partition: 'mentions_p202603' },
      { id: 'mar-unknown', partition: 'mentions_p202603' },
      { id: 'recent', partition: `mentions_p${recentMonth}` },
    ]);
    const { rows: links } = await database.query<{ partition: string; links: number }>(
      'SELECT tableoid::regclass::text AS partition, count(*)::int AS links FROM mention_brands GROUP BY 1 ORDER BY 1',
    );
    expect(links).toEqual([
      { partition: 'mention_brands_p202601', links: 2 },
      { partition: 'mention_brands_p202602', links: 2 },
      { partition: 'mention_brands_p202603', links: 2 },
      { partition: `mention_brands_p${recentMonth}`, links: 1 },
    ]);
    const { rows: keys } = await database.query(
      'SELECT k.id FROM mention_ids k FULL JOIN mentions m ON m.id = k.id AND m.occurred_at = k.occurred_at WHERE k.id IS NULL OR m.id IS NULL',
    );
    expect(keys).toEqual([]);
    expect((await database.query('SELECT count(*)::int AS count FROM mention_ids')).rows[0]).toEqual({ count: OLD_MENTIONS.length });
  });

  it('has a partition for every month from the oldest mention to two months ahead, and a default one for the rest', async () => {
    const { rows } = await database.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'mentions'::regclass ORDER BY 1`,
    );
    const months: string[] = [];
    for (let month = new Date(Date.UTC(2026, 0, 1)); month <= new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 2, 1)); ) {
      months.push(`mentions_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`);
      month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    }
    expect(rows.map((row) => row.name)).toEqual(['mentions_default', ...months].sort());
  });

  it('answers every store query exactly as before the migration', async () => {
    const answers = await queryAnswers(database);
    expect((answersBefore.newest as { mentions: unknown[] }).mentions).toHaveLength(OLD_MENTIONS.length);
    expect((answersBefore.search as { mentions: unknown[] }).mentions).toHaveLength(2);
    expect(answers).toEqual(answersBefore);
  });

  it('refuses what breaks the keys: a second row for an id, a row without its key, a link at another time', async () => {
    const failure = (sql: string) => database.query(sql).then(() => null, (error: { code?: string; constraint?: string }) => [error.code, error.constraint]);
    const mentionRow = (id: string, at: string) =>
      `INSERT INTO mentions (id, source_id, source_type, content, seen_at, occurred_at, sentiment_label, model_sentiment_label,
                             sentiment_version, search)
       VALUES ('${id}', 'news', 'rss', 'x', '${at}', '${at}', 'neutral', 'neutral', 1, ''::tsvector)`;
    expect(await failure(mentionRow('jan-outage', '2026-02-10T08:00:00Z'))).toEqual(['23503', 'mentions_key_fkey']);
    expect(await failure(mentionRow('jan-outage', '2026-01-10T08:00:00Z'))).toEqual(['23505', 'mentions_p202601_pkey']);
    expect(await failure(mentionRow('nobody', '2026-01-10T08:00:00Z'))).toEqual(['23503', 'mentions_key_fkey']);
    expect(
      await failure(
        `INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill)
         VALUES ('jan-outage', 'globex', '2026-01-11T08:00:00Z', 'negative', false)`,
      ),
    ).toEqual(['23503', 'mention_brands_key_fkey']);
    expect(await failure("UPDATE mentions SET occurred_at = '2026-01-11T08:00:00Z' WHERE id = 'jan-outage'")).toEqual(['23503', 'mentions_key_fkey']);
    expect(await rollupDrift(database)).toEqual([]);
  });

  it('stores new mentions once, links them and keeps the rollups exact through the triggers on the partitioned tables', async () => {
    const fresh = scoredMention({ key: 'after', at: '2026-02-14T10:00:00.000Z', brands: ['acme', 'globex'], label: 'negative' });
    const first = await inTransaction(database, (client) => insertMentions(client, [fresh]));
    // Delivered again, now with another publication time: the id is taken, nothing more is stored.
    const again = await inTransaction(database, (client) =>
      insertMentions(client, [{ ...fresh, publishedAt: '2026-03-20T10:00:00.000Z', brands: ['acme', 'initech'] }]),
    );
    expect(first.insertedIds).toEqual(['test-after']);
    expect(again.insertedIds).toEqual([]);
    expect(again.newLinks).toEqual([{ mentionId: 'test-after', brandId: 'initech', occurredAt: new Date('2026-02-14T10:00:00.000Z') }]);
    const { rows } = await database.query(
      "SELECT tableoid::regclass::text AS partition, occurred_at FROM mentions WHERE id = 'test-after'",
    );
    expect(rows).toEqual([{ partition: 'mentions_p202602', occurred_at: new Date('2026-02-14T10:00:00.000Z') }]);
    await database.query("UPDATE mention_brands SET sentiment_label = 'positive' WHERE mention_id = 'jan-outage'");
    await database.query("UPDATE mentions SET reach = 99, author = 'someone' WHERE id = 'mar-unknown'");
    await database.query("DELETE FROM mentions WHERE id = 'jan-outage-2'");
    expect(await rollupDrift(database)).toEqual([]);
    // The deleted mention's id and links went with it.
    const { rows: left } = await database.query(
      "SELECT (SELECT count(*) FROM mention_ids WHERE id = 'jan-outage-2')::int AS ids, (SELECT count(*) FROM mention_brands WHERE mention_id = 'jan-outage-2')::int AS links",
    );
    expect(left).toEqual([{ ids: 0, links: 0 }]);
  });
});
