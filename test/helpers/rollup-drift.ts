// Rollup rows that differ from a count of the stored links: what the 006 and 009 triggers should keep at none,
// whatever is inserted, relabelled, deleted, moved between partitions or dropped by retention. Every level is
// checked: sentiment per 15 minutes, hour and day, facets per hour and day.
import type { Database } from '../../src/store/database.js';

const SENTIMENT_LEVELS = [['brand_stats', '15 minutes'], ['brand_hour_stats', '1 hour'], ['brand_day_stats', '1 day']] as const;
const FACET_LEVELS = [['brand_facet_stats', '1 hour'], ['brand_facet_day_stats', '1 day']] as const;

export async function rollupDrift(database: Database): Promise<unknown[]> {
  const bin = (grain: string) => `date_bin('${grain}', occurred_at, timestamptz '2000-01-01 00:00:00+00')`;
  const sentiment = SENTIMENT_LEVELS.map(
    ([table, grain]) =>
      `SELECT '${table}' AS rollup, to_jsonb(c) AS counted, to_jsonb(s) AS stored
         FROM (SELECT brand_id, ${bin(grain)} AS bucket_start, backfill, count(*)::int AS total,
                      count(*) FILTER (WHERE label = 'negative')::int AS negative, sum(reach) AS reach
                 FROM links GROUP BY 1, 2, 3) AS c
         FULL JOIN (SELECT brand_id, bucket_start, backfill, total, negative, reach FROM ${table} WHERE total <> 0 OR reach <> 0) AS s
        USING (brand_id, bucket_start, backfill)
        WHERE (c.total, c.negative, c.reach) IS DISTINCT FROM (s.total, s.negative, s.reach)`,
  );
  const facets = FACET_LEVELS.map(
    ([table, grain]) =>
      `SELECT '${table}', to_jsonb(c), to_jsonb(s)
         FROM (SELECT brand_id, facet.name AS facet, ${bin(grain)} AS bucket_start, backfill, facet.key, count(*)::int AS total,
                      sum(reach) AS reach
                 FROM links CROSS JOIN LATERAL (VALUES ('source', source_id), ('site', site), ('lang', lang), ('author', author)) AS facet(name, key)
                GROUP BY 1, 2, 3, 4, 5) AS c
         FULL JOIN (SELECT brand_id, facet, bucket_start, backfill, key, total, reach FROM ${table} WHERE total <> 0 OR reach <> 0) AS s
        USING (brand_id, facet, bucket_start, backfill, key)
        WHERE (c.total, c.reach) IS DISTINCT FROM (s.total, s.reach)`,
  );
  const { rows } = await database.query(
    `WITH links AS (
       SELECT mb.brand_id, mb.occurred_at, mb.backfill, mb.sentiment_label AS label, coalesce(m.reach, 0) AS reach,
              m.source_id, mention_site(m.url, m.source_id) AS site, coalesce(m.lang, '') AS lang,
              coalesce(m.author, '') AS author
         FROM mention_brands mb JOIN mentions m ON m.id = mb.mention_id AND m.occurred_at = mb.occurred_at)
     ${[...sentiment, ...facets].join('\n     UNION ALL\n     ')}`,
  );
  return rows;
}
