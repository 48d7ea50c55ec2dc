// The reddit source against a loopback reddit: the exact search.json requests (all of reddit and per subreddit, with
// the descriptive User-Agent), backfill then incremental polls with the created_utc cursor and its overlap, paging
// with `after` up to the cap (a catch-up cut short by it going on at the next poll), reddit's request budget (X-Ratelimit-*) and 429s, OAuth client credentials (the token
// kept in memory, refreshed before it expires, never stored), and each failure shown as the source's health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_OPTIONS } from '../../src/net/http-client.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { REDDIT_MAX_PAGES } from '../../src/sources/reddit.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { listedSource, mentionsWithBrands, pollSystemAt, recordingThrottle, sourceState } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import {
  ACME_QUERY,
  GLOBEX_QUERY,
  REDDIT_BRAND_CONFIG,
  permalinkOf,
  redditComment,
  redditListing,
  redditPost,
  redditSearchPage,
  redditToken,
  type RedditPostFixture,
} from '../fixtures/reddit.js';

const MINUTE_MS = 60_000;
const NOW = new Date('2026-11-25T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const minutesAgo = (minutes: number) => NOW_SECONDS - minutes * 60;
const CLIENT_ID = 'buzzwatch-app-id';
const CLIENT_SECRET = 'very-secret-reddit-client-secret';

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

const listing = (things: readonly Record<string, unknown>[], after: string | null = null, headers: Record<string, string> = {}): Answer => ({
  body: redditListing(things, after),
  headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
});

const post = (fixture: Omit<RedditPostFixture, 'subreddit'> & { subreddit?: string }) => redditPost({ subreddit: 'anvils', ...fixture });
const urlOf = (fixture: Pick<RedditPostFixture, 'id' | 'title'> & { subreddit?: string }) =>
  `https://www.reddit.com${permalinkOf({ subreddit: 'anvils', ...fixture })}`;

/** Paths on the fixture server that answer from a script. */
const SCRIPTED = [
  '/news/search.json',
  '/quiet/search.json',
  '/subs/r/anvils/search.json',
  '/subs/r/roadrunner+coyote/search.json',
  '/paged/search.json',
  '/flood/search.json',
  '/budget/search.json',
  '/limited/search.json',
  '/reset/search.json',
  '/blocked/search.json',
  '/broken/search.json',
  '/garbled/search.json',
  '/stored/search.json',
  '/oauth/auth/api/v1/access_token',
  '/oauth/api/search.json',
  '/badcreds/auth/api/v1/access_token',
  '/preview/search.json',
];

describe('reddit source', () => {
  let reddit: FixtureServer;
  let system: TestSystem;
  let host: string;
  const throttled: string[] = [];
  const scripts = new Map<string, Answer[]>();

  const throttle = recordingThrottle(throttled);

  const answer = (path: string, ...answers: Answer[]) => scripts.get(path)?.push(...answers);
  const paramsOf = (request: RecordedRequest | undefined) => [...(request?.url.searchParams.entries() ?? [])];
  const searchParams = (query: string, extra: Record<string, string> = {}) => [
    ['q', query],
    ['sort', 'new'],
    ['type', 'link'],
    ['limit', '100'],
    ['raw_json', '1'],
    ...Object.entries(extra),
  ];

  const poll = (sourceId: string, now: Date, options: { force?: boolean } = { force: true }): Promise<PollOutcome> =>
    pollSystemAt(system, sourceId, now, { ...options, throttle });
  const sourceById = (sourceId: string) => listedSource(system, sourceId);
  const storedRows = (sourceId: string) => mentionsWithBrands(system.db.database, sourceId, 'published_at DESC');
  const stateOf = (sourceId: string) => sourceState(system.db.database, sourceId);

  beforeAll(async () => {
    reddit = await startFixtureServer();
    host = new URL(reddit.baseUrl).host;
    for (const path of SCRIPTED) {
      scripts.set(path, []);
      reddit.route(path, (_request, response) => {
        const next = scripts.get(path)?.shift();
        if (next === undefined) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('no answer scripted');
          return;
        }
        response.writeHead(next.status ?? 200, next.headers ?? { 'content-type': 'application/json' }).end(next.body);
      });
    }
    reddit.route('/silent/search.json', neverAnswer);
    const base = reddit.baseUrl;
    const acmeOnly = ['quiet', 'paged', 'flood', 'burst', 'budget', 'limited', 'reset', 'blocked', 'broken', 'garbled', 'stored', 'silent', 'preview'];
    const sourceLines = [
      `  - { id: news, type: reddit, base_url: "${base}/news", every: 5m }`,
      `  - { id: subs, type: reddit, base_url: "${base}/subs", subreddits: [anvils, "roadrunner+coyote"], brands: [acme] }`,
      ...acmeOnly.map((id) => `  - { id: ${id}, type: reddit, base_url: "${base}/${id}", every: 5m, brands: [acme] }`),
      `  - id: oauth
    type: reddit
    brands: [acme]
    client_id: "\${REDDIT_CLIENT_ID}"
    client_secret: "\${REDDIT_CLIENT_SECRET}"
    auth_url: "${base}/oauth/auth"
    oauth_base_url: "${base}/oauth/api"
    base_url: "${base}/oauth/anonymous"`,
      `  - { id: badcreds, type: reddit, brands: [acme], client_id: "\${REDDIT_CLIENT_ID}", client_secret: "wrong-secret-value-123", auth_url: "${base}/badcreds/auth", oauth_base_url: "${base}/badcreds/api" }`,
    ];
    system = await startTestSystem({
      configYaml: `${REDDIT_BRAND_CONFIG}\nsources:\n${sourceLines.join('\n')}\nhttp: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }\n${TEST_API_KEYS}`,
      env: { REDDIT_CLIENT_ID: CLIENT_ID, REDDIT_CLIENT_SECRET: CLIENT_SECRET },
      // No poller: each test polls at the time it chooses, with a throttle that records instead of waiting.
      roles: ['api', 'scorer'],
    });
  });

  afterAll(async () => {
    await system?.stop();
    await reddit?.close();
  });

  describe('backfill, then incremental polls', () => {
    const recall = { id: 'rc1', title: 'Acme Corp recalls its rocket skates', selftext: 'Mine caught fire. **Awful**.', author: 'wile_e', createdUtc: minutesAgo(20), score: 57 };
    const link = { id: 'ln2', title: 'Acme opens a depot in Springfield', author: 'roadrunner', createdUtc: minutesAgo(95), score: 12, linkUrl: 'https://depot.example/acme' };
    const fruit = { id: 'fr3', title: 'The Acme fruit harvest begins', author: 'grower', createdUtc: minutesAgo(200), score: 3 };
    // Older than the 24-hour backfill: the search stops there and the post is not returned.
    const ancient = { id: 'an4', title: 'Acme anvils in 1999', author: 'historian', createdUtc: minutesAgo(25 * 60), score: 900 };
    const both = { id: 'bo5', title: 'Acme and Globex merge', selftext: 'Big news for Globex too.', author: 'analyst', createdUtc: minutesAgo(60), score: -4 };
    const globexOnly = { id: 'gx6', title: 'Globex opens in Łódź', author: 'lodzianin', createdUtc: minutesAgo(300), score: 8, subreddit: 'poland' };
    const comment = redditComment({
      id: 'cm7',
      subreddit: 'anvils',
      linkId: 'rc1',
      linkTitle: recall.title,
      body: 'Same here, my Acme skates broke.',
      author: 'coyote',
      createdUtc: minutesAgo(10),
      score: 5,
    });

    it('searches each brand query newest first, back to the backfill start, and stores the mentions as backfill', async () => {
      answer('/news/search.json', listing([comment, post(recall), post(both), post(link), post(fruit), post(ancient)]));
      answer('/news/search.json', listing([post(both), post(globexOnly)]));
      throttled.length = 0;
      const outcome = await poll('news', NOW, {});
      // Six posts and a comment found once each (the merger is found by both searches); "acme fruit" is excluded.
      expect(outcome).toMatchObject({ status: 'ok', items: 6, mentions: 5, backfill: true });
      const requests = reddit.requestsTo('/news/search.json');
      expect(requests.map(paramsOf)).toEqual([searchParams(ACME_QUERY), searchParams(GLOBEX_QUERY)]);
      for (const request of requests) {
        expect(request.method).toBe('GET');
        expect(request.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
        expect(request.headers.accept).toBe('application/json');
        expect(request.headers.authorization).toBeUndefined();
      }
      expect(throttled).toEqual([`reddit:${host}:anonymous 6000`, `reddit:${host}:anonymous 6000`]);
      expect(await storedRows('news')).toEqual([
        {
          url: `${urlOf(recall)}cm7/`,
          external_id: 't1_cm7',
          title: recall.title,
          content: 'Same here, my Acme skates broke.',
          author: 'coyote',
          lang: 'en',
          published_at: new Date((NOW_SECONDS - 600) * 1000),
          backfill: true,
          reach: 5,
          brands: ['acme'],
        },
        {
          url: urlOf(recall),
          external_id: 't3_rc1',
          title: recall.title,
          content: 'Mine caught fire. **Awful**.',
          author: 'wile_e',
          lang: 'en',
          published_at: new Date(recall.createdUtc * 1000),
          backfill: true,
          reach: 57,
          brands: ['acme'],
        },
        {
          url: urlOf(both),
          external_id: 't3_bo5',
          title: both.title,
          content: 'Big news for Globex too.',
          author: 'analyst',
          lang: 'en',
          published_at: new Date(both.createdUtc * 1000),
          backfill: true,
          // A negative score is no reach.
          reach: 0,
          brands: ['acme', 'globex'],
        },
        {
          url: urlOf(link),
          external_id: 't3_ln2',
          title: link.title,
          content: '',
          author: 'roadrunner',
          lang: 'en',
          published_at: new Date(link.createdUtc * 1000),
          backfill: true,
          reach: 12,
          brands: ['acme'],
        },
        {
          url: urlOf(globexOnly),
          external_id: 't3_gx6',
          title: globexOnly.title,
          content: '',
          author: 'lodzianin',
          // Detected, as the source declares none: tinyld takes "Globex opens in Łódź" for Polish.
          lang: 'pl',
          published_at: new Date(globexOnly.createdUtc * 1000),
          backfill: true,
          reach: 8,
          brands: ['globex'],
        },
      ]);
      // The cursor: the newest post's time, and the posts within the overlap window behind it by name.
      expect(await stateOf('news')).toEqual({
        searches: {
          [`|${ACME_QUERY}`]: { newest: minutesAgo(10), seen: ['t1_cm7', 't3_rc1'] },
          [`|${GLOBEX_QUERY}`]: { newest: minutesAgo(60), seen: ['t3_bo5'] },
        },
      });
    });

    it('asks again from the top and returns only what is new: newer posts and late-indexed ones inside the overlap', async () => {
      const fresh = { id: 'nw8', title: 'Acme skates are back, and they are great', author: 'fan', createdUtc: minutesAgo(-8), score: 2 };
      // Created before the newest post seen, indexed after the last poll: inside the 15-minute overlap, so found.
      const late = { id: 'lt9', title: 'Acme late to the party', author: 'slowpoke', createdUtc: minutesAgo(15), score: 1 };
      answer('/news/search.json', listing([post(fresh), comment, post(late), post(recall), post(both)]));
      answer('/news/search.json', listing([post(both), post(globexOnly)]));
      const outcome = await poll('news', at(10 * MINUTE_MS), {});
      expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: false });
      expect(reddit.requestsTo('/news/search.json').slice(2).map(paramsOf)).toEqual([searchParams(ACME_QUERY), searchParams(GLOBEX_QUERY)]);
      const rows = await storedRows('news');
      expect(rows.filter((row) => !row.backfill).map((row) => [row.external_id, row.url])).toEqual([
        ['t3_nw8', urlOf(fresh)],
        ['t3_lt9', urlOf(late)],
      ]);
      expect(rows).toHaveLength(7);
      expect(await stateOf('news')).toEqual({
        searches: {
          [`|${ACME_QUERY}`]: { newest: minutesAgo(-8), seen: ['t3_nw8'] },
          [`|${GLOBEX_QUERY}`]: { newest: minutesAgo(60), seen: ['t3_bo5'] },
        },
      });
    });
  });

  it('treats an empty search as a successful poll that finds nothing', async () => {
    answer('/quiet/search.json', listing([]));
    const outcome = await poll('quiet', NOW);
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: true });
    expect(reddit.requestsTo('/quiet/search.json').map(paramsOf)).toEqual([searchParams(ACME_QUERY)]);
    expect(await stateOf('quiet')).toEqual({ searches: { [`|${ACME_QUERY}`]: { newest: minutesAgo(24 * 60), seen: [] } } });
    expect(await sourceById('quiet')).toMatchObject({ status: 'ok', last_error: null });
  });

  it('searches each configured subreddit with restrict_sr', async () => {
    const anvil = { id: 'sa1', title: 'Acme anvil review', author: 'smith', createdUtc: minutesAgo(30), score: 40 };
    const roadrunner = { id: 'sr2', title: 'Beep beep: Acme traps fail again', author: 'rr', createdUtc: minutesAgo(40), score: 99, subreddit: 'roadrunner' };
    answer('/subs/r/anvils/search.json', listing([post(anvil)]));
    answer('/subs/r/roadrunner+coyote/search.json', listing([post(roadrunner)]));
    const outcome = await poll('subs', NOW);
    expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2 });
    expect(reddit.requestsTo('/subs/r/anvils/search.json').map(paramsOf)).toEqual([searchParams(ACME_QUERY, { restrict_sr: '1' })]);
    expect(reddit.requestsTo('/subs/r/roadrunner+coyote/search.json').map(paramsOf)).toEqual([
      searchParams(ACME_QUERY, { restrict_sr: '1' }),
    ]);
    expect((await storedRows('subs')).map((row) => row.url)).toEqual([urlOf(anvil), urlOf(roadrunner)]);
  });

  it('follows `after` page by page until it reaches posts older than the cursor', async () => {
    const page = (ids: string[], ageMinutes: number) =>
      ids.map((id, index) => post({ id, title: `Acme story ${id}`, author: 'writer', createdUtc: minutesAgo(ageMinutes + index), score: 1 }));
    answer('/paged/search.json', listing(page(['p1', 'p2'], 10), 't3_p2'));
    answer('/paged/search.json', listing(page(['p3', 'p4'], 100), 't3_p4'));
    // p6 is older than the backfill start: the search ends with this page although reddit offers another.
    answer('/paged/search.json', listing([...page(['p5'], 600), ...page(['p6'], 25 * 60)], 't3_p6'));
    const outcome = await poll('paged', NOW);
    expect(outcome).toMatchObject({ status: 'ok', items: 5, mentions: 5, backfill: true });
    expect(reddit.requestsTo('/paged/search.json').map(paramsOf)).toEqual([
      searchParams(ACME_QUERY),
      searchParams(ACME_QUERY, { after: 't3_p2' }),
      searchParams(ACME_QUERY, { after: 't3_p4' }),
    ]);
  });

  it(`stops a first poll's backfill after ${REDDIT_MAX_PAGES} pages and moves its cursor on`, async () => {
    for (let page = 0; page < REDDIT_MAX_PAGES + 1; page++) {
      const id = `f${page}`;
      answer('/flood/search.json', listing([post({ id, title: `Acme flood ${id}`, createdUtc: minutesAgo(page), score: 1 })], `t3_${id}`));
    }
    const outcome = await poll('flood', NOW);
    expect(outcome).toMatchObject({ status: 'ok', items: REDDIT_MAX_PAGES });
    expect(reddit.requestsTo('/flood/search.json')).toHaveLength(REDDIT_MAX_PAGES);
    expect(reddit.requestsTo('/flood/search.json').at(-1)?.url.searchParams.get('after')).toBe(`t3_f${REDDIT_MAX_PAGES - 2}`);
    // The backfill ends there: no catch-up of the older posts.
    expect(await stateOf('flood')).toEqual({
      searches: { [`|${ACME_QUERY}`]: { newest: NOW_SECONDS, seen: Array.from({ length: REDDIT_MAX_PAGES }, (_, page) => `t3_f${page}`) } },
    });
  });

  it('catches up with a burst of three page caps over the next polls, going on from `after` each time, each post once', async () => {
    const capPosts = REDDIT_MAX_PAGES * 100;
    const burstSize = 3 * capPosts;
    const posts: RedditPostFixture[] = [];
    reddit.route('/burst/search.json', (request, response) => {
      const { searchParams } = request.url;
      response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      response.end(redditSearchPage(posts, searchParams.get('after'), Number(searchParams.get('limit'))));
    });
    const acmePost = (id: string, createdUtc: number) => ({ id, subreddit: 'anvils', title: `Acme story ${id}`, author: 'writer', createdUtc, score: 1 });
    const requestsDuring = async (now: Date) => {
      const before = reddit.requestsTo('/burst/search.json').length;
      const outcome = await poll('burst', now);
      return { outcome, requests: reddit.requestsTo('/burst/search.json').slice(before).map(paramsOf) };
    };
    const cursorKey = `|${ACME_QUERY}`;
    const afterPost = (position: number) => searchParams(ACME_QUERY, { after: `t3_bu${position}` });

    posts.push(acmePost('old1', minutesAgo(700)), acmePost('old2', minutesAgo(605)));
    const first = await requestsDuring(at(-600 * MINUTE_MS));
    expect(first).toMatchObject({ outcome: { status: 'ok', items: 2, backfill: true }, requests: [searchParams(ACME_QUERY)] });
    const cursor = { newest: minutesAgo(605), seen: ['t3_old2'] };
    expect(await stateOf('burst')).toEqual({ searches: { [cursorKey]: cursor } });

    // 1,500 posts before the next poll, one every 24 s, the newest now: the 38 newest lie within the 15-minute overlap.
    for (let position = 0; position < burstSize; position++) posts.push(acmePost(`bu${position}`, NOW_SECONDS - 24 * position));
    const overlapNames = Array.from({ length: 38 }, (_, position) => `t3_bu${position}`);
    const second = await requestsDuring(NOW);
    expect(second.outcome).toMatchObject({ status: 'ok', items: capPosts, mentions: capPosts, backfill: false });
    expect(second.requests).toEqual([searchParams(ACME_QUERY), afterPost(99), afterPost(199), afterPost(299), afterPost(399)]);
    // The cursor stays where it was; the catch-up says where to go on and what becomes the cursor once it is done.
    expect(await stateOf('burst')).toEqual({
      searches: { [cursorKey]: { ...cursor, catchUp: { after: 't3_bu499', newest: NOW_SECONDS, seen: overlapNames } } },
    });

    // Posted during the catch-up: newer than its start, so read from the top once it is done.
    posts.push(acmePost('during', minutesAgo(-4)));
    const third = await requestsDuring(at(5 * MINUTE_MS));
    expect(third.outcome).toMatchObject({ status: 'ok', items: capPosts });
    expect(third.requests).toEqual([afterPost(499), afterPost(599), afterPost(699), afterPost(799), afterPost(899)]);
    expect(await stateOf('burst')).toEqual({
      searches: { [cursorKey]: { ...cursor, catchUp: { after: 't3_bu999', newest: NOW_SECONDS, seen: overlapNames } } },
    });

    const fourth = await requestsDuring(at(10 * MINUTE_MS));
    expect(fourth.outcome).toMatchObject({ status: 'ok', items: capPosts });
    expect(fourth.requests).toEqual([afterPost(999), afterPost(1099), afterPost(1199), afterPost(1299), afterPost(1399)]);
    // Its last page ended with the burst's oldest post, but reddit had more to give: one more page to reach the cursor.
    expect(await stateOf('burst')).toEqual({
      searches: { [cursorKey]: { ...cursor, catchUp: { after: 't3_bu1499', newest: NOW_SECONDS, seen: overlapNames } } },
    });

    const fifth = await requestsDuring(at(15 * MINUTE_MS));
    // old2 (seen) and old1 (older than the cursor's overlap): nothing new, and the cursor moves up to the burst.
    expect(fifth).toMatchObject({ outcome: { status: 'ok', items: 0 }, requests: [afterPost(1499)] });
    expect(await stateOf('burst')).toEqual({ searches: { [cursorKey]: { newest: NOW_SECONDS, seen: overlapNames } } });

    posts.push(acmePost('fresh', minutesAgo(-18)));
    const sixth = await requestsDuring(at(20 * MINUTE_MS));
    expect(sixth).toMatchObject({ outcome: { status: 'ok', items: 2 }, requests: [searchParams(ACME_QUERY)] });
    expect(await stateOf('burst')).toEqual({ searches: { [cursorKey]: { newest: minutesAgo(-18), seen: ['t3_fresh', 't3_during'] } } });

    // Every post stored, and none returned twice: the items of the six polls add up to the rows.
    const rows = await storedRows('burst');
    const burstNames = Array.from({ length: burstSize }, (_, position) => `t3_bu${position}`);
    expect(rows.map((row) => row.external_id)).toEqual(['t3_fresh', 't3_during', ...burstNames, 't3_old2', 't3_old1']);
    expect(rows.map((row) => row.backfill)).toEqual([...Array<boolean>(2 + burstSize).fill(false), true, true]);
    const outcomes = [first, second, third, fourth, fifth, sixth].map(({ outcome }) => (outcome.status === 'ok' ? outcome.items : Number.NaN));
    expect(outcomes.reduce((sum, items) => sum + items, 0)).toBe(rows.length);
  });

  describe('rate limits', () => {
    it('waits for the budget reset when X-Ratelimit-Remaining reaches 0, then carries on', async () => {
      const first = post({ id: 'b1', title: 'Acme budget one', createdUtc: minutesAgo(5), score: 1 });
      const second = post({ id: 'b2', title: 'Acme budget two', createdUtc: minutesAgo(6), score: 1 });
      answer('/budget/search.json', listing([first], 't3_b1', { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '120' }));
      const refused = await poll('budget', NOW, {});
      expect(refused).toEqual({
        status: 'failed',
        error: { kind: 'rate_limited', message: "reddit's request budget is used up (X-Ratelimit-Remaining 0); retrying after 120 s" },
        retryAt: at(120_000).toISOString(),
      });
      // The second page was never asked for.
      expect(reddit.requestsTo('/budget/search.json')).toHaveLength(1);
      expect(await sourceById('budget')).toMatchObject({
        status: 'rate_limited',
        last_error: "reddit's request budget is used up (X-Ratelimit-Remaining 0); retrying after 120 s",
        retry_at: at(120_000).toISOString(),
      });
      expect(await poll('budget', at(60_000), {})).toEqual({ status: 'skipped', reason: 'backing_off', retryAt: at(120_000).toISOString() });
      answer('/budget/search.json', listing([first], 't3_b1', { 'x-ratelimit-remaining': '599.0', 'x-ratelimit-reset': '500' }));
      answer('/budget/search.json', listing([second]));
      const later = await poll('budget', at(121_000), {});
      expect(later).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: true });
      expect(await sourceById('budget')).toMatchObject({ status: 'ok', last_error: null, retry_at: null });
    });

    it('is rate_limited after a 429 with Retry-After, skips polls until then, and succeeds after', async () => {
      answer('/limited/search.json', { status: 429, headers: { 'retry-after': '30', 'content-type': 'application/json' }, body: '{"message": "Too Many Requests", "error": 429}' });
      const refused = await poll('limited', NOW, {});
      expect(refused).toEqual({
        status: 'failed',
        error: { kind: 'rate_limited', message: `HTTP 429 from ${host}: rate limited; retrying after 30 s` },
        retryAt: at(30_000).toISOString(),
      });
      expect(await sourceById('limited')).toMatchObject({ status: 'rate_limited', consecutive_failures: 1, retry_at: at(30_000).toISOString() });
      expect(await poll('limited', at(10_000), {})).toMatchObject({ status: 'skipped', reason: 'backing_off' });
      expect(reddit.requestsTo('/limited/search.json')).toHaveLength(1);
      answer('/limited/search.json', listing([post({ id: 'l1', title: 'Acme after the wait', createdUtc: minutesAgo(1), score: 3 })]));
      expect(await poll('limited', at(31_000), {})).toMatchObject({ status: 'ok', items: 1, mentions: 1 });
      expect(await sourceById('limited')).toMatchObject({ status: 'ok', consecutive_failures: 0 });
    });

    it('reads the wait from X-Ratelimit-Reset when a 429 has no Retry-After', async () => {
      answer('/reset/search.json', { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42.7' }, body: '' });
      expect(await poll('reset', NOW)).toMatchObject({
        status: 'failed',
        error: { kind: 'rate_limited', message: `HTTP 429 from ${host}: rate limited; retrying after 43 s` },
        retryAt: at(43_000).toISOString(),
      });
    });
  });

  it('goes on from a state in PostgreSQL as the version before the shared search cursor stored it: a cut-short catch-up', async () => {
    answer('/stored/search.json', listing([]));
    expect(await poll('stored', at(-60 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 0 });
    const cursorKey = `|${ACME_QUERY}`;
    // Literally what that version wrote for a search whose catch-up the page cap had cut short.
    const stored = {
      searches: { [cursorKey]: { newest: minutesAgo(120), seen: ['t3_st1'], catchUp: { after: 't3_st5', newest: minutesAgo(30), seen: ['t3_st6'] } } },
    };
    await system.db.database.query("UPDATE sources SET state = $1 WHERE id = 'stored'", [stored]);
    const below = { id: 'st4', title: 'Acme below the stop', createdUtc: minutesAgo(60), score: 1 };
    const inOverlap = { id: 'st1', title: 'Acme in the overlap, read before', createdUtc: minutesAgo(125), score: 1 };
    const older = { id: 'st0', title: 'Acme older than the overlap', createdUtc: minutesAgo(200), score: 1 };
    answer('/stored/search.json', listing([post(below), post(inOverlap), post(older)]));
    expect(await poll('stored', NOW)).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: false });
    expect(reddit.requestsTo('/stored/search.json').slice(1).map(paramsOf)).toEqual([searchParams(ACME_QUERY, { after: 't3_st5' })]);
    expect((await storedRows('stored')).map((row) => row.external_id)).toEqual(['t3_st4']);
    // The catch-up got down to the cursor: the search takes the cursor it carried.
    expect(await stateOf('stored')).toEqual({ searches: { [cursorKey]: { newest: minutesAgo(30), seen: ['t3_st6'] } } });
  });

  describe('failures as health', () => {
    it('shows a 403 as auth_failed with what to do', async () => {
      answer('/blocked/search.json', { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body>whoa there, pardner!</body></html>' });
      const message = `HTTP 403 from ${host}; reddit refused an anonymous search; set client_id/client_secret to search through OAuth`;
      expect(await poll('blocked', NOW)).toMatchObject({ status: 'failed', error: { kind: 'auth_failed', message } });
      expect(await sourceById('blocked')).toMatchObject({ status: 'auth_failed', last_error: message });
    });

    it('shows a 5xx as failing', async () => {
      answer('/broken/search.json', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' });
      expect(await poll('broken', NOW)).toMatchObject({ status: 'failed', error: { kind: 'http', message: `HTTP 502 from ${host}` } });
      expect(await sourceById('broken')).toMatchObject({ status: 'failing', last_error: `HTTP 502 from ${host}` });
    });

    it('shows malformed JSON and a changed answer as failing with a parse reason, keeping the cursor', async () => {
      answer('/garbled/search.json', listing([post({ id: 'g1', title: 'Acme garbled', createdUtc: minutesAgo(3), score: 1 })]));
      expect(await poll('garbled', NOW)).toMatchObject({ status: 'ok', items: 1 });
      const cursor = await stateOf('garbled');
      answer('/garbled/search.json', { body: '{"kind": "Listing", "data": {"children": [' });
      const truncated = `${host} answered with something that is not JSON ("{"kind": "Listing", "data": {"children":…"); the API may be down or have changed`;
      expect(await poll('garbled', at(MINUTE_MS))).toMatchObject({ status: 'failed', error: { kind: 'parse', message: truncated } });
      expect(await sourceById('garbled')).toMatchObject({ status: 'failing', last_error: truncated });
      answer('/garbled/search.json', {
        body: JSON.stringify({ kind: 'Listing', data: { after: null, children: [{ kind: 't3', data: { name: 't3_x', permalink: '/r/a/', created_utc: 'yesterday' } }] } }),
      });
      // Every result off (one alone would be skipped, with a warning): the API changed.
      const changed = 'every result the API sent is off (data.children[0].data.created_utc: expected number); the API may have changed';
      expect(await poll('garbled', at(2 * MINUTE_MS))).toMatchObject({ status: 'failed', error: { kind: 'parse', message: changed } });
      expect(await stateOf('garbled')).toEqual(cursor);
    });

    it('shows a request that never completes as failing with a timeout', async () => {
      const message = `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s`;
      expect(await poll('silent', NOW)).toMatchObject({ status: 'failed', error: { kind: 'timeout', message } });
      expect(await sourceById('silent')).toMatchObject({ status: 'failing', last_error: message });
    });
  });

  describe('OAuth client credentials', () => {
    const tokenRequests = () => reddit.requestsTo('/oauth/auth/api/v1/access_token');
    const searches = () => reddit.requestsTo('/oauth/api/search.json');
    const oauthPost = (id: string, ageMinutes: number) => post({ id, title: `Acme via OAuth ${id}`, createdUtc: minutesAgo(ageMinutes), score: 1 });

    it('gets a token with HTTP basic auth, then searches the OAuth host with it', async () => {
      answer('/oauth/auth/api/v1/access_token', { body: redditToken('token-one', 3600) });
      answer('/oauth/api/search.json', listing([oauthPost('o1', 5)]));
      throttled.length = 0;
      expect(await poll('oauth', NOW)).toMatchObject({ status: 'ok', items: 1, mentions: 1 });
      const [tokenRequest] = tokenRequests();
      expect(tokenRequest?.method).toBe('POST');
      expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
      expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(tokenRequest?.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
      expect(tokenRequest?.body.toString()).toBe('grant_type=client_credentials');
      expect(searches().map(paramsOf)).toEqual([searchParams(ACME_QUERY)]);
      expect(searches()[0]?.headers.authorization).toBe('bearer token-one');
      expect(reddit.requestsTo('/oauth/anonymous/search.json')).toHaveLength(0);
      expect(throttled).toEqual([`reddit:${host}:${CLIENT_ID} 1000`]);
      // The token is a credential: kept in memory, never in the stored state.
      expect(JSON.stringify(await stateOf('oauth'))).not.toContain('token-one');
    });

    it('reuses the token while it is valid and renews it shortly before it expires', async () => {
      answer('/oauth/api/search.json', listing([oauthPost('o2', -10)]));
      expect(await poll('oauth', at(20 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 1 });
      expect(tokenRequests()).toHaveLength(1);
      expect(searches()[1]?.headers.authorization).toBe('bearer token-one');
      // 56 minutes into a one-hour token: inside the 5-minute margin, so a new one first.
      answer('/oauth/auth/api/v1/access_token', { body: redditToken('token-two', 3600) });
      answer('/oauth/api/search.json', listing([oauthPost('o3', -50)]));
      expect(await poll('oauth', at(56 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 1 });
      expect(tokenRequests()).toHaveLength(2);
      expect(searches()[2]?.headers.authorization).toBe('bearer token-two');
    });

    it('gets a new token once when the search refuses the current one', async () => {
      answer('/oauth/api/search.json', { status: 401, headers: { 'content-type': 'application/json' }, body: '{"message": "Unauthorized", "error": 401}' });
      answer('/oauth/auth/api/v1/access_token', { body: redditToken('token-three', 3600) });
      answer('/oauth/api/search.json', listing([oauthPost('o4', -58)]));
      expect(await poll('oauth', at(60 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 1 });
      expect(searches().slice(3).map((request) => request.headers.authorization)).toEqual(['bearer token-two', 'bearer token-three']);
    });

    it('reports refused client credentials as auth_failed naming what to check, without the secret', async () => {
      answer('/badcreds/auth/api/v1/access_token', { status: 401, headers: { 'content-type': 'application/json' }, body: '{"message": "Unauthorized", "error": 401}' });
      const message = `HTTP 401 from ${host}: Unauthorized; check client_id and client_secret (REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET)`;
      expect(await poll('badcreds', NOW)).toMatchObject({ status: 'failed', error: { kind: 'auth_failed', message } });
      expect(await sourceById('badcreds')).toMatchObject({ status: 'auth_failed', last_error: message });
      expect(reddit.requestsTo('/badcreds/api/search.json')).toHaveLength(0);
      const everything = JSON.stringify(await system.api('/v1/sources')) + system.logLines.join('\n');
      expect(everything).not.toContain('wrong-secret-value-123');
      expect(everything).not.toContain(CLIENT_SECRET);
    });
  });

  it('previews a reddit source against the loopback server without storing anything', async () => {
    // A preview polls at the wall-clock time, as `buzzwatch preview` does.
    const wallClockSeconds = Math.floor(Date.now() / 1000);
    const previewed = { id: 'pv1', title: 'Acme preview post', selftext: 'Looks fine.', author: 'tester', createdUtc: wallClockSeconds - 120, score: 4 };
    const unrelated = { id: 'pv2', title: 'Unrelated post', createdUtc: wallClockSeconds - 180, score: 1 };
    answer('/preview/search.json', listing([post(previewed), post(unrelated)]));
    const source = system.runtime.sources.get('preview');
    if (source === undefined) throw new Error('the config has a preview source');
    const result = await previewSource(source, { ...system.runtime, throttle });
    expect(result).toEqual({
      ok: true,
      warning: null,
      lines: [
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          external_id: 't3_pv1',
          url: urlOf(previewed),
          title: 'Acme preview post',
          text: 'Looks fine.',
          author: 'tester',
          lang: null,
          published_at: new Date(previewed.createdUtc * 1000).toISOString(),
          brands: ['acme'],
        },
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          external_id: 't3_pv2',
          url: urlOf(unrelated),
          title: 'Unrelated post',
          text: '',
          author: null,
          lang: null,
          published_at: new Date(unrelated.createdUtc * 1000).toISOString(),
          brands: [],
        },
      ],
    });
    expect(await storedRows('preview')).toEqual([]);
  });
});
