// The stackexchange kind against a loopback Stack Exchange API (gzip-compressed wrappers): exact requests, a
// backfilling first poll, cursors with an overlap, pagination (a catch-up cut short by the page cap going on at
// the next poll), the `backoff` field (short ones waited out, long ones
// pausing the source), a used-up quota, throttle_violation, preview; and, through the whole process, each failure
// shown in GET /v1/sources with its reason and never the key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import { DEFAULT_HTTP_OPTIONS } from '../../src/net/http-client.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { localThrottle } from '../../src/queue/redis-throttle.js';
import { SE_MAX_PAGES_PER_SEARCH, SE_OVERLAP_SECONDS, SE_PAGE_SIZE, siteDomain, stackExchangeSourceKind } from '../../src/sources/stackexchange.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, type RouteHandler, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { requestsDuring, startPollHarness, storedMentions, type PollHarness } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import {
  SE_BRAND_CONFIG,
  answerExcerpt,
  apiError,
  questionExcerpt,
  sendWrapper,
  serveStackExchange,
  type SearchExcerptFixture,
  type StackExchangeControl,
} from '../fixtures/stackexchange.js';
import { SkippedResults } from '../../src/sources/skipped-results.js';

const SEARCH_PATH = '/2.3/search/excerpts';
const APP_KEY = 'app-key-U4DMV8nvpm3EOpvf69Rxw';
const T0 = new Date('2026-11-27T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const unix = (time: Date) => Math.floor(time.getTime() / 1000);
const DAY_SECONDS = 24 * 3600;

const paramsOf = (requests: readonly RecordedRequest[]) => requests.map((request) => Object.fromEntries(request.url.searchParams));

const searchParams = (q: string, fromdate: number, page = 1) => ({
  q,
  site: 'superuser',
  sort: 'creation',
  order: 'desc',
  fromdate: String(fromdate),
  page: String(page),
  pagesize: '100',
  key: APP_KEY,
});

const INITIAL_ITEMS: SearchExcerptFixture[] = [
  questionExcerpt(1001, at(-120), {
    title: 'Why does my Acme router drop Wi-Fi &quot;every hour&quot;?',
    excerpt: 'My <span class="highlight">Acme</span> router drops…',
    body: '<p>My <b>Acme</b> router drops the connection every hour.</p><pre><code>ping 10.0.0.1</code></pre>',
    score: 4,
    tags: ['wireless-networking', 'router'],
  }),
  answerExcerpt(1003, 1001, at(-60), {
    title: 'Why does my Acme router drop Wi-Fi &quot;every hour&quot;?',
    body: '<p>Update the Acme firmware &amp; disable band steering.</p>',
    score: -2,
  }),
  questionExcerpt(1004, at(-240), {
    title: 'Initech TPS export fails on Windows 11',
    body: '<p>The Initech client crashes when exporting.</p>',
    score: 1,
  }),
  // Matched by the API's broad search, not by the brand's whole words.
  questionExcerpt(1005, at(-200), { title: 'Acmeology software licensing', body: '<p>Who sells it?</p>' }),
  // Before the 24 h backfill: fromdate leaves it out.
  questionExcerpt(1006, at(-26 * 60), { title: 'Acme modem from 2019', body: '<p>Old.</p>' }),
  // In the overlap the next poll reaches back into: seen now, skipped then.
  answerExcerpt(1007, 1001, at(-5), { title: 'Why does my Acme router drop Wi-Fi?', body: '<p>Acme support fixed it.</p>', score: 1 }),
];

describe('stackexchange source, polled with a fixed clock', () => {
  let api: FixtureServer;
  let harness: PollHarness;
  const control: StackExchangeControl = { items: [...INITIAL_ITEMS], quotaMax: 10_000, quotaRemaining: 9_000, backoffs: [] };
  let override: RouteHandler | null = null;

  beforeAll(async () => {
    api = await startFixtureServer();
    const answer = serveStackExchange(control);
    api.route(SEARCH_PATH, (request, response) => {
      if (override !== null) return override(request, response);
      return answer(request, response);
    });
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await api?.close();
  });

  function seSource(sourceId: string) {
    const config = parseConfig(
      `${SE_BRAND_CONFIG}\nsources:\n  - { id: ${sourceId}, type: stackexchange, base_url: "${api.baseUrl}", site: superuser, key: "\${SE_KEY}" }\n`,
      { SE_KEY: APP_KEY },
    );
    const [sourceConfig] = config.sources;
    if (sourceConfig === undefined) throw new Error('the config above has one source');
    return { source: stackExchangeSourceKind.create(sourceConfig, { brands: config.brands }), brands: config.brands };
  }

  function pollAt(now: Date, sourceId = 'se', sleep?: (ms: number) => Promise<void>): Promise<PollOutcome> {
    const { source, brands } = seSource(sourceId);
    // Forced, as an admin's "poll now": these tests check what the source itself does about waiting.
    return harness.pollAndStore(source, brands, now, { force: true, sleep });
  }

  const storedRows = (sourceId = 'se') => storedMentions(harness.db.database, sourceId);

  async function stateOf(sourceId = 'se'): Promise<Record<string, any>> {
    const { rows } = await harness.db.database.query<{ state: Record<string, any> }>('SELECT state FROM sources WHERE id = $1', [sourceId]);
    const [row] = rows;
    if (row === undefined) throw new Error(`no state recorded for ${sourceId}`);
    return row.state;
  }

  it('backfills the last 24 h on its first poll with exact requests, reading gzip-compressed answers', async () => {
    const { outcome, requests } = await requestsDuring(api, () => pollAt(T0));
    const fromdate = unix(T0) - DAY_SECONDS;
    expect(requests.map((request) => [request.method, request.path])).toEqual([
      ['GET', SEARCH_PATH],
      ['GET', SEARCH_PATH],
    ]);
    expect(paramsOf(requests)).toEqual([searchParams('"acme"', fromdate), searchParams('"initech"', fromdate)]);
    for (const request of requests) {
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers['accept-encoding']).toContain('gzip');
      expect(request.headers['user-agent']).toBe(DEFAULT_HTTP_OPTIONS.userAgent);
    }
    expect(outcome).toMatchObject({ status: 'ok', items: 5, mentions: 4, backfill: true });
    expect(await storedRows()).toEqual([
      {
        external_id: '1004',
        url: 'https://superuser.com/q/1004',
        title: 'Initech TPS export fails on Windows 11',
        content: 'The Initech client crashes when exporting.',
        author: null,
        published_at: at(-240),
        reach: 1,
        backfill: true,
      },
      {
        external_id: '1001',
        url: 'https://superuser.com/q/1001',
        title: 'Why does my Acme router drop Wi-Fi "every hour"?',
        content: 'My Acme router drops the connection every hour.\nping 10.0.0.1',
        author: null,
        published_at: at(-120),
        reach: 4,
        backfill: true,
      },
      {
        external_id: '1003',
        url: 'https://superuser.com/a/1003',
        title: 'Why does my Acme router drop Wi-Fi "every hour"?',
        content: 'Update the Acme firmware & disable band steering.',
        author: null,
        published_at: at(-60),
        // A score below zero is no reach.
        reach: 0,
        backfill: true,
      },
      {
        external_id: '1007',
        url: 'https://superuser.com/a/1007',
        title: 'Why does my Acme router drop Wi-Fi?',
        content: 'Acme support fixed it.',
        author: null,
        published_at: at(-5),
        reach: 1,
        backfill: true,
      },
    ]);
    expect(await stateOf()).toEqual({
      searches: { '"acme"': { since: unix(T0), seen: ['1007'] }, '"initech"': { since: unix(T0), seen: [] } },
    });
  });

  it('asks only for what is new since the cursor (less the overlap), and stores the new items, not as backfill', async () => {
    control.items.push(
      questionExcerpt(2001, at(4), { title: 'Acme router firmware 3.2 bricked my unit', body: '<p>Terrible.</p>', score: 2 }),
      // Indexed late: created before the last poll. The overlap still finds it.
      answerExcerpt(2002, 1004, at(-3), { title: 'Initech TPS export fails on Windows 11', body: '<p>Run Initech as admin.</p>' }),
    );
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(10)));
    const fromdate = unix(T0) - SE_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([searchParams('"acme"', fromdate), searchParams('"initech"', fromdate)]);
    // 1007 comes back too (it lies in the overlap) but was seen.
    expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: false });
    const rows = await storedRows();
    expect(rows.map((row) => [row.external_id, row.url, row.backfill])).toEqual([
      ['1004', 'https://superuser.com/q/1004', true],
      ['1001', 'https://superuser.com/q/1001', true],
      ['1003', 'https://superuser.com/a/1003', true],
      ['1007', 'https://superuser.com/a/1007', true],
      ['2002', 'https://superuser.com/a/2002', false],
      ['2001', 'https://superuser.com/q/2001', false],
    ]);
  });

  it('finds nothing new when nothing was posted', async () => {
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(20)));
    const fromdate = unix(at(10)) - SE_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([searchParams('"acme"', fromdate), searchParams('"initech"', fromdate)]);
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false });
    expect(await storedRows()).toHaveLength(6);
  });

  it('follows has_more through the pages of a search', async () => {
    for (let index = 0; index < 150; index++) {
      control.items.push(answerExcerpt(30_000 + index, 2001, new Date(at(21).getTime() + index * 1000), {
        title: 'Acme router firmware 3.2 bricked my unit',
        body: `<p>Same here with my Acme, report ${index}.</p>`,
      }));
    }
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(30)));
    const fromdate = unix(at(20)) - SE_OVERLAP_SECONDS;
    expect(paramsOf(requests)).toEqual([
      searchParams('"acme"', fromdate, 1),
      searchParams('"acme"', fromdate, 2),
      searchParams('"initech"', fromdate),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 150, mentions: 150, backfill: false });
    expect(await storedRows()).toHaveLength(156);
  });

  it('waits out a short backoff within the poll before calling the method again', async () => {
    control.backoffs = [1];
    // The poll's waits, recorded instead of taken, each with the number of requests the API had received before it.
    const waits: Array<{ ms: number; afterRequests: number }> = [];
    const before = api.requests.length;
    const sleep = async (ms: number) => {
      waits.push({ ms, afterRequests: api.requests.length - before });
    };
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(40), 'se', sleep));
    // acme (two pages: the 150 replies lie in the overlap) and initech.
    expect(requests).toHaveLength(3);
    // The first answer (acme, page 1 of 2) said backoff: 1; the poll waited that second before its next call.
    expect(waits).toEqual([{ ms: 1000, afterRequests: 1 }]);
    expect(outcome).toMatchObject({ status: 'ok', items: 0 });
    expect(await stateOf()).not.toHaveProperty('pausedUntil');
  });

  it('stops a poll on a long backoff, keeps the interrupted cursors, and refuses to call before the backoff ends', async () => {
    control.items.push(questionExcerpt(4001, at(45), { title: 'Acme mesh kit review', body: '<p>Solid.</p>' }));
    control.backoffs = [60];
    const before = await stateOf();
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(50)));
    const fromdate = unix(at(40)) - SE_OVERLAP_SECONDS;
    // The acme search completes, its answer saying backoff: 60; initech is left for the next poll.
    expect(paramsOf(requests)).toEqual([searchParams('"acme"', fromdate)]);
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1 });
    const paused = await stateOf();
    expect(paused.searches['"acme"'].since).toBe(unix(at(50)));
    expect(paused.searches['"initech"']).toEqual(before.searches['"initech"']);
    expect(paused.pauseReason).toBe(`${new URL(api.baseUrl).host} asked for a backoff of 60 s`);
    expect(paused.pausedUntil).toBeGreaterThanOrEqual(at(51).getTime());

    const early = at(50.5);
    const refused = await requestsDuring(api, () => pollAt(early));
    expect(refused.requests).toHaveLength(0);
    const waitMs = paused.pausedUntil - early.getTime();
    expect(refused.outcome).toEqual({
      status: 'failed',
      error: { kind: 'rate_limited', message: `${paused.pauseReason}; retrying after ${Math.ceil(waitMs / 1000)} s` },
      retryAt: new Date(paused.pausedUntil).toISOString(),
    });
    // A failed poll changes no cursor.
    expect(await stateOf()).toEqual(paused);

    const later = await requestsDuring(api, () => pollAt(at(52)));
    expect(paramsOf(later.requests)).toEqual([
      searchParams('"acme"', unix(at(50)) - SE_OVERLAP_SECONDS),
      searchParams('"initech"', unix(at(40)) - SE_OVERLAP_SECONDS),
    ]);
    expect(later.outcome).toMatchObject({ status: 'ok', items: 0 });
    expect(await stateOf()).not.toHaveProperty('pausedUntil');
  });

  it('pauses until the daily reset when quota_remaining reaches 0', async () => {
    control.quotaRemaining = 1;
    const { outcome, requests } = await requestsDuring(api, () => pollAt(at(60)));
    expect(requests).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'ok' });
    const host = new URL(api.baseUrl).host;
    const state = await stateOf();
    expect(state).toMatchObject({ pausedUntil: Date.parse('2026-11-28T00:00:00.000Z'), pauseReason: `${host} daily quota used up (quota_remaining 0)` });
    const refused = await pollAt(at(70));
    expect(refused).toMatchObject({
      status: 'failed',
      error: { kind: 'rate_limited', message: `${host} daily quota used up (quota_remaining 0); retrying after ${10 * 3600 + 50 * 60} s` },
      retryAt: '2026-11-28T00:00:00.000Z',
    });
    control.quotaRemaining = 10_000;
  });

  it('reads throttle_violation as rate limited for as long as the API says', async () => {
    override = apiError(502, 'throttle_violation', 'too many requests from this IP, more requests available in 3600 seconds');
    const outcome = await pollAt(new Date('2026-11-28T01:00:00.000Z'));
    override = null;
    expect(outcome).toEqual({
      status: 'failed',
      error: {
        kind: 'rate_limited',
        message: `${new URL(api.baseUrl).host} answered throttle_violation (502): too many requests from this IP, more requests available in 3600 seconds; retrying after 3600 s`,
      },
      retryAt: '2026-11-28T02:00:00.000Z',
    });
  });

  it("stops a first poll's backfill at its page cap per search, keeping the newest results, and moves its cursor on", async () => {
    const saved = control.items;
    control.items = Array.from({ length: 650 }, (_, index) =>
      questionExcerpt(50_000 + index, new Date(T0.getTime() - (index + 1) * 60_000), { title: `Acme question ${index}` }),
    );
    const before = api.requests.length;
    const { source } = seSource('se-flood');
    const result = await source.poll({}, { http: harness.http, logger: harness.logger, now: T0, throttle: localThrottle(), skipped: new SkippedResults() });
    control.items = saved;
    const acmeRequests = api.requests.slice(before).filter((request) => request.url.searchParams.get('q') === '"acme"');
    expect(acmeRequests.map((request) => request.url.searchParams.get('page'))).toEqual(['1', '2', '3', '4', '5']);
    expect(result.items.map((item) => item.externalId)).toEqual(Array.from({ length: 500 }, (_, index) => String(50_000 + index)));
    expect(result.nextState).toMatchObject({ searches: { '"acme"': { since: unix(T0) } } });
    expect(result.nextState).not.toHaveProperty(['searches', '"acme"', 'catchUp']);
  });

  it('catches up with a burst of three page caps over the next polls, going on below the oldest result read, each once', async () => {
    const saved = control.items;
    const capResults = SE_MAX_PAGES_PER_SEARCH * SE_PAGE_SIZE;
    const burstSize = 3 * capResults;
    const question = (id: number, createdSeconds: number) => questionExcerpt(id, new Date(createdSeconds * 1000), { title: `Acme question ${id}` });
    const firstPoll = at(-600);
    const since = unix(firstPoll);
    const fromdate = since - SE_OVERLAP_SECONDS;
    control.items = [question(70_001, unix(at(-700))), question(70_002, unix(at(-605)))];
    const first = await requestsDuring(api, () => pollAt(firstPoll, 'se-burst'));
    expect(first.outcome).toMatchObject({ status: 'ok', items: 2, backfill: true });
    const cursor = { since, seen: ['70002'] };
    expect(await stateOf('se-burst')).toEqual({ searches: { '"acme"': cursor, '"initech"': { since, seen: [] } } });

    // 1,500 questions before the next poll, newest first one every 24 s; at the edge of the first poll's last page, the
    // one before the last is a second newer than the last, and the one after shares the last one's second.
    const lastOfCap = capResults - 1;
    const secondOf = (position: number) => {
      if (position === lastOfCap - 1) return unix(T0) - 24 * lastOfCap + 1;
      if (position === lastOfCap + 1) return unix(T0) - 24 * lastOfCap;
      return unix(T0) - 24 * position;
    };
    const burst = Array.from({ length: burstSize }, (_, position) => question(80_000 + position, secondOf(position)));
    control.items.push(...burst);
    const idsOf = (positions: number[]) => positions.map((position) => String(80_000 + position));
    const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);
    const acmePages = (todate?: number) =>
      range(1, SE_MAX_PAGES_PER_SEARCH).map((page) => ({ ...searchParams('"acme"', fromdate, page), ...(todate === undefined ? {} : { todate: String(todate) }) }));
    // Within the 15 minutes before the second poll: the 36 newest.
    const overlap = idsOf(range(0, 36));

    const second = await requestsDuring(api, () => pollAt(at(1), 'se-burst'));
    expect(paramsOf(second.requests)).toEqual([...acmePages(), searchParams('"initech"', fromdate)]);
    expect(second.outcome).toMatchObject({ status: 'ok', items: capResults, mentions: capResults, backfill: false });
    const reached = secondOf(lastOfCap);
    expect(await stateOf('se-burst')).toEqual({
      searches: {
        '"acme"': { ...cursor, catchUp: { since: unix(at(1)), seen: overlap, reached, read: idsOf([lastOfCap - 1, lastOfCap]) } },
        '"initech"': { since: unix(at(1)), seen: [] },
      },
    });

    // Asked during the catch-up: newer than its start, so found once it is done.
    control.items.push(question(70_003, unix(at(1.5))));
    const third = await requestsDuring(api, () => pollAt(at(2), 'se-burst'));
    expect(paramsOf(third.requests)).toEqual([...acmePages(reached + 1), searchParams('"initech"', unix(at(1)) - SE_OVERLAP_SECONDS)]);
    // The page starts with the two results of the last two seconds read already.
    expect(third.outcome).toMatchObject({ status: 'ok', items: capResults - 2 });
    const reachedThird = secondOf(2 * capResults - 3);
    expect((await stateOf('se-burst')).searches['"acme"']).toEqual({
      ...cursor,
      catchUp: { since: unix(at(1)), seen: overlap, reached: reachedThird, read: idsOf([2 * capResults - 3]) },
    });

    const fourth = await requestsDuring(api, () => pollAt(at(3), 'se-burst'));
    expect(paramsOf(fourth.requests)).toEqual([...acmePages(reachedThird + 1), searchParams('"initech"', unix(at(2)) - SE_OVERLAP_SECONDS)]);
    expect(fourth.outcome).toMatchObject({ status: 'ok', items: capResults - 1 });
    const reachedFourth = secondOf(3 * capResults - 4);
    expect((await stateOf('se-burst')).searches['"acme"']).toEqual({
      ...cursor,
      catchUp: { since: unix(at(1)), seen: overlap, reached: reachedFourth, read: idsOf([3 * capResults - 4]) },
    });

    // The last four of the burst and 70002 (seen before it): the catch-up reaches the cursor, which moves up to its start.
    const fifth = await requestsDuring(api, () => pollAt(at(4), 'se-burst'));
    expect(paramsOf(fifth.requests)).toEqual([
      { ...searchParams('"acme"', fromdate), todate: String(reachedFourth + 1) },
      searchParams('"initech"', unix(at(3)) - SE_OVERLAP_SECONDS),
    ]);
    expect(fifth.outcome).toMatchObject({ status: 'ok', items: 3 });
    expect((await stateOf('se-burst')).searches['"acme"']).toEqual({ since: unix(at(1)), seen: overlap });

    control.items.push(question(70_004, unix(at(4.5))));
    const sixth = await requestsDuring(api, () => pollAt(at(5), 'se-burst'));
    expect(paramsOf(sixth.requests)).toEqual([
      searchParams('"acme"', unix(at(1)) - SE_OVERLAP_SECONDS),
      searchParams('"initech"', unix(at(4)) - SE_OVERLAP_SECONDS),
    ]);
    expect(sixth.outcome).toMatchObject({ status: 'ok', items: 2 });
    expect((await stateOf('se-burst')).searches['"acme"']).toEqual({ since: unix(at(5)), seen: ['70004', '70003', ...idsOf(range(0, 26))] });
    control.items = saved;

    // Every question stored, and none returned twice: the items of the six polls add up to the rows.
    const rows = await storedRows('se-burst');
    expect(rows.map((row) => row.external_id).sort()).toEqual(['70001', '70002', '70003', '70004', ...idsOf(range(0, burstSize))].sort());
    expect(rows.filter((row) => row.backfill).map((row) => row.external_id)).toEqual(['70001', '70002']);
    const items = [first, second, third, fourth, fifth, sixth].map(({ outcome }) => (outcome.status === 'ok' ? outcome.items : Number.NaN));
    expect(items.reduce((sum, count) => sum + count, 0)).toBe(rows.length);
  });

  it('goes on from a state as the version before the shared search cursor stored it: a cut-short catch-up', async () => {
    const saved = control.items;
    const question = (id: number, created: Date) => questionExcerpt(id, created, { title: `Acme question ${id}` });
    const since = unix(at(-120));
    const reached = unix(at(-100));
    const started = unix(at(-60));
    // Literally what that version wrote for a search whose catch-up the page cap had cut short.
    const stored = {
      searches: {
        '"acme"': { since, seen: ['9101'], catchUp: { since: started, seen: ['9104'], reached, read: ['9103'] } },
        '"initech"': { since: started, seen: [] },
      },
    };
    control.items = [question(9101, at(-125)), question(9102, at(-110)), question(9103, at(-100)), question(9105, at(-100))];
    const { source } = seSource('se-stored');
    const context = { http: harness.http, logger: harness.logger, now: T0, throttle: localThrottle(), skipped: new SkippedResults() };
    const { outcome: result, requests } = await requestsDuring(api, () => source.poll(stored, context));
    control.items = saved;
    expect(paramsOf(requests)).toEqual([
      { ...searchParams('"acme"', since - SE_OVERLAP_SECONDS), todate: String(reached + 1) },
      searchParams('"initech"', started - SE_OVERLAP_SECONDS),
    ]);
    // 9101 (in the overlap) and 9103 (at the stop) were read before.
    expect(result.items.map((item) => item.externalId)).toEqual(['9105', '9102']);
    // The catch-up got down to the cursor: the search takes the cursor it carried.
    expect(result.nextState).toEqual({ searches: { '"acme"': { since: started, seen: ['9104'] }, '"initech"': { since: unix(T0), seen: [] } } });
  });

  it('previews against the API without storing anything', async () => {
    const now = Date.now();
    control.items = [
      questionExcerpt(9001, new Date(now - 3_600_000), { title: 'Acme VPN client keeps disconnecting', body: '<p>Help!</p>', score: 3 }),
      answerExcerpt(9002, 9001, new Date(now - 600_000), { title: 'Acme VPN client keeps disconnecting', body: '<p>Use Initech VPN.</p>' }),
    ];
    const { source, brands } = seSource('se-preview');
    const result = await previewSource(source, { brandRules: compileBrandRules(brands), http: harness.http, logger: harness.logger });
    expect(result).toEqual({
      ok: true,
      warning: null,
      lines: [
        expect.objectContaining({ external_id: '9002', url: 'https://superuser.com/a/9002', text: 'Use Initech VPN.', brands: ['acme', 'initech'] }),
        expect.objectContaining({ external_id: '9001', url: 'https://superuser.com/q/9001', title: 'Acme VPN client keeps disconnecting', brands: ['acme'] }),
      ],
    });
    const { rows } = await harness.db.database.query("SELECT count(*)::int AS total FROM mentions WHERE source_id = 'se-preview'");
    expect(rows).toEqual([{ total: 0 }]);
  });

  it('links to the web domain of each kind of site name', () => {
    expect(
      ['stackoverflow', 'superuser', 'serverfault', 'askubuntu', 'unix', 'ru.stackoverflow', 'meta.stackoverflow', 'meta', 'meta.unix', 'mathoverflow.net'].map(siteDomain),
    ).toEqual([
      'stackoverflow.com',
      'superuser.com',
      'serverfault.com',
      'askubuntu.com',
      'unix.stackexchange.com',
      'ru.stackoverflow.com',
      'meta.stackoverflow.com',
      'meta.stackexchange.com',
      'unix.meta.stackexchange.com',
      'mathoverflow.net',
    ]);
  });
});

describe('stackexchange source health, through the whole process', () => {
  let api: FixtureServer;
  let system: TestSystem;
  let host: string;
  let limitedAnswers = 'rate-limited';
  const limitedControl: StackExchangeControl = { items: [], quotaMax: 300, quotaRemaining: 250, backoffs: [] };

  const sourcesById = async (): Promise<Record<string, any>> => {
    const { status, body } = await system.api('/v1/sources');
    expect(status).toBe(200);
    return Object.fromEntries(body.data.map((source: any) => [source.id, source]));
  };

  beforeAll(async () => {
    api = await startFixtureServer();
    host = new URL(api.baseUrl).host;
    limitedControl.items = [questionExcerpt(7001, new Date(Date.now() - 60_000), { title: 'Acme is back', body: '<p>Yes.</p>', score: 6 })];
    const fresh = serveStackExchange(limitedControl);
    api.route(`/limited${SEARCH_PATH}`, (request, response) => {
      if (limitedAnswers === 'ok') return fresh(request, response);
      response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '120' }).end('Too Many Requests');
    });
    api.route(`/bad-key${SEARCH_PATH}`, apiError(400, 'bad_parameter', 'key'));
    api.route(`/denied${SEARCH_PATH}`, apiError(403, 'access_denied', 'This method requires an access token with the right scope'));
    api.route(`/bad-site${SEARCH_PATH}`, apiError(400, 'bad_parameter', 'site'));
    api.route(`/broken${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal Server Error</body></html>');
    });
    api.route(`/garbled${SEARCH_PATH}`, (_request, response) => sendWrapper(response, 200, { items: 'none', has_more: false }));
    api.route(`/not-json${SEARCH_PATH}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('<!DOCTYPE html><html><body>Maintenance</body></html>');
    });
    api.route(`/slow${SEARCH_PATH}`, neverAnswer);
    const source = (id: string, path: string) => `  - { id: ${id}, type: stackexchange, base_url: "${api.baseUrl}/${path}", key: "\${SE_KEY}", every: 5m }`;
    system = await startTestSystem({
      configYaml: `${SE_BRAND_CONFIG}
sources:
${source('se-limited', 'limited')}
${source('se-bad-key', 'bad-key')}
${source('se-denied', 'denied')}
${source('se-bad-site', 'bad-site')}
${source('se-broken', 'broken')}
${source('se-garbled', 'garbled')}
${source('se-not-json', 'not-json')}
${source('se-slow', 'slow')}
http: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }
${TEST_API_KEYS}`,
      env: { SE_KEY: APP_KEY },
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await api?.close();
  });

  it('shows each failure with its kind of status and a reason to act on', async () => {
    const keyHint = 'check the stackexchange source\'s `key` (an app key from stackapps.com, e.g. "${STACKEXCHANGE_KEY}")';
    const expected: Record<string, { status: string; last_error: string }> = {
      'se-limited': { status: 'rate_limited', last_error: `HTTP 429 from ${host}: rate limited; retrying after 120 s` },
      'se-bad-key': { status: 'auth_failed', last_error: `${host} answered bad_parameter (400): key; ${keyHint}` },
      'se-denied': {
        status: 'auth_failed',
        last_error: `${host} answered access_denied (403): This method requires an access token with the right scope; ${keyHint}`,
      },
      'se-bad-site': { status: 'failing', last_error: `${host} answered bad_parameter (400): site; check the source's \`site\` (stackoverflow)` },
      'se-broken': { status: 'failing', last_error: `HTTP 500 from ${host}` },
      'se-garbled': { status: 'failing', last_error: `unexpected answer from ${host}: items expected array; the API may have changed` },
      'se-not-json': {
        status: 'failing',
        last_error: `${host} answered with an HTML page ("<!DOCTYPE html><html><body>Maintenance</…"); the API may be down or have changed`,
      },
      'se-slow': { status: 'failing', last_error: `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s` },
    };
    const sources = await sourcesById();
    for (const [sourceId, health] of Object.entries(expected)) {
      expect(sources[sourceId], sourceId).toMatchObject({ ...health, consecutive_failures: 1, mentions_total: 0 });
    }
    const limited = sources['se-limited'];
    expect(Date.parse(limited.retry_at) - Date.parse(limited.last_polled_at)).toBe(120_000);
  });

  it('sends the key as the API asks but never shows it in the API or the logs', async () => {
    expect(api.requestsTo(`/bad-key${SEARCH_PATH}`)[0]?.url.searchParams.get('key')).toBe(APP_KEY);
    const { body } = await system.api('/v1/sources');
    expect(JSON.stringify(body)).not.toContain(APP_KEY);
    expect(system.logLines.filter((line) => line.includes(APP_KEY))).toEqual([]);
  });

  it('does not call a rate-limited API again before its retry time, and succeeds on a later poll', async () => {
    const before = api.requestsTo(`/limited${SEARCH_PATH}`).length;
    expect(await system.pollAsScheduled('se-limited')).toMatchObject({ status: 'skipped', reason: 'backing_off' });
    expect(api.requestsTo(`/limited${SEARCH_PATH}`)).toHaveLength(before);
    expect((await sourcesById())['se-limited'].status).toBe('rate_limited');

    limitedAnswers = 'ok';
    const outcome = await system.pollAndStore('se-limited');
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    expect((await sourcesById())['se-limited']).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null, mentions_total: 1 });
    const { body } = await system.api('/v1/mentions?source=se-limited');
    expect(body.data.map((mention: any) => [mention.url, mention.title, mention.reach])).toEqual([
      ['https://stackoverflow.com/q/7001', 'Acme is back', 6],
    ]);
  });
});
