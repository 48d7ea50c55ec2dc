// The counts /metrics reads from PostgreSQL besides source health: open alert episodes, and alert and digest
// deliveries by status.
import type { Database } from './database.js';

export interface FiringCount {
  ruleId: string;
  brandId: string;
  count: number;
}

export interface DeliveryCount {
  channelId: string;
  status: string;
  count: number;
}

export async function firingEpisodeCounts(database: Database): Promise<FiringCount[]> {
  const { rows } = await database.query<{ rule_id: string; brand_id: string; count: number }>(
    `SELECT rule_id, brand_id, count(*)::int AS count FROM alert_episodes WHERE status = 'firing' GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows.map((row) => ({ ruleId: row.rule_id, brandId: row.brand_id, count: row.count }));
}

export async function deliveryStatusCounts(database: Database): Promise<DeliveryCount[]> {
  const { rows } = await database.query<{ channel_id: string; status: string; count: number }>(
    'SELECT channel_id, status, count(*)::int AS count FROM alert_deliveries GROUP BY 1, 2 ORDER BY 1, 2',
  );
  return rows.map((row) => ({ channelId: row.channel_id, status: row.status, count: row.count }));
}

export interface DigestDeliveryCount {
  digestId: string;
  channelId: string;
  status: string;
  count: number;
}

export async function digestDeliveryStatusCounts(database: Database): Promise<DigestDeliveryCount[]> {
  const { rows } = await database.query<{ digest_id: string; channel_id: string; status: string; count: number }>(
    'SELECT digest_id, channel_id, status, count(*)::int AS count FROM digest_deliveries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
  );
  return rows.map((row) => ({ digestId: row.digest_id, channelId: row.channel_id, status: row.status, count: row.count }));
}
