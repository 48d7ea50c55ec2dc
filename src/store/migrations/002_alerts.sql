-- Alerting: episodes (firing → reminders → resolved), the events of each, one delivery per (event, channel),
-- silences, and what every rule remembers (its spike detector's state) so a restart causes no blind warm-up.

CREATE TABLE alert_episodes (
  id               text PRIMARY KEY,
  rule_id          text NOT NULL,
  rule_type        text NOT NULL,
  brand_id         text NOT NULL,
  status           text NOT NULL CHECK (status IN ('firing', 'resolved')),
  started_at       timestamptz NOT NULL,
  resolved_at      timestamptz,
  -- When the signal last went back to normal while firing; null while it holds (hysteresis).
  calm_since       timestamptz,
  last_notified_at timestamptz NOT NULL,
  reminders        integer NOT NULL DEFAULT 0,
  acked_at         timestamptz,
  acked_by         text,
  -- The figures of the latest evaluation that held the episode, for the API.
  latest           jsonb NOT NULL DEFAULT '{}'
);
-- At most one open episode per rule and brand: a second alerter racing the first cannot open a duplicate.
CREATE UNIQUE INDEX alert_episodes_one_open ON alert_episodes (rule_id, brand_id) WHERE status = 'firing';
CREATE INDEX alert_episodes_by_start ON alert_episodes (started_at DESC, id DESC);
CREATE INDEX alert_episodes_by_brand ON alert_episodes (brand_id, started_at DESC, id DESC);

CREATE TABLE alert_events (
  id         text PRIMARY KEY,
  episode_id text NOT NULL REFERENCES alert_episodes (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('firing', 'reminder', 'resolved')),
  at         timestamptz NOT NULL,
  -- The AlertEvent every notifier formats; kept so that a retry sends the very same message.
  payload    jsonb NOT NULL,
  silenced_by text
);
CREATE INDEX alert_events_by_episode ON alert_events (episode_id, at);

CREATE TABLE alert_deliveries (
  event_id        text NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
  channel_id      text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'silenced')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  last_attempt_at timestamptz,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, channel_id)
);
CREATE INDEX alert_deliveries_unfinished ON alert_deliveries (created_at) WHERE status IN ('pending', 'retrying');

CREATE TABLE alert_silences (
  id         text PRIMARY KEY,
  brand_id   text,
  rule_id    text,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  comment    text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_silences_by_end ON alert_silences (ends_at);

-- What each (rule, brand) remembers between ticks: since when it watches, and its spike detector's state.
CREATE TABLE alert_rule_memory (
  rule_id    text NOT NULL,
  brand_id   text NOT NULL,
  memory     jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, brand_id)
);
