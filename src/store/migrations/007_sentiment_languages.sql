-- Sentiment per language (issue 9): `unknown` for a language without a scorer (score null), the model's own label
-- kept beside the effective one, a manual override with who set it and when, and the scorer version that labelled
-- each mention (`buzzwatch rescore` relabels older ones). sentiment_label stays the effective label, in mentions and
-- in mention_brands, so that every filter and count reads one column.
ALTER TABLE mentions DROP CONSTRAINT mentions_sentiment_label_check;
ALTER TABLE mentions
  ADD CONSTRAINT mentions_sentiment_label_check CHECK (sentiment_label IN ('positive', 'neutral', 'negative', 'unknown')),
  ALTER COLUMN sentiment_score DROP NOT NULL,
  ADD COLUMN model_sentiment_label text CHECK (model_sentiment_label IN ('positive', 'neutral', 'negative', 'unknown')),
  ADD COLUMN sentiment_version integer NOT NULL DEFAULT 1,
  ADD COLUMN sentiment_override text CHECK (sentiment_override IN ('positive', 'neutral', 'negative')),
  ADD COLUMN sentiment_override_by text,
  ADD COLUMN sentiment_override_at timestamptz;
UPDATE mentions SET model_sentiment_label = sentiment_label;
ALTER TABLE mentions ALTER COLUMN model_sentiment_label SET NOT NULL, ALTER COLUMN sentiment_version DROP DEFAULT;

CREATE INDEX mentions_by_lang_time ON mentions (lang, occurred_at DESC, id DESC);
-- What `buzzwatch rescore` walks: mentions labelled by another scorer version, oldest first.
CREATE INDEX mentions_by_sentiment_version ON mentions (sentiment_version, occurred_at, id);
