// Broken sources (HTTP 500, invalid XML, an HTML page, silence) are marked failing with their reason and back off,
// while a good feed keeps ingesting in the same run; a source that recovers becomes healthy again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { neverAnswer, serveFeed, startFixtureServer, type FixtureServer, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

// An unescaped "&" in the second item's title, and a misspelt closing tag after it: broken beyond what escaping the
// "&" repairs, so the parser's first complaint stands, at the space after the "&" (line 4, column 20).
const BROKEN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>Fine item</title><link>https://broken.example/1</link></item>
<item><title>Acme & friends</titel><link>https://broken.example/2</link></item>
</channel></rss>`;

const HTML_PAGE = `<!DOCTYPE html>
<html lang="en"><head><title>Acme news</title></head><body><p>Our feed has moved.</p></body></html>`;

const RECOVERED_STORY = {
  id: 'recovered-1',
  link: 'https://broken.example/acme-is-back',
  title: 'Acme is back on the shelves',
  html: '<p>The Acme catalogue returns on Monday.</p>',
  date: 'Thu, 26 Nov 2026 09:00:00 GMT',
};

describe('failing sources', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  let host: string;
  let initial: Map<string, PollOutcome>;

  const sourcesById = async (): Promise<Record<string, any>> => {
    const { status, body } = await system.api('/v1/sources');
    expect(status).toBe(200);
    return Object.fromEntries(body.data.map((source: any) => [source.id, source]));
  };

  /** Moves a source's back-off into the past, as if its retry time had come. */
  const endBackoff = async (sourceId: string) => {
    await system.db.database.query("UPDATE sources SET retry_at = now() - interval '1 minute' WHERE id = $1", [sourceId]);
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    host = new URL(feeds.baseUrl).host;
    feeds.route('/good.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8'));
    feeds.route('/error.xml', (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error');
    });
    feeds.route('/broken.xml', serveFeed(BROKEN_XML, 'application/rss+xml'));
    feeds.route('/page.html', serveFeed(HTML_PAGE, 'text/html; charset=utf-8'));
    feeds.route('/silent.xml', neverAnswer);
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: good-feed, type: rss, url: "${feeds.baseUrl}/good.xml", every: 1h }
  - { id: server-error, type: rss, url: "${feeds.baseUrl}/error.xml", every: 20m }
  - { id: broken-xml, type: rss, url: "${feeds.baseUrl}/broken.xml", every: 1h }
  - { id: html-page, type: rss, url: "${feeds.baseUrl}/page.html", every: 1h }
  - { id: silent, type: rss, url: "${feeds.baseUrl}/silent.xml", every: 1h }
http: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }
${TEST_API_KEYS}`,
    });
    initial = await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('reports each broken source failing with its specific reason after the first polls', async () => {
    const intervalMs: Record<string, number> = { 'server-error': 20 * MINUTE_MS, 'broken-xml': HOUR_MS, 'html-page': HOUR_MS, silent: HOUR_MS };
    const expected: Record<string, { kind: string; message: string }> = {
      'server-error': { kind: 'http', message: `HTTP 500 from ${host}` },
      'broken-xml': { kind: 'parse', message: `invalid XML from ${host}: Invalid character in entity name at line 4, column 20` },
      'html-page': {
        kind: 'not_a_feed',
        message: `${host} answered with an HTML page, not a feed (content-type text/html; charset=utf-8)`,
      },
      silent: { kind: 'timeout', message: `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s` },
    };
    const sources = await sourcesById();
    for (const [sourceId, error] of Object.entries(expected)) {
      expect(initial.get(sourceId), sourceId).toMatchObject({ status: 'failed', error });
      const source = sources[sourceId];
      expect(source, sourceId).toMatchObject({
        status: 'failing',
        consecutive_failures: 1,
        last_error: error.message,
        last_ok_at: null,
        mentions_total: 0,
      });
      // The first failure waits one interval from the failed poll.
      expect(Date.parse(source.retry_at) - Date.parse(source.last_polled_at), sourceId).toBe(intervalMs[sourceId]);
      expect(Date.parse(source.retry_at), sourceId).toBeGreaterThan(Date.now());
    }
  });

  it('logs each failure with the source and the reason', () => {
    const failures = system.logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'poll failed');
    expect(failures.map((entry) => [entry.source, entry.reason]).sort()).toEqual(
      [
        ['broken-xml', `invalid XML from ${host}: Invalid character in entity name at line 4, column 20`],
        ['html-page', `${host} answered with an HTML page, not a feed (content-type text/html; charset=utf-8)`],
        ['server-error', `HTTP 500 from ${host}`],
        ['silent', `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s`],
      ].sort(),
    );
  });

  it('stores the good feed in the same run, untouched by the broken ones', async () => {
    expect(initial.get('good-feed')).toMatchObject({ status: 'ok', items: 5, mentions: 3, backfill: true });
    const { body } = await system.api('/v1/mentions');
    expect(body.data.map((mention: any) => mention.url).sort()).toEqual([
      'https://news.example/acme-anvil-recall',
      'https://news.example/acme-office',
      'https://news.example/acme-skates',
    ]);
    expect(body.data.every((mention: any) => mention.source.id === 'good-feed')).toBe(true);
    const sources = await sourcesById();
    expect(sources['good-feed']).toMatchObject({
      status: 'ok',
      consecutive_failures: 0,
      last_error: null,
      retry_at: null,
      mentions_total: 3,
    });
    expect(sources['good-feed'].last_ok_at).toBe(sources['good-feed'].last_polled_at);
  });

  it('skips a poll of a failing source while its retry time is ahead, without fetching', async () => {
    const before = await sourcesById();
    for (const [sourceId, path] of [
      ['server-error', '/error.xml'],
      ['broken-xml', '/broken.xml'],
      ['html-page', '/page.html'],
      ['silent', '/silent.xml'],
    ] as const) {
      const fetchesBefore = feeds.requestsTo(path).length;
      expect(fetchesBefore, sourceId).toBe(1);
      const outcome = await system.pollAsScheduled(sourceId);
      expect(outcome, sourceId).toEqual({ status: 'skipped', reason: 'backing_off', retryAt: before[sourceId].retry_at });
      expect(feeds.requestsTo(path), sourceId).toHaveLength(fetchesBefore);
    }
    // A skipped poll is not a poll: nothing about the sources' health changed.
    expect(await sourcesById()).toEqual(before);
  });

  it('runs a poll someone asked for through the API even while the source backs off', async () => {
    const fetchesBefore = feeds.requestsTo('/page.html').length;
    const outcome = await system.pollAndStore('html-page');
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'not_a_feed' } });
    expect(feeds.requestsTo('/page.html')).toHaveLength(fetchesBefore + 1);
    expect((await sourcesById())['html-page'].consecutive_failures).toBe(2);
  });

  it('doubles the wait after each further failure, up to an hour', async () => {
    const waits: number[] = [];
    for (const consecutiveFailures of [2, 3]) {
      await endBackoff('server-error');
      const outcome = await system.pollAndStore('server-error');
      expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'http', message: `HTTP 500 from ${host}` } });
      const source = (await sourcesById())['server-error'];
      expect(source).toMatchObject({ status: 'failing', consecutive_failures: consecutiveFailures, last_error: `HTTP 500 from ${host}` });
      waits.push(Date.parse(source.retry_at) - Date.parse(source.last_polled_at));
    }
    // every: 20m → 40m after the second failure, then 80m capped to an hour.
    expect(waits).toEqual([40 * MINUTE_MS, HOUR_MS]);
    expect(feeds.requestsTo('/error.xml')).toHaveLength(3);
  });

  it('marks a source that recovers ok again, clears its error and stores what it serves', async () => {
    feeds.route('/broken.xml', serveFeed(rss2([RECOVERED_STORY]), 'application/rss+xml'));
    await endBackoff('broken-xml');
    const outcome = await system.pollAndStore('broken-xml');
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    const source = (await sourcesById())['broken-xml'];
    expect(source).toMatchObject({
      status: 'ok',
      consecutive_failures: 0,
      last_error: null,
      retry_at: null,
      mentions_total: 1,
    });
    expect(source.last_ok_at).toBe(source.last_polled_at);
    const { body } = await system.api('/v1/mentions?source=broken-xml');
    expect(body.data.map((mention: any) => [mention.url, mention.title])).toEqual([
      ['https://broken.example/acme-is-back', 'Acme is back on the shelves'],
    ]);
  });

  it('keeps the good feed polling and the process healthy after all of this', async () => {
    const outcome = await system.pollAndStore('good-feed');
    expect(outcome).toMatchObject({ status: 'ok', items: 5, mentions: 3, backfill: false });
    expect((await system.api('/healthz', { key: null })).status).toBe(200);
    const { rows } = await system.db.database.query<{ total: number }>(
      "SELECT count(*)::int AS total FROM mentions WHERE source_id = 'good-feed'",
    );
    expect(rows[0]?.total).toBe(3);
  });
});
