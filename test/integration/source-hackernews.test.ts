// The hackernews kind against a loopback Algolia HN Search API: exact requests, a backfilling first poll, cursors with
// an overlap for late-indexed items, pagination, time slices past Algolia's 1000-hit cap, a cursor kept across a
// failure, preview; and, through the whole process, each failure shown in GET /v1/sources with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import { DEFAULT_HTTP_OPTIONS } from '../../src/net/http-client.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { localThrottle } from '../../src/queue/redis-throttle.js';
import { HN_MAX_REQUESTS_PER_SEARCH, HN_OVERLAP_SECONDS, hackerNewsSourceKind } from '../../src/sources/hackernews.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { requestsDuring, sourceState, startPollHarness, storedMentions, type PollHarness } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { HN_BRAND_CONFIG, commentHit, serveAlgolia, storyHit, type AlgoliaHitFixture } from '../fixtures/hackernews.js';
import { SkippedResults } from '../../src/sources/skipped-results.js';

const SEARCH_PATH = '/api/v1/search_by_date';
const T0 = new Date('2026-11-27T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const unix = (time: Date) => Math.floor(time.getTime() / 1000);
const DAY_SECONDS = 24 * 3600;

/** The query parameters of each recorded request, in order. */
const paramsOf = (requests: readonly RecordedRequest[]) => requests.map((request) => Object.fromEntries(request.url.searchParams));

const searchParams = (query: string, numericFilters: string, page = 0) => ({
  query,
  tags: '(story,comment)',
  numericFilters,
  hitsPerPage: '100',
  page: String(page),
});

const INITIAL_HITS: AlgoliaHitFixture[] = [
  storyHit(101, at(-60), {
    title: 'Acme launches rocket skates',
    url: 'https://acme.example/skates',
    author: 'wile',
    points: 120,
    num_comments: 45,
  }),
  commentHit(102, 101, at(-50), {
    comment_text: '<p>I bought the <i>Acme</i> skates &amp; they broke on day one.</p>',
    story_title: 'Acme launches rocket skates',
    author: 'roadrunner',
  }),
  storyHit(103, at(-300), {
    title: 'Ask HN: Initech TPS reports?',
    url: null,
    story_text: '<p>Has anyone used Initech&#x27;s TPS software?</p><p>Asking for a friend.</p>',
    author: 'lumbergh',
    points: 7,
    num_comments: 3,
  }),
  // Algolia matches "acme" as a prefix here; the brand's whole-word matching does not.
  storyHit(104, at(-360), { title: 'Acmeology is a new field of study', points: 2, num_comments: 0 }),
  // Older than the 24 h backfill: the API's numeric filter leaves it out.
  storyHit(105, at(-30 * 60), { title: 'Acme history, part one' }),
  // Not a story or a comment (a poll): the tag filter leaves it out.
  { ...storyHit(106, at(-30), { title: 'Poll: favourite Acme product?' }), _tags: ['poll', 'author_pg', 'story_106'] },
  // In the overlap the next poll reaches back into: seen now, skipped then.
  commentHit(107, 101, at(-10), { comment_text: 'Acme support answered within minutes.', story_title: 'Acme launches rocket skates' }),
];

describe('hackernews source, polled with a fixed clock', () => {
  let api: FixtureServer;
  let harness: PollHarness;
  let hits: AlgoliaHitFixture[] = [...INITIAL_HITS];
  let failWithStatus: number | null = null;

  beforeAll(async () => {
    api = await startFixtureServer();
    const answer = serveAlgolia(() => hits);
    api.route(SEARCH_PATH, (request, response) => {
      if (failWithStatus === null) return answer(request, response);
      response.writeHead(failWithStatus, { 'content-type': 'text/plain' }).end('upstream trouble');
    });
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await api?.close();
  });

  function hnSource(sourceId: string, fields = '') {
    const config = parseConfig(
      `${HN_BRAND_CONFIG}\nsources:\n  - { id: ${sourceId}, type: hackernews, base_url: "${api.baseUrl}"${fields} }\n`,
      {},
    );
    const [sourceConfig] = config.sources;
    if (sourceConfig === undefined) throw new Error('the config above has one source');
    return { source: hackerNewsSourceKind.create(sourceConfig, { brands: config.brands }), brands: config.brands };
  }

  /** Polls `sourceId` as if it were `now`, then stores what the poll queued as the scorer would. */
  function pollAt(now: Date, sourceId = 'hn', options: { force?: boolean } = {}): Promise<PollOutcome> {
    const { source, brands } = hnSource(sourceId);
    return harness.pollAndStore(source, brands, now, options);
  }

  const storedRows = (sourceId = 'hn') => storedMentions(harness.db.database, sourceId);

  it('backfills the last 24 h on its first poll: one search per brand term, exact requests, rows marked backfill', async () => {
    const { outcome, requests } = await requestsDuring(api, () => pollAt(T0));
    const since = unix(T0) - DAY_SECONDS;
    expect(requests.map((request) => [request.method, request.path])).toEqual([
      ['GET', SEARCH_PATH],
      ['GET', SEARCH_PATH],
    ]);
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${since}`),
      searchParams('initech', `created_at_i>${since}`),
    ]);
    for (const request of requests) {
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
      expect(request.headers.authorization).toBeUndefined();
    }
    // 101, 102, 104 and 107 come back for "acme", 103 for "initech"; 104 is no Acme mention.
    expect(outcome).toMatchObject({ status: 'ok', items: 5, mentions: 4, backfill: true });
    expect(await storedRows()).toEqual([
      {
        external_id: '103',
        url: 'https://news.ycombinator.com/item?id=103',
        title: 'Ask HN: Initech TPS reports?',
        content: "Has anyone used Initech's TPS software?\nAsking for a friend.",
        author: 'lumbergh',
        published_at: at(-300),
        reach: 10,
        backfill: true,
      },
      {
        external_id: '101',
        url: 'https://news.ycombinator.com/item?id=101',
        title: 'Acme launches rocket skates',
        content: '',
        author: 'wile',
        published_at: at(-60),
        reach: 165,
        backfill: true,
      },
      {
        external_id: '102',
        url: 'https://news.ycombinator.com/item?id=102',
        title: 'Acme launches rocket skates',
        content: 'I bought the Acme skates & they broke on day one.',
        author: 'roadrunner',
        published_at: at(-50),
        reach: null,
        backfill: true,
      },
      {
        external_id: '107',
        url: 'https://news.ycombinator.com/item?id=107',
        title: 'Acme launches rocket skates',
        content: 'Acme support answered within minutes.',
        author: 'dang',
        published_at: at(-10),
        reach: null,
        backfill: true,
      },
    ]);
  });

  it('keeps a cursor per search with the ids seen in the overlap the next poll reaches back into', async () => {
    const { rows } = await harness.db.database.query('SELECT state FROM sources WHERE id = $1', ['hn']);
    expect(rows).toEqual([
      {
        state: {
          searches: {
            acme: { since: unix(T0), seen: ['107'] },
            initech: { since: unix(T0), seen: [] },
          },
        },
      },
    ]);
  });

  it('asks only for what is new since the cursor (less the overlap), and stores the new items, not as backfill', async () => {
    hits = [
      ...hits,
      storyHit(201, at(5), { title: 'Acme recalls rocket skates', author: 'coyote', points: 30, num_comments: 12 }),
      commentHit(202, 103, at(8), { comment_text: 'Initech never fixed the TPS cover sheet.', story_title: 'Ask HN: Initech TPS reports?' }),
      // Indexed late: created before the last poll, but in the index only now. The overlap still finds it.
      commentHit(203, 101, at(-3), { comment_text: 'Acme skates: the left one always fails.', story_title: 'Acme launches rocket skates' }),
    ];
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(10)));
    const after = unix(T0) - HN_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([searchParams('acme', `created_at_i>${after}`), searchParams('initech', `created_at_i>${after}`)]);
    // 107 comes back too (it lies in the overlap) but was seen: only 201, 202 and 203 are new.
    expect(outcome).toMatchObject({ status: 'ok', items: 3, mentions: 3, backfill: false });
    const rows = await storedRows();
    expect(rows).toHaveLength(7);
    expect(rows.filter((row) => ['201', '202', '203'].includes(row.external_id))).toEqual([
      expect.objectContaining({ external_id: '203', content: 'Acme skates: the left one always fails.', backfill: false }),
      expect.objectContaining({ external_id: '201', title: 'Acme recalls rocket skates', author: 'coyote', reach: 42, backfill: false }),
      expect.objectContaining({ external_id: '202', title: 'Ask HN: Initech TPS reports?', backfill: false }),
    ]);
  });

  it('finds nothing new when nothing was posted: the overlap answers only what was seen', async () => {
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(20)));
    const after = unix(at(10)) - HN_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([searchParams('acme', `created_at_i>${after}`), searchParams('initech', `created_at_i>${after}`)]);
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false });
    expect(await storedRows()).toHaveLength(7);
  });

  it('follows the pages of a search until the last one', async () => {
    const burst = Array.from({ length: 250 }, (_, index) =>
      commentHit(3000 + index, 201, new Date(at(21).getTime() + index * 1000), {
        comment_text: `Acme recall thread, reply ${index}`,
        story_title: 'Acme recalls rocket skates',
      }),
    );
    hits = [...hits, ...burst];
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(30)));
    const after = unix(at(20)) - HN_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${after}`, 0),
      searchParams('acme', `created_at_i>${after}`, 1),
      searchParams('acme', `created_at_i>${after}`, 2),
      searchParams('initech', `created_at_i>${after}`),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 250, mentions: 250, backfill: false });
    expect(await storedRows()).toHaveLength(257);
  });

  it('keeps its cursor when a poll fails: the next poll asks from where the last good one left off', async () => {
    failWithStatus = 500;
    const failed = await pollAt(at(40), 'hn', { force: true });
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'http', message: `HTTP 500 from ${new URL(api.baseUrl).host}` } });
    failWithStatus = null;
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(50), 'hn', { force: true }));
    const after = unix(at(30)) - HN_OVERLAP_SECONDS;
    // The 250 replies lie in the overlap: fetched again (three pages), all seen, none new.
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${after}`, 0),
      searchParams('acme', `created_at_i>${after}`, 1),
      searchParams('acme', `created_at_i>${after}`, 2),
      searchParams('initech', `created_at_i>${after}`),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 0, backfill: false });
  });

  it('slices a backfill window holding more than 1000 hits by time, newest slice first, and stores every hit', async () => {
    // 1500 comments over the last 24 h, one every 57 s: past Algolia's 1000-hit pagination limit.
    const busy = Array.from({ length: 1500 }, (_, index) =>
      commentHit(500_000 + index, 101, new Date(T0.getTime() - (index + 1) * 57_000), {
        comment_text: `Acme anvil report number ${index}`,
        story_title: 'Acme launches rocket skates',
      }),
    );
    const saved = hits;
    hits = busy;
    const { outcome, requests } = await requestsDuring(api, () => pollAt(T0, 'hn-busy'));
    hits = saved;
    const since = unix(T0) - DAY_SECONDS;
    const third = DAY_SECONDS / 3;
    // The whole window says 1500 hits: three slices of 8 h, each under the limit, paged through.
    const slices = [2, 1, 0].map((index) => ({
      filter: `created_at_i>${since + index * third},created_at_i<=${since + (index + 1) * third}`,
      count: busy.filter((hit) => hit.created_at_i > since + index * third && hit.created_at_i <= since + (index + 1) * third).length,
    }));
    expect(slices.map((slice) => slice.count)).toEqual([505, 505, 490]);
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${since}`),
      ...slices.flatMap((slice) => Array.from({ length: Math.ceil(slice.count / 100) }, (_, page) => searchParams('acme', slice.filter, page))),
      searchParams('initech', `created_at_i>${since}`),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 1500, mentions: 1500, backfill: true });
    const { rows } = await harness.db.database.query<{ total: number; distinct_ids: number }>(
      "SELECT count(*)::int AS total, count(DISTINCT external_id)::int AS distinct_ids FROM mentions WHERE source_id = 'hn-busy'",
    );
    expect(rows).toEqual([{ total: 1500, distinct_ids: 1500 }]);
  });

  it('stops at its request budget per search, keeping the newest hits', async () => {
    // 5000 comments over the last 24 h: nine slices of about 555 hits, six pages each, more than 40 requests.
    const flood = Array.from({ length: 5000 }, (_, index) =>
      commentHit(600_000 + index, 101, new Date(T0.getTime() - (index + 1) * 17_000), { comment_text: `Acme flood ${index}` }),
    );
    const saved = hits;
    hits = flood;
    const before = api.requests.length;
    const { source } = hnSource('hn-flood');
    const result = await source.poll({}, { http: harness.http, logger: harness.logger, now: T0, throttle: localThrottle(), skipped: new SkippedResults() });
    hits = saved;
    const acmeRequests = api.requests.slice(before).filter((request) => request.url.searchParams.get('query') === 'acme');
    expect(acmeRequests).toHaveLength(HN_MAX_REQUESTS_PER_SEARCH);
    const ids = new Set(result.items.map((item) => item.externalId));
    // The newest slices were fetched whole; the oldest were left out.
    expect(ids.has('600000')).toBe(true);
    expect(ids.has('604999')).toBe(false);
    expect(result.items.length).toBeGreaterThan(3000);
    expect(result.nextState).toMatchObject({ searches: { acme: { since: unix(T0) } } });
  });

  it('fetches a burst bigger than the request budget over two polls, keeping its cursor until it gets down to it, each hit once', async () => {
    const since = unix(T0);
    const after = since - HN_OVERLAP_SECONDS;
    // Eight hours (and the overlap) after the first poll: the window splits into eight one-hour slices.
    const second = new Date((after + 8 * 3600) * 1000);
    const third = new Date(second.getTime() + 600_000);
    const fourth = new Date(third.getTime() + 600_000);
    // 500 comments in each slice, five seconds apart, all after the first poll: 41 requests to fetch, one too many.
    const burst = Array.from({ length: 4000 }, (_, index) => {
      const slice = Math.floor(index / 500);
      const created = after + slice * 3600 + HN_OVERLAP_SECONDS + 1 + (index % 500) * 5;
      return commentHit(700_000 + index, 101, new Date(created * 1000), { comment_text: `Acme burst ${index}` });
    });
    const anchor = storyHit(699_999, at(-20), { title: 'Acme opens a shop' });
    const idsOf = (list: readonly AlgoliaHitFixture[]) => list.map((hit) => hit.objectID);
    const slice = (index: number) => `created_at_i>${after + index * 3600},created_at_i<=${after + (index + 1) * 3600}`;
    const saved = hits;
    hits = [anchor];
    expect(await pollAt(T0, 'hn-burst')).toMatchObject({ status: 'ok', items: 1, backfill: true });
    hits = [anchor, ...burst];

    const { outcome, requests } = await requestsDuring(api, () => pollAt(second, 'hn-burst'));
    // The whole window, then the slices newest first, five pages each, until the budget ends the oldest slice a page short.
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${after}`),
      ...[7, 6, 5, 4, 3, 2, 1].flatMap((index) => [0, 1, 2, 3, 4].map((page) => searchParams('acme', slice(index), page))),
      ...[0, 1, 2, 3].map((page) => searchParams('acme', slice(0), page)),
      searchParams('initech', `created_at_i>${after}`),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 3900, mentions: 3900, backfill: false });
    // Comment 100 is the oldest fetched: the next poll goes on up to its second. The cursor stays meanwhile.
    const stop = burst[100] as AlgoliaHitFixture;
    const caughtUp = {
      since: unix(second),
      seen: idsOf(burst.filter((hit) => hit.created_at_i > unix(second) - HN_OVERLAP_SECONDS).reverse()),
    };
    expect(caughtUp.seen).toHaveLength(140);
    const stateOf = () => sourceState(harness.db.database, 'hn-burst');
    expect(await stateOf()).toEqual({
      searches: { acme: { since, seen: [] }, initech: { since: unix(second), seen: [] } },
      resume: { acme: { until: stop.created_at_i, seen: [stop.objectID], next: caughtUp } },
    });

    const rest = await requestsDuring(api, () => pollAt(third, 'hn-burst'));
    const below = `created_at_i>${after},created_at_i<=${stop.created_at_i}`;
    expect(paramsOf(rest.requests)).toEqual([
      searchParams('acme', below, 0),
      searchParams('acme', below, 1),
      searchParams('initech', `created_at_i>${unix(second) - HN_OVERLAP_SECONDS}`),
    ]);
    // Comments 0–99: comment 100 comes again and is left out.
    expect(rest.outcome).toMatchObject({ status: 'ok', items: 100, mentions: 100, backfill: false });
    expect(await stateOf()).toEqual({ searches: { acme: caughtUp, initech: { since: unix(third), seen: [] } } });
    const { rows } = await harness.db.database.query<{ total: number; distinct_ids: number }>(
      "SELECT count(*)::int AS total, count(DISTINCT external_id)::int AS distinct_ids FROM mentions WHERE source_id = 'hn-burst'",
    );
    expect(rows).toEqual([{ total: 4001, distinct_ids: 4001 }]);

    // The cursor moved to the second poll: its overlap comes back, and none of it is new.
    const settled = await requestsDuring(api, () => pollAt(fourth, 'hn-burst'));
    hits = saved;
    const overlap = `created_at_i>${unix(second) - HN_OVERLAP_SECONDS}`;
    expect(paramsOf(settled.requests)).toEqual([
      searchParams('acme', overlap, 0),
      searchParams('acme', overlap, 1),
      searchParams('initech', `created_at_i>${unix(third) - HN_OVERLAP_SECONDS}`),
    ]);
    expect(settled.outcome).toMatchObject({ status: 'ok', items: 0, backfill: false });
  });

  it('goes on from a state as the version before the shared search cursor stored it: a cursor and a cut-short catch-up', async () => {
    const since = unix(at(-120));
    const until = unix(at(-100));
    const started = unix(at(-60));
    // Literally what that version wrote for a search whose catch-up the request budget had cut short.
    const stored = {
      searches: { acme: { since, seen: ['901'] }, initech: { since: started, seen: [] } },
      resume: { acme: { until, seen: ['903'], next: { since: started, seen: ['904'] } } },
    };
    const saved = hits;
    hits = [
      storyHit(901, at(-125), { title: 'Acme in the overlap, fetched before' }),
      storyHit(902, at(-110), { title: 'Acme below the stop' }),
      storyHit(903, at(-100), { title: 'Acme at the stop, fetched before' }),
      storyHit(905, at(-100), { title: 'Acme at the stop too' }),
      storyHit(904, at(-61), { title: 'Acme above the stop, fetched before' }),
    ];
    const { source } = hnSource('hn-stored');
    const context = { http: harness.http, logger: harness.logger, now: T0, throttle: localThrottle(), skipped: new SkippedResults() };
    const { outcome: result, requests } = await requestsDuring(api, () => source.poll(stored, context));
    hits = saved;
    expect(paramsOf(requests)).toEqual([
      searchParams('acme', `created_at_i>${since - HN_OVERLAP_SECONDS},created_at_i<=${until}`),
      searchParams('initech', `created_at_i>${started - HN_OVERLAP_SECONDS}`),
    ]);
    expect(result.items.map((item) => item.externalId)).toEqual(['905', '902']);
    // The catch-up got down to the cursor: the search takes the cursor it carried.
    expect(result.nextState).toEqual({ searches: { acme: { since: started, seen: ['904'] }, initech: { since: unix(T0), seen: [] } } });
  });

  it('previews against the API without storing anything', async () => {
    // Preview reaches back from the real clock, so these are posted relative to it.
    const now = Date.now();
    hits = [
      storyHit(801, new Date(now - 3_600_000), { title: 'Acme opens a lab', author: 'coyote', points: 3, num_comments: 1 }),
      storyHit(802, new Date(now - 7_200_000), { title: 'Acmeology is a new field of study' }),
      commentHit(803, 801, new Date(now - 600_000), { comment_text: 'Initech did this first.', story_title: 'Acme opens a lab' }),
    ];
    const { source, brands } = hnSource('hn-preview');
    const result = await previewSource(source, { brandRules: compileBrandRules(brands), http: harness.http, logger: harness.logger });
    expect(result).toEqual({
      ok: true,
      warning: null,
      lines: [
        // Newest first, as the API lists them.
        expect.objectContaining({ external_id: '803', text: 'Initech did this first.', brands: ['acme', 'initech'] }),
        expect.objectContaining({
          external_id: '801',
          url: 'https://news.ycombinator.com/item?id=801',
          title: 'Acme opens a lab',
          author: 'coyote',
          published_at: new Date(Math.floor((now - 3_600_000) / 1000) * 1000).toISOString(),
          brands: ['acme'],
        }),
        expect.objectContaining({ external_id: '802', brands: [] }),
      ],
    });
    const { rows } = await harness.db.database.query("SELECT count(*)::int AS total FROM mentions WHERE source_id = 'hn-preview'");
    expect(rows).toEqual([{ total: 0 }]);
  });
});

describe('hackernews source health, through the whole process', () => {
  let api: FixtureServer;
  let system: TestSystem;
  let host: string;
  let limitedAnswers = 'rate-limited';

  const sourcesById = async (): Promise<Record<string, any>> => {
    const { status, body } = await system.api('/v1/sources');
    expect(status).toBe(200);
    return Object.fromEntries(body.data.map((source: any) => [source.id, source]));
  };

  beforeAll(async () => {
    api = await startFixtureServer();
    host = new URL(api.baseUrl).host;
    const fresh = serveAlgolia(() => [storyHit(9001, new Date(Date.now() - 60_000), { title: 'Acme is back', points: 5, num_comments: 1 })]);
    api.route(`/limited${SEARCH_PATH}`, (request, response) => {
      if (limitedAnswers === 'ok') return fresh(request, response);
      response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '120' }).end('Too Many Requests');
    });
    api.route(`/denied${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Your IP has been blocked', status: 403 }));
    });
    api.route(`/broken${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>');
    });
    api.route(`/garbled${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"hits": [{"objectID": "1"');
    });
    api.route(`/changed${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [], nbHits: 0, nbPages: 0 }));
    });
    api.route(`/slow${SEARCH_PATH}`, neverAnswer);
    system = await startTestSystem({
      configYaml: `${HN_BRAND_CONFIG}
sources:
  - { id: hn-limited, type: hackernews, base_url: "${api.baseUrl}/limited", every: 5m }
  - { id: hn-denied, type: hackernews, base_url: "${api.baseUrl}/denied", every: 5m }
  - { id: hn-broken, type: hackernews, base_url: "${api.baseUrl}/broken", every: 5m }
  - { id: hn-garbled, type: hackernews, base_url: "${api.baseUrl}/garbled", every: 5m }
  - { id: hn-changed, type: hackernews, base_url: "${api.baseUrl}/changed", every: 5m }
  - { id: hn-slow, type: hackernews, base_url: "${api.baseUrl}/slow", every: 5m }
http: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await api?.close();
  });

  it('shows each failure with its kind of status and a reason to act on', async () => {
    const sources = await sourcesById();
    const expected: Record<string, { status: string; last_error: string }> = {
      'hn-limited': { status: 'rate_limited', last_error: `HTTP 429 from ${host}: rate limited; retrying after 120 s` },
      'hn-denied': {
        status: 'auth_failed',
        last_error: `HTTP 403 from ${host}: Your IP has been blocked; the HN Search API needs no key: check the source's base_url, or whether this host is blocked`,
      },
      'hn-broken': { status: 'failing', last_error: `HTTP 503 from ${host}` },
      'hn-garbled': {
        status: 'failing',
        last_error: `${host} answered with something that is not JSON ("{"hits": [{"objectID": "1""); the API may be down or have changed`,
      },
      'hn-changed': { status: 'failing', last_error: `unexpected answer from ${host}: hits expected required property; the API may have changed` },
      'hn-slow': { status: 'failing', last_error: `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s` },
    };
    for (const [sourceId, health] of Object.entries(expected)) {
      expect(sources[sourceId], sourceId).toMatchObject({ ...health, consecutive_failures: 1, mentions_total: 0 });
    }
    // The rate-limited source waits as long as it was told to.
    const limited = sources['hn-limited'];
    expect(Date.parse(limited.retry_at) - Date.parse(limited.last_polled_at)).toBe(120_000);
  });

  it('does not call a rate-limited API again before its retry time', async () => {
    const before = api.requestsTo(`/limited${SEARCH_PATH}`).length;
    const outcome = await system.pollAsScheduled('hn-limited');
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'backing_off' });
    expect(api.requestsTo(`/limited${SEARCH_PATH}`)).toHaveLength(before);
    expect((await sourcesById())['hn-limited'].status).toBe('rate_limited');
  });

  it('succeeds on a later poll once the API answers again, and is ok with its mention stored', async () => {
    limitedAnswers = 'ok';
    const outcome = await system.pollAndStore('hn-limited');
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    const source = (await sourcesById())['hn-limited'];
    expect(source).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null, retry_at: null, mentions_total: 1 });
    const { body } = await system.api('/v1/mentions?source=hn-limited');
    expect(body.data.map((mention: any) => [mention.url, mention.title, mention.reach])).toEqual([
      ['https://news.ycombinator.com/item?id=9001', 'Acme is back', 6],
    ]);
  });
});
