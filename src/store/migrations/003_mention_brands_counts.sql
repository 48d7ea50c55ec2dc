-- The alerter counts a brand's mentions per bucket and per week on every tick. With the sentiment label and the
-- backfill flag copied next to (brand, time), those counts are one index-only range scan instead of a join with
-- the wide mentions table. Both are fixed when the mention is first stored, so the copies never go stale.
ALTER TABLE mention_brands ADD COLUMN sentiment_label text, ADD COLUMN backfill boolean;
UPDATE mention_brands mb SET sentiment_label = m.sentiment_label, backfill = m.backfill FROM mentions m WHERE m.id = mb.mention_id;
ALTER TABLE mention_brands ALTER COLUMN sentiment_label SET NOT NULL, ALTER COLUMN backfill SET NOT NULL;
CREATE INDEX mention_brands_counts ON mention_brands (brand_id, occurred_at) INCLUDE (sentiment_label, backfill);
