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
