// The rollups (15-minute, hourly and daily rows by sentiment; hourly and daily rows by source, site, language and
// author) against a recount of the raw mention links, on seeded mentions across the Warsaw DST change and a month
// boundary: after live and backfill inserts, a redelivered batch, manual overrides, a rescore that relabels and
// changes languages, and deletions (as retention does). Counts per calendar bucket of several zones, from ranges that
// start and end off the rollup grains, must equal what SQL counts from mention_brands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStarts, type Interval } from '../../src/analytics/buckets.js';
import type { SentimentLabel } from '../../src/sentiment/score-sentiment.js';
import { inTransaction } from '../../src/store/database.js';
import { setSentimentOverride, storeRescored } from '../../src/store/mention-sentiment-store.js';
import { FACETS, facetCounts, sentimentCounts, type CountScope } from '../../src/store/stats-queries.js';
import { seededRandom } from '../../bench/bench-support.js';
import { rollupDrift } from '../helpers/rollup-drift.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const BRANDS = ['acme', 'globex'];
const LABELS: SentimentLabel[] = ['positive', 'neutral', 'negative', 'unknown'];
const FIRST = Date.parse('2026-03-20T00:00:00Z');
const SPAN_MS = 40 * 86_400_000;

/** Seeded mentions at arbitrary seconds, some for both brands, some backfill, with sites, authors and languages. */
function seededMentions(count: number, seed: number, keyPrefix: string) {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  return Array.from({ length: count }, (_, index) =>
    scoredMention({
      key: `${keyPrefix}${index}`,
      at: new Date(FIRST + Math.floor(random() * SPAN_MS / 1000) * 1000).toISOString(),
      brands: random() < 0.2 ? ['acme', 'globex'] : [pick(BRANDS)],
      label: pick(LABELS),
      site: pick(['a.example', 'b.example', 'c.example']),
      sourceId: pick(['news', 'blog']),
      author: pick(['Ann', 'Bob', null]),
      lang: pick(['en', 'pl', null]),
      reach: random() < 0.3 ? null : Math.floor(random() * 1000),
      backfill: random() < 0.15,
    }),
  );
}

describe('rollups', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const live = seededMentions(400, 7, 'm');
    await storeMentions(db.database, live.slice(0, 250));
    await storeMentions(db.database, live.slice(200)); // 50 redelivered: stored once, counted once
    await storeMentions(db.database, seededMentions(60, 8, 'late'));
    // PATCH /v1/mentions/:id stores overrides this way; one is set and then cleared again.
    const at = new Date('2026-05-01T00:00:00Z');
    for (const [id, label] of [['test-m3', 'negative'], ['test-m10', 'positive'], ['test-m11', 'neutral'], ['test-late4', 'negative']] as const) {
      await setSentimentOverride(db.database, id, { label, by: 'pr', at });
    }
    await setSentimentOverride(db.database, 'test-m11', { label: null, by: 'pr', at });
    // `buzzwatch rescore` stores new model labels (and languages) this way; the override on test-m3 stays effective.
    await inTransaction(db.database, (client) =>
      storeRescored(
        client,
        ['test-m3', 'test-m4', 'test-m5', 'test-m6', 'test-late1'].map((id, index) => ({ id, lang: index % 2 === 0 ? 'de' : null, label: 'positive' as const, score: 1.5 })),
        2,
      ),
    );
    await db.database.query("UPDATE mentions SET reach = 12345, author = 'Zed', url = 'https://d.example/moved' WHERE id IN ('test-m20', 'test-m21')");
    // Retention and deletions.
    await db.database.query(`DELETE FROM mentions WHERE occurred_at < '2026-03-22T07:13:00Z' OR id IN ('test-m30', 'test-late2')`);
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** What SQL counts from the links themselves, keyed like sentimentCounts' rows. */
  async function rawSentiment(scope: CountScope, interval: Interval, zone: string) {
    const { rows } = await db.database.query<{ brand_id: string; bucket: Date; total: number; positive: number; neutral: number; negative: number; unknown: number; reach: number }>(
      `SELECT mb.brand_id, date_trunc($4, mb.occurred_at, $5) AS bucket, count(*)::int AS total,
              count(*) FILTER (WHERE mb.sentiment_label = 'positive')::int AS positive,
              count(*) FILTER (WHERE mb.sentiment_label = 'neutral')::int AS neutral,
              count(*) FILTER (WHERE mb.sentiment_label = 'negative')::int AS negative,
              count(*) FILTER (WHERE mb.sentiment_label = 'unknown')::int AS unknown, sum(coalesce(m.reach, 0))::float8 AS reach
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id
        WHERE mb.brand_id = ANY($1) AND mb.occurred_at >= $2 AND mb.occurred_at < $3 ${scope.includeBackfill ? '' : 'AND NOT mb.backfill'}
        GROUP BY 1, 2`,
      [scope.brandIds, scope.since, scope.until, interval, zone],
    );
    return rows.map((row) => `${row.brand_id} ${row.bucket.toISOString()} ${row.total} ${row.positive} ${row.neutral} ${row.negative} ${row.unknown} ${row.reach}`).sort();
  }

  async function rawFacet(scope: CountScope, facet: string, interval: Interval, zone: string) {
    const key = { source: 'm.source_id', site: 'mention_site(m.url, m.source_id)', lang: "coalesce(m.lang, '')", author: "coalesce(m.author, '')" }[facet];
    const { rows } = await db.database.query<{ brand_id: string; bucket: Date; key: string; total: number; negative: number; reach: number }>(
      `SELECT mb.brand_id, date_trunc($4, mb.occurred_at, $5) AS bucket, ${key} AS key, count(*)::int AS total,
              count(*) FILTER (WHERE mb.sentiment_label = 'negative')::int AS negative, sum(coalesce(m.reach, 0))::float8 AS reach
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id
        WHERE mb.brand_id = ANY($1) AND mb.occurred_at >= $2 AND mb.occurred_at < $3 ${scope.includeBackfill ? '' : 'AND NOT mb.backfill'}
        GROUP BY 1, 2, 3`,
      [scope.brandIds, scope.since, scope.until, interval, zone],
    );
    return rows.map((row) => `${row.brand_id} ${row.bucket.toISOString()} ${row.key} ${row.total} ${row.negative} ${row.reach}`).sort();
  }

  const CASES: Array<{ interval: Interval; zone: string; since: string; until: string; includeBackfill: boolean }> = [
    { interval: 'day', zone: 'Europe/Warsaw', since: '2026-03-21T09:07:13Z', until: '2026-04-27T17:52:01Z', includeBackfill: false },
    { interval: 'month', zone: 'Europe/Warsaw', since: '2026-03-01T00:00:00Z', until: '2026-05-01T00:00:00Z', includeBackfill: true },
    { interval: 'week', zone: 'America/New_York', since: '2026-03-20T00:00:00Z', until: '2026-04-30T00:00:00Z', includeBackfill: false },
    { interval: 'hour', zone: 'Asia/Kolkata', since: '2026-03-29T00:10:00Z', until: '2026-04-02T05:20:00Z', includeBackfill: false },
    { interval: 'day', zone: 'Asia/Kathmandu', since: '2026-03-20T00:00:00Z', until: '2026-04-30T00:00:00Z', includeBackfill: true },
  ];

  it('count every calendar bucket exactly as the raw links do, by sentiment and by every facet', async () => {
    for (const { interval, zone, since, until, includeBackfill } of CASES) {
      const scope = { brandIds: BRANDS, since: new Date(since), until: new Date(until), includeBackfill };
      const starts = bucketStarts(scope.since, scope.until, interval, zone);
      const counted = (await sentimentCounts(db.database, scope, starts))
        .filter((row) => row.total !== 0)
        .map((row) => `${row.brandId} ${row.bucketStart?.toISOString()} ${row.total} ${row.positive} ${row.neutral} ${row.negative} ${row.unknown} ${row.reach}`)
        .sort();
      const expected = await rawSentiment(scope, interval, zone);
      expect(expected.length, `${interval} ${zone}`).toBeGreaterThan(3);
      expect(counted, `${interval} ${zone}`).toEqual(expected);
      for (const facet of FACETS) {
        const facetRows = (await facetCounts(db.database, scope, facet, starts))
          .map((row) => `${row.brandId} ${row.bucketStart?.toISOString()} ${row.key} ${row.total} ${row.negative} ${row.reach}`)
          .sort();
        expect(facetRows, `${facet} ${interval} ${zone}`).toEqual(await rawFacet(scope, facet, interval, zone));
      }
    }
  });

  it('keep each rollup table equal to a recount of its own grain', async () => {
    expect(await rollupDrift(db.database)).toEqual([]);
    const { rows: counted } = await db.database.query<{ rows: number }>('SELECT count(*)::int AS rows FROM brand_day_stats WHERE total > 0');
    expect(counted[0]?.rows).toBeGreaterThan(40);
  });
});
