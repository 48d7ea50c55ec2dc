// Feeds → poller → Redis → scorer → PostgreSQL → API, with the whole system running against real services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, serveFeed, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { ATOM_ENTRIES, BRAND_CONFIG, RSS_ENTRIES, atom, rss2 } from '../fixtures/feeds.js';

describe('feed ingestion end to end', () => {
  let feeds: FixtureServer;
  let system: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/rss.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8', { etag: '"v1"' }));
    feeds.route('/atom.xml', serveFeed(atom(ATOM_ENTRIES), 'application/atom+xml'));
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: news-rss, type: rss, url: "${feeds.baseUrl}/rss.xml", every: 1h }
  - { id: blog-atom, type: rss, url: "${feeds.baseUrl}/atom.xml", every: 1h }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('stores exactly the matching items, with the expected sentiment, as backfill of the first poll', async () => {
    const { status, body } = await system.api('/v1/mentions?brand=acme&limit=50');
    expect(status).toBe(200);
    const byUrl = Object.fromEntries(body.data.map((mention: any) => [mention.url, mention]));
    expect(Object.keys(byUrl).sort()).toEqual([
      'https://blog.example/fans',
      'https://news.example/acme-anvil-recall',
      'https://news.example/acme-office',
      'https://news.example/acme-skates',
    ]);
    expect(byUrl['https://news.example/acme-skates'].sentiment.label).toBe('positive');
    expect(byUrl['https://news.example/acme-anvil-recall'].sentiment.label).toBe('negative');
    expect(byUrl['https://news.example/acme-office'].sentiment.label).toBe('neutral');
    expect(byUrl['https://blog.example/fans'].sentiment.label).toBe('positive');
    expect(byUrl['https://news.example/acme-anvil-recall']).toMatchObject({
      brands: ['acme'],
      source: { id: 'news-rss', type: 'rss' },
      title: 'Acme anvil recall after terrible failures',
      text: 'Customers are furious: the Acme anvil is awful, broken and dangerous. A horrible disaster.',
      lang: 'en',
      published_at: '2026-11-25T11:00:00.000Z',
      backfill: true,
    });
    expect(byUrl['https://news.example/acme-anvil-recall'].sentiment.score).toBeLessThan(0);
    expect(body.data.map((mention: any) => mention.published_at)).toEqual(
      [...body.data.map((mention: any) => mention.published_at)].sort().reverse(),
    );
    expect(body.next_cursor).toBeNull();
  });

  it('stores a story present in both feeds under one canonical URL once', async () => {
    const { rows } = await system.db.database.query(
      "SELECT id, source_id FROM mentions WHERE url = 'https://news.example/acme-skates'",
    );
    expect(rows).toHaveLength(1);
  });

  it('re-polls with If-None-Match, takes a 304, and never stores an item twice', async () => {
    const second = await system.pollAndStore('news-rss');
    expect(second).toMatchObject({ status: 'ok', items: 0, mentions: 0 });
    const conditional = feeds.requestsTo('/rss.xml').at(-1);
    expect(conditional?.headers['if-none-match']).toBe('"v1"');

    // The server forgets its ETag and serves the same items again, plus one new story.
    const newStory = {
      id: 'rss-new',
      link: 'https://news.example/acme-new',
      title: 'Acme ships a new catapult',
      html: '<p>Available from today.</p>',
      date: 'Thu, 26 Nov 2026 09:00:00 GMT',
    };
    feeds.route('/rss.xml', serveFeed(rss2([...RSS_ENTRIES, newStory]), 'application/rss+xml'));
    const third = await system.pollAndStore('news-rss');
    const fourth = await system.pollAndStore('news-rss');
    expect(third).toMatchObject({ status: 'ok', items: 6, mentions: 4, backfill: false });
    expect(fourth).toMatchObject({ status: 'ok', items: 6, mentions: 4, backfill: false });
    expect(feeds.requestsTo('/rss.xml').at(-1)?.headers['if-none-match']).toBeUndefined();

    const { rows } = await system.db.database.query<{ total: number; distinct_urls: number }>(
      'SELECT count(*)::int AS total, count(DISTINCT url)::int AS distinct_urls FROM mentions',
    );
    expect(rows[0]).toEqual({ total: 5, distinct_urls: 5 });
    const links = await system.db.database.query('SELECT count(*)::int AS total FROM mention_brands');
    expect(links.rows[0].total).toBe(5);
    const fresh = await system.db.database.query("SELECT backfill FROM mentions WHERE url = 'https://news.example/acme-new'");
    expect(fresh.rows).toEqual([{ backfill: false }]);
  });

  it('reports both sources healthy with their totals', async () => {
    const { body } = await system.api('/v1/sources');
    const byId = Object.fromEntries(body.data.map((source: any) => [source.id, source]));
    expect(byId['news-rss']).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null });
    expect(byId['blog-atom']).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null });
    expect(byId['news-rss'].mentions_total + byId['blog-atom'].mentions_total).toBe(5);
  });

  it('sends a real User-Agent and asks for compressed feeds', () => {
    const [first] = feeds.requestsTo('/atom.xml');
    expect(first?.headers['user-agent']).toMatch(/^buzzwatch\/\S+ \(/);
    expect(first?.headers['accept-encoding']).toContain('gzip');
  });
});
