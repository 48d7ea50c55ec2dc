// GET /metrics for Prometheus: source health and totals from PostgreSQL, queue depths from Redis. Served by every
// role and without a key, like /healthz; it holds ids and counts, never config values.
import type { FastifyPluginAsync } from 'fastify';
import { isDelivering, sourceHealth } from '../../sources/source-health.js';
import { listSourceRecords } from '../../store/source-store.js';
import type { ApiDeps } from '../api-deps.js';
import { formatMetrics, type Metric } from '../prometheus-text.js';

export const metricsRoutes: FastifyPluginAsync<{ deps: Pick<ApiDeps, 'config' | 'database' | 'queueCounts'> }> = async (
  app,
  { deps },
) => {
  app.get('/metrics', async (_request, reply) => {
    const [sourceMetrics, alertMetrics, queueMetrics] = await Promise.all([
      collectSourceMetrics(deps).catch(() => [dependencyDown('postgres')]),
      collectAlertMetrics(deps).catch(() => []),
      collectQueueMetrics(deps).catch(() => [dependencyDown('redis')]),
    ]);
    const metrics = [...sourceMetrics, ...alertMetrics, ...queueMetrics];
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(formatMetrics(metrics));
  });
};

async function collectSourceMetrics(deps: Pick<ApiDeps, 'config' | 'database'>): Promise<Metric[]> {
  const records = await listSourceRecords(deps.database);
  const gauge = (name: string, help: string): Metric => ({ name, help, type: 'gauge', samples: [] });
  const status = gauge('buzzwatch_source_status', 'Current health of each configured source (1 for its status).');
  const up = gauge('buzzwatch_source_up', '1 when the source answered its last poll, 0 when it is failing.');
  const failures = gauge('buzzwatch_source_consecutive_failures', 'Polls that failed in a row.');
  const lastOk = gauge('buzzwatch_source_last_ok_timestamp_seconds', 'When the source last answered a poll.');
  const mentions: Metric = {
    name: 'buzzwatch_source_mentions_total',
    help: 'Mentions first stored from this source.',
    type: 'counter',
    samples: [],
  };
  for (const source of deps.config.sources) {
    const record = records.get(source.id);
    const labels = { source: source.id, type: source.type };
    const current = sourceHealth(record, source, new Date()).status;
    status.samples.push({ labels: { ...labels, status: current }, value: 1 });
    up.samples.push({ labels, value: isDelivering(current) ? 1 : 0 });
    failures.samples.push({ labels, value: record?.consecutiveFailures ?? 0 });
    mentions.samples.push({ labels, value: record?.mentionsTotal ?? 0 });
    if (record?.lastOkAt) lastOk.samples.push({ labels, value: record.lastOkAt.getTime() / 1000 });
  }
  return [status, up, failures, lastOk, mentions];
}

async function collectQueueMetrics(deps: Pick<ApiDeps, 'queueCounts'>): Promise<Metric[]> {
  const counts = await deps.queueCounts();
  const jobs: Metric = { name: 'buzzwatch_queue_jobs', help: 'Jobs per queue and state.', type: 'gauge', samples: [] };
  for (const [queue, byState] of Object.entries(counts)) {
    for (const [state, count] of Object.entries(byState)) jobs.samples.push({ labels: { queue, state }, value: count });
  }
  return [jobs];
}

// Open episodes page someone; failed deliveries mean someone was not paged: both belong on an ops dashboard.
async function collectAlertMetrics(deps: Pick<ApiDeps, 'database'>): Promise<Metric[]> {
  const [episodes, deliveries] = await Promise.all([
    deps.database.query<{ rule_id: string; brand_id: string; count: number }>(
      `SELECT rule_id, brand_id, count(*)::int AS count FROM alert_episodes WHERE status = 'firing' GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    deps.database.query<{ channel_id: string; status: string; count: number }>(
      'SELECT channel_id, status, count(*)::int AS count FROM alert_deliveries GROUP BY 1, 2 ORDER BY 1, 2',
    ),
  ]);
  return [
    {
      name: 'buzzwatch_alerts_firing',
      help: 'Open (firing) alert episodes per rule and brand.',
      type: 'gauge',
      samples: episodes.rows.map((row) => ({ labels: { rule: row.rule_id, brand: row.brand_id }, value: row.count })),
    },
    {
      name: 'buzzwatch_alert_deliveries',
      help: 'Alert notifications per channel and delivery status (pending, retrying, sent, failed, silenced).',
      type: 'gauge',
      samples: deliveries.rows.map((row) => ({ labels: { channel: row.channel_id, status: row.status }, value: row.count })),
    },
  ];
}

function dependencyDown(dependency: string): Metric {
  return {
    name: 'buzzwatch_metrics_dependency_up',
    help: '0 when a dependency could not be read for these metrics.',
    type: 'gauge',
    samples: [{ labels: { dependency }, value: 0 }],
  };
}
