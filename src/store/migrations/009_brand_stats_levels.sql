-- Coarser rollup levels beside brand_stats (15 minutes) and brand_facet_stats (1 hour), kept in the same
-- statement-level triggers: brand_hour_stats and brand_day_stats by sentiment, brand_facet_day_stats by source, site,
-- language and author. All are aligned to UTC. A calendar bucket of any zone is summed from the coarsest rows that lie
-- wholly inside it: UTC days, then hours, then quarter hours, then the mention links of what is left (the edges of a
-- range that does not start on a quarter hour). A year of monthly counts is then about 400 rows per brand instead of
-- 35 000, and 90 Warsaw days 2 160 hour rows instead of 8 640 quarter hours (a Warsaw day never holds a whole UTC day).
-- Days and hours cannot replace the quarter hours: zones at half and quarter hours (India, Nepal) need them.

CREATE TABLE brand_hour_stats (
  brand_id     text NOT NULL,
  bucket_start timestamptz NOT NULL,
  backfill     boolean NOT NULL,
  total        integer NOT NULL,
  positive     integer NOT NULL,
  neutral      integer NOT NULL,
  negative     integer NOT NULL,
  unknown      integer NOT NULL,
  reach        double precision NOT NULL,
  PRIMARY KEY (brand_id, bucket_start, backfill)
);

CREATE TABLE brand_day_stats (
  brand_id     text NOT NULL,
  bucket_start timestamptz NOT NULL,
  backfill     boolean NOT NULL,
  total        integer NOT NULL,
  positive     integer NOT NULL,
  neutral      integer NOT NULL,
  negative     integer NOT NULL,
  unknown      integer NOT NULL,
  reach        double precision NOT NULL,
  PRIMARY KEY (brand_id, bucket_start, backfill)
);

CREATE TABLE brand_facet_day_stats (
  brand_id     text NOT NULL,
  facet        text NOT NULL CHECK (facet IN ('source', 'site', 'lang', 'author')),
  bucket_start timestamptz NOT NULL,
  backfill     boolean NOT NULL,
  key          text NOT NULL,
  total        integer NOT NULL,
  negative     integer NOT NULL,
  reach        double precision NOT NULL,
  PRIMARY KEY (brand_id, facet, bucket_start, backfill, key)
);

-- The counts as 006 kept them, plus the coarser levels. Every level is grouped and sorted by key, and the tables
-- are written in one order, so concurrent transactions lock rollup rows in one order and cannot deadlock.
CREATE OR REPLACE FUNCTION apply_brand_stat_changes(changes brand_stat_change[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO brand_stats AS s (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
  SELECT c.brand_id, date_bin('15 minutes', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         sum(c.sign),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'positive'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'neutral'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label NOT IN ('positive', 'neutral', 'negative')), 0),
         sum(c.sign * coalesce(c.reach, 0))
    FROM unnest(changes) AS c
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (brand_id, bucket_start, backfill) DO UPDATE
    SET total = s.total + excluded.total,
        positive = s.positive + excluded.positive,
        neutral = s.neutral + excluded.neutral,
        negative = s.negative + excluded.negative,
        unknown = s.unknown + excluded.unknown,
        reach = s.reach + excluded.reach;

  INSERT INTO brand_hour_stats AS s (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
  SELECT c.brand_id, date_bin('1 hour', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         sum(c.sign),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'positive'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'neutral'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label NOT IN ('positive', 'neutral', 'negative')), 0),
         sum(c.sign * coalesce(c.reach, 0))
    FROM unnest(changes) AS c
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (brand_id, bucket_start, backfill) DO UPDATE
    SET total = s.total + excluded.total,
        positive = s.positive + excluded.positive,
        neutral = s.neutral + excluded.neutral,
        negative = s.negative + excluded.negative,
        unknown = s.unknown + excluded.unknown,
        reach = s.reach + excluded.reach;

  INSERT INTO brand_day_stats AS s (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
  SELECT c.brand_id, date_bin('1 day', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         sum(c.sign),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'positive'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'neutral'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label NOT IN ('positive', 'neutral', 'negative')), 0),
         sum(c.sign * coalesce(c.reach, 0))
    FROM unnest(changes) AS c
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (brand_id, bucket_start, backfill) DO UPDATE
    SET total = s.total + excluded.total,
        positive = s.positive + excluded.positive,
        neutral = s.neutral + excluded.neutral,
        negative = s.negative + excluded.negative,
        unknown = s.unknown + excluded.unknown,
        reach = s.reach + excluded.reach;

  INSERT INTO brand_facet_stats AS f (brand_id, facet, bucket_start, backfill, key, total, negative, reach)
  SELECT c.brand_id, facet.name, date_bin('1 hour', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         facet.key, sum(c.sign), coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         sum(c.sign * coalesce(c.reach, 0))
    FROM unnest(changes) AS c
   CROSS JOIN LATERAL (VALUES ('source', c.source_id), ('site', c.site), ('lang', coalesce(c.lang, '')),
                              ('author', coalesce(c.author, ''))) AS facet(name, key)
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (brand_id, facet, bucket_start, backfill, key) DO UPDATE
    SET total = f.total + excluded.total, negative = f.negative + excluded.negative, reach = f.reach + excluded.reach;

  INSERT INTO brand_facet_day_stats AS f (brand_id, facet, bucket_start, backfill, key, total, negative, reach)
  SELECT c.brand_id, facet.name, date_bin('1 day', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         facet.key, sum(c.sign), coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         sum(c.sign * coalesce(c.reach, 0))
    FROM unnest(changes) AS c
   CROSS JOIN LATERAL (VALUES ('source', c.source_id), ('site', c.site), ('lang', coalesce(c.lang, '')),
                              ('author', coalesce(c.author, ''))) AS facet(name, key)
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (brand_id, facet, bucket_start, backfill, key) DO UPDATE
    SET total = f.total + excluded.total, negative = f.negative + excluded.negative, reach = f.reach + excluded.reach;
$$;

-- What is stored already, summed from the finer rollups (exact: each coarse row is a sum of whole fine rows).
INSERT INTO brand_hour_stats (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
SELECT brand_id, date_bin('1 hour', bucket_start, timestamptz '2000-01-01 00:00:00+00'), backfill,
       sum(total), sum(positive), sum(neutral), sum(negative), sum(unknown), sum(reach)
  FROM brand_stats GROUP BY 1, 2, 3;

INSERT INTO brand_day_stats (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
SELECT brand_id, date_bin('1 day', bucket_start, timestamptz '2000-01-01 00:00:00+00'), backfill,
       sum(total), sum(positive), sum(neutral), sum(negative), sum(unknown), sum(reach)
  FROM brand_stats GROUP BY 1, 2, 3;

INSERT INTO brand_facet_day_stats (brand_id, facet, bucket_start, backfill, key, total, negative, reach)
SELECT brand_id, facet, date_bin('1 day', bucket_start, timestamptz '2000-01-01 00:00:00+00'), backfill, key,
       sum(total), sum(negative), sum(reach)
  FROM brand_facet_stats GROUP BY 1, 2, 3, 4, 5;
