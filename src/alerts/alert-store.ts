// Episodes, events, deliveries, silences and rule memory in PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { Database, DatabaseClient } from '../store/database.js';
import type { AlertEvent, RuleType } from './alert-event.js';
import type { OpenEpisode } from './episode-step.js';
import type { SpikeMemory } from './spike-memory.js';

export interface RuleMemory {
  watchingSinceMs: number;
  spike: SpikeMemory | null;
}

const memoryKey = (ruleId: string, brandId: string) => `${ruleId}\u0000${brandId}`;

export async function loadRuleMemories(database: Database): Promise<Map<string, RuleMemory>> {
  const { rows } = await database.query<{ rule_id: string; brand_id: string; memory: RuleMemory }>(
    'SELECT rule_id, brand_id, memory FROM alert_rule_memory',
  );
  return new Map(rows.map((row) => [memoryKey(row.rule_id, row.brand_id), row.memory]));
}

export function ruleMemoryOf(memories: Map<string, RuleMemory>, ruleId: string, brandId: string): RuleMemory | null {
  return memories.get(memoryKey(ruleId, brandId)) ?? null;
}

export async function saveRuleMemory(database: Database, ruleId: string, brandId: string, memory: RuleMemory): Promise<void> {
  await database.query(
    `INSERT INTO alert_rule_memory (rule_id, brand_id, memory) VALUES ($1, $2, $3)
     ON CONFLICT (rule_id, brand_id) DO UPDATE SET memory = EXCLUDED.memory, updated_at = now()`,
    [ruleId, brandId, JSON.stringify(memory)],
  );
}

export interface OpenEpisodeRecord extends OpenEpisode {
  ruleId: string;
  brandId: string;
  /** Every event so far was silenced: nobody has heard of this episode. */
  unheard: boolean;
}

export async function loadOpenEpisodes(database: Database): Promise<Map<string, OpenEpisodeRecord>> {
  const { rows } = await database.query<{
    id: string;
    rule_id: string;
    brand_id: string;
    started_at: Date;
    last_notified_at: Date;
    calm_since: Date | null;
    reminders: number;
    acked_at: Date | null;
    unheard: boolean;
  }>(`SELECT id, rule_id, brand_id, started_at, last_notified_at, calm_since, reminders, acked_at,
             NOT EXISTS (SELECT 1 FROM alert_events e JOIN alert_deliveries d ON d.event_id = e.id
                          WHERE e.episode_id = alert_episodes.id AND d.status <> 'silenced') AS unheard
        FROM alert_episodes WHERE status = 'firing'`);
  return new Map(
    rows.map((row) => [
      memoryKey(row.rule_id, row.brand_id),
      {
        id: row.id,
        ruleId: row.rule_id,
        brandId: row.brand_id,
        startedAtMs: row.started_at.getTime(),
        lastNotifiedAtMs: row.last_notified_at.getTime(),
        calmSinceMs: row.calm_since?.getTime() ?? null,
        reminders: row.reminders,
        acked: row.acked_at !== null,
        unheard: row.unheard,
      },
    ]),
  );
}

export function openEpisodeOf(episodes: Map<string, OpenEpisodeRecord>, ruleId: string, brandId: string) {
  return episodes.get(memoryKey(ruleId, brandId)) ?? null;
}

export async function recordCalm(database: Database, episodeId: string, calmSinceMs: number | null, latest: unknown) {
  await database.query('UPDATE alert_episodes SET calm_since = $2, latest = $3 WHERE id = $1', [
    episodeId,
    calmSinceMs === null ? null : new Date(calmSinceMs),
    JSON.stringify(latest),
  ]);
}

/** The silence covering this brand and rule at this moment, if any. */
export async function activeSilenceId(
  client: DatabaseClient | Database,
  brandId: string,
  ruleId: string,
  at: Date,
): Promise<string | null> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM alert_silences
      WHERE starts_at <= $3 AND ends_at > $3 AND (brand_id IS NULL OR brand_id = $1) AND (rule_id IS NULL OR rule_id = $2)
      ORDER BY ends_at DESC LIMIT 1`,
    [brandId, ruleId, at],
  );
  return rows[0]?.id ?? null;
}

export interface TransitionRecord {
  event: AlertEvent;
  ruleType: RuleType;
  channelIds: string[];
  latest: unknown;
}

/**
 * Writes one transition in one transaction: the episode row, its event and one delivery per channel (pending, or
 * silenced). Returns the deliveries to enqueue. A firing for a rule and brand that already has an open episode (a
 * second alerter racing this one) is refused by the unique index and returns nothing.
 */
export async function recordTransition(client: DatabaseClient, record: TransitionRecord): Promise<string[]> {
  const { event } = record;
  const at = new Date(event.at);
  if (event.kind === 'firing') {
    const inserted = await client.query(
      `INSERT INTO alert_episodes (id, rule_id, rule_type, brand_id, status, started_at, last_notified_at, latest)
       VALUES ($1, $2, $3, $4, 'firing', $5, $5, $6) ON CONFLICT DO NOTHING`,
      [event.episodeId, event.rule.id, record.ruleType, event.brand.id, at, JSON.stringify(record.latest)],
    );
    if (inserted.rowCount === 0) return [];
  } else if (event.kind === 'reminder') {
    await client.query(
      `UPDATE alert_episodes SET last_notified_at = $2, reminders = reminders + 1, calm_since = NULL, latest = $3 WHERE id = $1`,
      [event.episodeId, at, JSON.stringify(record.latest)],
    );
  } else {
    await client.query(`UPDATE alert_episodes SET status = 'resolved', resolved_at = $2, latest = $3 WHERE id = $1`, [
      event.episodeId,
      at,
      JSON.stringify(record.latest),
    ]);
  }
  const silenceId = await eventSilence(client, event);
  await client.query('INSERT INTO alert_events (id, episode_id, kind, at, payload, silenced_by) VALUES ($1, $2, $3, $4, $5, $6)', [
    event.eventId,
    event.episodeId,
    event.kind,
    at,
    JSON.stringify(event),
    silenceId,
  ]);
  if (record.channelIds.length > 0) {
    await client.query(
      `INSERT INTO alert_deliveries (event_id, channel_id, status, created_at)
       SELECT $1, channel_id, $3, $4 FROM unnest($2::text[]) AS channel_id`,
      [event.eventId, record.channelIds, silenceId === null ? 'pending' : 'silenced', at],
    );
  }
  return silenceId === null ? record.channelIds : [];
}

// A resolved event goes where the episode was heard: if every earlier event was silenced, nobody needs to hear it
// has ended; if a firing or reminder reached anyone (say after the silence ended), they must hear it too.
async function eventSilence(client: DatabaseClient, event: AlertEvent): Promise<string | null> {
  const silence = await activeSilenceId(client, event.brand.id, event.rule.id, new Date(event.at));
  if (silence !== null || event.kind !== 'resolved') return silence;
  const { rows } = await client.query<{ silenced_by: string | null; heard: boolean }>(
    `SELECT (SELECT silenced_by FROM alert_events WHERE episode_id = $1 AND kind = 'firing') AS silenced_by,
            EXISTS (SELECT 1 FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id
                     WHERE e.episode_id = $1 AND d.status <> 'silenced') AS heard`,
    [event.episodeId],
  );
  const row = rows[0];
  return row === undefined || row.heard ? null : row.silenced_by;
}

export interface DeliveryRecord {
  eventId: string;
  channelId: string;
  status: 'pending' | 'retrying' | 'sent' | 'failed' | 'silenced';
  attempts: number;
  lastError: string | null;
}

export async function findDelivery(database: Database, eventId: string, channelId: string) {
  const { rows } = await database.query<{ status: DeliveryRecord['status']; attempts: number; payload: AlertEvent }>(
    `SELECT d.status, d.attempts, e.payload FROM alert_deliveries d JOIN alert_events e ON e.id = d.event_id
      WHERE d.event_id = $1 AND d.channel_id = $2`,
    [eventId, channelId],
  );
  return rows[0] ?? null;
}

export async function recordAttempt(
  database: Database,
  eventId: string,
  channelId: string,
  status: 'retrying' | 'sent' | 'failed',
  error: string | null,
): Promise<void> {
  await database.query(
    `UPDATE alert_deliveries
        SET status = $3, attempts = attempts + 1, last_error = $4, last_attempt_at = now(),
            sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
      WHERE event_id = $1 AND channel_id = $2 AND status NOT IN ('sent', 'silenced')`,
    [eventId, channelId, status, error],
  );
}

/**
 * Deliveries written but still pending after a while: the alerter died between COMMIT and enqueueing, or the notify
 * job ran out of attempts without reaching PostgreSQL to record why.
 */
export async function unfinishedDeliveries(
  database: Database,
  olderThan: Date,
): Promise<{ eventId: string; channelId: string; createdAt: Date }[]> {
  const { rows } = await database.query<{ event_id: string; channel_id: string; created_at: Date }>(
    `SELECT event_id, channel_id, created_at FROM alert_deliveries
      WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 1000`,
    [olderThan],
  );
  return rows.map((row) => ({ eventId: row.event_id, channelId: row.channel_id, createdAt: row.created_at }));
}

/** Gives up on a delivery (too old to be news); the reason shows in /v1/alerts. */
export async function abandonDelivery(database: Database, eventId: string, channelId: string, reason: string): Promise<void> {
  await database.query(
    `UPDATE alert_deliveries SET status = 'failed', last_error = $3 WHERE event_id = $1 AND channel_id = $2 AND status = 'pending'`,
    [eventId, channelId, reason],
  );
}

/**
 * Resolves open episodes of rules or brands no longer in the config: nothing evaluates them any more, and an
 * episode firing forever would stay on every dashboard. No message is sent (the rule that would send it is gone).
 */
export async function closeOrphanedEpisodes(database: Database, configured: { ruleId: string; brandId: string }[], at: Date): Promise<number> {
  const { rowCount } = await database.query(
    `UPDATE alert_episodes
        SET status = 'resolved', resolved_at = $3, latest = latest || '{"closed":"its rule or brand is no longer configured"}'
      WHERE status = 'firing'
        AND (rule_id, brand_id) NOT IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [configured.map((pair) => pair.ruleId), configured.map((pair) => pair.brandId), at],
  );
  return rowCount ?? 0;
}

export interface SilenceInput {
  brandId: string | null;
  ruleId: string | null;
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy: string;
}

export async function createSilence(database: Database, input: SilenceInput): Promise<string> {
  const id = `sil_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await database.query(
    `INSERT INTO alert_silences (id, brand_id, rule_id, starts_at, ends_at, comment, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, input.brandId, input.ruleId, input.startsAt, input.endsAt, input.comment, input.createdBy],
  );
  return id;
}

