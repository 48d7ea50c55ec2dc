-- Rollups for statistics, share of voice and the monthly report: per brand, mentions per 15-minute bucket by
-- sentiment (brand_stats) and per hour by source, site, language and author (brand_facet_stats). Counting 90 days
-- or a year of a busy brand from these is a few thousand rows instead of hundreds of thousands of mention links.
-- Triggers keep them exact: a link stored, relabelled (manual override, rescore) or deleted, and a mention whose
-- reach, language, author, URL or source changes, add and subtract their share in the same transaction.
-- Buckets are UTC-aligned: a 15-minute bucket lies inside one local day in every zone there is (offsets are whole
-- quarter hours); an hour bucket does for whole-hour zones (the API counts the rest from mention_brands).

-- The host a mention came from without "www.", or the source id when it has no URL (as siteOf() in TypeScript).
CREATE FUNCTION mention_site(url text, source_id text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce(regexp_replace(lower(substring(url from '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)')), '^www\.', ''), source_id);

-- GET /v1/brands counts from brand_stats now (with or without backfill); insertMentions no longer keeps totals.
DROP TABLE brand_totals;

CREATE TABLE brand_stats (
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

CREATE TABLE brand_facet_stats (
  brand_id     text NOT NULL,
  facet        text NOT NULL CHECK (facet IN ('source', 'site', 'lang', 'author')),
  bucket_start timestamptz NOT NULL,
  backfill     boolean NOT NULL,
  -- '' when the mention has no value (no language, no author).
  key          text NOT NULL,
  total        integer NOT NULL,
  negative     integer NOT NULL,
  reach        double precision NOT NULL,
  PRIMARY KEY (brand_id, facet, bucket_start, backfill, key)
);

-- One change to the counts: a link's share, +1 when it starts counting, -1 when it stops.
CREATE TYPE brand_stat_change AS (
  brand_id    text,
  occurred_at timestamptz,
  backfill    boolean,
  label       text,
  reach       double precision,
  source_id   text,
  site        text,
  lang        text,
  author      text,
  sign        integer
);

-- Rows are grouped and sorted by key, so concurrent transactions lock rollup rows in one order and cannot deadlock.
CREATE FUNCTION apply_brand_stat_changes(changes brand_stat_change[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO brand_stats AS s (brand_id, bucket_start, backfill, total, positive, neutral, negative, unknown, reach)
  SELECT c.brand_id, date_bin('15 minutes', c.occurred_at, timestamptz '2000-01-01 00:00:00+00'), c.backfill,
         sum(c.sign),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'positive'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'neutral'), 0),
         coalesce(sum(c.sign) FILTER (WHERE c.label = 'negative'), 0),
         -- 'unknown' (a language without a scorer), and any label added later, until it gets its own column.
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
$$;

-- A link with everything its share needs from its mention.
CREATE FUNCTION brand_stat_change_of(link mention_brands, m mentions, sign integer) RETURNS brand_stat_change
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(link.brand_id, link.occurred_at, link.backfill, link.sentiment_label, m.reach, m.source_id,
             mention_site(m.url, m.source_id), m.lang, m.author, sign)::brand_stat_change
$$;

-- Links stored, relabelled or removed. A link removed because its mention was deleted has no mention left to join
-- here: mentions' own delete trigger has already taken its share out.
CREATE FUNCTION mention_brands_count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n JOIN mentions m ON m.id = n.mention_id));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o JOIN mentions m ON m.id = o.mention_id
      UNION ALL
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n JOIN mentions m ON m.id = n.mention_id));
  ELSE
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o JOIN mentions m ON m.id = o.mention_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER mention_brands_counted_on_insert AFTER INSERT ON mention_brands
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION mention_brands_count_changes();
CREATE TRIGGER mention_brands_counted_on_update AFTER UPDATE ON mention_brands
  REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION mention_brands_count_changes();
CREATE TRIGGER mention_brands_counted_on_delete AFTER DELETE ON mention_brands
  REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION mention_brands_count_changes();

-- A mention whose counted fields change moves its links' share to the new values.
CREATE FUNCTION mentions_count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM apply_brand_stat_changes(ARRAY(
    SELECT brand_stat_change_of(link, o, -1)
      FROM old_mentions o JOIN new_mentions n ON n.id = o.id JOIN mention_brands link ON link.mention_id = o.id
     WHERE (o.reach, o.lang, o.author, o.url, o.source_id) IS DISTINCT FROM (n.reach, n.lang, n.author, n.url, n.source_id)
    UNION ALL
    SELECT brand_stat_change_of(link, n, 1)
      FROM old_mentions o JOIN new_mentions n ON n.id = o.id JOIN mention_brands link ON link.mention_id = n.id
     WHERE (o.reach, o.lang, o.author, o.url, o.source_id) IS DISTINCT FROM (n.reach, n.lang, n.author, n.url, n.source_id)));
  RETURN NULL;
END
$$;

CREATE TRIGGER mentions_counted_on_update AFTER UPDATE ON mentions
  REFERENCING OLD TABLE AS old_mentions NEW TABLE AS new_mentions FOR EACH STATEMENT EXECUTE FUNCTION mentions_count_changes();

-- Before a mention goes, while its links are still there; the cascade that removes them then finds no mention.
CREATE FUNCTION mention_uncount() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM apply_brand_stat_changes(ARRAY(
    SELECT brand_stat_change_of(link, OLD, -1) FROM mention_brands link WHERE link.mention_id = OLD.id));
  RETURN OLD;
END
$$;

CREATE TRIGGER mentions_uncounted_on_delete BEFORE DELETE ON mentions FOR EACH ROW EXECUTE FUNCTION mention_uncount();

-- What was stored before these tables existed, a brand and a month at a time so no array grows with the history.
DO $$
DECLARE
  part record;
BEGIN
  FOR part IN SELECT DISTINCT brand_id, date_trunc('month', occurred_at, 'UTC') AS month FROM mention_brands LOOP
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(link, m, 1) FROM mention_brands link JOIN mentions m ON m.id = link.mention_id
       WHERE link.brand_id = part.brand_id
         AND link.occurred_at >= part.month AND link.occurred_at < part.month + interval '1 month'));
  END LOOP;
END
$$;
