// Reading alert history for the API: alerts newest first (keyset pages), each with its rules and every message with
// its delivery; acknowledging; silences.
import type { AlertEvent, AlertSampleMention } from '../alerts/alert-event.js';
import type { RuleFinding } from '../alerts/rules/rule-kind.js';
import { samplePayload } from '../alerts/notifiers/webhook-payload.js';
import type { Database } from './database.js';

export interface AlertFilter {
  brandId?: string;
  ruleId?: string;
  status?: 'firing' | 'resolved';
  since?: Date;
  after?: { openedAt: Date; id: string };
  limit: number;
}

export interface FindingView {
  summary: string;
  counts: Record<string, unknown>;
}

export interface AlertRuleView {
  episode_id: string;
  rule_id: string;
  rule_type: string;
  subject: string | null;
  status: 'firing' | 'resolved';
  /** When its signal began. */
  started_at: string;
  /** When the alerter opened its episode. */
  fired_at: string;
  calm_since: string | null;
  resolved_at: string | null;
  inhibited_by: string | null;
  latest: FindingView;
  peak: FindingView;
}

export interface NotificationView {
  id: string;
  channel_id: string;
  kind: string;
  at: string;
  summary: string;
  silenced_by: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  last_attempt_at: string | null;
  sent_at: string | null;
}

export interface AlertView {
  id: string;
  brand_id: string;
  status: 'firing' | 'resolved';
  /** When the buzz started. */
  started_at: string;
  opened_at: string;
  resolved_at: string | null;
  acked_at: string | null;
  acked_by: string | null;
  ack_comment: string | null;
  rules: AlertRuleView[];
  notifications: NotificationView[];
}

interface AlertRow {
  id: string;
  brand_id: string;
  status: 'firing' | 'resolved';
  started_at: Date;
  opened_at: Date;
  resolved_at: Date | null;
  acked_at: Date | null;
  acked_by: string | null;
  ack_comment: string | null;
}

const ALERT_COLUMNS = 'g.id, g.brand_id, g.status, g.started_at, g.opened_at, g.resolved_at, g.acked_at, g.acked_by, g.ack_comment';
const iso = (time: Date | null) => time?.toISOString() ?? null;

export async function listAlerts(database: Database, filter: AlertFilter): Promise<{ alerts: AlertView[]; more: boolean }> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const next = (value: unknown) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  if (filter.brandId !== undefined) conditions.push(`g.brand_id = ${next(filter.brandId)}`);
  if (filter.ruleId !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM alert_episodes e WHERE e.group_id = g.id AND e.rule_id = ${next(filter.ruleId)})`);
  }
  if (filter.status !== undefined) conditions.push(`g.status = ${next(filter.status)}`);
  if (filter.since !== undefined) {
    // Alerts active at any time since then: opened since, resolved since, or still firing.
    const at = next(filter.since);
    conditions.push(`(g.opened_at >= ${at} OR g.resolved_at >= ${at} OR g.status = 'firing')`);
  }
  if (filter.after !== undefined) conditions.push(`(g.opened_at, g.id) < (${next(filter.after.openedAt)}, ${next(filter.after.id)})`);
  const { rows } = await database.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert_groups g ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY g.opened_at DESC, g.id DESC LIMIT ${next(filter.limit + 1)}`,
    parameters,
  );
  const page = rows.slice(0, filter.limit);
  const details = await detailsOf(database, page.map((row) => row.id));
  return { alerts: page.map((row) => toAlertView(row, details)), more: rows.length > filter.limit };
}

export async function findAlert(database: Database, alertId: string): Promise<(AlertView & { samples: ReturnType<typeof samplePayload>[] }) | null> {
  const [alert] = await findAlerts(database, [alertId]);
  return alert ?? null;
}

/** The alerts with these ids as findAlert answers each (those not stored are left out), in three statements. */
export async function findAlerts(database: Database, alertIds: readonly string[]): Promise<Array<AlertView & { samples: ReturnType<typeof samplePayload>[] }>> {
  if (alertIds.length === 0) return [];
  const { rows } = await database.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alert_groups g WHERE g.id = ANY($1::text[])`, [[...new Set(alertIds)]]);
  const details = await detailsOf(database, rows.map((row) => row.id));
  // The mentions that explained each when it was first told (later messages carry their own).
  return rows.map((row) => ({ ...toAlertView(row, details), samples: (details.samples.get(row.id) ?? []).map(samplePayload) }));
}

/**
 * Records who acknowledged the alert, when, and why; the first acknowledgement stands (a second one changes
 * nothing). False when there is no such alert.
 */
export async function acknowledgeAlert(database: Database, alertId: string, by: string, comment: string | null, at: Date): Promise<boolean> {
  const { rowCount } = await database.query(
    `UPDATE alert_groups
        SET acked_at = coalesce(acked_at, $3), ack_comment = CASE WHEN acked_at IS NULL THEN $4 ELSE ack_comment END,
            acked_by = coalesce(acked_by, $2)
      WHERE id = $1`,
    [alertId, by, at, comment],
  );
  return (rowCount ?? 0) > 0;
}

interface Details {
  rules: Map<string, AlertRuleView[]>;
  notifications: Map<string, NotificationView[]>;
  samples: Map<string, AlertSampleMention[]>;
}

async function detailsOf(database: Database, alertIds: string[]): Promise<Details> {
  const details: Details = { rules: new Map(), notifications: new Map(), samples: new Map() };
  if (alertIds.length === 0) return details;
  const [episodes, messages] = await Promise.all([
    database.query<{
      id: string;
      group_id: string;
      rule_id: string;
      rule_type: string;
      subject: string;
      status: 'firing' | 'resolved';
      signal_started_at: Date;
      started_at: Date;
      calm_since: Date | null;
      resolved_at: Date | null;
      inhibited_by: string | null;
      latest: RuleFinding;
      peak: RuleFinding;
    }>(
      `SELECT id, group_id, rule_id, rule_type, subject, status, signal_started_at, started_at, calm_since, resolved_at,
              inhibited_by, latest, peak
         FROM alert_episodes WHERE group_id = ANY($1) ORDER BY signal_started_at, rule_id, subject`,
      [alertIds],
    ),
    database.query<{
      id: string;
      group_id: string;
      channel_id: string;
      kind: string;
      at: Date;
      payload: Partial<AlertEvent> & { summary?: string };
      silenced_by: string | null;
      status: string;
      attempts: number;
      last_error: string | null;
      last_attempt_at: Date | null;
      sent_at: Date | null;
    }>(
      `SELECT e.id, e.group_id, d.channel_id, e.kind, e.at, e.payload, e.silenced_by, d.status, d.attempts, d.last_error,
              d.last_attempt_at, d.sent_at
         FROM alert_events e JOIN alert_deliveries d ON d.event_id = e.id
        WHERE e.group_id = ANY($1) ORDER BY e.at, e.id, d.channel_id`,
      [alertIds],
    ),
  ]);
  for (const row of episodes.rows) {
    push(details.rules, row.group_id, {
      episode_id: row.id,
      rule_id: row.rule_id,
      rule_type: row.rule_type,
      subject: row.subject === '' ? null : row.subject,
      status: row.status,
      started_at: row.signal_started_at.toISOString(),
      fired_at: row.started_at.toISOString(),
      calm_since: iso(row.calm_since),
      resolved_at: iso(row.resolved_at),
      inhibited_by: row.inhibited_by,
      latest: findingView(row.latest),
      peak: findingView(row.peak),
    });
  }
  for (const row of messages.rows) {
    push(details.notifications, row.group_id, {
      id: row.id,
      channel_id: row.channel_id,
      kind: row.kind,
      at: row.at.toISOString(),
      summary: summaryOf(row.payload),
      silenced_by: row.silenced_by,
      status: row.status,
      attempts: row.attempts,
      last_error: row.last_error,
      last_attempt_at: iso(row.last_attempt_at),
      sent_at: iso(row.sent_at),
    });
    if (!details.samples.has(row.group_id) && Array.isArray(row.payload.samples) && row.payload.samples.length > 0) {
      details.samples.set(row.group_id, row.payload.samples);
    }
  }
  return details;
}

function push<Value>(map: Map<string, Value[]>, key: string, value: Value): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** A message in one line: each rule's sentence (messages from before grouping carried one summary). */
function summaryOf(payload: Partial<AlertEvent> & { summary?: string }): string {
  if (Array.isArray(payload.rules)) return payload.rules.map((rule) => `${rule.title}: ${rule.summary}`).join(' · ');
  return payload.summary ?? '';
}

function findingView(finding: RuleFinding): FindingView {
  return { summary: finding.summary, counts: snakeCaseKeys(finding.counts) };
}

function toAlertView(row: AlertRow, details: Details): AlertView {
  return {
    id: row.id,
    brand_id: row.brand_id,
    status: row.status,
    started_at: row.started_at.toISOString(),
    opened_at: row.opened_at.toISOString(),
    resolved_at: iso(row.resolved_at),
    acked_at: iso(row.acked_at),
    acked_by: row.acked_by,
    ack_comment: row.ack_comment,
    rules: details.rules.get(row.id) ?? [],
    notifications: details.notifications.get(row.id) ?? [],
  };
}

/** Counts as the API speaks: snake_case. */
function snakeCaseKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), entry]));
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
