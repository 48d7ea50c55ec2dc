// /metrics through Prometheus' own parser (promtool): the API role adds source health, alert counts and queue
// depths to its process metrics; other roles serve only their own; with PostgreSQL and Redis both down the
// exposition stays valid and says which dependency could not be read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOM_ENTRIES, BRAND_CONFIG, atom } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { pushWebhook } from '../helpers/webhook-push.js';
import { promtoolCheckMetrics, sampleValues } from '../helpers/promtool.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { notifyJobId } from '../../src/queue/queues.js';

const PRESS_SECRET = 'press-secret-0123456789abcdef';

const throughProxy = (proxy: TcpProxy) => (directUrl: string) => {
  const url = new URL(directUrl);
  url.port = String(proxy.port);
  return url.toString();
};

async function scrape(baseUrl: string): Promise<{ text: string; samples: Map<string, number> }> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  const verdict = await promtoolCheckMetrics(text);
  // Valid and lint-clean: 1 would be a parse error, 3 a lint problem.
  expect(verdict).toEqual({ code: 0, output: '' });
  return { text, samples: sampleValues(text) };
}

describe('metrics', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  const sourcesYaml = (baseUrl: string) => `
sources:
  - { id: good, type: rss, url: "${baseUrl}/good.xml", every: 1h }
  - { id: bad, type: rss, url: "${baseUrl}/bad.xml", every: 1h }
  - { id: press, type: webhook, secret: "${PRESS_SECRET}" }
`;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/good.xml', serveFeed(atom(ATOM_ENTRIES), 'application/atom+xml'));
    feeds.route('/bad.xml', (_request, response) => {
      response.writeHead(502).end();
    });
    system = await startTestSystem({ configYaml: `${BRAND_CONFIG}${sourcesYaml(feeds.baseUrl)}${TEST_API_KEYS}` });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('reports each source as up or down with its failures and totals, the queues by state, and what this process did', async () => {
    const { text, samples } = await scrape(system.baseUrl);
    const expected: Array<[string, number]> = [
      ['buzzwatch_metrics_dependency_up{dependency="postgres"}', 1],
      ['buzzwatch_metrics_dependency_up{dependency="redis"}', 1],
      ['buzzwatch_source_up{source="good",type="rss"}', 1],
      ['buzzwatch_source_up{source="bad",type="rss"}', 0],
      ['buzzwatch_source_status{source="good",type="rss",status="ok"}', 1],
      ['buzzwatch_source_status{source="bad",type="rss",status="failing"}', 1],
      ['buzzwatch_source_consecutive_failures{source="bad",type="rss"}', 1],
      ['buzzwatch_source_mentions_total{source="good",type="rss"}', 2],
      ['buzzwatch_source_mentions_total{source="bad",type="rss"}', 0],
      ['buzzwatch_queue_jobs{queue="mentions",state="completed"}', 1],
      ['buzzwatch_queue_jobs{queue="mentions",state="failed"}', 0],
      ['buzzwatch_queue_jobs{queue="poll",state="completed"}', 2],
      ['buzzwatch_queue_oldest_waiting_seconds{queue="mentions"}', 0],
      ['buzzwatch_poll_duration_seconds_count{source="good",outcome="ok"}', 1],
      ['buzzwatch_poll_duration_seconds_count{source="bad",outcome="failed"}', 1],
      ['buzzwatch_poll_errors_total{source="bad",kind="http"}', 1],
      ['buzzwatch_scorer_batch_duration_seconds_count{outcome="ok"}', 1],
      ['buzzwatch_scorer_mentions_total{outcome="inserted"}', 2],
    ];
    for (const [series, value] of expected) expect([series, samples.get(series)]).toEqual([series, value]);
    expect(samples.get('buzzwatch_source_last_ok_timestamp_seconds{source="good",type="rss"}')).toBeGreaterThan(0);
    expect(text).not.toMatch(/^buzzwatch_source_last_ok_timestamp_seconds\{source="bad"/m);
    // Node.js process metrics from prom-client.
    expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts webhook pushes accepted and rejected by reason, naming only configured sources', async () => {
    const mention = JSON.stringify({ url: 'https://press.example/acme-1', text: 'Acme press news' });
    expect((await pushWebhook(system.baseUrl, 'press', mention, { secret: PRESS_SECRET })).status).toBe(202);
    expect((await pushWebhook(system.baseUrl, 'press', mention, { secret: 'wrong-secret-0123456789abcdef' })).status).toBe(401);
    expect((await pushWebhook(system.baseUrl, 'press', '{"url":', { secret: PRESS_SECRET })).status).toBe(400);
    expect((await pushWebhook(system.baseUrl, 'made-up', mention, { secret: PRESS_SECRET })).status).toBe(404);
    const { samples } = await scrape(system.baseUrl);
    const pushes = [...samples].filter(([series]) => series.startsWith('buzzwatch_webhook_requests_total'));
    expect(pushes).toEqual([
      ['buzzwatch_webhook_requests_total{source="press",outcome="accepted",reason=""}', 1],
      ['buzzwatch_webhook_requests_total{source="press",outcome="rejected",reason="invalid_signature"}', 1],
      ['buzzwatch_webhook_requests_total{source="press",outcome="rejected",reason="invalid_body"}', 1],
      ['buzzwatch_webhook_requests_total{source="unknown",outcome="rejected",reason="unknown_source"}', 1],
    ]);
  });

  it('leaves the installation-wide gauges to the API: a scorer process serves only its own metrics', async () => {
    const scorer = await startTestSystem({ configYaml: `${BRAND_CONFIG}${TEST_API_KEYS}`, roles: ['scorer'] });
    try {
      const { text, samples } = await scrape(scorer.baseUrl);
      expect(text).not.toMatch(/^buzzwatch_(source_|queue_|alerts_firing|alert_deliveries|metrics_dependency_up)/m);
      expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(text).toContain('# TYPE buzzwatch_scorer_batch_duration_seconds histogram');
    } finally {
      await scorer.stop();
    }
  });
});

describe('metrics of the alerter and of waiting jobs', () => {
  const HOOK_SECRET = 'hook-secret-0123456789abcdef';
  let slack: FixtureServer;
  let system: TestSystem;

  beforeAll(async () => {
    slack = await startFixtureServer();
    // One channel's first attempt fails and is retried (500), the other's webhook is gone (404: not retried).
    const statuses = [500];
    slack.route('/services/retried', (_request, response) => {
      response.writeHead(statuses.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
    slack.route('/services/gone', (_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
    });
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
alerts:
  tick: 1h
  bucket: 5m
  group_wait: 0s
  delivery: { attempts: 3, backoff: 50ms }
  rules:
    - { id: acme-recall, type: keyword, window: 1h, terms: [recall], channels: [retried-slack, gone-slack] }
  channels:
    - { id: retried-slack, type: slack, url: "${slack.baseUrl}/services/retried" }
    - { id: gone-slack, type: slack, url: "${slack.baseUrl}/services/gone" }
${TEST_API_KEYS}`,
      // No poller: a poll job added by the test waits.
      roles: ['api', 'scorer', 'alerter'],
    });
  });

  afterAll(async () => {
    await system?.stop();
    await slack?.close();
  });

  it('observes each delivery once, when it ends, with the time from its job being queued to that end', async () => {
    const mention = { url: 'https://news.example/acme-recall', text: 'Acme announces a recall of its batteries', published_at: new Date().toISOString() };
    expect((await pushWebhook(system.baseUrl, 'hook', JSON.stringify(mention), { secret: HOOK_SECRET })).status).toBe(202);
    const { result } = await system.evaluations.next((job) => job.result.evaluated && job.result.messages.length > 0);
    expect(result.messages.map((message) => message.channelId).sort()).toEqual(['gone-slack', 'retried-slack']);
    const jobIdFor = (channelId: string) => {
      const message = result.messages.find((candidate) => candidate.channelId === channelId);
      if (message === undefined) throw new Error(`no message to ${channelId}`);
      return notifyJobId({ eventId: message.eventId, channelId });
    };
    const retriedId = jobIdFor('retried-slack');
    const goneId = jobIdFor('gone-slack');
    expect((await system.deliveries.next((job) => job.jobId === retriedId)).result).toBe('sent');
    expect(await system.deliveries.nextFailure(goneId)).toMatch(/^Slack answered HTTP 404 \(no_service\)/);
    const retried = await system.runtime.queues.notify.getJob(retriedId);
    const gone = await system.runtime.queues.notify.getJob(goneId);
    expect([retried?.attemptsMade, gone?.attemptsMade]).toEqual([2, 1]);

    const { samples } = await scrape(system.baseUrl);
    const latencies = [...samples].filter(([series]) => /^buzzwatch_delivery_latency_seconds_count\{/.test(series));
    // Once each: not for the retried channel's failed first attempt, and for the 404 although attempts were left.
    expect(latencies.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['buzzwatch_delivery_latency_seconds_count{channel="gone-slack",outcome="failed"}', 1],
      ['buzzwatch_delivery_latency_seconds_count{channel="retried-slack",outcome="sent"}', 1],
    ]);
    // Observed during the attempt that ended the delivery: after it started, before BullMQ recorded it finished.
    for (const [job, series] of [
      [retried, '{channel="retried-slack",outcome="sent"}'],
      [gone, '{channel="gone-slack",outcome="failed"}'],
    ] as const) {
      if (job?.processedOn === undefined || job.finishedOn === undefined) throw new Error(`job ${job?.id} has no processing times`);
      const seconds = samples.get(`buzzwatch_delivery_latency_seconds_sum${series}`);
      expect(seconds).toBeGreaterThanOrEqual((job.processedOn - job.timestamp) / 1000);
      expect(seconds).toBeLessThanOrEqual((job.finishedOn - job.timestamp) / 1000);
    }
    // The retried delivery waited out its 50 ms back-off before it was sent.
    expect(samples.get('buzzwatch_delivery_latency_seconds_sum{channel="retried-slack",outcome="sent"}')).toBeGreaterThanOrEqual(0.05);
  });

  it('says when the alerter last finished evaluating the rules, and how many evaluations it timed', async () => {
    // Another evaluation may hold the lock (not evaluated): ask until one runs.
    const evaluatedJobId = async (): Promise<string> => {
      for (;;) {
        const { id } = await system.runtime.queues.alerts.add('evaluate', {});
        const { result } = await system.evaluations.next((completed) => completed.jobId === id);
        if (result.evaluated) return id as string;
      }
    };
    const evaluation = await system.runtime.queues.alerts.getJob(await evaluatedJobId());
    if (evaluation?.processedOn === undefined || evaluation.finishedOn === undefined) throw new Error('the evaluation has no processing times');
    const { samples } = await scrape(system.baseUrl);
    const lastTick = samples.get('buzzwatch_alerter_last_tick_timestamp_seconds');
    expect(lastTick).toBeGreaterThanOrEqual(evaluation.processedOn / 1000);
    expect(lastTick).toBeLessThanOrEqual(evaluation.finishedOn / 1000);
    // One duration per evaluation that ran (the scheduler's first, those after new mentions, the test's).
    const evaluated = system.evaluations.completed.filter((completed) => completed.result.evaluated).length;
    expect(samples.get('buzzwatch_alerter_tick_duration_seconds_count')).toBe(evaluated);
  });

  it('reports how long the oldest waiting job of a queue has been due', async () => {
    const queuedAtMs = Date.now() - 2 * 3_600_000;
    // Added oldest first, as they would have been: no poller takes them.
    await system.runtime.queues.poll.add('poll', { sourceId: 'older' }, { timestamp: queuedAtMs });
    await system.runtime.queues.poll.add('poll', { sourceId: 'newer' }, { timestamp: queuedAtMs + 3_600_000 });
    const before = Date.now();
    const { samples } = await scrape(system.baseUrl);
    const after = Date.now();
    expect(samples.get('buzzwatch_queue_jobs{queue="poll",state="waiting"}')).toBe(2);
    const age = samples.get('buzzwatch_queue_oldest_waiting_seconds{queue="poll"}');
    expect(age).toBeGreaterThanOrEqual((before - queuedAtMs) / 1000);
    expect(age).toBeLessThanOrEqual((after - queuedAtMs) / 1000);
    expect(samples.get('buzzwatch_queue_oldest_waiting_seconds{queue="mentions"}')).toBe(0);
  });
});

describe('metrics while PostgreSQL and Redis are both down', () => {
  let redis: PrivateRedis;
  let proxy: TcpProxy;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    proxy = await startTcpProxy('127.0.0.1', 5432);
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: news, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
${TEST_API_KEYS}`,
      roles: ['api'],
      redisUrl: redis.url,
      databaseUrlFor: throughProxy(proxy),
    });
  });

  afterAll(async () => {
    await proxy?.up();
    await redis?.restart();
    await system?.stop();
    await proxy?.close();
    await redis?.destroy();
  });

  it('stays valid for Prometheus, with each dependency marked down once and its metrics left out', async () => {
    await redis.kill();
    await proxy.down();
    const { text, samples } = await scrape(system.baseUrl);
    expect(samples.get('buzzwatch_metrics_dependency_up{dependency="postgres"}')).toBe(0);
    expect(samples.get('buzzwatch_metrics_dependency_up{dependency="redis"}')).toBe(0);
    expect(text.match(/^# HELP buzzwatch_metrics_dependency_up /gm)).toHaveLength(1);
    expect(text).not.toMatch(/^buzzwatch_(source_|queue_|alerts_firing|alert_deliveries)/m);
    expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});
