-- Mentions, their brand links, and per-source poll state and health.

CREATE TABLE mentions (
  id              text PRIMARY KEY,
  source_id       text NOT NULL,
  source_type     text NOT NULL,
  external_id     text,
  url             text,
  title           text,
  content         text NOT NULL,
  author          text,
  lang            text,
  published_at    timestamptz,
  seen_at         timestamptz NOT NULL,
  -- The time a mention counts at: published_at clamped to seen_at (a feed cannot publish in the future), else seen_at.
  occurred_at     timestamptz NOT NULL,
  backfill        boolean NOT NULL DEFAULT false,
  reach           double precision,
  sentiment_label text NOT NULL CHECK (sentiment_label IN ('positive', 'neutral', 'negative')),
  sentiment_score real NOT NULL,
  -- Built from case- and diacritic-folded title and text, so q=lodz finds "Łódź" as brand matching does.
  search          tsvector NOT NULL
);

CREATE INDEX mentions_by_time ON mentions (occurred_at DESC, id DESC);
CREATE INDEX mentions_by_source_time ON mentions (source_id, occurred_at DESC, id DESC);
CREATE INDEX mentions_search ON mentions USING gin (search);

CREATE TABLE mention_brands (
  mention_id  text NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  brand_id    text NOT NULL,
  -- Copied from mentions so that a brand's history is one index range scan.
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (mention_id, brand_id)
);

CREATE INDEX mention_brands_by_brand_time ON mention_brands (brand_id, occurred_at DESC, mention_id DESC);

-- Kept up to date by every insert, so GET /v1/brands does not count all of mention_brands on each request.
CREATE TABLE brand_totals (
  brand_id        text PRIMARY KEY,
  mentions_total  bigint NOT NULL DEFAULT 0,
  last_mention_at timestamptz
);

CREATE TABLE sources (
  id                   text PRIMARY KEY,
  type                 text NOT NULL,
  -- What the source remembers between polls (ETag, Last-Modified, cursors); opaque to everything but the source.
  state                jsonb NOT NULL DEFAULT '{}',
  -- Hash of the config that decides what is fetched (url, query...): when it changes, state and backfill restart.
  config_fingerprint   text,
  -- Null until the first successful poll; that poll's items are marked backfill.
  first_ok_at          timestamptz,
  last_polled_at       timestamptz,
  last_ok_at           timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  last_error_kind      text,
  -- Scheduled polls before this time are skipped (back-off after failures, or the remote asked us to wait).
  retry_at             timestamptz,
  mentions_total       bigint NOT NULL DEFAULT 0,
  last_mention_seen_at timestamptz
);
