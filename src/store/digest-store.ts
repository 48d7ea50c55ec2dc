// Digests in PostgreSQL (008_digests.sql): one summary per (digest, period), one delivery row per channel.
import type { Database } from './database.js';

export interface DigestDeliveryKey {
  digestId: string;
  /** The period's key: 2026-11-03, 2026-11. */
  period: string;
  channelId: string;
}

export type DigestDeliveryStatus = 'pending' | 'retrying' | 'sent' | 'failed';

/**
 * Writes the deliveries of a period that are not written yet and answers those this call wrote: of two alerters
 * scheduling the same period at once, only one gets them back (and queues them).
 */
export async function claimDigestDeliveries(database: Database, keys: readonly DigestDeliveryKey[], at: Date): Promise<DigestDeliveryKey[]> {
  if (keys.length === 0) return [];
  const { rows } = await database.query<{ digest_id: string; period: string; channel_id: string }>(
    `INSERT INTO digest_deliveries (digest_id, period, channel_id, created_at)
     SELECT * , $4::timestamptz FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT DO NOTHING
     RETURNING digest_id, period, channel_id`,
    [keys.map((key) => key.digestId), keys.map((key) => key.period), keys.map((key) => key.channelId), at],
  );
  return rows.map((row) => ({ digestId: row.digest_id, period: row.period, channelId: row.channel_id }));
}

export async function digestDeliveryStatus(database: Database, key: DigestDeliveryKey): Promise<DigestDeliveryStatus | null> {
  const { rows } = await database.query<{ status: DigestDeliveryStatus }>(
    'SELECT status FROM digest_deliveries WHERE digest_id = $1 AND period = $2 AND channel_id = $3',
    [key.digestId, key.period, key.channelId],
  );
  return rows[0]?.status ?? null;
}

export async function recordDigestAttempt(
  database: Database,
  key: DigestDeliveryKey,
  status: Exclude<DigestDeliveryStatus, 'pending'>,
  error: string | null,
): Promise<void> {
  await database.query(
    `UPDATE digest_deliveries
        SET status = $4, attempts = attempts + 1, last_error = $5, sent_at = CASE WHEN $4 = 'sent' THEN now() ELSE sent_at END
      WHERE digest_id = $1 AND period = $2 AND channel_id = $3 AND status <> 'sent'`,
    [key.digestId, key.period, key.channelId, status, error],
  );
}

/** Deliveries still pending (or retrying) that were written before `olderThan`: their job may have been lost. */
export async function unfinishedDigestDeliveries(database: Database, olderThan: Date): Promise<Array<DigestDeliveryKey & { createdAt: Date }>> {
  const { rows } = await database.query<{ digest_id: string; period: string; channel_id: string; created_at: Date }>(
    `SELECT digest_id, period, channel_id, created_at FROM digest_deliveries
      WHERE status IN ('pending', 'retrying') AND created_at < $1 ORDER BY created_at LIMIT 1000`,
    [olderThan],
  );
  return rows.map((row) => ({ digestId: row.digest_id, period: row.period, channelId: row.channel_id, createdAt: row.created_at }));
}

export async function abandonDigestDelivery(database: Database, key: DigestDeliveryKey, reason: string): Promise<void> {
  await database.query(
    `UPDATE digest_deliveries SET status = 'failed', last_error = $4
      WHERE digest_id = $1 AND period = $2 AND channel_id = $3 AND status IN ('pending', 'retrying')`,
    [key.digestId, key.period, key.channelId, reason],
  );
}

/**
 * The period's summary: the one written first if there is one, else `build`'s, written now. Every channel (and
 * every retry) of a period is sent the same figures, even when late mentions arrive in between.
 */
export async function digestSummaryOnce<Summary>(
  database: Database,
  key: { digestId: string; period: string; since: Date; until: Date },
  build: () => Promise<Summary>,
): Promise<Summary> {
  const read = async () => {
    const { rows } = await database.query<{ summary: Summary }>('SELECT summary FROM digest_periods WHERE digest_id = $1 AND period = $2', [
      key.digestId,
      key.period,
    ]);
    return rows[0]?.summary;
  };
  const stored = await read();
  if (stored !== undefined) return stored;
  const built = await build();
  await database.query(
    `INSERT INTO digest_periods (digest_id, period, since, until, summary) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [key.digestId, key.period, key.since, key.until, JSON.stringify(built)],
  );
  // Another worker may have written first: send what it wrote.
  return (await read()) ?? built;
}
