-- The rollup trigger on new mention links looks each link's mention up by its key, one index probe per link, instead
-- of joining the whole mentions table: with the few rows a batch inserts PostgreSQL could pick a merge join that sorts
-- every stored mention (or a hash join over all of them) at each statement, work growing with the table and not with
-- the batch (bench:e2e). OFFSET 0 keeps the lookup a subquery run per link, whatever the statistics say. The counts
-- are the same: a link matches exactly one mention (its foreign key), as before.
CREATE OR REPLACE FUNCTION mention_brands_count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n
       CROSS JOIN LATERAL (SELECT * FROM mentions m WHERE m.id = n.mention_id AND m.occurred_at = n.occurred_at OFFSET 0) m));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o
       CROSS JOIN LATERAL (SELECT * FROM mentions m WHERE m.id = o.mention_id AND m.occurred_at = o.occurred_at OFFSET 0) m
      UNION ALL
      SELECT brand_stat_change_of(n, m, 1) FROM new_links n
       CROSS JOIN LATERAL (SELECT * FROM mentions m WHERE m.id = n.mention_id AND m.occurred_at = n.occurred_at OFFSET 0) m));
  ELSE
    PERFORM apply_brand_stat_changes(ARRAY(
      SELECT brand_stat_change_of(o, m, -1) FROM old_links o
       CROSS JOIN LATERAL (SELECT * FROM mentions m WHERE m.id = o.mention_id AND m.occurred_at = o.occurred_at OFFSET 0) m));
  END IF;
  RETURN NULL;
END
$$;
