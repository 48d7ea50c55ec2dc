// The metrics that describe the installation rather than this process: source health and alert counts from
// PostgreSQL, queue depths from Redis. The API role alone serves them, so that scraping every role does not
// multiply them; a dependency that cannot be read shows as buzzwatch_metrics_dependency_up 0 and its metrics are left
// out rather than reported as zero.
import { Counter, Gauge, Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { QueueStats } from '../queue/queue-stats.js';
import { isDelivering, sourceHealth, type SourceStatus } from '../sources/source-health.js';
import type { Database } from '../store/database.js';
import {
  deliveryStatusCounts,
  digestDeliveryStatusCounts,
  firingEpisodeCounts,
  type DeliveryCount,
  type DigestDeliveryCount,
  type FiringCount,
} from '../store/metrics-queries.js';
import { listSourceRecords } from '../store/source-store.js';

export interface SourceSample {
  id: string;
  type: string;
  status: SourceStatus;
  consecutiveFailures: number;
  mentionsTotal: number;
  lastOkAt: Date | null;
  lastPolledAt: Date | null;
}

/** What the shared metrics show; null for what could not be read. */
export interface SharedState {
  sources: SourceSample[] | null;
  alerts: { firing: FiringCount[]; deliveries: DeliveryCount[]; digestDeliveries: DigestDeliveryCount[] } | null;
  queues: QueueStats[] | null;
}

export interface SharedStateDeps {
  config: Config;
  database: Database;
  readDatabase?: Database;
  queueStats(): Promise<QueueStats[]>;
}

export async function readSharedState(deps: SharedStateDeps, now: Date): Promise<SharedState> {
  const database = deps.readDatabase ?? deps.database;
  const [sources, alerts, queues] = await Promise.all([
    readSources(deps.config, database, now).catch(() => null),
    Promise.all([firingEpisodeCounts(database), deliveryStatusCounts(database), digestDeliveryStatusCounts(database)]).then(
      ([firing, deliveries, digestDeliveries]) => ({ firing, deliveries, digestDeliveries }),
      () => null,
    ),
    deps.queueStats().catch(() => null),
  ]);
  return { sources, alerts, queues };
}

async function readSources(config: Config, database: Database, now: Date): Promise<SourceSample[]> {
  const records = await listSourceRecords(database);
  return config.sources.map((source) => {
    const record = records.get(source.id);
    return {
      id: source.id,
      type: source.type,
      status: sourceHealth(record, source, now).status,
      consecutiveFailures: record?.consecutiveFailures ?? 0,
      mentionsTotal: record?.mentionsTotal ?? 0,
      lastOkAt: record?.lastOkAt ?? null,
      lastPolledAt: record?.lastPolledAt ?? null,
    };
  });
}

const seconds = (time: Date) => time.getTime() / 1000;

/** A registry of its own per scrape: concurrent scrapes never see each other's half-set values. */
export function sharedStateRegistry(state: SharedState): Registry {
  const registry = new Registry();
  const registers = [registry];
  const dependencyUp = new Gauge({
    name: 'buzzwatch_metrics_dependency_up',
    help: '1 when the dependency could be read for these metrics, 0 when it could not (its metrics are then left out).',
    labelNames: ['dependency'] as const,
    registers,
  });
  dependencyUp.set({ dependency: 'postgres' }, state.sources !== null && state.alerts !== null ? 1 : 0);
  dependencyUp.set({ dependency: 'redis' }, state.queues !== null ? 1 : 0);
  if (state.sources !== null) addSourceMetrics(state.sources, registers);
  if (state.alerts !== null) addAlertMetrics(state.alerts, registers);
  if (state.queues !== null) addQueueMetrics(state.queues, registers);
  return registry;
}

function addSourceMetrics(sources: SourceSample[], registers: Registry[]): void {
  const labelNames = ['source', 'type'] as const;
  const status = new Gauge({
    name: 'buzzwatch_source_status',
    help: 'Current health of each configured source (1 for its status: new, ok, failing, auth_failed, rate_limited, silent, stale).',
    labelNames: ['source', 'type', 'status'] as const,
    registers,
  });
  const up = new Gauge({ name: 'buzzwatch_source_up', help: '1 when the source delivers mentions, 0 when it is failing or stale.', labelNames, registers });
  const failures = new Gauge({ name: 'buzzwatch_source_consecutive_failures', help: 'Polls that failed in a row.', labelNames, registers });
  const lastOk = new Gauge({ name: 'buzzwatch_source_last_ok_timestamp_seconds', help: 'When the source last answered a poll.', labelNames, registers });
  const lastPoll = new Gauge({ name: 'buzzwatch_source_last_poll_timestamp_seconds', help: 'When the source was last polled.', labelNames, registers });
  const mentions = new Counter({ name: 'buzzwatch_source_mentions_total', help: 'Mentions first stored from this source.', labelNames, registers });
  for (const source of sources) {
    const labels = { source: source.id, type: source.type };
    status.set({ ...labels, status: source.status }, 1);
    up.set(labels, isDelivering(source.status) ? 1 : 0);
    failures.set(labels, source.consecutiveFailures);
    mentions.inc(labels, source.mentionsTotal);
    if (source.lastOkAt !== null) lastOk.set(labels, seconds(source.lastOkAt));
    if (source.lastPolledAt !== null) lastPoll.set(labels, seconds(source.lastPolledAt));
  }
}

// Open episodes page someone; failed deliveries mean someone was not paged (or sent a digest): all belong on an ops
// dashboard.
function addAlertMetrics(alerts: NonNullable<SharedState['alerts']>, registers: Registry[]): void {
  const firing = new Gauge({
    name: 'buzzwatch_alerts_firing',
    help: 'Open (firing) alert episodes per rule and brand.',
    labelNames: ['rule', 'brand'] as const,
    registers,
  });
  const deliveries = new Gauge({
    name: 'buzzwatch_alert_deliveries',
    help: 'Alert notifications per channel and delivery status (pending, retrying, sent, failed, silenced).',
    labelNames: ['channel', 'status'] as const,
    registers,
  });
  const digestDeliveries = new Gauge({
    name: 'buzzwatch_digest_deliveries',
    help: 'Digests per digest, channel and delivery status (pending, retrying, sent, failed), one per period.',
    labelNames: ['digest', 'channel', 'status'] as const,
    registers,
  });
  for (const row of alerts.firing) firing.set({ rule: row.ruleId, brand: row.brandId }, row.count);
  for (const row of alerts.deliveries) deliveries.set({ channel: row.channelId, status: row.status }, row.count);
  for (const row of alerts.digestDeliveries) digestDeliveries.set({ digest: row.digestId, channel: row.channelId, status: row.status }, row.count);
}

function addQueueMetrics(queues: QueueStats[], registers: Registry[]): void {
  const jobs = new Gauge({ name: 'buzzwatch_queue_jobs', help: 'Jobs per queue and state.', labelNames: ['queue', 'state'] as const, registers });
  const oldest = new Gauge({
    name: 'buzzwatch_queue_oldest_waiting_seconds',
    help: 'How long the oldest waiting job of the queue has been due (0 when none waits).',
    labelNames: ['queue'] as const,
    registers,
  });
  for (const stats of queues) {
    for (const [state, count] of Object.entries(stats.counts)) jobs.set({ queue: stats.queue, state }, count);
    oldest.set({ queue: stats.queue }, stats.oldestWaitingSeconds);
  }
}
