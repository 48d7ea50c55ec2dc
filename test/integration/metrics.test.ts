// /metrics: source health and queue depths in the Prometheus text format, without a key, on every role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOM_ENTRIES, BRAND_CONFIG, atom } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

describe('metrics', () => {
  let feeds: FixtureServer;
  let system: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/good.xml', serveFeed(atom(ATOM_ENTRIES), 'application/atom+xml'));
    feeds.route('/bad.xml', (_request, response) => {
      response.writeHead(502).end();
    });
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: good, type: rss, url: "${feeds.baseUrl}/good.xml", every: 1h }
  - { id: bad, type: rss, url: "${feeds.baseUrl}/bad.xml", every: 1h }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('reports each source as up or down with its failures and totals, and the queues by state', async () => {
    const response = await fetch(`${system.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = (await response.text()).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE buzzwatch_source_up gauge',
        'buzzwatch_source_up{source="good",type="rss"} 1',
        'buzzwatch_source_up{source="bad",type="rss"} 0',
        'buzzwatch_source_status{source="good",type="rss",status="ok"} 1',
        'buzzwatch_source_status{source="bad",type="rss",status="failing"} 1',
        'buzzwatch_source_consecutive_failures{source="bad",type="rss"} 1',
        'buzzwatch_source_mentions_total{source="good",type="rss"} 2',
        'buzzwatch_source_mentions_total{source="bad",type="rss"} 0',
        'buzzwatch_queue_jobs{queue="mentions",state="completed"} 1',
        'buzzwatch_queue_jobs{queue="mentions",state="failed"} 0',
        'buzzwatch_queue_jobs{queue="poll",state="completed"} 2',
      ]),
    );
    expect(lines.some((line) => line.startsWith('buzzwatch_source_last_ok_timestamp_seconds{source="good",type="rss"} '))).toBe(
      true,
    );
    expect(lines.some((line) => line.startsWith('buzzwatch_source_last_ok_timestamp_seconds{source="bad"'))).toBe(false);
  });
});
