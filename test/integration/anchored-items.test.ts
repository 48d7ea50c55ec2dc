// A comments feed has one item per anchor on one page: each comment is its own mention, while a story linked with a
// navigation anchor and without one is still a single mention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceFromConfig } from '../helpers/configured-source.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPollHarness, storedMentions, type PollHarness } from '../helpers/poll-harness.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';

const BRANDS = 'brands:\n  - { id: acme, name: Acme Corp, keywords: ["acme"] }\n';

const comment = (number: number): FeedEntry => ({
  id: `https://blog.example/?p=42#comment-${number}`,
  link: `https://blog.example/post/42#comment-${number}`,
  title: `Comment ${number} on Acme skates`,
  html: `<p>Comment ${number}: my Acme skates arrived.</p>`,
  date: `Wed, 25 Nov 2026 1${number}:00:00 GMT`,
});

const story = (id: string, link: string): FeedEntry => ({
  id,
  link,
  title: 'Acme opens a depot',
  html: '<p>Acme opens a depot.</p>',
  date: 'Wed, 25 Nov 2026 09:00:00 GMT',
});

describe('items whose links differ only by an anchor', () => {
  let feeds: FixtureServer;
  let harness: PollHarness;

  const poll = (id: string, path: string) => {
    const { source, brands } = sourceFromConfig(`${BRANDS}sources:\n  - { id: ${id}, type: rss, url: "${feeds.baseUrl}${path}" }\n`);
    return harness.pollAndStore(source, brands);
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/comments.xml', serveFeed(rss2([comment(1), comment(2), comment(3)]), 'application/rss+xml'));
    feeds.route('/news.xml', serveFeed(rss2([
      story('depot-plain', 'https://news.example/depot'),
      story('depot-top', 'https://news.example/depot#top'),
      story('depot-tracked', 'https://news.example/depot?utm_source=rss#section-title'),
    ]), 'application/rss+xml'));
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await feeds?.close();
  });

  it('stores each of three comments on one page as its own mention', async () => {
    expect(await poll('comments', '/comments.xml')).toMatchObject({ status: 'ok', items: 3, mentions: 3 });
    expect((await storedMentions(harness.db.database, 'comments')).map((mention) => [mention.url, mention.external_id])).toEqual([
      ['https://blog.example/post/42#comment-1', 'https://blog.example/?p=42#comment-1'],
      ['https://blog.example/post/42#comment-2', 'https://blog.example/?p=42#comment-2'],
      ['https://blog.example/post/42#comment-3', 'https://blog.example/?p=42#comment-3'],
    ]);
    // Polled again, nothing more is stored.
    await poll('comments', '/comments.xml');
    expect(await storedMentions(harness.db.database, 'comments')).toHaveLength(3);
  });

  it('still stores a story linked plainly, with a navigation anchor and with tracking once', async () => {
    expect(await poll('news', '/news.xml')).toMatchObject({ status: 'ok', items: 3, mentions: 1 });
    expect((await storedMentions(harness.db.database, 'news')).map((mention) => mention.url)).toEqual(['https://news.example/depot']);
  });
});
