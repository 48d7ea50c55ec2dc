// Reading alert history for the API: episodes newest first (keyset pages), each with its events and deliveries.
import type { Database } from '../store/database.js';
import type { AlertEvent } from './alert-event.js';

export interface EpisodeFilter {
  brandId?: string;
  ruleId?: string;
  status?: 'firing' | 'resolved';
  since?: Date;
  after?: { startedAt: Date; id: string };
  limit: number;
}

export interface DeliveryView {
  channel_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  last_attempt_at: string | null;
  sent_at: string | null;
}

export interface EventView {
  id: string;
  kind: string;
  at: string;
  summary: string;
  silenced_by: string | null;
  deliveries: DeliveryView[];
}

export interface EpisodeView {
  id: string;
  rule_id: string;
  rule_type: string;
  brand_id: string;
  status: 'firing' | 'resolved';
  started_at: string;
  resolved_at: string | null;
  reminders: number;
  acked_at: string | null;
  acked_by: string | null;
  latest: unknown;
  events: EventView[];
}

interface EpisodeRow {
  id: string;
  rule_id: string;
  rule_type: string;
  brand_id: string;
  status: 'firing' | 'resolved';
  started_at: Date;
  resolved_at: Date | null;
  reminders: number;
  acked_at: Date | null;
  acked_by: string | null;
  latest: unknown;
}

const iso = (time: Date | null) => time?.toISOString() ?? null;

export async function listEpisodes(database: Database, filter: EpisodeFilter): Promise<{ episodes: EpisodeView[]; more: boolean }> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    parameters.push(value);
    conditions.push(`${condition} $${parameters.length}`);
  };
  if (filter.brandId !== undefined) add('brand_id =', filter.brandId);
  if (filter.ruleId !== undefined) add('rule_id =', filter.ruleId);
  if (filter.status !== undefined) add('status =', filter.status);
  if (filter.since !== undefined) {
    // Episodes active at any time since then: started since, resolved since, or still firing.
    parameters.push(filter.since);
    const at = `$${parameters.length}`;
    conditions.push(`(started_at >= ${at} OR resolved_at >= ${at} OR status = 'firing')`);
  }
  if (filter.after !== undefined) {
    parameters.push(filter.after.startedAt, filter.after.id);
    conditions.push(`(started_at, id) < ($${parameters.length - 1}, $${parameters.length})`);
  }
  parameters.push(filter.limit + 1);
  const { rows } = await database.query<EpisodeRow>(
    `SELECT id, rule_id, rule_type, brand_id, status, started_at, resolved_at, reminders, acked_at, acked_by, latest
       FROM alert_episodes ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT $${parameters.length}`,
    parameters,
  );
  const page = rows.slice(0, filter.limit);
  const events = await eventsOf(database, page.map((row) => row.id));
  return { episodes: page.map((row) => toEpisodeView(row, events.get(row.id) ?? [])), more: rows.length > filter.limit };
}

export async function findEpisode(database: Database, episodeId: string): Promise<(EpisodeView & { samples: AlertEvent['samples'] }) | null> {
  const { rows } = await database.query<EpisodeRow>(
    `SELECT id, rule_id, rule_type, brand_id, status, started_at, resolved_at, reminders, acked_at, acked_by, latest
       FROM alert_episodes WHERE id = $1`,
    [episodeId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const payloads = await database.query<{ payload: AlertEvent }>(
    `SELECT payload FROM alert_events WHERE episode_id = $1 ORDER BY at`,
    [episodeId],
  );
  const events = await eventsOf(database, [episodeId]);
  // The samples that explained the alert when it fired (later events carry their own in events[].)
  const samples = payloads.rows[0]?.payload.samples ?? [];
  return { ...toEpisodeView(row, events.get(episodeId) ?? []), samples };
}

export async function acknowledgeEpisode(database: Database, episodeId: string, by: string): Promise<boolean> {
  const { rowCount } = await database.query(
    'UPDATE alert_episodes SET acked_at = coalesce(acked_at, now()), acked_by = coalesce(acked_by, $2) WHERE id = $1',
    [episodeId, by],
  );
  return (rowCount ?? 0) > 0;
}

async function eventsOf(database: Database, episodeIds: string[]): Promise<Map<string, EventView[]>> {
  const byEpisode = new Map<string, EventView[]>();
  if (episodeIds.length === 0) return byEpisode;
  const { rows } = await database.query<{
    id: string;
    episode_id: string;
    kind: string;
    at: Date;
    summary: string;
    silenced_by: string | null;
    deliveries: DeliveryView[] | null;
  }>(
    `SELECT e.id, e.episode_id, e.kind, e.at, e.payload->>'summary' AS summary, e.silenced_by,
            (SELECT json_agg(json_build_object('channel_id', d.channel_id, 'status', d.status, 'attempts', d.attempts,
                     'last_error', d.last_error, 'last_attempt_at', d.last_attempt_at, 'sent_at', d.sent_at)
                     ORDER BY d.channel_id)
               FROM alert_deliveries d WHERE d.event_id = e.id) AS deliveries
       FROM alert_events e WHERE e.episode_id = ANY($1) ORDER BY e.at, e.id`,
    [episodeIds],
  );
  for (const row of rows) {
    const list = byEpisode.get(row.episode_id) ?? [];
    list.push({
      id: row.id,
      kind: row.kind,
      at: row.at.toISOString(),
      summary: row.summary,
      silenced_by: row.silenced_by,
      deliveries: (row.deliveries ?? []).map((delivery) => ({
        ...delivery,
        last_attempt_at: delivery.last_attempt_at === null ? null : new Date(delivery.last_attempt_at).toISOString(),
        sent_at: delivery.sent_at === null ? null : new Date(delivery.sent_at).toISOString(),
      })),
    });
    byEpisode.set(row.episode_id, list);
  }
  return byEpisode;
}

function toEpisodeView(row: EpisodeRow, events: EventView[]): EpisodeView {
  return {
    id: row.id,
    rule_id: row.rule_id,
    rule_type: row.rule_type,
    brand_id: row.brand_id,
    status: row.status,
    started_at: row.started_at.toISOString(),
    resolved_at: iso(row.resolved_at),
    reminders: row.reminders,
    acked_at: iso(row.acked_at),
    acked_by: row.acked_by,
    latest: snakeCaseKeys(row.latest),
    events,
  };
}

/** The counts of the latest evaluation as the API speaks: snake_case. */
function snakeCaseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), entry]),
  );
}

export interface SilenceView {
  id: string;
  brand_id: string | null;
  rule_id: string | null;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  active: boolean;
}

export async function listSilences(database: Database, now: Date): Promise<SilenceView[]> {
  const { rows } = await database.query<{
    id: string;
    brand_id: string | null;
    rule_id: string | null;
    starts_at: Date;
    ends_at: Date;
    comment: string;
    created_by: string;
  }>('SELECT id, brand_id, rule_id, starts_at, ends_at, comment, created_by FROM alert_silences WHERE ends_at > $1 ORDER BY ends_at, id', [now]);
  return rows.map((row) => ({
    id: row.id,
    brand_id: row.brand_id,
    rule_id: row.rule_id,
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    comment: row.comment,
    created_by: row.created_by,
    active: row.starts_at <= now,
  }));
}

/** Ends a silence now (kept for the record); false when there is no such silence still running. */
export async function endSilence(database: Database, silenceId: string, now: Date): Promise<boolean> {
  const { rowCount } = await database.query('UPDATE alert_silences SET ends_at = $2 WHERE id = $1 AND ends_at > $2', [silenceId, now]);
  return (rowCount ?? 0) > 0;
}
