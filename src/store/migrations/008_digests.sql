-- Digests: the summary of each (digest, period) is written once and every channel is sent that same text, and
-- each channel's delivery is one row, so a restarted or second alerter, or a removed job, never sends one twice.

CREATE TABLE digest_periods (
  digest_id   text NOT NULL,
  -- The period's key in the digest's time zone: 2026-11-03 (a day, or the Monday of a week), 2026-11 (a month).
  period      text NOT NULL,
  since       timestamptz NOT NULL,
  until       timestamptz NOT NULL,
  summary     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest_id, period)
);

CREATE TABLE digest_deliveries (
  digest_id   text NOT NULL,
  period      text NOT NULL,
  channel_id  text NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'sent', 'failed')),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz,
  PRIMARY KEY (digest_id, period, channel_id)
);
-- The alerter's look for deliveries whose job may have been lost.
CREATE INDEX digest_deliveries_unfinished ON digest_deliveries (created_at) WHERE status IN ('pending', 'retrying');
