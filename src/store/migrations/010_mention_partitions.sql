-- Mentions and their brand links partitioned by the UTC month of occurred_at (issue 13, retention at scale), so that
-- retention drops whole months and time-filtered queries read only the months they ask for.
--
-- A mention is stored exactly once (DESIGN.md invariant 1). A partitioned table's unique keys must contain its
-- partition key, and a redelivered mention may arrive with another occurred_at (a re-polled item without a
-- publication date gets a new seen_at), so (id, occurred_at) alone could hold one id twice. The unique id lives in
-- mention_ids, one small unpartitioned row per mention, which fixes the id's occurred_at for good:
--   * mention_ids.id is the primary key: an id is claimed once (INSERT ... ON CONFLICT (id) DO NOTHING);
--   * mentions (id, occurred_at) and mention_brands (mention_id, occurred_at) reference mention_ids (id, occurred_at):
--     a mention row can only carry the occurred_at its id was claimed with, and with the primary key
--     (id, occurred_at) of mentions there is at most one mention row per id, whatever the time of a later delivery.
-- Deleting a key deletes its mention and links (cascade); deleting a mention releases its key (trigger below).
-- Nothing references the partitioned tables, so a month's partitions detach and drop without a foreign-key scan.
--
-- A DEFAULT partition takes rows of months that have no partition yet, so an insert never fails; the maintenance job
-- (src/store/mention-partitions.ts) creates the coming months ahead, and create_mention_partition moves a month's
-- rows out of the default when its partition comes after them.

CREATE TABLE mention_ids (
  id          text PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  -- What the partitioned tables reference: an id together with the one time it counts at.
  UNIQUE (id, occurred_at)
);
INSERT INTO mention_ids (id, occurred_at) SELECT id, occurred_at FROM mentions;

ALTER TABLE mentions RENAME TO mentions_unpartitioned;
ALTER TABLE mention_brands RENAME TO mention_brands_unpartitioned;

CREATE TABLE mentions (
  id                    text NOT NULL,
  source_id             text NOT NULL,
  source_type           text NOT NULL,
  external_id           text,
  url                   text,
  title                 text,
  content               text NOT NULL,
  author                text,
  lang                  text,
  published_at          timestamptz,
  seen_at               timestamptz NOT NULL,
  -- The time a mention counts at: published_at clamped to seen_at, else seen_at. Fixed by mention_ids.
  occurred_at           timestamptz NOT NULL,
  backfill              boolean NOT NULL DEFAULT false,
  reach                 double precision,
  sentiment_label       text NOT NULL CONSTRAINT mentions_sentiment_label_check
                          CHECK (sentiment_label IN ('positive', 'neutral', 'negative', 'unknown')),
  sentiment_score       real,
  search                tsvector NOT NULL,
  model_sentiment_label text NOT NULL CONSTRAINT mentions_model_sentiment_label_check
                          CHECK (model_sentiment_label IN ('positive', 'neutral', 'negative', 'unknown')),
  sentiment_version     integer NOT NULL,
  sentiment_override    text CONSTRAINT mentions_sentiment_override_check
                          CHECK (sentiment_override IN ('positive', 'neutral', 'negative')),
  sentiment_override_by text,
  sentiment_override_at timestamptz
) PARTITION BY RANGE (occurred_at);

CREATE TABLE mention_brands (
  mention_id      text NOT NULL,
  brand_id        text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  sentiment_label text NOT NULL,
  backfill        boolean NOT NULL,
  story_id        text
) PARTITION BY RANGE (occurred_at);

CREATE TABLE mentions_default PARTITION OF mentions DEFAULT;
CREATE TABLE mention_brands_default PARTITION OF mention_brands DEFAULT;

-- The first instant of the UTC month that `at` falls in, and of the month after.
CREATE FUNCTION mention_month_start(at timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';

CREATE FUNCTION mention_month_end(at timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (date_trunc('month', at AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';

-- The month's partitions of mentions and mention_brands (named mentions_pYYYYMM, mention_brands_pYYYYMM); false when
-- they exist already. Rows of that month in the DEFAULT partitions are taken out and stored again in the new ones:
-- their keys are deleted (the rollup triggers subtract them) and everything is inserted again (the triggers add them
-- back), so rollups stay exact. Callers serialise on the maintenance lock; the DDL locks both tables briefly.
CREATE FUNCTION create_mention_partition(month timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  start_at timestamptz := mention_month_start(month);
  end_at   timestamptz := mention_month_end(month);
  suffix   text := to_char(start_at AT TIME ZONE 'UTC', 'YYYYMM');
  waiting  boolean;
BEGIN
  IF to_regclass(format('public.%I', 'mentions_p' || suffix)) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- Creating a partition locks its parent anyway; taken first (in the order inserts take them) so that no row arrives
  -- in the default partition between the look below and the move.
  LOCK TABLE mentions, mention_brands IN ACCESS EXCLUSIVE MODE;
  waiting := EXISTS (SELECT 1 FROM mentions_default WHERE occurred_at >= start_at AND occurred_at < end_at)
          OR EXISTS (SELECT 1 FROM mention_brands_default WHERE occurred_at >= start_at AND occurred_at < end_at);
  IF waiting THEN
    CREATE TEMP TABLE moving_mentions AS SELECT * FROM mentions_default WHERE occurred_at >= start_at AND occurred_at < end_at;
    CREATE TEMP TABLE moving_links AS SELECT * FROM mention_brands_default WHERE occurred_at >= start_at AND occurred_at < end_at;
    DELETE FROM mention_ids WHERE occurred_at >= start_at AND occurred_at < end_at
      AND id IN (SELECT id FROM moving_mentions UNION SELECT mention_id FROM moving_links);
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF mentions FOR VALUES FROM (%L) TO (%L)', 'mentions_p' || suffix, start_at, end_at);
  EXECUTE format('CREATE TABLE %I PARTITION OF mention_brands FOR VALUES FROM (%L) TO (%L)', 'mention_brands_p' || suffix, start_at, end_at);
  IF waiting THEN
    INSERT INTO mention_ids (id, occurred_at) SELECT id, occurred_at FROM moving_mentions;
    INSERT INTO mentions SELECT * FROM moving_mentions;
    INSERT INTO mention_brands SELECT * FROM moving_links;
    DROP TABLE moving_mentions, moving_links;
  END IF;
  RETURN true;
END
$$;

-- Every month that holds a mention, up to two months ahead of now (stepped in UTC: a month is not a fixed interval).
DO $$
BEGIN
  PERFORM create_mention_partition(month AT TIME ZONE 'UTC')
     FROM generate_series(
            date_trunc('month', coalesce((SELECT min(occurred_at) FROM mentions_unpartitioned), now()) AT TIME ZONE 'UTC'),
            now() AT TIME ZONE 'UTC' + interval '2 months',
            interval '1 month') AS month;
END
$$;

-- The rows move as they are: no trigger exists on the new tables yet, so the rollups (already exact) are untouched.
INSERT INTO mentions (id, source_id, source_type, external_id, url, title, content, author, lang, published_at, seen_at,
                      occurred_at, backfill, reach, sentiment_label, sentiment_score, search, model_sentiment_label,
                      sentiment_version, sentiment_override, sentiment_override_by, sentiment_override_at)
SELECT id, source_id, source_type, external_id, url, title, content, author, lang, published_at, seen_at,
       occurred_at, backfill, reach, sentiment_label, sentiment_score, search, model_sentiment_label,
       sentiment_version, sentiment_override, sentiment_override_by, sentiment_override_at
  FROM mentions_unpartitioned;
-- A link's time is its mention's (as it always was copied); taken from the mention so the foreign key holds.
INSERT INTO mention_brands (mention_id, brand_id, occurred_at, sentiment_label, backfill, story_id)
SELECT mb.mention_id, mb.brand_id, m.occurred_at, mb.sentiment_label, mb.backfill, mb.story_id
  FROM mention_brands_unpartitioned mb JOIN mentions_unpartitioned m ON m.id = mb.mention_id;

-- Takes the old tables' triggers and brand_stat_change_of (typed with their rows) with them; both come back below.
DROP TABLE mention_brands_unpartitioned, mentions_unpartitioned CASCADE;

-- Built after the rows are in: one sort per partition instead of index maintenance per row.
ALTER TABLE mentions ADD PRIMARY KEY (id, occurred_at),
  ADD CONSTRAINT mentions_key_fkey FOREIGN KEY (id, occurred_at) REFERENCES mention_ids (id, occurred_at) ON DELETE CASCADE;
CREATE INDEX mentions_by_time ON mentions (occurred_at DESC, id DESC);
CREATE INDEX mentions_by_source_time ON mentions (source_id, occurred_at DESC, id DESC);
CREATE INDEX mentions_search ON mentions USING gin (search);
CREATE INDEX mentions_by_lang_time ON mentions (lang, occurred_at DESC, id DESC);
CREATE INDEX mentions_by_sentiment_version ON mentions (sentiment_version, occurred_at, id);

ALTER TABLE mention_brands ADD PRIMARY KEY (mention_id, brand_id, occurred_at),
  ADD CONSTRAINT mention_brands_key_fkey FOREIGN KEY (mention_id, occurred_at)
    REFERENCES mention_ids (id, occurred_at) ON DELETE CASCADE;
CREATE INDEX mention_brands_by_brand_time ON mention_brands (brand_id, occurred_at DESC, mention_id DESC);
CREATE INDEX mention_brands_counts ON mention_brands (brand_id, occurred_at) INCLUDE (sentiment_label, backfill);
CREATE INDEX mention_brands_by_story ON mention_brands (story_id, occurred_at DESC, mention_id DESC) WHERE story_id IS NOT NULL;

-- The rollup triggers of 006_brand_stats.sql on the new tables. Joins between a link and its mention match on
-- occurred_at as well as the id, so each probe reads one partition.
CREATE FUNCTION brand_stat_change_of(link mention_brands, m mentions, sign integer) RETURNS brand_stat_change
LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(link.brand_id, link.occurred_at, link.backfill, link.sentiment_label, m.reach, m.source_id,
             mention_site(m.url, m.source_id), m.lang, m.author, sign)::brand_stat_change
$$;

CREATE OR REPLACE FUNCTION mention_brands_count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n
        JOIN mentions m ON m.id = n.mention_id AND m.occurred_at = n.occurred_at));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o
        JOIN mentions m ON m.id = o.mention_id AND m.occurred_at = o.occurred_at
      UNION ALL
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n
        JOIN mentions m ON m.id = n.mention_id AND m.occurred_at = n.occurred_at));
  ELSE
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o
        JOIN mentions m ON m.id = o.mention_id AND m.occurred_at = o.occurred_at));
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

CREATE OR REPLACE FUNCTION mentions_count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM apply_brand_stat_changes(ARRAY(
    SELECT brand_stat_change_of(link, o, -1)
      FROM old_mentions o JOIN new_mentions n ON n.id = o.id
      JOIN mention_brands link ON link.mention_id = o.id AND link.occurred_at = o.occurred_at
     WHERE (o.reach, o.lang, o.author, o.url, o.source_id) IS DISTINCT FROM (n.reach, n.lang, n.author, n.url, n.source_id)
    UNION ALL
    SELECT brand_stat_change_of(link, n, 1)
      FROM old_mentions o JOIN new_mentions n ON n.id = o.id
      JOIN mention_brands link ON link.mention_id = n.id AND link.occurred_at = n.occurred_at
     WHERE (o.reach, o.lang, o.author, o.url, o.source_id) IS DISTINCT FROM (n.reach, n.lang, n.author, n.url, n.source_id)));
  RETURN NULL;
END
$$;

CREATE TRIGGER mentions_counted_on_update AFTER UPDATE ON mentions
  REFERENCING OLD TABLE AS old_mentions NEW TABLE AS new_mentions FOR EACH STATEMENT EXECUTE FUNCTION mentions_count_changes();

CREATE OR REPLACE FUNCTION mention_uncount() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM apply_brand_stat_changes(ARRAY(
    SELECT brand_stat_change_of(link, OLD, -1) FROM mention_brands link
     WHERE link.mention_id = OLD.id AND link.occurred_at = OLD.occurred_at));
  RETURN OLD;
END
$$;

CREATE TRIGGER mentions_uncounted_on_delete BEFORE DELETE ON mentions FOR EACH ROW EXECUTE FUNCTION mention_uncount();

-- A mention deleted by itself releases its id, which takes its links along (cascade); the id could be stored again.
CREATE FUNCTION mention_release_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM mention_ids k USING gone_mentions g WHERE k.id = g.id AND k.occurred_at = g.occurred_at;
  RETURN NULL;
END
$$;

CREATE TRIGGER mentions_release_keys_on_delete AFTER DELETE ON mentions
  REFERENCING OLD TABLE AS gone_mentions FOR EACH STATEMENT EXECUTE FUNCTION mention_release_keys();
