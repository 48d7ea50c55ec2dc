// Feeds → API with the whole system running, for what a source's config and a brand's name change: a source limited
// to some brands, a feed that validates with Last-Modified only, and a brand whose name is itself an opinion word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, serveFeed, type FixtureServer, type RouteHandler } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';

const BRANDS = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
  - { id: globex, name: Globex, keywords: ["globex"] }
  - { id: happy-socks, name: Happy Socks, keywords: ["happy socks"] }
`;
const FEED_TYPE = 'application/rss+xml; charset=utf-8';

function story(url: string, title: string, html: string): FeedEntry {
  return { id: url, link: url, title, html, date: 'Wed, 25 Nov 2026 10:00:00 GMT' };
}

// Served by a source limited to globex: two Acme-only stories, one Globex story, one naming both.
const MIXED_FEED = [
  story('https://mixed.example/acme-skates', 'Acme rocket skates are a triumph', '<p>Acme fans love them.</p>'),
  story('https://mixed.example/acme-recall', 'Acme anvil recall', '<p>Acme recalls its anvils.</p>'),
  story('https://mixed.example/globex-lab', 'Globex opens a lab', '<p>The lab is in Cypress Creek.</p>'),
  story('https://mixed.example/deal', 'Acme and Globex sign a deal', '<p>Both firms signed on Monday.</p>'),
];

const LAST_MODIFIED = 'Wed, 25 Nov 2026 08:00:00 GMT';
const DATED_FEED = [
  story('https://dated.example/acme-1', 'Acme hires a new chef', '<p>The canteen reopens.</p>'),
  story('https://dated.example/acme-2', 'Acme paints its depot', '<p>It is blue now.</p>'),
];

const SOCKS_FEED = [
  story('https://socks.example/berlin', 'Happy Socks opens a new store in Berlin', '<p>The shop on Torstrasse opens on Monday.</p>'),
  story('https://socks.example/quality', 'Happy Socks customers are furious about terrible quality', '<p>Reviews keep coming in.</p>'),
];

/** Serves `xml` with a Last-Modified date and no ETag; answers 304 to an If-Modified-Since equal to that date. */
function serveWithLastModified(xml: string): RouteHandler {
  return (request, response) => {
    if (request.headers['if-modified-since'] === LAST_MODIFIED) {
      response.writeHead(304, { 'last-modified': LAST_MODIFIED }).end();
      return;
    }
    response.writeHead(200, { 'content-type': FEED_TYPE, 'last-modified': LAST_MODIFIED }).end(xml);
  };
}

describe('feed options end to end', () => {
  let feeds: FixtureServer;
  let system: TestSystem;

  const mentionsOf = async (query: string): Promise<Array<Record<string, any>>> => {
    const { status, body } = await system.api(`/v1/mentions?${query}`);
    expect(status).toBe(200);
    return body.data;
  };

  const storedCount = async (sourceId: string) => {
    const { rows } = await system.db.database.query<{ total: number }>(
      'SELECT count(*)::int AS total FROM mentions WHERE source_id = $1',
      [sourceId],
    );
    return rows[0]?.total;
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/mixed.xml', serveFeed(rss2(MIXED_FEED), FEED_TYPE));
    feeds.route('/dated.xml', serveWithLastModified(rss2(DATED_FEED)));
    feeds.route('/socks.xml', serveFeed(rss2(SOCKS_FEED), FEED_TYPE));
    system = await startTestSystem({
      configYaml: `${BRANDS}
sources:
  - { id: globex-only, type: rss, url: "${feeds.baseUrl}/mixed.xml", every: 1h, brands: [globex] }
  - { id: dated, type: rss, url: "${feeds.baseUrl}/dated.xml", every: 1h }
  - { id: socks, type: rss, url: "${feeds.baseUrl}/socks.xml", every: 1h }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('stores nothing for acme from a source limited to globex, and its Globex stories for globex only', async () => {
    expect(await mentionsOf('brand=acme&source=globex-only')).toEqual([]);
    const stored = await mentionsOf('source=globex-only');
    expect(stored.map((mention) => [mention.url, mention.brands]).sort()).toEqual([
      ['https://mixed.example/deal', ['globex']],
      ['https://mixed.example/globex-lab', ['globex']],
    ]);
    expect(await storedCount('globex-only')).toBe(2);
  });

  it('re-polls a feed that sent only Last-Modified with If-Modified-Since, and a 304 stores nothing', async () => {
    const [first] = feeds.requestsTo('/dated.xml');
    expect(first?.headers['if-modified-since']).toBeUndefined();
    expect(await storedCount('dated')).toBe(2);

    const outcome = await system.pollAndStore('dated');
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false, jobIds: [] });
    const requests = feeds.requestsTo('/dated.xml');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['if-modified-since']).toBe(LAST_MODIFIED);
    expect(requests[1]?.headers['if-none-match']).toBeUndefined();
    expect(await storedCount('dated')).toBe(2);
  });

  it('masks a brand’s own name before scoring: "Happy Socks" is not a happy word', async () => {
    const byUrl = Object.fromEntries((await mentionsOf('brand=happy-socks')).map((mention) => [mention.url, mention]));
    expect(Object.keys(byUrl).sort()).toEqual(['https://socks.example/berlin', 'https://socks.example/quality']);
    expect(byUrl['https://socks.example/berlin'].sentiment.label).toBe('neutral');
    expect(byUrl['https://socks.example/quality'].sentiment.label).toBe('negative');
    expect(byUrl['https://socks.example/quality'].sentiment.score).toBeLessThan(0);
  });
});
