// The google-news source against a loopback Google News: the exact /rss/search requests (query with its `when:`
// window, hl/gl/ceid of the edition, one request per query at the per-query pace), what is stored (the article's own
// URL where the link carries it, the outlet as author, titles without the " - Outlet" suffix), incremental polls that
// return only unseen guids, and each failure shown as the source's health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_OPTIONS } from '../../src/net/http-client.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { articleUrlOf } from '../../src/sources/google-news.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { listedSource, mentionsWithBrands, pollSystemAt, recordingThrottle, sourceState } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import {
  ACME_NEWS_QUERY,
  NEWS_BRAND_CONFIG,
  ZELAZKO_NEWS_QUERY,
  articleLink,
  googleNewsFeed,
  legacyArticleId,
  opaqueArticleId,
  type NewsArticleFixture,
} from '../fixtures/google-news.js';

const MINUTE_MS = 60_000;
const NOW = new Date('2026-11-25T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const US = { hl: 'en-US', gl: 'US', ceid: 'US:en' };
const PL = { hl: 'pl', gl: 'PL', ceid: 'PL:pl' };
const RSS_ACCEPT = 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

const feed = (query: string, articles: readonly NewsArticleFixture[], edition = US): Answer => ({
  body: googleNewsFeed(query, edition, articles),
  headers: { 'content-type': 'application/xml; charset=utf-8' },
});

const SOURCES = ['news', 'polish', 'quiet', 'limited', 'blocked', 'broken', 'garbled', 'silent', 'preview'];

const reutersUrl = 'https://www.reuters.example/business/acme-corp-recalls-rocket-skates-2026-11-25/';
const recall: NewsArticleFixture = {
  articleId: legacyArticleId(reutersUrl),
  headline: 'Acme Corp recalls rocket skates',
  publisher: 'Reuters',
  publisherSite: 'https://www.reuters.example',
  pubDate: 'Wed, 25 Nov 2026 11:30:00 GMT',
};
const depot: NewsArticleFixture = {
  articleId: opaqueArticleId('QmNvS0depotToken'),
  headline: 'Acme opens a depot in Springfield',
  publisher: 'Springfield Gazette',
  publisherSite: 'https://gazette.example',
  pubDate: 'Wed, 25 Nov 2026 09:15:00 GMT',
};
const fruit: NewsArticleFixture = {
  articleId: opaqueArticleId('ZnJ1aXRUb2tlbg'),
  headline: 'The Acme fruit harvest begins',
  publisher: 'Farm News',
  publisherSite: 'https://farm.example',
  pubDate: 'Wed, 25 Nov 2026 08:00:00 GMT',
};
// A dash inside the headline stays; only the " - Publisher" suffix goes.
const birthday: NewsArticleFixture = {
  articleId: opaqueArticleId('YmlydGhkYXk'),
  headline: 'Acme - the anvil company - turns 80',
  publisher: 'Trade Weekly & Co',
  publisherSite: 'https://trade.example/?a=1&b=2',
  pubDate: 'Wed, 25 Nov 2026 07:00:00 GMT',
};
const factory: NewsArticleFixture = {
  articleId: opaqueArticleId('ZmFjdG9yeQ'),
  headline: 'Żelazko SA otwiera nową fabrykę w Łodzi',
  publisher: 'Rzeczpospolita',
  publisherSite: 'https://www.rp.example',
  pubDate: 'Wed, 25 Nov 2026 10:00:00 GMT',
};

describe('google-news source', () => {
  let news: FixtureServer;
  let system: TestSystem;
  let host: string;
  const throttled: string[] = [];
  const scripts = new Map<string, Answer[]>();

  const throttle = recordingThrottle(throttled);

  const answer = (sourceId: string, ...answers: Answer[]) => scripts.get(sourceId)?.push(...answers);
  const requestsOf = (sourceId: string) => news.requestsTo(`/${sourceId}/rss/search`);
  const paramsOf = (request: RecordedRequest | undefined) => [...(request?.url.searchParams.entries() ?? [])];
  const searchParams = (q: string, edition = US) => [
    ['q', q],
    ['hl', edition.hl],
    ['gl', edition.gl],
    ['ceid', edition.ceid],
  ];

  const poll = (sourceId: string, now: Date, options: { force?: boolean } = { force: true }): Promise<PollOutcome> =>
    pollSystemAt(system, sourceId, now, { ...options, throttle });
  const sourceById = (sourceId: string) => listedSource(system, sourceId);
  const storedRows = (sourceId: string) => mentionsWithBrands(system.db.database, sourceId, 'published_at DESC');
  const stateOf = (sourceId: string) => sourceState(system.db.database, sourceId);

  beforeAll(async () => {
    news = await startFixtureServer();
    host = new URL(news.baseUrl).host;
    for (const sourceId of SOURCES) {
      scripts.set(sourceId, []);
      news.route(`/${sourceId}/rss/search`, (_request, response) => {
        const next = scripts.get(sourceId)?.shift();
        if (next === undefined) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('no answer scripted');
          return;
        }
        response.writeHead(next.status ?? 200, next.headers ?? { 'content-type': 'application/xml' }).end(next.body);
      });
    }
    news.route('/silent/rss/search', neverAnswer);
    const sourceLines = SOURCES.map((sourceId) => {
      if (sourceId === 'news') return `  - { id: news, type: google-news, base_url: "${news.baseUrl}/news" }`;
      if (sourceId === 'polish') {
        return `  - { id: polish, type: google-news, base_url: "${news.baseUrl}/polish", locale: pl-PL, backfill: 6h, brands: [zelazko] }`;
      }
      return `  - { id: ${sourceId}, type: google-news, base_url: "${news.baseUrl}/${sourceId}", brands: [acme] }`;
    });
    system = await startTestSystem({
      configYaml: `${NEWS_BRAND_CONFIG}\nsources:\n${sourceLines.join('\n')}\nhttp: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }\n${TEST_API_KEYS}`,
      // No poller: each test polls at the time it chooses, with a throttle that records instead of waiting a minute.
      roles: ['api', 'scorer'],
    });
  });

  afterAll(async () => {
    await system?.stop();
    await news?.close();
  });

  describe('backfill, then incremental polls', () => {
    it('asks each query for the backfill window in the edition, at most once a minute per query, and stores it as backfill', async () => {
      answer('news', feed(`${ACME_NEWS_QUERY} when:24h`, [recall, depot, fruit, birthday]));
      // The depot story comes back for the second query too: one item.
      answer('news', feed(`${ZELAZKO_NEWS_QUERY} when:24h`, [factory, depot]));
      throttled.length = 0;
      const outcome = await poll('news', NOW, {});
      expect(outcome).toMatchObject({ status: 'ok', items: 5, mentions: 4, backfill: true });
      const requests = requestsOf('news');
      expect(requests.map(paramsOf)).toEqual([searchParams(`${ACME_NEWS_QUERY} when:24h`), searchParams(`${ZELAZKO_NEWS_QUERY} when:24h`)]);
      for (const request of requests) {
        expect(request.method).toBe('GET');
        expect(request.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
        expect(request.headers.accept).toBe(RSS_ACCEPT);
      }
      expect(throttled).toEqual([
        `google-news:${host}:US:en:en-US:${ACME_NEWS_QUERY} 60000`,
        `google-news:${host}:US:en:en-US:${ZELAZKO_NEWS_QUERY} 60000`,
      ]);
      expect(await storedRows('news')).toEqual([
        {
          // The older article id carries the article's own URL: stored instead of the news.google.com redirect.
          url: reutersUrl,
          external_id: recall.articleId,
          title: 'Acme Corp recalls rocket skates',
          content: 'Acme Corp recalls rocket skates Reuters',
          author: 'Reuters',
          lang: 'en',
          published_at: new Date('2026-11-25T11:30:00Z'),
          backfill: true,
          reach: null,
          brands: ['acme'],
        },
        {
          url: articleLink(factory.articleId),
          external_id: factory.articleId,
          title: 'Żelazko SA otwiera nową fabrykę w Łodzi',
          content: 'Żelazko SA otwiera nową fabrykę w Łodzi Rzeczpospolita',
          author: 'Rzeczpospolita',
          lang: 'en',
          published_at: new Date('2026-11-25T10:00:00Z'),
          backfill: true,
          reach: null,
          brands: ['zelazko'],
        },
        {
          url: articleLink(depot.articleId),
          external_id: depot.articleId,
          title: 'Acme opens a depot in Springfield',
          content: 'Acme opens a depot in Springfield Springfield Gazette',
          author: 'Springfield Gazette',
          lang: 'en',
          published_at: new Date('2026-11-25T09:15:00Z'),
          backfill: true,
          reach: null,
          brands: ['acme'],
        },
        {
          url: articleLink(birthday.articleId),
          external_id: birthday.articleId,
          title: 'Acme - the anvil company - turns 80',
          content: 'Acme - the anvil company - turns 80 Trade Weekly & Co',
          author: 'Trade Weekly & Co',
          lang: 'en',
          published_at: new Date('2026-11-25T07:00:00Z'),
          backfill: true,
          reach: null,
          brands: ['acme'],
        },
      ]);
      const state = await stateOf('news');
      expect(state).toEqual({ polledAt: NOW.toISOString(), seen: expect.any(Array) });
      // Short hashes of the five guids, not the (long) guids themselves.
      expect(state.seen).toHaveLength(5);
      expect(state.seen.every((key: string) => /^[A-Za-z0-9_-]{16}$/.test(key))).toBe(true);
    });

    it('asks for the time since the last poll plus an hour, and returns only articles it has not returned before', async () => {
      const fresh: NewsArticleFixture = {
        articleId: opaqueArticleId('ZnJlc2g'),
        headline: 'Acme Corp shares rise after recall',
        publisher: 'Market Watcher',
        publisherSite: 'https://markets.example',
        pubDate: 'Wed, 25 Nov 2026 12:05:00 GMT',
      };
      answer('news', feed(`${ACME_NEWS_QUERY} when:2h`, [fresh, recall, depot]));
      answer('news', feed(`${ZELAZKO_NEWS_QUERY} when:2h`, [factory]));
      const outcome = await poll('news', at(10 * MINUTE_MS), {});
      expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: false });
      expect(requestsOf('news').slice(2).map(paramsOf)).toEqual([
        searchParams(`${ACME_NEWS_QUERY} when:2h`),
        searchParams(`${ZELAZKO_NEWS_QUERY} when:2h`),
      ]);
      const rows = await storedRows('news');
      expect(rows).toHaveLength(5);
      expect(rows.filter((row) => !row.backfill).map((row) => [row.url, row.title, row.author])).toEqual([
        [articleLink(fresh.articleId), 'Acme Corp shares rise after recall', 'Market Watcher'],
      ]);
      const state = await stateOf('news');
      expect(state.polledAt).toBe(at(10 * MINUTE_MS).toISOString());
      expect(state.seen).toHaveLength(6);
    });
  });

  it('reads the article URL from links of the older form as Google published them, and not from the current form', () => {
    const older =
      'https://news.google.com/rss/articles/CBMiLmh0dHBzOi8vd3d3LmJiYy5jb20vbmV3cy9hcnRpY2xlcy9jampqbnhkdjE4OG_SATJodHRwczovL3d3dy5iYmMuY29tL25ld3MvYXJ0aWNsZXMvY2pqam54ZHYxODhvLmFtcA?oc=5';
    const current =
      'https://news.google.com/rss/articles/CBMiVkFVX3lxTE4zaGU2bTY2ZGkzdTRkSkJ0cFpsTGlDUjkxU2FBRURaTWU0c3QzVWZ1MHZZNkZ5Vzk1ZVBnTDFHY2R6ZmdCUkpUTUJsS1pqQTlCRzlzbHV3?oc=5';
    expect(articleUrlOf(older)).toBe('https://www.bbc.com/news/articles/cjjjnxdv188o');
    expect(articleUrlOf(current)).toBeNull();
    expect(articleUrlOf('https://example.com/rss/articles/CBMiLmh0dHBzOi8vd3d3LmJiYy5jb20vbmV3cy9hcnRpY2xlcy9jampqbnhkdjE4OG8')).toBeNull();
  });

  it('derives hl, gl and ceid from the locale and the window from the backfill setting', async () => {
    // Its own article: a URL already stored by another source is the same mention, kept under that source.
    const polishFactory = { ...factory, articleId: opaqueArticleId('cG9sc2tp') };
    answer('polish', feed(`${ZELAZKO_NEWS_QUERY} when:6h`, [polishFactory], PL));
    const outcome = await poll('polish', NOW);
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    expect(requestsOf('polish').map(paramsOf)).toEqual([searchParams(`${ZELAZKO_NEWS_QUERY} when:6h`, PL)]);
    expect((await storedRows('polish')).map((row) => [row.title, row.lang, row.brands])).toEqual([
      ['Żelazko SA otwiera nową fabrykę w Łodzi', 'pl', ['zelazko']],
    ]);
  });

  it('treats a feed without items as a successful poll that finds nothing', async () => {
    answer('quiet', feed(`${ACME_NEWS_QUERY} when:24h`, []));
    expect(await poll('quiet', NOW)).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: true });
    expect(await stateOf('quiet')).toEqual({ polledAt: NOW.toISOString(), seen: [] });
    expect(await sourceById('quiet')).toMatchObject({ status: 'ok', last_error: null });
  });

  it('is rate_limited after a 429 with Retry-After, skips polls until then, and succeeds after', async () => {
    answer('limited', { status: 429, headers: { 'retry-after': '120', 'content-type': 'text/html' }, body: '<html>Too Many Requests</html>' });
    const refused = await poll('limited', NOW, {});
    expect(refused).toEqual({
      status: 'failed',
      error: { kind: 'rate_limited', message: `HTTP 429 from ${host}: rate limited; retrying after 120 s` },
      retryAt: at(120_000).toISOString(),
    });
    expect(await sourceById('limited')).toMatchObject({ status: 'rate_limited', retry_at: at(120_000).toISOString() });
    expect(await poll('limited', at(60_000), {})).toMatchObject({ status: 'skipped', reason: 'backing_off' });
    expect(requestsOf('limited')).toHaveLength(1);
    answer('limited', feed(`${ACME_NEWS_QUERY} when:24h`, [recall]));
    expect(await poll('limited', at(121_000), {})).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    expect(await sourceById('limited')).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null });
  });

  describe('failures as health', () => {
    it('shows a 403 (Google blocking this client) as auth_failed with what to check', async () => {
      answer('blocked', { status: 403, headers: { 'content-type': 'text/html' }, body: '<html>We are sorry…</html>' });
      const message = `HTTP 403 from ${host}: Google News refused the request; check http.user_agent and that this host is not blocked (poll less often)`;
      expect(await poll('blocked', NOW)).toMatchObject({ status: 'failed', error: { kind: 'auth_failed', message } });
      expect(await sourceById('blocked')).toMatchObject({ status: 'auth_failed', last_error: message });
    });

    it('shows a 5xx as failing', async () => {
      answer('broken', { status: 500, headers: { 'content-type': 'text/html' }, body: '<html>Server Error</html>' });
      expect(await poll('broken', NOW)).toMatchObject({ status: 'failed', error: { kind: 'http', message: `HTTP 500 from ${host}` } });
      expect(await sourceById('broken')).toMatchObject({ status: 'failing', last_error: `HTTP 500 from ${host}` });
    });

    it('shows malformed XML and an HTML page as failing with the reason, keeping the state', async () => {
      answer('garbled', feed(`${ACME_NEWS_QUERY} when:24h`, [recall]));
      expect(await poll('garbled', NOW)).toMatchObject({ status: 'ok', items: 1 });
      const state = await stateOf('garbled');
      // A bare "&" alone is repaired; with a misspelt closing tag after it the feed is broken, as first reported.
      answer('garbled', { body: '<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>Acme & co</titel></item></channel></rss>' });
      const invalid = `invalid XML from ${host}: Invalid character in entity name at line 2, column 48`;
      expect(await poll('garbled', at(MINUTE_MS))).toMatchObject({ status: 'failed', error: { kind: 'parse', message: invalid } });
      expect(await sourceById('garbled')).toMatchObject({ status: 'failing', last_error: invalid });
      answer('garbled', { headers: { 'content-type': 'text/html; charset=UTF-8' }, body: '<!DOCTYPE html><html><title>Sorry...</title></html>' });
      const page = `${host} answered with an HTML page, not a feed (content-type text/html; charset=UTF-8)`;
      expect(await poll('garbled', at(2 * MINUTE_MS))).toMatchObject({ status: 'failed', error: { kind: 'not_a_feed', message: page } });
      expect(await sourceById('garbled')).toMatchObject({ status: 'failing', last_error: page });
      expect(await stateOf('garbled')).toEqual(state);
    });

    it('shows a request that never completes as failing with a timeout', async () => {
      const message = `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s`;
      expect(await poll('silent', NOW)).toMatchObject({ status: 'failed', error: { kind: 'timeout', message } });
      expect(await sourceById('silent')).toMatchObject({ status: 'failing', last_error: message });
    });
  });

  it('previews a google-news source against the loopback server without storing anything', async () => {
    answer('preview', feed(`${ACME_NEWS_QUERY} when:24h`, [recall, fruit]));
    const source = system.runtime.sources.get('preview');
    if (source === undefined) throw new Error('the config has a preview source');
    const result = await previewSource(source, { ...system.runtime, throttle });
    expect(result).toEqual({
      ok: true,
      lines: [
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          external_id: recall.articleId,
          url: reutersUrl,
          title: 'Acme Corp recalls rocket skates',
          text: 'Acme Corp recalls rocket skates Reuters',
          author: 'Reuters',
          lang: 'en',
          published_at: '2026-11-25T11:30:00.000Z',
          brands: ['acme'],
        },
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          external_id: fruit.articleId,
          url: articleLink(fruit.articleId),
          title: 'The Acme fruit harvest begins',
          text: 'The Acme fruit harvest begins Farm News',
          author: 'Farm News',
          lang: 'en',
          published_at: '2026-11-25T08:00:00.000Z',
          brands: [],
        },
      ],
      warning: null,
    });
    expect(requestsOf('preview').map(paramsOf)).toEqual([searchParams(`${ACME_NEWS_QUERY} when:24h`)]);
    expect(await storedRows('preview')).toEqual([]);
  });
});
