-- Grouped alerting: the rule episodes firing for one brand (by default) form one alert, told once per channel
-- (firing, updates as rules join, reminders, one resolved), acknowledged with a comment. Rule episodes gain a subject
-- (a rule may watch several things per brand, such as stories), when their signal began, what inhibits them and
-- the finding at their peak; messages become per alert and channel.

CREATE TABLE alert_groups (
  id          text PRIMARY KEY,
  -- What its episodes share, e.g. 'brand=acme'; 'legacy:<episode id>' for the alerts of episodes from before this.
  group_key   text NOT NULL,
  brand_id    text NOT NULL,
  status      text NOT NULL CHECK (status IN ('firing', 'resolved')),
  opened_at   timestamptz NOT NULL,
  -- When the buzz started: the earliest signal of its episodes, not when the alerter noticed.
  started_at  timestamptz NOT NULL,
  resolved_at timestamptz,
  acked_at    timestamptz,
  acked_by    text,
  ack_comment text,
  -- An alert made by this migration from one episode of before, whose messages have the old shape.
  legacy      boolean NOT NULL DEFAULT false
);
-- At most one open alert per key: a second alerter racing the first cannot open a duplicate.
CREATE UNIQUE INDEX alert_groups_one_open ON alert_groups (group_key) WHERE status = 'firing';
CREATE INDEX alert_groups_by_open ON alert_groups (opened_at DESC, id DESC);
CREATE INDEX alert_groups_by_brand ON alert_groups (brand_id, opened_at DESC, id DESC);

-- What each channel has been told about an alert.
CREATE TABLE alert_group_channels (
  group_id          text NOT NULL REFERENCES alert_groups (id) ON DELETE CASCADE,
  channel_id        text NOT NULL,
  heard             boolean NOT NULL DEFAULT false,
  named_episodes    text[] NOT NULL DEFAULT '{}',
  last_sent_at      timestamptz,
  messages          integer NOT NULL DEFAULT 0,
  silenced_recorded boolean NOT NULL DEFAULT false,
  firing_event_id   text,
  PRIMARY KEY (group_id, channel_id)
);

ALTER TABLE alert_episodes
  ADD COLUMN group_id          text REFERENCES alert_groups (id) ON DELETE CASCADE,
  ADD COLUMN subject           text NOT NULL DEFAULT '',
  ADD COLUMN signal_started_at timestamptz,
  ADD COLUMN inhibited_by      text,
  ADD COLUMN peak              jsonb;
DROP INDEX alert_episodes_one_open;
CREATE UNIQUE INDEX alert_episodes_one_open ON alert_episodes (rule_id, brand_id, subject) WHERE status = 'firing';
CREATE INDEX alert_episodes_by_group ON alert_episodes (group_id);

-- Messages are per alert and channel now; the episode link stays for the messages written before.
ALTER TABLE alert_events
  ALTER COLUMN episode_id DROP NOT NULL,
  ADD COLUMN group_id   text REFERENCES alert_groups (id) ON DELETE CASCADE,
  ADD COLUMN channel_id text,
  DROP CONSTRAINT alert_events_kind_check,
  ADD CONSTRAINT alert_events_kind_check CHECK (kind IN ('firing', 'update', 'reminder', 'resolved'));
CREATE INDEX alert_events_by_group ON alert_events (group_id, at);

-- Each episode from before becomes an alert of its own, under the same id (links in messages already sent keep
-- working), with its channels' state, so an open one goes on (reminders, one resolved) as it would have.
INSERT INTO alert_groups (id, group_key, brand_id, status, opened_at, started_at, resolved_at, acked_at, acked_by, legacy)
SELECT id, 'legacy:' || id, brand_id, status, started_at, started_at, resolved_at, acked_at, acked_by, true FROM alert_episodes;

UPDATE alert_episodes e
   SET group_id = e.id,
       signal_started_at = e.started_at,
       calm_since = CASE WHEN e.status = 'resolved' THEN coalesce(e.calm_since, e.resolved_at) ELSE e.calm_since END,
       latest = finding.value,
       peak = finding.value
  FROM (
    SELECT ep.id,
           jsonb_build_object(
             'subject', '', 'holds', true, 'fresh', true, 'signalStartMs', NULL,
             'counts', jsonb_build_object(
               'mentions', coalesce((ep.latest->>'mentions')::int, 0),
               'negative', coalesce((ep.latest->>'negative')::int, 0),
               'negativeShare', ep.latest->'negativeShare',
               'usualNegativeShare', ep.latest->'usualNegativeShare',
               'matching', coalesce((ep.latest->>'negative')::int, 0),
               'baseline', ep.latest->'baseline',
               'ratio', ep.latest->'ratio',
               'sites', coalesce((ep.latest->>'sources')::int, 0),
               'authors', 0),
             'summary', coalesce((SELECT ev.payload->>'summary' FROM alert_events ev WHERE ev.episode_id = ep.id ORDER BY ev.at LIMIT 1), ''),
             'figures', '[]'::jsonb,
             'headline', '') AS value
      FROM alert_episodes ep
  ) AS finding
 WHERE finding.id = e.id;

UPDATE alert_events SET group_id = episode_id;

INSERT INTO alert_group_channels (group_id, channel_id, heard, named_episodes, last_sent_at, messages, silenced_recorded, firing_event_id)
SELECT e.episode_id,
       d.channel_id,
       bool_or(d.status <> 'silenced'),
       ARRAY[e.episode_id],
       max(e.at) FILTER (WHERE d.status <> 'silenced'),
       count(*)::int,
       bool_or(d.status = 'silenced' AND e.kind = 'firing'),
       max(e.id) FILTER (WHERE e.kind = 'firing' AND d.status <> 'silenced')
  FROM alert_events e JOIN alert_deliveries d ON d.event_id = e.id
 GROUP BY e.episode_id, d.channel_id;

ALTER TABLE alert_episodes ALTER COLUMN group_id SET NOT NULL, ALTER COLUMN signal_started_at SET NOT NULL,
  ALTER COLUMN peak SET NOT NULL;
