// The process's own Prometheus metrics (prom-client): what this process did (polls, batches, ticks, deliveries,
// webhook requests) and the Node.js process metrics. Every role serves them on /metrics; the gauges read from
// PostgreSQL and Redis (the same for every process) are added by the API role only (see shared-state-metrics.ts).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const processMetrics = new Registry();
// The event-loop delay histogram (nodejs_eventloop_lag_*) samples the loop every 100 ms, not prom-client's 10: each
// sample is a timer that wakes the process, 100 times a second even when idle (≈ 7.5 ms of CPU a second on the
// development machine under load, and another wake-up inside most API requests; bench:api). Still ≈ 1,500 samples
// between two scrapes 15 s apart; a stall shorter than 100 ms is seen with probability (its length / 100 ms).
collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: 100 });
// prom-client also exports nodejs_active_{handles,requests,resources}_total: gauges named like counters, which
// Prometheus' linter (`promtool check metrics`) flags, and each only the sum of the same metric without `_total`
// (by type), which stays. Dropped so that /metrics is lint-clean.
for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
  processMetrics.removeSingleMetric(name);
}

// Polls take from milliseconds (a 304) to minutes (a search source paging at its API's pace).
const POLL_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BATCH_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Delivery latency includes retries with back-off, up to hours.
const DELIVERY_SECONDS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];

export const pollDuration = new Histogram({
  name: 'buzzwatch_poll_duration_seconds',
  help: 'Time one poll of a source took, by outcome (ok, failed, skipped).',
  labelNames: ['source', 'outcome'] as const,
  buckets: POLL_SECONDS,
  registers: [processMetrics],
});

export const pollErrors = new Counter({
  name: 'buzzwatch_poll_errors_total',
  help: 'Failed polls of a source, by error kind, counted by this process.',
  labelNames: ['source', 'kind'] as const,
  registers: [processMetrics],
});

export const webhookRequests = new Counter({
  name: 'buzzwatch_webhook_requests_total',
  help: 'Webhook pushes answered by this process: accepted, or rejected with the reason.',
  labelNames: ['source', 'outcome', 'reason'] as const,
  registers: [processMetrics],
});

export const scorerBatchDuration = new Histogram({
  name: 'buzzwatch_scorer_batch_duration_seconds',
  help: 'Time to score and store one mention batch, by outcome (ok, failed).',
  labelNames: ['outcome'] as const,
  buckets: BATCH_SECONDS,
  registers: [processMetrics],
});

export const scorerMentions = new Counter({
  name: 'buzzwatch_scorer_mentions_total',
  help: 'Mentions in the batches this process stored: inserted (new), duplicate (already stored), rejected, or expired (older than retention.mentions).',
  labelNames: ['outcome'] as const,
  registers: [processMetrics],
});

export const alerterLastTick = new Gauge({
  name: 'buzzwatch_alerter_last_tick_timestamp_seconds',
  help: 'When this process last finished evaluating the alert rules (0: not yet).',
  registers: [processMetrics],
});

export const alerterTickDuration = new Histogram({
  name: 'buzzwatch_alerter_tick_duration_seconds',
  help: 'Time one evaluation of every alert rule took.',
  buckets: BATCH_SECONDS,
  registers: [processMetrics],
});

export const deliveryLatency = new Histogram({
  name: 'buzzwatch_delivery_latency_seconds',
  help: 'From an alert notification being queued to its delivery ending, by channel and outcome (sent, failed).',
  labelNames: ['channel', 'outcome'] as const,
  buckets: DELIVERY_SECONDS,
  registers: [processMetrics],
});

export const scheduleRepairs = new Counter({
  name: 'buzzwatch_schedule_repairs_total',
  help: 'Job schedulers found missing or changed in Redis and put back by this process (poll, alerts).',
  labelNames: ['queue'] as const,
  registers: [processMetrics],
});

export const mentionPartitionsCreated = new Counter({
  name: 'buzzwatch_mention_partitions_created_total',
  help: 'Monthly partitions of mentions created by this process (ahead of time, or for rows waiting in the default).',
  registers: [processMetrics],
});

export const mentionsExpired = new Counter({
  name: 'buzzwatch_mentions_expired_total',
  help: 'Mentions this process removed because they were older than retention.mentions (whole months and single rows).',
  registers: [processMetrics],
});

/** Seconds since `startMs`, for histograms. */
export function secondsSince(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

export const liveEventsPublished = new Counter({
  name: 'buzzwatch_live_events_published_total',
  help: 'Events this process added to the live event log (GET /v1/stream), by kind (mention, alert).',
  labelNames: ['kind'] as const,
  registers: [processMetrics],
});

export const liveEventsLost = new Counter({
  name: 'buzzwatch_live_events_lost_total',
  help: 'Events this process could not add to the live event log (Redis unreachable or slow): live clients miss them, history has them.',
  labelNames: ['kind'] as const,
  registers: [processMetrics],
});

export const streamClients = new Gauge({
  name: 'buzzwatch_stream_clients',
  help: 'Live event streams (GET /v1/stream) open on this process.',
  registers: [processMetrics],
});

export const streamClientsDropped = new Counter({
  name: 'buzzwatch_stream_clients_dropped_total',
  help: 'Live event streams this process closed because the client read too slowly (its unsent events passed the cap).',
  registers: [processMetrics],
});
