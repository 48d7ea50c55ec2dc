// A source pointed at a new URL starts over (no ETag from the old URL, a first poll that is backfill again), while a
// source whose interval or brand list changes keeps its state: polls of one source id under successive configs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { serveFeed, startFixtureServer, type FixtureServer, type RecordedRequest } from '../helpers/http-fixture-server.js';
import { sourceFromConfig } from '../helpers/configured-source.js';
import { startPollHarness, type PollHarness } from '../helpers/poll-harness.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';

const BRANDS = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
  - { id: globex, name: Globex, keywords: ["globex"] }
`;
const FEED_TYPE = 'application/rss+xml; charset=utf-8';

function story(path: string, title: string): FeedEntry {
  return { id: `guid${path}`, link: `https://moved.example${path}`, title, html: `<p>${title}.</p>`, date: 'Wed, 25 Nov 2026 10:00:00 GMT' };
}

const OLD_FEED = [story('/a-1', 'Acme opens a depot'), story('/a-2', 'Globex hires a chef')];
const NEW_FEED = [story('/b-1', 'Acme ships anvils'), story('/b-2', 'Globex buys a boat')];

/** Source `news` as the config loader builds it from `fields` (a YAML flow mapping's inside). */
function newsSource(fields: string) {
  return sourceFromConfig(`${BRANDS}\nsources:\n  - { id: news, type: rss, ${fields} }\n`);
}

describe('a source whose config changes', () => {
  let feeds: FixtureServer;
  let harness: PollHarness;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/a.xml', serveFeed(rss2(OLD_FEED), FEED_TYPE, { etag: '"a-1"' }));
    feeds.route('/b.xml', serveFeed(rss2(NEW_FEED), FEED_TYPE, { etag: '"b-1"' }));
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await feeds?.close();
  });

  /** Polls source `news` as configured by `fields`, then stores what the poll queued as the scorer would. */
  async function pollNews(fields: string): Promise<PollOutcome> {
    const { source, brands } = newsSource(fields);
    return harness.pollAndStore(source, brands);
  }

  const lastRequestTo = (path: string): RecordedRequest | undefined => feeds.requestsTo(path).at(-1);

  async function backfillByUrl(): Promise<Record<string, boolean>> {
    const { rows } = await harness.db.database.query<{ url: string; backfill: boolean }>('SELECT url, backfill FROM mentions ORDER BY url');
    return Object.fromEntries(rows.map((row) => [row.url, row.backfill]));
  }

  it('polls a new source without validators and stores what it finds as backfill', async () => {
    const outcome = await pollNews(`url: "${feeds.baseUrl}/a.xml", every: 5m`);
    expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: true });
    expect(lastRequestTo('/a.xml')?.headers['if-none-match']).toBeUndefined();
    expect(await backfillByUrl()).toEqual({ 'https://moved.example/a-1': true, 'https://moved.example/a-2': true });
  });

  it('re-polls the same URL with its ETag (and gets a 304)', async () => {
    const outcome = await pollNews(`url: "${feeds.baseUrl}/a.xml", every: 5m`);
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false });
    expect(lastRequestTo('/a.xml')?.headers['if-none-match']).toBe('"a-1"');
  });

  it('starts over at a new URL: the old ETag is not sent there, and the first poll is backfill again', async () => {
    const outcome = await pollNews(`url: "${feeds.baseUrl}/b.xml", every: 5m`);
    expect(feeds.requestsTo('/b.xml')).toHaveLength(1);
    expect(lastRequestTo('/b.xml')?.headers['if-none-match']).toBeUndefined();
    expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: true });
    expect(await backfillByUrl()).toMatchObject({ 'https://moved.example/b-1': true, 'https://moved.example/b-2': true });
    const { rows } = await harness.db.database.query('SELECT state FROM sources WHERE id = $1', ['news']);
    expect(rows).toEqual([{ state: { etag: '"b-1"' } }]);
  });

  it('re-polls the moved source with its new ETag, and what is new there is not backfill', async () => {
    const newStory = story('/b-3', 'Acme sells rockets');
    feeds.route('/b.xml', serveFeed(rss2([...NEW_FEED, newStory]), FEED_TYPE, { etag: '"b-2"' }));
    const outcome = await pollNews(`url: "${feeds.baseUrl}/b.xml", every: 5m`);
    expect(lastRequestTo('/b.xml')?.headers['if-none-match']).toBe('"b-1"');
    expect(outcome).toMatchObject({ status: 'ok', items: 3, mentions: 3, backfill: false });
    expect(await backfillByUrl()).toMatchObject({ 'https://moved.example/b-3': false });
  });

  it('keeps state and first-poll status when only the interval changes', async () => {
    const newStory = story('/b-4', 'Acme paints tunnels');
    feeds.route('/b.xml', serveFeed(rss2([...NEW_FEED, newStory]), FEED_TYPE, { etag: '"b-3"' }));
    const outcome = await pollNews(`url: "${feeds.baseUrl}/b.xml", every: 2h`);
    expect(lastRequestTo('/b.xml')?.headers['if-none-match']).toBe('"b-2"');
    expect(outcome).toMatchObject({ status: 'ok', items: 3, backfill: false });
    expect(await backfillByUrl()).toMatchObject({ 'https://moved.example/b-4': false });
  });

  it('keeps state and first-poll status when only the brand list changes', async () => {
    const newStory = story('/b-5', 'Acme builds a bridge');
    feeds.route('/b.xml', serveFeed(rss2([...NEW_FEED, newStory]), FEED_TYPE, { etag: '"b-4"' }));
    const outcome = await pollNews(`url: "${feeds.baseUrl}/b.xml", every: 2h, brands: [acme]`);
    expect(lastRequestTo('/b.xml')?.headers['if-none-match']).toBe('"b-3"');
    // Limited to acme, the Globex story no longer makes a mention.
    expect(outcome).toMatchObject({ status: 'ok', items: 3, mentions: 2, backfill: false });
    expect(await backfillByUrl()).toMatchObject({ 'https://moved.example/b-5': false });
  });
});
