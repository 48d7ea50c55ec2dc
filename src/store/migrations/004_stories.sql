-- Stories: the mentions of one brand that tell the same news (src/stories/). A mention's story for each of its
-- brands is on its mention_brands row; the sites that carried a story, and when each first did, in story_sites.

CREATE TABLE stories (
  id                text PRIMARY KEY,
  brand_id          text NOT NULL,
  -- The representative headline: the one most like the story when it joined.
  title             text NOT NULL,
  first_seen_at     timestamptz NOT NULL,
  last_seen_at      timestamptz NOT NULL,
  mentions          integer NOT NULL,
  negative_mentions integer NOT NULL DEFAULT 0,
  positive_mentions integer NOT NULL DEFAULT 0,
  sites             integer NOT NULL DEFAULT 0,
  first_site        text,
  -- Open stories can still gain mentions; their assignment state (centroid terms) is kept in `centroid` until they
  -- close, when it is dropped.
  open              boolean NOT NULL DEFAULT true,
  centroid          jsonb
);
CREATE INDEX stories_open ON stories (brand_id) WHERE open;
-- The list's three orders (recent, spread, size), each for all brands and for one brand.
CREATE INDEX stories_recent ON stories (last_seen_at DESC, id DESC);
CREATE INDEX stories_brand_recent ON stories (brand_id, last_seen_at DESC, id DESC);
CREATE INDEX stories_spread ON stories (sites DESC, id DESC);
CREATE INDEX stories_brand_spread ON stories (brand_id, sites DESC, id DESC);
CREATE INDEX stories_size ON stories (mentions DESC, id DESC);
CREATE INDEX stories_brand_size ON stories (brand_id, mentions DESC, id DESC);

CREATE TABLE story_sites (
  story_id         text NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  site             text NOT NULL,
  first_seen_at    timestamptz NOT NULL,
  first_mention_id text NOT NULL,
  mentions         integer NOT NULL,
  PRIMARY KEY (story_id, site)
);

ALTER TABLE mention_brands ADD COLUMN story_id text;
CREATE INDEX mention_brands_by_story ON mention_brands (story_id, occurred_at DESC, mention_id DESC) WHERE story_id IS NOT NULL;
