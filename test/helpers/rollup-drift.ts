// Rollup rows that differ from a count of the stored links: what the 006 triggers should keep at none, whatever is
// inserted, relabelled, deleted, moved between partitions or dropped by retention.
import type { Database } from '../../src/store/database.js';

export async function rollupDrift(database: Database): Promise<unknown[]> {
  const { rows } = await database.query(
    `WITH links AS (
       SELECT mb.brand_id, mb.occurred_at, mb.backfill, mb.sentiment_label AS label, coalesce(m.reach, 0) AS reach,
              m.source_id, mention_site(m.url, m.source_id) AS site, coalesce(m.lang, '') AS lang,
              coalesce(m.author, '') AS author
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at),
     sentiment_counted AS (
       SELECT brand_id, date_bin('15 minutes', occurred_at, timestamptz '2000-01-01 00:00:00+00') AS bucket_start, backfill,
              count(*)::int AS total, count(*) FILTER (WHERE label = 'negative')::int AS negative, sum(reach) AS reach
         FROM links GROUP BY 1, 2, 3),
     sentiment_stored AS (
       SELECT brand_id, bucket_start, backfill, total, negative, reach FROM brand_stats WHERE total <> 0 OR reach <> 0),
     facet_counted AS (
       SELECT brand_id, facet.name AS facet, date_bin('1 hour', occurred_at, timestamptz '2000-01-01 00:00:00+00') AS bucket_start,
              backfill, facet.key, count(*)::int AS total, sum(reach) AS reach
         FROM links CROSS JOIN LATERAL (VALUES ('source', source_id), ('site', site), ('lang', lang), ('author', author)) AS facet(name, key)
        GROUP BY 1, 2, 3, 4, 5),
     facet_stored AS (
       SELECT brand_id, facet, bucket_start, backfill, key, total, reach FROM brand_facet_stats WHERE total <> 0 OR reach <> 0)
     SELECT 'brand_stats' AS rollup, to_jsonb(c) AS counted, to_jsonb(s) AS stored
       FROM sentiment_counted c FULL JOIN sentiment_stored s USING (brand_id, bucket_start, backfill)
      WHERE (c.total, c.negative, c.reach) IS DISTINCT FROM (s.total, s.negative, s.reach)
     UNION ALL
     SELECT 'brand_facet_stats', to_jsonb(c), to_jsonb(s)
       FROM facet_counted c FULL JOIN facet_stored s USING (brand_id, facet, bucket_start, backfill, key)
      WHERE (c.total, c.reach) IS DISTINCT FROM (s.total, s.reach)`,
  );
  return rows;
}
