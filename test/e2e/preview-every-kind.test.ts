// `buzzwatch preview SOURCE_ID` for every polling kind, as a user runs it: the real command against loopback servers
// that answer in each API's documented shape (the fixtures of the per-kind tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { FakeBluesky, blueskyPost } from '../fixtures/bluesky.js';
import { artlist, gdeltArticle } from '../fixtures/gdelt.js';
import { googleNewsFeed } from '../fixtures/google-news.js';
import { serveAlgolia, storyHit } from '../fixtures/hackernews.js';
import { mastodonStatus, serveTagTimeline } from '../fixtures/mastodon.js';
import { redditListing, redditPost } from '../fixtures/reddit.js';
import { questionExcerpt, serveStackExchange } from '../fixtures/stackexchange.js';

const APP_PASSWORD = 'abcd-efgh-ijkl-mnop';
const recently = () => new Date(Date.now() - 10 * 60_000);

// Each case runs the CLI as fresh node processes: on a loaded machine a start alone can take 20 s.
describe('buzzwatch preview for every polling kind', { timeout: 120_000 }, () => {
  let api: FixtureServer;
  let directory: string;
  let configFile: string;

  beforeAll(async () => {
    api = await startFixtureServer();
    const base = api.baseUrl;
    api.route('/rss/search', (request, response) => {
      const edition = { hl: 'en-US', gl: 'US', ceid: 'US:en' };
      const feed = googleNewsFeed(request.url.searchParams.get('q') ?? '', edition, [
        { articleId: 'CBMiAcme1', headline: 'Acme recalls its anvils', publisher: 'Daily Planet', publisherSite: 'https://planet.example', pubDate: recently().toUTCString() },
      ]);
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed);
    });
    api.route('/api/v2/doc/doc', (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(artlist([gdeltArticle('/acme-recall', 'Acme recalls its anvils', recently().toISOString(), { language: 'English' })]));
    });
    api.route('/api/v1/search_by_date', serveAlgolia(() => [storyHit(4242, recently(), { title: 'Acme open-sources its anvil firmware' })]));
    api.route('/search.json', (_request, response) => {
      const post = redditPost({ id: 'abc12', subreddit: 'programming', title: 'Acme anvils keep breaking', createdUtc: Math.floor(recently().getTime() / 1000), score: 17 });
      response.writeHead(200, { 'content-type': 'application/json' }).end(redditListing([post]));
    });
    api.route(
      '/2.3/search/excerpts',
      serveStackExchange({ items: [questionExcerpt(777, recently(), { title: 'How do I reset an Acme anvil?' })], quotaMax: 300, quotaRemaining: 299, backoffs: [] }),
    );
    api.route(
      '/api/v1/timelines/tag/acme',
      serveTagTimeline(() => [mastodonStatus({ id: '110000000000000001', createdAt: recently(), html: '<p>Loving my new <a href="#">#acme</a> anvil</p>', acct: 'wile', home: '127.0.0.1' })], base),
    );
    new FakeBluesky(api, {
      identifier: 'acme-pr.bsky.social',
      appPassword: APP_PASSWORD,
      did: 'did:plc:acmepr',
      sessionPrefix: '',
      searchPrefix: '',
      posts: () => [blueskyPost({ rkey: '3kacme', text: 'Acme support fixed my anvil in minutes', createdAt: recently(), handle: 'wile.bsky.social' })],
    });
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-preview-kinds-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(
      configFile,
      `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: gnews, type: google-news, base_url: "${base}", every: 5m }
  - { id: gdelt, type: gdelt, base_url: "${base}" }
  - { id: hn, type: hackernews, base_url: "${base}" }
  - { id: reddit, type: reddit, base_url: "${base}" }
  - { id: so, type: stackexchange, base_url: "${base}" }
  - { id: fedi, type: mastodon, instance: "${base}", hashtags: [acme] }
  - { id: sky, type: bluesky, base_url: "${base}", identifier: acme-pr.bsky.social, app_password: "\${BLUESKY_APP_PASSWORD}" }
`,
    );
  });

  afterAll(async () => {
    await api.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it.each([
    ['gnews', 'google-news', 'Acme recalls its anvils'],
    ['gdelt', 'gdelt', 'Acme recalls its anvils'],
    ['hn', 'hackernews', 'Acme open-sources its anvil firmware'],
    ['reddit', 'reddit', 'Acme anvils keep breaking'],
    ['so', 'stackexchange', 'How do I reset an Acme anvil?'],
    ['fedi', 'mastodon', null],
    ['sky', 'bluesky', null],
  ])('previews %s (%s): one item about Acme', async (sourceId, _type, title) => {
    const run = await runCli(['preview', sourceId], { BUZZWATCH_CONFIG: configFile, BLUESKY_APP_PASSWORD: APP_PASSWORD });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { title: string | null; text: string; brands: string[] });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.brands).toEqual(['acme']);
    if (title !== null) expect(lines[0]?.title).toBe(title);
    else expect(lines[0]?.text).toMatch(/acme/i);
    // The app password never reaches the output.
    expect(run.stdout).not.toContain(APP_PASSWORD);
  });
});
