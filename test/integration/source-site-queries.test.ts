// site: in a brand query judges where a mention was published, also when a source only links to it through an
// aggregator (Google News' news.google.com links): the API plays on loopback as the real service answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import { createHttpClient } from '../../src/net/http-client.js';
import { toMentions } from '../../src/poller/match-items.js';
import { localThrottle } from '../../src/queue/redis-throttle.js';
import { createLogger } from '../../src/runtime/logger.js';
import type { PollContext } from '../../src/sources/source.js';
import { sourceFromConfig } from '../helpers/configured-source.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { googleNewsFeed, opaqueArticleId, type NewsArticleFixture } from '../fixtures/google-news.js';
import { SkippedResults } from '../../src/sources/skipped-results.js';

const logger = createLogger('silent');
const http = createHttpClient();


function contextAt(now: Date): PollContext {
  return { http, logger, now, throttle: localThrottle(), skipped: new SkippedResults() };
}

describe('site: in brand queries on aggregated sources', () => {
  let fixtures: FixtureServer;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
  });

  afterAll(async () => {
    await fixtures?.close();
  });

  it('google-news: site: in a brand query is judged on the publisher, not on the news.google.com link', async () => {
    const article = (token: string, headline: string, publisher: string, publisherSite: string): NewsArticleFixture => ({
      articleId: opaqueArticleId(token),
      headline,
      publisher,
      publisherSite,
      pubDate: new Date(Date.now() - 10 * 60_000).toUTCString(),
    });
    const fruit = article('ZnJ1aXRzaXRl', 'Acme harvest season opens', 'Acme Fruit Gazette', 'https://acme-fruit.example');
    const press = article('cHJlc3NzaXRl', 'Acme opens a new factory', 'Acme Newsroom', 'https://www.acme.example');
    fixtures.route('/gn/rss/search', (request, response) => {
      const params = request.url.searchParams;
      const edition = { hl: params.get('hl') ?? '', gl: params.get('gl') ?? '', ceid: params.get('ceid') ?? '' };
      response.writeHead(200, { 'content-type': 'application/xml; charset=UTF-8' }).end(googleNewsFeed(params.get('q') ?? '', edition, [fruit, press]));
    });
    const { source, brands } = sourceFromConfig(`
brands:
  - { id: acme, name: Acme, query: 'acme AND NOT site:acme-fruit.example' }
  - { id: acme-press, name: Acme press, query: 'acme site:acme.example' }
sources:
  - { id: gn, type: google-news, base_url: "${fixtures.baseUrl}/gn" }
`);
    const { items } = await source.poll({}, contextAt(new Date()));
    expect(items).toHaveLength(2);
    const mentions = toMentions(items, compileBrandRules(brands), { sourceId: 'gn', sourceType: 'google-news', seenAt: new Date(), backfill: true });
    const brandsByTitle = Object.fromEntries(mentions.map((mention) => [mention.title, mention.brands]));
    // The fruit publisher's article is excluded by `NOT site:acme-fruit.example`; the newsroom's matches `site:acme.example`.
    expect(brandsByTitle).toEqual({ 'Acme opens a new factory': ['acme', 'acme-press'] });
  });
});
