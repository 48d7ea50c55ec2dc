// Synthetic mention history generated inside PostgreSQL (generate_series), for benchmarks at sizes insertMentions
// would take an hour to load: the same brands, sources, skew, sentences and rare words as makeMentions (texts drawn
// from a pool of 200,000), the same tables and indexes (rebuilt after the load), rollup triggers and foreign-key
// checks off while loading.
import type { Database } from '../src/store/database.js';
import { BENCH_BRANDS } from './bench-support.js';

export interface SqlLoadOptions {
  count: number;
  newest: Date;
  spanDays: number;
  /** A source that has had no mention for this many days before `newest` (its share went to `quietTakenOverBy`). */
  quietSource: string;
  quietDays: number;
  quietTakenOverBy: string;
  /** Rows generated per statement. */
  chunk?: number;
}

const SUBJECTS = ['The new release', 'Customer support', 'The pricing change', 'The mobile app', 'The latest update',
  'Delivery', 'The quarterly report', 'The outage', 'The partnership', 'The recall notice', 'The loyalty programme'];
const VERBS = ['was discussed', 'drew comments', 'came up again', 'was reviewed', 'made headlines', 'got attention'];
const OPINIONS = ['and people love it', 'and users are happy with it', 'but many complain it is slow',
  'and customers call it terrible', 'though nobody seems to care', 'and analysts call it a solid step',
  'but reviewers say it is disappointing', 'and the community is excited', 'yet the rollout was a mess', ''];
const DETAILS = ['according to several posts on the forum', 'in a thread with hundreds of replies',
  'after a long weekend of testing', 'in three countries at once', 'during the trade fair in Berlin',
  "following last month's announcement", 'as prices in lodz and krakow went up', 'on the evening news'];
const RARE_SENTENCES = ['A boycott was announced by a consumer group.', 'A lawsuit over the warranty terms was filed.',
  'The firmware rollback fixed the crash.'];
const AUTHORS = ['Jane Doe', 'Piotr Nowak', 'Sam Lee', 'Ana García', null, 'news desk', 'Chris Müller', null];
// Cumulative shares, as makeMentions draws them: brands 60/30/10 %, sources skewed from 22 % down to 3 %.
const BRAND_CUTS = [0.6, 0.9];
const SOURCE_CUTS = [0.22, 0.38, 0.51, 0.62, 0.71, 0.79, 0.86, 0.92, 0.97];
// Distinct texts: enough that a common word's matches spread over the whole history and a rare one's are rare.
const TEXT_POOL = 200_000;

function sqlArray(values: ReadonlyArray<string | null>): string {
  return `ARRAY[${values.map((value) => (value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`)).join(', ')}]::text[]`;
}

/** Index definitions of the mention tables that no constraint owns: dropped for the load, built again after it. */
async function droppableIndexes(database: Database): Promise<Array<{ name: string; definition: string }>> {
  const { rows } = await database.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid IN ('mentions'::regclass, 'mention_brands'::regclass)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
  );
  return rows;
}

export async function loadMentionsInSql(database: Database, options: SqlLoadOptions): Promise<void> {
  const chunk = options.chunk ?? 200_000;
  const indexes = await droppableIndexes(database);
  for (const index of indexes) await database.query(`DROP INDEX ${index.name}`);
  const client = await database.connect();
  try {
    // No rollup triggers and no foreign-key checks while loading (the rows are consistent by construction).
    await client.query("SET session_replication_role = 'replica'");
    await client.query('SET synchronous_commit = off');
    await client.query(`CREATE TEMP TABLE bench_words AS SELECT
        ${sqlArray(SUBJECTS)} AS subjects, ${sqlArray(VERBS)} AS verbs, ${sqlArray(OPINIONS)} AS opinions,
        ${sqlArray(DETAILS)} AS details, ${sqlArray(RARE_SENTENCES)} AS rare, ${sqlArray(AUTHORS)} AS authors,
        ${sqlArray(BENCH_BRANDS.map((brand) => brand.id))} AS brand_ids, ${sqlArray(BENCH_BRANDS.map((brand) => brand.name))} AS brand_names`);
    // A uniform draw in [0, 1) for (row, salt): reproducible, no state.
    await client.query(`CREATE FUNCTION pg_temp.draw(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE
      RETURN (hashint8(i * 1000 + salt)::bigint + 2147483648) / 4294967296.0`);
    const newestMs = options.newest.getTime();
    const spanMs = options.spanDays * 86_400_000;
    const quietSinceMs = newestMs - options.quietDays * 86_400_000;
    // Texts are drawn from a pool, their search vectors built once: building 10 million sentences and vectors row by
    // row would take an hour on two cores. Each row picks a pool entry at random; rare words keep their share.
    const poolSize = Math.min(options.count, TEXT_POOL);
    await client.query(
      `CREATE TEMP TABLE bench_texts AS
       WITH drawn AS (
         SELECT n, w.*, brand_names[1 + width_bucket(pg_temp.draw(n, 31), ${sqlArray(BRAND_CUTS.map(String))}::float8[])] AS brand_name,
                2 + floor(pg_temp.draw(n, 7) * 5)::int AS sentences
           FROM generate_series(0, $1::bigint - 1) AS n, bench_words w)
       SELECT n, title, content, to_tsvector('simple', lower(title || ' ' || content)) AS search
         FROM (SELECT n, brand_name || ': ' || lower(subjects[1 + floor(pg_temp.draw(n, 9) * 11)::int]) || ' '
                         || verbs[1 + floor(pg_temp.draw(n, 10) * 6)::int] AS title,
                      (SELECT string_agg(
                                subjects[1 + floor(pg_temp.draw(n * 7 + k, 11) * 11)::int] || ' from ' || brand_name || ' '
                                || verbs[1 + floor(pg_temp.draw(n * 7 + k, 12) * 6)::int] || ' '
                                || details[1 + floor(pg_temp.draw(n * 7 + k, 13) * 8)::int]
                                || coalesce(nullif(' ' || opinions[1 + floor(pg_temp.draw(n * 7 + k, 14) * 10)::int], ' '), '') || '.', ' ')
                         FROM generate_series(0, sentences - 1) AS k)
                      || CASE WHEN pg_temp.draw(n, 15) < 0.001 THEN ' ' || rare[1] ELSE '' END
                      || CASE WHEN pg_temp.draw(n, 16) < 0.001 THEN ' ' || rare[2] ELSE '' END
                      || CASE WHEN pg_temp.draw(n, 17) < 0.001 THEN ' ' || rare[3] ELSE '' END AS content
                 FROM drawn) AS texts`,
      [poolSize],
    );
    await client.query('CREATE UNIQUE INDEX ON bench_texts (n)');
    await client.query('ANALYZE bench_texts');
    for (let low = 0; low < options.count; low += chunk) {
      const high = Math.min(options.count, low + chunk);
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE bench_rows ON COMMIT DROP AS
         WITH drawn AS (
           SELECT i, w.brand_ids, w.authors,
                  1 + width_bucket(pg_temp.draw(i, 1), ${sqlArray(BRAND_CUTS.map(String))}::float8[]) AS brand_at,
                  pg_temp.draw(i, 2) < 0.1 AS two_brands, pg_temp.draw(i, 3) < 0.5 AS first_other,
                  'feed-' || lpad((1 + width_bucket(pg_temp.draw(i, 4), ${sqlArray(SOURCE_CUTS.map(String))}::float8[]))::text, 2, '0') AS drawn_source,
                  pg_temp.draw(i, 5) AS sentiment_draw, pg_temp.draw(i, 6) AS magnitude_draw,
                  to_timestamp(floor(($1::float8 - floor(i::float8 / $2 * $3) - floor(pg_temp.draw(i, 8) * 60000)))::float8 / 1000) AS at,
                  floor(pg_temp.draw(i, 21) * $9)::bigint AS text_at
             FROM generate_series($4::bigint, $5::bigint - 1) AS i, bench_words w),
         branded AS (
           SELECT *, brand_ids[brand_at] AS brand_id,
                  CASE WHEN two_brands THEN brand_ids[1 + (brand_at + CASE WHEN first_other THEN 0 ELSE 1 END) % 3] END AS second_brand,
                  CASE WHEN drawn_source = $6 AND at >= to_timestamp($7::float8 / 1000) THEN $8 ELSE drawn_source END AS source_id,
                  CASE WHEN sentiment_draw < 0.5 THEN 'neutral' WHEN sentiment_draw < 0.8 THEN 'positive' ELSE 'negative' END AS label
             FROM drawn)
         SELECT md5('bench-' || i) AS id, i, source_id, at, brand_id, second_brand, label,
                CASE WHEN label = 'neutral' THEN magnitude_draw * 0.5
                     WHEN label = 'negative' THEN -(0.5 + magnitude_draw * 3) ELSE 0.5 + magnitude_draw * 3 END AS score,
                t.title, t.content, t.search,
                authors[1 + floor(pg_temp.draw(i, 18) * 8)::int] AS author,
                CASE WHEN pg_temp.draw(i, 19) < 0.5 THEN NULL ELSE floor(pg_temp.draw(i, 20) * 50000) END AS reach
           FROM branded JOIN bench_texts t ON t.n = branded.text_at`,
        [newestMs, options.count, spanMs, low, high, options.quietSource, quietSinceMs, options.quietTakenOverBy, poolSize],
      );
      await client.query('INSERT INTO mention_ids (id, occurred_at) SELECT id, at FROM bench_rows');
      await client.query(
        `INSERT INTO mentions (id, source_id, source_type, external_id, url, title, content, author, lang, published_at,
                               seen_at, occurred_at, backfill, reach, sentiment_label, model_sentiment_label,
                               sentiment_score, sentiment_version, search)
         SELECT id, source_id, 'rss', source_id || ':' || i, 'https://' || source_id || '.example.com/news/story-' || i, title,
                content, author, 'en', at, at + interval '30 seconds', at, false, reach, label, label, score, 1, search
           FROM bench_rows`,
      );
      await client.query(
        `INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill)
         SELECT id, brand_id, at, label, false FROM bench_rows
         UNION ALL
         SELECT id, second_brand, at, label, false FROM bench_rows WHERE second_brand IS NOT NULL`,
      );
      await client.query('COMMIT');
    }
    await client.query("SET session_replication_role = 'origin'");
    await client.query("SET maintenance_work_mem = '1GB'");
    // pg_get_indexdef names a partitioned index ON ONLY its table: built that way it would cover no partition.
    for (const index of indexes) await client.query(index.definition.replace(' ON ONLY ', ' ON '));
  } finally {
    client.release();
  }
}

/** The monthly partitions of every month the history spans (a fresh database has only those around today). */
export async function createMonthsOfSpan(database: Database, newest: Date, spanDays: number): Promise<number> {
  const { rows } = await database.query<{ created: number }>(
    `SELECT count(*) FILTER (WHERE create_mention_partition(month AT TIME ZONE 'UTC'))::int AS created
       FROM generate_series(date_trunc('month', ($1::timestamptz - make_interval(days => $2)) AT TIME ZONE 'UTC'),
                            $1::timestamptz AT TIME ZONE 'UTC', interval '1 month') AS month`,
    [newest, spanDays],
  );
  return rows[0]?.created ?? 0;
}
