// The alerter's tables: rule memory, episodes, alerts (groups of episodes), their messages and one delivery per
// message, per-channel state, and silences. A tick's plan for a brand is written in one transaction, one statement
// per table.
import { randomUUID } from 'node:crypto';
import type { AlertEvent } from '../alerts/alert-event.js';
import type { AlertRecord, BrandTickPlan, EpisodeRecord, SilenceRecord } from '../alerts/brand-tick.js';
import type { ChannelState } from '../alerts/channel-step.js';
import type { RuleFinding } from '../alerts/rules/rule-kind.js';
import type { Database, DatabaseClient } from './database.js';

export interface RuleMemory {
  watchingSinceMs: number;
  /** What the rule type handed back last time (a detector's state), as JSON. */
  state: unknown;
}

const memoryKey = (ruleId: string, brandId: string) => `${ruleId}\u0000${brandId}`;

export async function loadRuleMemories(database: Database): Promise<Map<string, RuleMemory>> {
  const { rows } = await database.query<{ rule_id: string; brand_id: string; memory: { watchingSinceMs: number; state?: unknown } }>(
    'SELECT rule_id, brand_id, memory FROM alert_rule_memory',
  );
  return new Map(
    rows.map((row) => [memoryKey(row.rule_id, row.brand_id), { watchingSinceMs: row.memory.watchingSinceMs, state: row.memory.state ?? null }]),
  );
}

export function ruleMemoryOf(memories: Map<string, RuleMemory>, ruleId: string, brandId: string): RuleMemory | null {
  return memories.get(memoryKey(ruleId, brandId)) ?? null;
}

interface EpisodeRow {
  id: string;
  rule_id: string;
  rule_type: string;
  brand_id: string;
  subject: string;
  group_id: string;
  status: 'firing' | 'resolved';
  started_at: Date;
  signal_started_at: Date;
  calm_since: Date | null;
  resolved_at: Date | null;
  inhibited_by: string | null;
  latest: RuleFinding;
  peak: RuleFinding;
}

interface AlertRow {
  id: string;
  group_key: string;
  brand_id: string;
  opened_at: Date;
  started_at: Date;
  acked_at: Date | null;
  channels: ChannelRow[] | null;
}

interface ChannelRow {
  channel_id: string;
  heard: boolean;
  named_episodes: string[];
  last_sent_at: string | null;
  messages: number;
  silenced_recorded: boolean;
  firing_event_id: string | null;
}

/** The open alerts with their per-channel state, and every episode that belongs to one. */
export async function loadOpenAlerts(database: Database): Promise<{ alerts: AlertRecord[]; episodes: EpisodeRecord[] }> {
  const [alerts, episodes] = await Promise.all([
    database.query<AlertRow>(
      `SELECT g.id, g.group_key, g.brand_id, g.opened_at, g.started_at, g.acked_at,
              (SELECT json_agg(c) FROM alert_group_channels c WHERE c.group_id = g.id) AS channels
         FROM alert_groups g WHERE g.status = 'firing'`,
    ),
    database.query<EpisodeRow>(
      `SELECT e.id, e.rule_id, e.rule_type, e.brand_id, e.subject, e.group_id, e.status, e.started_at, e.signal_started_at,
              e.calm_since, e.resolved_at, e.inhibited_by, e.latest, e.peak
         FROM alert_episodes e JOIN alert_groups g ON g.id = e.group_id
        WHERE g.status = 'firing'`,
    ),
  ]);
  return {
    alerts: alerts.rows.map((row) => ({
      id: row.id,
      key: row.group_key,
      brandId: row.brand_id,
      openedAtMs: row.opened_at.getTime(),
      startedAtMs: row.started_at.getTime(),
      acked: row.acked_at !== null,
      channels: new Map((row.channels ?? []).map((channel) => [channel.channel_id, toChannelState(channel)])),
    })),
    episodes: episodes.rows.map(toEpisodeRecord),
  };
}

function toChannelState(row: ChannelRow): ChannelState {
  return {
    heard: row.heard,
    namedEpisodeIds: row.named_episodes,
    lastSentAtMs: row.last_sent_at === null ? null : Date.parse(row.last_sent_at),
    messages: row.messages,
    silencedRecorded: row.silenced_recorded,
    firingEventId: row.firing_event_id,
  };
}

function toEpisodeRecord(row: EpisodeRow): EpisodeRecord {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleType: row.rule_type,
    brandId: row.brand_id,
    subject: row.subject,
    groupId: row.group_id,
    status: row.status,
    firedAtMs: row.started_at.getTime(),
    signalStartedAtMs: row.signal_started_at.getTime(),
    calmSinceMs: row.calm_since?.getTime() ?? null,
    resolvedAtMs: row.resolved_at?.getTime() ?? null,
    inhibitedBy: row.inhibited_by,
    latest: row.latest,
    peak: row.peak,
  };
}

/** The silences running at this moment. */
export async function activeSilences(database: Database, at: Date): Promise<SilenceRecord[]> {
  const { rows } = await database.query<{ id: string; brand_id: string | null; rule_id: string | null }>(
    'SELECT id, brand_id, rule_id FROM alert_silences WHERE starts_at <= $1 AND ends_at > $1 ORDER BY ends_at DESC, id',
    [at],
  );
  return rows.map((row) => ({ id: row.id, brandId: row.brand_id, ruleId: row.rule_id }));
}

const iso = (timeMs: number | null) => (timeMs === null ? null : new Date(timeMs).toISOString());

export interface BrandTickWrite {
  brandId: string;
  nowMs: number;
  plan: BrandTickPlan;
  /** The event of each planned message, by event id: stored so a retry sends the very same message. */
  events: Map<string, AlertEvent>;
  memories: { ruleId: string; memory: RuleMemory }[];
}

/**
 * Writes one brand's tick: alerts, episodes, messages with one delivery each (pending, or silenced), channel state
 * and rule memory. Returns the deliveries to enqueue. Ids are deterministic, so a tick redone after a crash writes
 * the same rows (and a second alerter, were the lock ever lost, conflicts instead of duplicating).
 */
export async function writeBrandTick(client: DatabaseClient, write: BrandTickWrite): Promise<{ eventId: string; channelId: string }[]> {
  const { plan, nowMs } = write;
  const at = new Date(nowMs);
  if (plan.openedAlerts.length > 0) {
    await client.query(
      `INSERT INTO alert_groups (id, group_key, brand_id, status, opened_at, started_at)
       SELECT id, key, brand_id, 'firing', opened_at, started_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, key text, brand_id text, opened_at timestamptz, started_at timestamptz)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(plan.openedAlerts.map((alert) => ({ id: alert.id, key: alert.key, brand_id: alert.brandId, opened_at: iso(alert.openedAtMs), started_at: iso(alert.startedAtMs) })))],
    );
  }
  if (plan.alertUpdates.length > 0) {
    await client.query(
      `UPDATE alert_groups g SET started_at = x.started_at, status = x.status, resolved_at = x.resolved_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, started_at timestamptz, status text, resolved_at timestamptz)
        WHERE g.id = x.id`,
      [
        JSON.stringify(
          plan.alertUpdates.map(({ alert, resolvedAtMs }) => ({
            id: alert.id,
            started_at: iso(alert.startedAtMs),
            status: resolvedAtMs === null ? 'firing' : 'resolved',
            resolved_at: iso(resolvedAtMs),
          })),
        ),
      ],
    );
  }
  const episodeRows = (episodes: EpisodeRecord[]) =>
    JSON.stringify(
      episodes.map((episode) => ({
        id: episode.id,
        rule_id: episode.ruleId,
        rule_type: episode.ruleType,
        brand_id: episode.brandId,
        subject: episode.subject,
        group_id: episode.groupId,
        status: episode.status,
        started_at: iso(episode.firedAtMs),
        signal_started_at: iso(episode.signalStartedAtMs),
        calm_since: iso(episode.calmSinceMs),
        resolved_at: iso(episode.resolvedAtMs),
        inhibited_by: episode.inhibitedBy,
        latest: episode.latest,
        peak: episode.peak,
      })),
    );
  const EPISODE_COLUMNS = `id text, rule_id text, rule_type text, brand_id text, subject text, group_id text, status text,
    started_at timestamptz, signal_started_at timestamptz, calm_since timestamptz, resolved_at timestamptz,
    inhibited_by text, latest jsonb, peak jsonb`;
  if (plan.openedEpisodes.length > 0) {
    await client.query(
      `INSERT INTO alert_episodes (id, rule_id, rule_type, brand_id, subject, group_id, status, started_at, last_notified_at,
                                   signal_started_at, calm_since, resolved_at, inhibited_by, latest, peak)
       SELECT id, rule_id, rule_type, brand_id, subject, group_id, status, started_at, started_at,
              signal_started_at, calm_since, resolved_at, inhibited_by, latest, peak
         FROM jsonb_to_recordset($1::jsonb) AS x(${EPISODE_COLUMNS})
       ON CONFLICT DO NOTHING`,
      [episodeRows(plan.openedEpisodes)],
    );
  }
  if (plan.changedEpisodes.length > 0) {
    await client.query(
      `UPDATE alert_episodes e
          SET status = x.status, calm_since = x.calm_since, resolved_at = x.resolved_at, inhibited_by = x.inhibited_by,
              latest = x.latest, peak = x.peak
         FROM jsonb_to_recordset($1::jsonb) AS x(${EPISODE_COLUMNS})
        WHERE e.id = x.id`,
      [episodeRows(plan.changedEpisodes)],
    );
  }
  const pending: { eventId: string; channelId: string }[] = [];
  if (plan.messages.length > 0) {
    const messages = plan.messages.map((message) => ({
      id: message.eventId,
      group_id: message.alertId,
      channel_id: message.channelId,
      kind: message.kind,
      payload: write.events.get(message.eventId) ?? null,
      silenced_by: message.silencedBy,
    }));
    const inserted = await client.query<{ id: string; channel_id: string; silenced_by: string | null }>(
      `INSERT INTO alert_events (id, group_id, channel_id, kind, at, payload, silenced_by)
       SELECT id, group_id, channel_id, kind, $2, payload, silenced_by
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, group_id text, channel_id text, kind text, payload jsonb, silenced_by text)
       ON CONFLICT DO NOTHING
       RETURNING id, channel_id, silenced_by`,
      [JSON.stringify(messages), at],
    );
    await client.query(
      `INSERT INTO alert_deliveries (event_id, channel_id, status, created_at)
       SELECT id, channel_id, CASE WHEN silenced THEN 'silenced' ELSE 'pending' END, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, channel_id text, silenced boolean)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(inserted.rows.map((row) => ({ id: row.id, channel_id: row.channel_id, silenced: row.silenced_by !== null }))), at],
    );
    pending.push(...inserted.rows.filter((row) => row.silenced_by === null).map((row) => ({ eventId: row.id, channelId: row.channel_id })));
  }
  if (plan.channelStates.length > 0) {
    await client.query(
      `INSERT INTO alert_group_channels (group_id, channel_id, heard, named_episodes, last_sent_at, messages, silenced_recorded, firing_event_id)
       SELECT group_id, channel_id, heard, named_episodes, last_sent_at, messages, silenced_recorded, firing_event_id
         FROM jsonb_to_recordset($1::jsonb) AS x(group_id text, channel_id text, heard boolean, named_episodes text[],
                                                 last_sent_at timestamptz, messages integer, silenced_recorded boolean, firing_event_id text)
       ON CONFLICT (group_id, channel_id) DO UPDATE
          SET heard = EXCLUDED.heard, named_episodes = EXCLUDED.named_episodes, last_sent_at = EXCLUDED.last_sent_at,
              messages = EXCLUDED.messages, silenced_recorded = EXCLUDED.silenced_recorded, firing_event_id = EXCLUDED.firing_event_id`,
      [
        JSON.stringify(
          plan.channelStates.map(({ alertId, channelId, state }) => ({
            group_id: alertId,
            channel_id: channelId,
            heard: state.heard,
            named_episodes: state.namedEpisodeIds,
            last_sent_at: iso(state.lastSentAtMs),
            messages: state.messages,
            silenced_recorded: state.silencedRecorded,
            firing_event_id: state.firingEventId,
          })),
        ),
      ],
    );
  }
  if (write.memories.length > 0) {
    await client.query(
      `INSERT INTO alert_rule_memory (rule_id, brand_id, memory)
       SELECT rule_id, $2, memory FROM jsonb_to_recordset($1::jsonb) AS x(rule_id text, memory jsonb)
       ON CONFLICT (rule_id, brand_id) DO UPDATE SET memory = EXCLUDED.memory, updated_at = now()`,
      [JSON.stringify(write.memories.map(({ ruleId, memory }) => ({ rule_id: ruleId, memory }))), write.brandId],
    );
  }
  return pending;
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
 * Resolves open episodes of rules or brands no longer in the config, and open alerts of brands no longer in it:
 * nothing evaluates them any more, and one firing forever would stay on every dashboard. No message is sent for
 * those (the rule that would word it is gone); an alert of a configured brand left with only such episodes resolves
 * at the next tick, with its resolved message.
 */
export async function closeOrphans(
  database: Database,
  configured: { ruleId: string; brandId: string }[],
  brandIds: string[],
  at: Date,
): Promise<number> {
  const closed = `{"closed":"its rule or brand is no longer configured"}`;
  const episodes = await database.query(
    `UPDATE alert_episodes
        SET status = 'resolved', resolved_at = $3, calm_since = coalesce(calm_since, $3), latest = latest || '${closed}'
      WHERE status = 'firing'
        AND (rule_id, brand_id) NOT IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [configured.map((pair) => pair.ruleId), configured.map((pair) => pair.brandId), at],
  );
  await database.query(
    `UPDATE alert_groups SET status = 'resolved', resolved_at = $2 WHERE status = 'firing' AND NOT (brand_id = ANY($1::text[]))`,
    [brandIds, at],
  );
  return episodes.rowCount ?? 0;
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
