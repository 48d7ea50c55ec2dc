// The gdelt source against a loopback GDELT DOC API: the exact artlist requests (backfill window, cursor with overlap,
// time slicing past the 250-article cap), the pace kept before every call, what is stored, and each way GDELT fails
// (429, 403, 5xx, text instead of JSON, a changed shape, a timeout) shown as the source's health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import type { Throttle } from '../../src/queue/redis-throttle.js';
import { GDELT_MAX_PAGES_PER_SEARCH, GDELT_OVERLAP_MS } from '../../src/sources/gdelt.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { listedSource, mentionsWithBrands, pollSystemAt, recordingThrottle, sourceState } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import {
  ACME_SEARCH,
  GDELT_BRAND_CONFIG,
  INVALID_QUERY_PAGE,
  PHRASE_TOO_SHORT,
  ZELAZKO_SEARCH,
  artlist,
  fromGdeltTime,
  fromSeenDate,
  gdeltArticle,
  listedFor,
  toGdeltTime,
  type GdeltArticleFixture,
} from '../fixtures/gdelt.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const NOW = new Date('2026-11-25T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const minutesBefore = (minutes: number, from = NOW) => new Date(from.getTime() - minutes * MINUTE_MS).toISOString();

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}
type Script = Answer | ((request: RecordedRequest) => Answer);

const json = (articles: readonly GdeltArticleFixture[]): Answer => ({ body: artlist(articles), headers: { 'content-type': 'application/json' } });

/** Source ids of the config below; each has its own path on the fixture server. */
const SOURCES = ['news', 'quiet', 'busy', 'flood', 'surge', 'limited', 'steady', 'blocked', 'garbled', 'silent', 'paced', 'preview', 'archive', 'stored'];

describe('gdelt source', () => {
  let gdelt: FixtureServer;
  let system: TestSystem;
  let host: string;
  /** Throttle calls and requests in the order they happened. */
  const events: string[] = [];
  const scripts = new Map<string, Script[]>();

  const eventThrottle = recordingThrottle(events, 'throttle ');

  /** The answers the next requests of a source get, in order. */
  const answer = (sourceId: string, ...answers: Script[]) => scripts.get(sourceId)?.push(...answers);
  const requestsOf = (sourceId: string) => gdelt.requestsTo(`/${sourceId}/api/v2/doc/doc`);
  const paramsOf = (request: RecordedRequest | undefined) => [...(request?.url.searchParams.entries() ?? [])];

  const searchParams = (query: string, start: Date | string, end?: Date | string) => [
    ['query', query],
    ['mode', 'artlist'],
    ['format', 'json'],
    ['maxrecords', '250'],
    ['sort', 'datedesc'],
    ['startdatetime', toGdeltTime(start)],
    ...(end === undefined ? [] : [['enddatetime', toGdeltTime(end)]]),
  ];

  /** One poll of a source at `now` (as the poller runs it), then waits until what it queued is stored. */
  const poll = (sourceId: string, now: Date, throttle: Throttle = eventThrottle): Promise<PollOutcome> =>
    pollSystemAt(system, sourceId, now, { throttle });
  const sourceById = (sourceId: string) => listedSource(system, sourceId);
  const storedRows = (sourceId: string) => mentionsWithBrands(system.db.database, sourceId, 'url');
  const stateOf = (sourceId: string) => sourceState(system.db.database, sourceId);

  beforeAll(async () => {
    gdelt = await startFixtureServer();
    host = new URL(gdelt.baseUrl).host;
    for (const sourceId of SOURCES) {
      scripts.set(sourceId, []);
      gdelt.route(`/${sourceId}/api/v2/doc/doc`, (request, response) => {
        events.push(`request ${sourceId}`);
        const next = scripts.get(sourceId)?.shift();
        if (next === undefined) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('no answer scripted');
          return;
        }
        const { status = 200, headers = { 'content-type': 'application/json' }, body } = typeof next === 'function' ? next(request) : next;
        response.writeHead(status, headers).end(body);
      });
    }
    gdelt.route('/silent/api/v2/doc/doc', neverAnswer);
    const sourceLines = SOURCES.map((sourceId) => {
      const brands = ['busy', 'flood', 'surge', 'steady', 'paced', 'archive', 'stored'].includes(sourceId) ? ', brands: [acme]' : '';
      const backfill = sourceId === 'archive' ? ', backfill: 120d' : '';
      return `  - { id: ${sourceId}, type: gdelt, base_url: "${gdelt.baseUrl}/${sourceId}", every: 10m${brands}${backfill} }`;
    });
    system = await startTestSystem({
      configYaml: `${GDELT_BRAND_CONFIG}\nsources:\n${sourceLines.join('\n')}\nhttp: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }\n${TEST_API_KEYS}`,
      // No poller: each test polls at the time it chooses, with a throttle that records instead of waiting 5 s.
      roles: ['api', 'scorer'],
    });
  });

  afterAll(async () => {
    await system?.stop();
    await gdelt?.close();
  });

  describe('backfill, then incremental polls', () => {
    const recall = gdeltArticle('/acme-recall', 'Acme Corp recalls rocket skates', minutesBefore(30));
    const fruit = gdeltArticle('/acme-fruit', 'The Acme fruit harvest begins', minutesBefore(90));
    // GDELT matched the body; the title (all we get) does not name the brand, so it is no mention.
    const bodyOnly = gdeltArticle('/markets', 'Markets close higher on Tuesday', minutesBefore(120));
    const controlCharacter = gdeltArticle('/acme-board', 'Acme Corp BELL board meets', minutesBefore(600), { language: 'Klingon' });
    const polish = gdeltArticle('/zelazko-fabryka', 'Żelazko SA otwiera nową fabrykę', minutesBefore(45), {
      domain: 'wiadomosci.example',
      language: 'Polish',
      sourcecountry: 'Poland',
    });
    // Found by both searches: one row with both brands.
    const both = gdeltArticle('/acme-zelazko', 'Acme buys a stake in Żelazko', minutesBefore(50));

    it('first asks for the last 24 hours of each brand search, pacing every call, and stores the matches as backfill', async () => {
      const acmeBody = artlist([recall, both, fruit, bodyOnly, controlCharacter]).replace(' BELL ', String.fromCharCode(7));
      answer('news', { body: acmeBody, headers: { 'content-type': 'application/json; charset=utf-8' } }, json([polish, both]));
      const eventsBefore = events.length;

      const outcome = await poll('news', NOW);

      expect(outcome).toMatchObject({ status: 'ok', items: 6, mentions: 4, backfill: true });
      const requests = requestsOf('news');
      expect(requests).toHaveLength(2);
      expect(paramsOf(requests[0])).toEqual(searchParams(ACME_SEARCH, at(-24 * HOUR_MS)));
      expect(paramsOf(requests[1])).toEqual(searchParams(ZELAZKO_SEARCH, at(-24 * HOUR_MS)));
      // Spaces as %20: GDELT would read a "+" literally.
      expect(requests[0]?.url.search).toBe(
        '?query=(%22acme%22%20OR%20%22acme%20corp%22)&mode=artlist&format=json&maxrecords=250&sort=datedesc&startdatetime=20261124120000',
      );
      for (const request of requests) {
        expect(request.method).toBe('GET');
        expect(request.headers.accept).toBe('application/json');
        expect(request.headers['user-agent']).toMatch(/^buzzwatch\//);
      }
      expect(events.slice(eventsBefore)).toEqual(['throttle gdelt 5000', 'request news', 'throttle gdelt 5000', 'request news']);

      expect(await storedRows('news')).toEqual([
        {
          url: 'https://news.example/acme-board',
          external_id: 'https://news.example/acme-board',
          title: 'Acme Corp board meets',
          content: 'Acme Corp board meets',
          author: null,
          lang: null,
          published_at: new Date(minutesBefore(600)),
          backfill: true,
          reach: null,
          brands: ['acme'],
        },
        {
          url: 'https://news.example/acme-recall',
          external_id: 'https://news.example/acme-recall',
          title: 'Acme Corp recalls rocket skates',
          content: 'Acme Corp recalls rocket skates',
          author: null,
          lang: 'en',
          published_at: new Date(minutesBefore(30)),
          backfill: true,
          reach: null,
          brands: ['acme'],
        },
        {
          url: 'https://news.example/acme-zelazko',
          external_id: 'https://news.example/acme-zelazko',
          title: 'Acme buys a stake in Żelazko',
          content: 'Acme buys a stake in Żelazko',
          author: null,
          lang: 'en',
          published_at: new Date(minutesBefore(50)),
          backfill: true,
          reach: null,
          brands: ['acme', 'zelazko'],
        },
        {
          url: 'https://wiadomosci.example/zelazko-fabryka',
          external_id: 'https://wiadomosci.example/zelazko-fabryka',
          title: 'Żelazko SA otwiera nową fabrykę',
          content: 'Żelazko SA otwiera nową fabrykę',
          author: null,
          lang: 'pl',
          published_at: new Date(minutesBefore(45)),
          backfill: true,
          reach: null,
          brands: ['zelazko'],
        },
      ]);
      expect(await stateOf('news')).toEqual({
        newest: { [ACME_SEARCH]: toGdeltTime(minutesBefore(30)), [ZELAZKO_SEARCH]: toGdeltTime(minutesBefore(45)) },
        // Within 15 minutes before the older cursor (zelazko's, 45 min ago): the next poll is sent these again.
        recent: {
          'https://news.example/acme-recall': toGdeltTime(minutesBefore(30)),
          'https://wiadomosci.example/zelazko-fabryka': toGdeltTime(minutesBefore(45)),
          'https://news.example/acme-zelazko': toGdeltTime(minutesBefore(50)),
        },
      });
    });

    it('then asks from 15 minutes before the newest article of each search and queues only what is new', async () => {
      const later = at(10 * MINUTE_MS);
      const fresh = gdeltArticle('/acme-apology', 'Acme Corp apologises for the skates', minutesBefore(5, later));
      const freshPolish = gdeltArticle('/zelazko-nowe', 'Nowe żelazko na rynku', minutesBefore(8, later), { language: 'Polish' });
      answer('news', json([fresh, recall, both]), json([freshPolish, polish, both]));

      const outcome = await poll('news', later);

      expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: false });
      const requests = requestsOf('news').slice(2);
      expect(requests.map(paramsOf)).toEqual([
        searchParams(ACME_SEARCH, new Date(Date.parse(minutesBefore(30)) - GDELT_OVERLAP_MS)),
        searchParams(ZELAZKO_SEARCH, new Date(Date.parse(minutesBefore(45)) - GDELT_OVERLAP_MS)),
      ]);
      const rows = await storedRows('news');
      expect(rows).toHaveLength(6);
      expect(rows.filter((row) => !row.backfill).map((row) => [row.url, row.lang, row.brands])).toEqual([
        ['https://news.example/acme-apology', 'en', ['acme']],
        ['https://news.example/zelazko-nowe', 'pl', ['zelazko']],
      ]);
      expect((await stateOf('news')).newest).toEqual({
        [ACME_SEARCH]: toGdeltTime(minutesBefore(5, later)),
        [ZELAZKO_SEARCH]: toGdeltTime(minutesBefore(8, later)),
      });
      expect(await sourceById('news')).toMatchObject({ status: 'ok', mentions_total: 6, last_error: null });
    });
  });

  it('takes an empty result ({} or an empty body) as nothing new, and keeps looking back over the backfill window', async () => {
    answer('quiet', json([]), json([]), { body: '' }, { body: '' });
    expect(await poll('quiet', NOW)).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: true });
    expect(await stateOf('quiet')).toEqual({ newest: {}, recent: {} });
    const later = at(10 * MINUTE_MS);
    expect(await poll('quiet', later)).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false });
    expect(requestsOf('quiet').map(paramsOf)).toEqual([
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS)),
      searchParams(ZELAZKO_SEARCH, at(-24 * HOUR_MS)),
      searchParams(ACME_SEARCH, new Date(later.getTime() - 24 * HOUR_MS)),
      searchParams(ZELAZKO_SEARCH, new Date(later.getTime() - 24 * HOUR_MS)),
    ]);
    expect(await sourceById('quiet')).toMatchObject({ status: 'ok', mentions_total: 0 });
  });

  it('reaches back no further than the three months GDELT searches, whatever the backfill', async () => {
    answer('archive', json([]));
    expect(await poll('archive', NOW)).toMatchObject({ status: 'ok', items: 0, backfill: true });
    expect(requestsOf('archive').map(paramsOf)).toEqual([searchParams(ACME_SEARCH, at(-90 * 24 * HOUR_MS))]);
  });

  it('slices a window with more than 250 articles by time: each next call ends at the oldest article of a full page', async () => {
    const story = (index: number) => gdeltArticle(`/acme-${String(index).padStart(3, '0')}`, `Acme story ${index}`, minutesBefore(index + 1));
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, offset) => story(from + offset));
    // Page 1: minutes 1..250 before now. Page 2 ends at the oldest of page 1, which it lists again. Page 3 is short.
    answer('busy', json(range(0, 249)), json(range(249, 498)), json(range(498, 508)));
    const eventsBefore = events.length;

    const outcome = await poll('busy', NOW);

    expect(requestsOf('busy').map(paramsOf)).toEqual([
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS)),
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS), minutesBefore(250)),
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS), minutesBefore(499)),
    ]);
    expect(events.slice(eventsBefore)).toEqual(Array(3).fill(['throttle gdelt 5000', 'request busy']).flat());
    expect(outcome).toMatchObject({ status: 'ok', items: 509, mentions: 509, backfill: true });
    expect(await storedRows('busy')).toHaveLength(509);
    expect((await stateOf('busy')).newest).toEqual({ [ACME_SEARCH]: toGdeltTime(minutesBefore(1)) });
  });

  it('steps a second back when a full page shares one second, and stops after 4 pages with a warning', async () => {
    // Every page is full and all its articles share the second the call ends at (the first: a minute ago).
    const sameSecond = (page: number) => (request: RecordedRequest) => {
      const end = request.url.searchParams.get('enddatetime');
      const seen = end === null ? minutesBefore(1) : fromGdeltTime(end);
      return json(Array.from({ length: 250 }, (_, index) => gdeltArticle(`/flood-${page}-${index}`, `Acme flood ${page}.${index}`, seen)));
    };
    answer('flood', ...[1, 2, 3, 4].map(sameSecond));

    const outcome = await poll('flood', NOW);

    const oldest = Date.parse(minutesBefore(1));
    expect(requestsOf('flood').map(paramsOf)).toEqual([
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS)),
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS), new Date(oldest)),
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS), new Date(oldest - 1_000)),
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS), new Date(oldest - 2_000)),
    ]);
    expect(outcome).toMatchObject({ status: 'ok', items: 1000, mentions: 1000 });
    const warning = system.logLines.map((line) => JSON.parse(line)).find((entry) => entry.source === 'flood' && entry.level === 40);
    expect(warning).toMatchObject({
      msg: 'search has more results than a first poll fetches; the oldest part of its backfill is left out',
      search: ACME_SEARCH,
      pages: 4,
      oldestFetched: new Date(oldest - 2_000).toISOString(),
      since: at(-24 * HOUR_MS).toISOString(),
    });
  });

  it('reads a burst bigger than the page cap over two polls, keeping its cursor until it gets down to it, each article once', async () => {
    const first = gdeltArticle('/surge-first', 'Acme Corp opens a plant', minutesBefore(30));
    // 1100 articles after the first poll, ten seconds apart: more than four pages of 250.
    const burst = Array.from({ length: 1100 }, (_, index) =>
      gdeltArticle(`/surge-${String(index).padStart(4, '0')}`, `Acme surge story ${index}`, new Date(NOW.getTime() + (index + 1) * 10_000).toISOString()),
    );
    let listed = [first];
    const fromList = (request: RecordedRequest) => json(listedFor(listed, request.url.searchParams));
    const seenAt = (index: number) => fromSeenDate((burst[index] as GdeltArticleFixture).seendate);
    const stamp = (index: number) => toGdeltTime(seenAt(index));
    const urlsSeen = (indexes: number[]) => Object.fromEntries(indexes.map((index) => [burst[index]?.url, stamp(index)]));
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
    const storedUrls = async () => {
      const { rows } = await system.db.database.query<{ url: string }>("SELECT url FROM mentions WHERE source_id = 'surge' ORDER BY url");
      return rows.map((row) => row.url);
    };
    answer('surge', fromList);
    expect(await poll('surge', NOW)).toMatchObject({ status: 'ok', items: 1, backfill: true });
    const since = new Date(Date.parse(minutesBefore(30)) - GDELT_OVERLAP_MS);

    listed = [first, ...burst];
    const second = at(4 * HOUR_MS);
    answer('surge', ...Array<Script>(GDELT_MAX_PAGES_PER_SEARCH).fill(fromList));
    // Four pages: 1099–850, then each ending at the oldest of the page before (listed again): 850–601, 601–352, 352–103.
    expect(await poll('surge', second)).toMatchObject({ status: 'ok', items: 997, mentions: 997, backfill: false });
    expect(requestsOf('surge').slice(1).map(paramsOf)).toEqual([
      searchParams(ACME_SEARCH, since),
      searchParams(ACME_SEARCH, since, seenAt(850)),
      searchParams(ACME_SEARCH, since, seenAt(601)),
      searchParams(ACME_SEARCH, since, seenAt(352)),
    ]);
    // The cursor stays; the next call ends at article 103 (read already). Remembered: the first article (the overlap
    // the catch-up ends in), 103, and the 15 minutes before the newest article (1009–1099) for the poll after it.
    expect(await stateOf('surge')).toEqual({
      newest: { [ACME_SEARCH]: toGdeltTime(minutesBefore(30)) },
      recent: { [first.url]: toGdeltTime(minutesBefore(30)), ...urlsSeen([103, ...range(1009, 1099)]) },
      resume: { [ACME_SEARCH]: { until: stamp(103), seen: [burst[103]?.url], next: stamp(1099) } },
    });

    const third = at(4 * HOUR_MS + 10 * MINUTE_MS);
    answer('surge', fromList);
    // One short page down to the cursor: 103 and the first article come again and are left out.
    expect(await poll('surge', third)).toMatchObject({ status: 'ok', items: 103, mentions: 103, backfill: false });
    expect(paramsOf(requestsOf('surge')[5])).toEqual(searchParams(ACME_SEARCH, since, seenAt(103)));
    expect(await stateOf('surge')).toEqual({ newest: { [ACME_SEARCH]: stamp(1099) }, recent: urlsSeen(range(1009, 1099)) });
    expect(await storedUrls()).toEqual([first, ...burst].map((article) => article.url).sort());

    // From 15 minutes before the newest article: the last 91 come again, and none is new.
    answer('surge', fromList);
    expect(await poll('surge', at(4 * HOUR_MS + 20 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 0, backfill: false });
    expect(requestsOf('surge').slice(6).map(paramsOf)).toEqual([searchParams(ACME_SEARCH, new Date(Date.parse(seenAt(1099)) - GDELT_OVERLAP_MS))]);
  });

  it('goes on from a state in PostgreSQL as the version before the shared search cursor stored it: a cut-short catch-up', async () => {
    answer('stored', json([]));
    expect(await poll('stored', at(-HOUR_MS))).toMatchObject({ status: 'ok', items: 0 });
    const stamp = (minutes: number) => toGdeltTime(minutesBefore(minutes));
    const inOverlap = gdeltArticle('/stored-overlap', 'Acme in the overlap, read before', minutesBefore(125));
    const below = gdeltArticle('/stored-below', 'Acme below the stop', minutesBefore(110));
    const atStop = gdeltArticle('/stored-stop', 'Acme at the stop, read before', minutesBefore(100));
    const atStopToo = gdeltArticle('/stored-stop-too', 'Acme at the stop too', minutesBefore(100));
    const aboveStop = gdeltArticle('/stored-above', 'Acme above the stop, read before', minutesBefore(60));
    // Literally what that version wrote for a search whose catch-up the page cap had cut short.
    const stored = {
      newest: { [ACME_SEARCH]: stamp(120) },
      recent: { [inOverlap.url]: stamp(125), [aboveStop.url]: stamp(60) },
      resume: { [ACME_SEARCH]: { until: stamp(100), seen: [atStop.url], next: stamp(60) } },
    };
    await system.db.database.query("UPDATE sources SET state = $1 WHERE id = 'stored'", [stored]);
    answer('stored', json([atStop, atStopToo, below, inOverlap]));
    expect(await poll('stored', NOW)).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: false });
    const since = new Date(Date.parse(minutesBefore(120)) - GDELT_OVERLAP_MS);
    expect(requestsOf('stored').slice(1).map(paramsOf)).toEqual([searchParams(ACME_SEARCH, since, minutesBefore(100))]);
    expect((await storedRows('stored')).map((row) => row.url)).toEqual([below.url, atStopToo.url]);
    // The catch-up got down to the cursor: the search takes the newest article it carried, and the overlap before it.
    expect(await stateOf('stored')).toEqual({ newest: { [ACME_SEARCH]: stamp(60) }, recent: { [aboveStop.url]: stamp(60) } });
  });

  it('waits out a 429 with Retry-After as rate_limited, then succeeds on a later poll', async () => {
    answer('limited', {
      status: 429,
      headers: { 'content-type': 'text/plain', 'retry-after': '120' },
      body: 'Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.',
    });
    const outcome = await poll('limited', NOW);
    const reason = `HTTP 429 from ${host}: rate limited; retrying after 120 s`;
    expect(outcome).toEqual({ status: 'failed', error: { kind: 'rate_limited', message: reason }, retryAt: at(120_000).toISOString() });
    expect(await sourceById('limited')).toMatchObject({
      status: 'rate_limited',
      last_error: reason,
      retry_at: at(120_000).toISOString(),
      consecutive_failures: 1,
    });

    // Before the retry time a scheduled poll does not call GDELT at all.
    expect(await poll('limited', at(60_000))).toEqual({ status: 'skipped', reason: 'backing_off', retryAt: at(120_000).toISOString() });
    expect(requestsOf('limited')).toHaveLength(1);

    const recovered = gdeltArticle('/acme-after-wait', 'Acme Corp after the wait', minutesBefore(3));
    answer('limited', json([recovered]), json([]));
    expect(await poll('limited', at(121_000))).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    expect(paramsOf(requestsOf('limited')[1])).toEqual(searchParams(ACME_SEARCH, at(121_000 - 24 * HOUR_MS)));
    expect(await sourceById('limited')).toMatchObject({ status: 'ok', last_error: null, retry_at: null, consecutive_failures: 0 });
  });

  it('reports a 403 as auth_failed with a reason that says GDELT needs no key', async () => {
    answer('blocked', { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body>Forbidden</body></html>' });
    const outcome = await poll('blocked', NOW);
    const reason = `HTTP 403 from ${host}: access denied; GDELT needs no key, so check base_url and whether ${host} blocks this server's address`;
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'auth_failed', message: reason } });
    expect(await sourceById('blocked')).toMatchObject({ status: 'auth_failed', last_error: reason });
  });

  it('reports a 5xx as failing and keeps the cursor: the poll after it asks from the same time', async () => {
    const first = gdeltArticle('/acme-steady', 'Acme Corp steady as ever', minutesBefore(20));
    answer('steady', json([first]));
    expect(await poll('steady', NOW)).toMatchObject({ status: 'ok', items: 1 });
    const cursorStart = new Date(Date.parse(minutesBefore(20)) - GDELT_OVERLAP_MS);

    answer('steady', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' });
    const failed = await poll('steady', at(10 * MINUTE_MS));
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'http', message: `HTTP 502 from ${host}` } });
    expect(await sourceById('steady')).toMatchObject({ status: 'failing', last_error: `HTTP 502 from ${host}`, consecutive_failures: 1 });

    const second = gdeltArticle('/acme-steady-2', 'Acme Corp still steady', minutesBefore(2, at(30 * MINUTE_MS)));
    answer('steady', json([second, first]));
    expect(await poll('steady', at(30 * MINUTE_MS))).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: false });
    expect(requestsOf('steady').map(paramsOf)).toEqual([
      searchParams(ACME_SEARCH, at(-24 * HOUR_MS)),
      searchParams(ACME_SEARCH, cursorStart),
      searchParams(ACME_SEARCH, cursorStart),
    ]);
    expect(await sourceById('steady')).toMatchObject({ status: 'ok', mentions_total: 2 });
  });

  it('fails a poll whose answer is not the JSON GDELT documents, quoting what came back, and never crashes', async () => {
    const notJson = `${host} sent this instead of JSON for the search ${JSON.stringify(ACME_SEARCH)}`;
    // [answer, reason, how many of the poll's searches get it: the first failure ends the poll, but a result that is
    // off is skipped and the poll goes on to the other brand's search, so the poll fails only when every result is off]
    const cases: Array<[Answer, string, number?]> = [
      [
        { headers: { 'content-type': 'text/html; charset=utf-8' }, body: PHRASE_TOO_SHORT },
        `${notJson}: "The specified phrase is too short."`,
      ],
      [
        { headers: { 'content-type': 'text/html; charset=utf-8' }, body: INVALID_QUERY_PAGE },
        `${notJson}: "GDELT DOC API Invalid query: parentheses may only be used around OR'd statements."`,
      ],
      [
        { body: '{"articles": [{"url": "https://news.example/cut-off", "title": "Acme' },
        `${notJson}: "{"articles": [{"url": "https://news.example/cut-off", "title": "Acme"`,
      ],
      [
        { body: '{"articles": [{"title": "Acme without a link", "seendate": "20261125T110000Z"}]}' },
        'every result the API sent is off (articles[0].url: expected required property); the API may have changed',
        2,
      ],
      [{ body: '{"articles": "none"}' }, `unexpected answer from ${host}: articles expected array; the API may have changed`],
    ];
    for (const [index, [garbled, reason, searches = 1]] of cases.entries()) {
      answer('garbled', ...Array<Answer>(searches).fill(garbled));
      // Far enough apart to be past each back-off (10, 20, 40, 80 minutes).
      const outcome = await poll('garbled', at(index * 6 * HOUR_MS));
      expect(outcome, reason).toMatchObject({ status: 'failed', error: { kind: 'parse', message: reason } });
      expect(await sourceById('garbled'), reason).toMatchObject({ status: 'failing', last_error: reason, consecutive_failures: index + 1 });
    }
  });

  it('reports a GDELT that never answers as failing with a timeout', async () => {
    const outcome = await poll('silent', NOW);
    const reason = `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s`;
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'timeout', message: reason } });
    expect(await sourceById('silent')).toMatchObject({ status: 'failing', last_error: reason });
  });

  it('keeps the pace through the shared throttle: after a call, the gdelt key holds the next 5 s in Redis', async () => {
    answer('paced', json([]));
    // Read as soon as the shared throttle lets the call go, not after the whole poll: the key lives 5 s from then,
    // and on a loaded machine the rest of the poll (the request, storing) can take longer than that.
    const remainingMs: number[] = [];
    const sharedThrottle: Throttle = async (key, minIntervalMs) => {
      await system.runtime.throttle(key, minIntervalMs);
      remainingMs.push(await system.runtime.redis.pttl(`${system.prefix}:throttle:gdelt`));
    };
    expect(await poll('paced', NOW, sharedThrottle)).toMatchObject({ status: 'ok' });
    expect(remainingMs).toHaveLength(1);
    expect(remainingMs[0]).toBeGreaterThan(0);
    expect(remainingMs[0]).toBeLessThanOrEqual(5_000);
  });

  it('previews against the loopback API without saving anything', async () => {
    const source = system.runtime.sources.get('preview');
    if (source === undefined) throw new Error('the config has a preview source');
    const article = gdeltArticle('/acme-preview', 'Acme Corp previews a catapult', new Date(Date.now() - 10 * MINUTE_MS).toISOString());
    const unrelated = gdeltArticle('/weather', 'Sunny weekend ahead', new Date(Date.now() - 20 * MINUTE_MS).toISOString());
    answer('preview', json([article, unrelated]), json([]));
    const before = Date.now();

    const { brandRules, http, logger } = system.runtime;
    const result = await previewSource(source, { brandRules, http, logger, throttle: eventThrottle });

    expect(result).toEqual({
      ok: true,
      warning: null,
      lines: [
        expect.objectContaining({
          url: 'https://news.example/acme-preview',
          external_id: 'https://news.example/acme-preview',
          title: 'Acme Corp previews a catapult',
          text: 'Acme Corp previews a catapult',
          lang: 'en',
          published_at: fromSeenDate(article.seendate),
          brands: ['acme'],
        }),
        expect.objectContaining({ url: 'https://news.example/weather', brands: [] }),
      ],
    });
    const start = requestsOf('preview')[0]?.url.searchParams.get('startdatetime') ?? '';
    expect(start >= toGdeltTime(new Date(before - 24 * HOUR_MS - 1_000))).toBe(true);
    expect(start <= toGdeltTime(new Date(Date.now() - 24 * HOUR_MS))).toBe(true);
    expect(await stateOf('preview')).toBeUndefined();
  });
});
