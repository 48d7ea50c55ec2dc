// The mastodon source against a loopback server paging like Mastodon: a first poll that backfills each hashtag
// timeline (newest first, back through Link rel="next"), later polls from the min_id cursor (forward through
// rel="prev"), boosts counted as their original, status search with an access token (paged down with max_id from
// the newest match to the cursor, as search only ever answers with the newest matches), and every failure as health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import { createHttpClient } from '../../src/net/http-client.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { localThrottle } from '../../src/queue/redis-throttle.js';
import { createLogger } from '../../src/runtime/logger.js';
import { mastodonSourceKind } from '../../src/sources/mastodon.js';
import type { PollContext, Source } from '../../src/sources/source.js';
import { neverAnswer, startFixtureServer, type FixtureServer, type RecordedRequest, FIXTURE_HTTP_TIMEOUT_S } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import {
  ACME_BRAND_CONFIG,
  mastodonBoost,
  mastodonStatus,
  serveStatusSearch,
  serveTagTimeline,
  statusIdAt,
  type MastodonStatusFixture,
} from '../fixtures/mastodon.js';
import { SkippedResults } from '../../src/sources/skipped-results.js';

const ACCESS_TOKEN = 'mastodon-token-7f3a9c51';
const AUTH_HINT = 'check access_token (FEDIVERSE_ACCESS_TOKEN); without one, this instance may not serve hashtag timelines';
const JSON_TYPE = 'application/json; charset=utf-8';

const T0 = Date.now();
const minutesAgo = (minutes: number) => new Date(T0 - minutes * 60_000);

describe('mastodon source', () => {
  let fixtures: FixtureServer;
  let system: TestSystem;
  let host: string;
  let initial: Map<string, PollOutcome>;

  // #acme on instance /fedi: 41 fan posts, one local post, a remote one (and its boost), an excluded one, an old one.
  const fans = Array.from({ length: 41 }, (_, index) =>
    mastodonStatus({
      id: statusIdAt(minutesAgo(100 + index)),
      createdAt: minutesAgo(100 + index),
      html: `<p>Acme note ${index}: anvils in stock</p>`,
      acct: `fan${index}@fans.example`,
      home: 'fans.example',
    }),
  );
  let local: MastodonStatusFixture;
  const remote = mastodonStatus({
    id: statusIdAt(minutesAgo(20)),
    createdAt: minutesAgo(20),
    html: '<p>Acme? Beep beep.<br>Nie polecam.</p>',
    acct: 'roadrunner@birds.example',
    home: 'birds.example',
    followers: 1000,
    reblogs: 10,
    favourites: 5,
    language: 'pl',
    spoiler: 'Recenzja Acme',
  });
  const boost = mastodonBoost(remote, { id: statusIdAt(minutesAgo(10)), createdAt: minutesAgo(10), acct: 'coyote@desert.example', home: 'desert.example' });
  const fruit = mastodonStatus({ id: statusIdAt(minutesAgo(40)), createdAt: minutesAgo(40), html: '<p>The acme fruit harvest is in</p>', acct: 'grower@farm.example', home: 'farm.example' });
  const old = mastodonStatus({ id: statusIdAt(minutesAgo(30 * 60)), createdAt: minutesAgo(30 * 60), html: '<p>Old Acme news</p>', acct: 'archive@old.example', home: 'old.example' });
  const corp = mastodonStatus({ id: statusIdAt(minutesAgo(50)), createdAt: minutesAgo(50), html: '<p>New #AcmeCorp merch is out</p>', acct: 'merch@shop.example', home: 'shop.example' });
  // Posted after the first poll, enough for two pages forward.
  const later = Array.from({ length: 41 }, (_, index) =>
    mastodonStatus({
      id: statusIdAt(new Date(T0 - 9 * 60_000 + index * 1000)),
      createdAt: new Date(T0 - 9 * 60_000 + index * 1000),
      html: `<p>Acme later ${index}</p>`,
      acct: `late${index}@fans.example`,
      home: 'fans.example',
    }),
  );
  let acmeTimeline: MastodonStatusFixture[] = [];
  let acmeCorpTimeline: MastodonStatusFixture[] = [];

  // The source with a token (/authed): one tagged status, and what search finds per query.
  const tagged = mastodonStatus({ id: statusIdAt(minutesAgo(15)), createdAt: minutesAgo(15), html: '<p>My Acme hat</p>', acct: 'hatter@hats.example', home: 'hats.example' });
  const searchHit = mastodonStatus({ id: statusIdAt(minutesAgo(12)), createdAt: minutesAgo(12), html: '<p>Acme support was helpful</p>', acct: 'happy@ok.example', home: 'ok.example' });
  const laterHit = mastodonStatus({ id: statusIdAt(minutesAgo(2)), createdAt: minutesAgo(2), html: '<p>Acme support again</p>', acct: 'happy@ok.example', home: 'ok.example' });
  let searchResults: Record<string, MastodonStatusFixture[]> = { '"acme"': [searchHit], '"acme corp"': [] };

  let limitedAnswers429 = true;
  let resetAt = 0;

  const requestLine = (request: RecordedRequest) => `${request.path}${request.url.search}`;
  const requestsUnder = (prefix: string) => fixtures.requests.filter((request) => request.path.startsWith(`${prefix}/`));
  const sourcesById = async (): Promise<Record<string, any>> => {
    const { status, body } = await system.api('/v1/sources');
    expect(status).toBe(200);
    return Object.fromEntries(body.data.map((source: any) => [source.id, source]));
  };
  const mentionsOf = async (sourceId: string): Promise<any[]> => {
    const { body } = await system.api(`/v1/mentions?source=${sourceId}&limit=500`);
    return body.data;
  };
  const stateOf = async (sourceId: string) => {
    const { rows } = await system.db.database.query<{ state: unknown }>('SELECT state FROM sources WHERE id = $1', [sourceId]);
    return rows[0]?.state;
  };

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    host = new URL(fixtures.baseUrl).host;
    local = mastodonStatus({
      id: statusIdAt(minutesAgo(30)),
      createdAt: minutesAgo(30),
      html: `<p>The new <a href="https://${host}/tags/acme" class="mention hashtag" rel="tag">#<span>Acme</span></a> rocket skates are brilliant &amp; fast</p>`,
      acct: 'wile',
      home: host,
      followers: 120,
      reblogs: 3,
      favourites: 7,
    });
    acmeTimeline = [...fans, local, remote, boost, fruit, old];
    acmeCorpTimeline = [local, corp];
    fixtures.route('/fedi/api/v1/timelines/tag/acme', serveTagTimeline(() => acmeTimeline, fixtures.baseUrl));
    fixtures.route('/fedi/api/v1/timelines/tag/acmecorp', serveTagTimeline(() => acmeCorpTimeline, fixtures.baseUrl));
    fixtures.route('/authed/api/v1/timelines/tag/acme', serveTagTimeline(() => [tagged], fixtures.baseUrl));
    fixtures.route('/authed/api/v2/search', serveStatusSearch(() => searchResults));
    const limitedTimeline = serveTagTimeline(() => [tagged], fixtures.baseUrl);
    fixtures.route('/limited/api/v1/timelines/tag/acme', (request, response) => {
      if (!limitedAnswers429) return limitedTimeline(request, response);
      response.writeHead(429, { 'content-type': JSON_TYPE, 'retry-after': '120' }).end('{"error":"Too many requests"}');
    });
    fixtures.route('/reset/api/v1/timelines/tag/acme', (_request, response) => {
      resetAt = Date.now() + 300_000;
      response
        .writeHead(429, { 'content-type': JSON_TYPE, 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(resetAt).toISOString() })
        .end('{"error":"Too many requests"}');
    });
    fixtures.route('/denied/api/v1/timelines/tag/acme', (_request, response) => {
      response.writeHead(401, { 'content-type': JSON_TYPE }).end('{"error":"This method requires an authenticated user"}');
    });
    fixtures.route('/broken/api/v1/timelines/tag/acme', (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
    });
    fixtures.route('/garbled/api/v1/timelines/tag/acme', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><head><title>Maintenance</title></head></html>');
    });
    fixtures.route('/changed/api/v1/timelines/tag/acme', (_request, response) => {
      response.writeHead(200, { 'content-type': JSON_TYPE }).end(JSON.stringify([{ ...tagged, favourites_count: undefined, favorites_count: 3 }]));
    });
    fixtures.route('/slow/api/v1/timelines/tag/acme', neverAnswer);
    const base = fixtures.baseUrl;
    system = await startTestSystem({
      configYaml: `${ACME_BRAND_CONFIG}
sources:
  - { id: fedi, type: mastodon, instance: "${base}/fedi", every: 1h }
  - { id: fedi-search, type: mastodon, instance: "${base}/authed/", hashtags: ["#Acme"], access_token: "\${FEDIVERSE_ACCESS_TOKEN}", every: 1h }
  - { id: fedi-limited, type: mastodon, instance: "${base}/limited", hashtags: [acme], every: 1h }
  - { id: fedi-reset, type: mastodon, instance: "${base}/reset", hashtags: [acme], every: 1h }
  - { id: fedi-denied, type: mastodon, instance: "${base}/denied", hashtags: [acme], every: 1h }
  - { id: fedi-broken, type: mastodon, instance: "${base}/broken", hashtags: [acme], every: 1h }
  - { id: fedi-garbled, type: mastodon, instance: "${base}/garbled", hashtags: [acme], every: 1h }
  - { id: fedi-changed, type: mastodon, instance: "${base}/changed", hashtags: [acme], every: 1h }
  - { id: fedi-slow, type: mastodon, instance: "${base}/slow", hashtags: [acme], every: 1h }
http: { timeout: ${FIXTURE_HTTP_TIMEOUT_S}s }
${TEST_API_KEYS}`,
      env: { FEDIVERSE_ACCESS_TOKEN: ACCESS_TOKEN },
    });
    initial = await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await fixtures?.close();
  });

  it("backfills each brand hashtag's timeline on the first poll, back through Link rel=next to the window's start", async () => {
    const requests = requestsUnder('/fedi');
    expect(requests.map(requestLine).sort()).toEqual(
      [
        '/fedi/api/v1/timelines/tag/acme?limit=40',
        // The oldest of the first 40 (fans 0–35 follow the boost, the remote, the local and the fruit post).
        `/fedi/api/v1/timelines/tag/acme?limit=40&max_id=${fans[35]?.id}`,
        '/fedi/api/v1/timelines/tag/acmecorp?limit=40',
      ].sort(),
    );
    for (const request of requests) {
      expect(request.method).toBe('GET');
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers.authorization).toBeUndefined();
    }
    // 41 fans + local + remote + fruit from #acme (the boost is its original, the 30 h old post is outside the
    // window) + the #AcmeCorp post; the fruit one is excluded and "AcmeCorp" is not the word "acme".
    expect(initial.get('fedi')).toMatchObject({ status: 'ok', items: 45, mentions: 43, backfill: true });
    const mentions = await mentionsOf('fedi');
    expect(mentions).toHaveLength(43);
    expect(mentions.every((mention) => mention.backfill === true)).toBe(true);
    const byUrl = Object.fromEntries(mentions.map((mention) => [mention.url, mention]));
    expect(byUrl[`https://birds.example/@roadrunner/${remote.id}`]).toMatchObject({
      title: 'Recenzja Acme',
      text: 'Acme? Beep beep.\nNie polecam.',
      author: 'roadrunner@birds.example',
      lang: 'pl',
      published_at: minutesAgo(20).toISOString(),
      reach: 1015,
      brands: ['acme'],
      backfill: true,
    });
    expect(byUrl[`https://${host}/@wile/${local.id}`]).toMatchObject({
      title: null,
      text: 'The new #Acme rocket skates are brilliant & fast',
      author: `wile@${host}`,
      lang: 'en',
      reach: 130,
    });
    expect(Object.keys(byUrl).filter((url) => url.includes('old.example') || url.includes('farm.example') || url.includes('/activity'))).toEqual([]);
    expect(await stateOf('fedi')).toEqual({ minIds: { 'tag:acme': boost.id, 'tag:acmecorp': local.id } });
  });

  it('asks each hashtag only for what follows its cursor, page after page through Link rel=prev', async () => {
    acmeTimeline = [...acmeTimeline, ...later];
    const before = fixtures.requests.length;
    const outcome = await system.pollAndStore('fedi');
    expect(fixtures.requests.slice(before).map(requestLine).sort()).toEqual(
      [
        `/fedi/api/v1/timelines/tag/acme?min_id=${boost.id}&limit=40`,
        `/fedi/api/v1/timelines/tag/acme?limit=40&min_id=${later[39]?.id}`,
        `/fedi/api/v1/timelines/tag/acmecorp?min_id=${local.id}&limit=40`,
      ].sort(),
    );
    expect(outcome).toMatchObject({ status: 'ok', items: 41, mentions: 41, backfill: false });
    const mentions = await mentionsOf('fedi');
    expect(mentions).toHaveLength(84);
    const fresh = mentions.filter((mention) => mention.backfill === false);
    expect(fresh.map((mention) => mention.url).sort()).toEqual(later.map((status) => status.url).sort());
    expect(await stateOf('fedi')).toEqual({ minIds: { 'tag:acme': later[40]?.id, 'tag:acmecorp': local.id } });
  });

  it('asks again from the same cursors when nothing is new, and stores nothing', async () => {
    const before = fixtures.requests.length;
    const outcome = await system.pollAndStore('fedi');
    expect(fixtures.requests.slice(before).map(requestLine).sort()).toEqual(
      [`/fedi/api/v1/timelines/tag/acme?min_id=${later[40]?.id}&limit=40`, `/fedi/api/v1/timelines/tag/acmecorp?min_id=${local.id}&limit=40`].sort(),
    );
    expect(outcome).toMatchObject({ status: 'ok', items: 0, mentions: 0, backfill: false });
    expect(await mentionsOf('fedi')).toHaveLength(84);
    expect((await sourcesById()).fedi).toMatchObject({ status: 'ok', last_error: null });
  });

  it('with an access token also searches statuses for each brand query, cursor per query, token on every request', async () => {
    const first = requestsUnder('/authed');
    expect(first.map(requestLine).sort()).toEqual(
      [
        '/authed/api/v1/timelines/tag/acme?limit=40',
        '/authed/api/v2/search?q=%22acme%22&type=statuses&limit=40',
        '/authed/api/v2/search?q=%22acme+corp%22&type=statuses&limit=40',
      ].sort(),
    );
    expect(first.map((request) => request.headers.authorization)).toEqual(first.map(() => `Bearer ${ACCESS_TOKEN}`));
    expect(initial.get('fedi-search')).toMatchObject({ status: 'ok', items: 2, mentions: 2, backfill: true });
    expect(await stateOf('fedi-search')).toEqual({ minIds: { 'tag:acme': tagged.id, 'search:"acme"': searchHit.id } });

    searchResults = { '"acme"': [searchHit, laterHit], '"acme corp"': [] };
    const before = fixtures.requests.length;
    const outcome = await system.pollAndStore('fedi-search');
    expect(fixtures.requests.slice(before).map(requestLine).sort()).toEqual(
      [
        `/authed/api/v1/timelines/tag/acme?min_id=${tagged.id}&limit=40`,
        `/authed/api/v2/search?q=%22acme%22&type=statuses&min_id=${searchHit.id}&limit=40`,
        '/authed/api/v2/search?q=%22acme+corp%22&type=statuses&limit=40',
      ].sort(),
    );
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: false });
    expect((await mentionsOf('fedi-search')).map((mention) => [mention.text, mention.backfill]).sort()).toEqual([
      ['Acme support again', false],
      ['Acme support was helpful', true],
      ['My Acme hat', true],
    ]);
    const { body } = await system.api('/v1/sources');
    expect(JSON.stringify(body)).not.toContain(ACCESS_TOKEN);
    expect(system.logLines.some((line) => line.includes(ACCESS_TOKEN))).toBe(false);
  });

  /** A source with a token on instance /<prefix>: an empty #acme, and search finding `statuses()` for "acme". */
  const searchingSource = (prefix: string, statuses: () => readonly MastodonStatusFixture[]): Source => {
    fixtures.route(`/${prefix}/api/v1/timelines/tag/acme`, serveTagTimeline(() => [], fixtures.baseUrl));
    fixtures.route(`/${prefix}/api/v2/search`, serveStatusSearch(() => ({ '"acme"': statuses(), '"acme corp"': [] })));
    const yaml = `${ACME_BRAND_CONFIG}\nsources:\n  - { id: ${prefix}, type: mastodon, instance: "${fixtures.baseUrl}/${prefix}", hashtags: [acme], access_token: ${ACCESS_TOKEN} }\n`;
    const config = parseConfig(yaml, {});
    const [sourceConfig] = config.sources;
    if (sourceConfig === undefined) throw new Error('the config above has one source');
    return mastodonSourceKind.create(sourceConfig, { brands: config.brands });
  };
  const contextAt = (now: Date): PollContext => ({ http: createHttpClient(), logger: createLogger('silent'), now, throttle: localThrottle(), skipped: new SkippedResults() });
  const searchStatus = (label: string, time: Date) =>
    mastodonStatus({ id: statusIdAt(time), createdAt: time, html: `<p>Acme post ${label}</p>`, acct: `${label}@fans.example`, home: 'fans.example' });
  const acmeSearches = (prefix: string) =>
    fixtures.requestsTo(`/${prefix}/api/v2/search`).filter((request) => request.url.searchParams.get('q') === '"acme"').map(requestLine);
  const acmeSearch = (prefix: string, bounds: { min_id?: string; max_id?: string }) =>
    `/${prefix}/api/v2/search?${new URLSearchParams({ q: '"acme"', type: 'statuses', ...bounds, limit: '40' }).toString()}`;
  const sortedUris = (statuses: readonly { uri: string }[]) => statuses.map((status) => status.uri).sort();
  const sortedIds = (items: readonly { externalId: string | null }[]) => items.map((item) => item.externalId ?? '').sort();

  it('search finds every status posted since the cursor, more than a page of them, paging down from the newest', async () => {
    const at = (seconds: number) => new Date(T0 + seconds * 1000);
    const first = searchStatus('first', at(-600));
    // 50 statuses after the first poll, a second apart: more than one page (40) of search results.
    const burst = Array.from({ length: 50 }, (_, index) => searchStatus(`burst${index}`, at(index + 1)));
    let statuses = [first];
    const source = searchingSource('burst', () => statuses);
    const backfill = await source.poll({}, contextAt(at(0)));
    expect(acmeSearches('burst')).toEqual([acmeSearch('burst', {})]);
    expect(backfill.items.map((item) => item.externalId)).toEqual([first.uri]);
    expect(backfill.nextState).toEqual({ minIds: { 'search:"acme"': first.id } });

    statuses = [first, ...burst];
    const caughtUp = await source.poll(backfill.nextState, contextAt(at(120)));
    expect(acmeSearches('burst').slice(1)).toEqual([
      // Search answers min_id with the 40 newest (down to burst 10), then the page below them, down to the cursor.
      acmeSearch('burst', { min_id: first.id }),
      acmeSearch('burst', { min_id: first.id, max_id: burst[11]?.id }),
    ]);
    expect(sortedIds(caughtUp.items)).toEqual(sortedUris(burst));
    expect(caughtUp.nextState).toEqual({ minIds: { 'search:"acme"': burst[49]?.id } });
  });

  it('search goes on below a page from the second its last status is in, so statuses sharing that second are found', async () => {
    const second = Math.floor(T0 / 1000) * 1000 + 5000;
    const cursor = searchStatus('cursor', new Date(second - 600_000));
    // Two statuses in one second: the 40 newest end with the later one. Mastodon reads max_id as `before:` the second
    // of its id, so a max_id of that status would leave out the earlier one.
    const sameSecond = [searchStatus('early', new Date(second + 100)), searchStatus('late', new Date(second + 600))];
    const newer = Array.from({ length: 39 }, (_, index) => searchStatus(`newer${index}`, new Date(second + (index + 1) * 1000 + 300)));
    const source = searchingSource('second', () => [cursor, ...sameSecond, ...newer]);
    const result = await source.poll({ minIds: { 'search:"acme"': cursor.id } }, contextAt(new Date(second + 60_000)));
    expect(acmeSearches('second')).toEqual([acmeSearch('second', { min_id: cursor.id }), acmeSearch('second', { min_id: cursor.id, max_id: newer[0]?.id })]);
    expect(sortedIds(result.items)).toEqual(sortedUris([...sameSecond, ...newer]));
    expect(result.nextState).toEqual({ minIds: { 'search:"acme"': newer[38]?.id } });
  });

  it('search keeps its cursor when a catch-up stops at the page cap, and the next poll goes on from where it stopped', async () => {
    const start = Math.floor(T0 / 1000) * 1000 + 10_000;
    const cursor = searchStatus('cursor', new Date(start - 600_000));
    const many = Array.from({ length: 450 }, (_, index) => searchStatus(`many${index}`, new Date(start + index * 1000)));
    const source = searchingSource('many', () => [cursor, ...many]);
    const first = await source.poll({ minIds: { 'search:"acme"': cursor.id } }, contextAt(new Date(start + 500_000)));
    // Ten pages: the 40 newest (449–410), then each page from below the oldest status but one of the page before
    // (its second is read again): under 411, 372, … 99, the last page reading 98–59.
    expect(acmeSearches('many')).toEqual([
      acmeSearch('many', { min_id: cursor.id }),
      ...Array.from({ length: 9 }, (_, page) => acmeSearch('many', { min_id: cursor.id, max_id: many[411 - 39 * page]?.id })),
    ]);
    expect(sortedIds(first.items)).toEqual(sortedUris(many.slice(59)));
    expect(first.nextState).toEqual({
      minIds: { 'search:"acme"': cursor.id },
      resume: { 'search:"acme"': { maxId: many[60]?.id, newestId: many[449]?.id, seen: [many[59]?.id] } },
    });

    const second = await source.poll(first.nextState, contextAt(new Date(start + 600_000)));
    expect(acmeSearches('many').slice(10)).toEqual([
      acmeSearch('many', { min_id: cursor.id, max_id: many[60]?.id }),
      acmeSearch('many', { min_id: cursor.id, max_id: many[21]?.id }),
    ]);
    // The rest, without status 59 (read by the first poll, returned again here).
    expect(sortedIds(second.items)).toEqual(sortedUris(many.slice(0, 59)));
    expect(second.nextState).toEqual({ minIds: { 'search:"acme"': many[449]?.id } });
  });

  it('goes on from a state as the version before the shared search cursor stored it: a cut-short search catch-up', async () => {
    const start = Math.floor(T0 / 1000) * 1000 + 20_000;
    const cursor = searchStatus('cursor', new Date(start - 600_000));
    const statuses = Array.from({ length: 6 }, (_, index) => searchStatus(`stored${index}`, new Date(start + index * 1000)));
    const idOf = (index: number) => statuses[index]?.id ?? '';
    const source = searchingSource('stored', () => [cursor, ...statuses]);
    // Literally what that version wrote: a search catch-up that had read down to status 2, the newest being 5.
    const stored = {
      minIds: { 'tag:acme': cursor.id, 'search:"acme"': cursor.id },
      resume: { 'search:"acme"': { maxId: idOf(3), newestId: idOf(5), seen: [idOf(2)] } },
    };
    const result = await source.poll(stored, contextAt(new Date(start + 60_000)));
    expect(acmeSearches('stored')).toEqual([acmeSearch('stored', { min_id: cursor.id, max_id: idOf(3) })]);
    expect(fixtures.requestsTo('/stored/api/v1/timelines/tag/acme').map(requestLine)).toEqual([`/stored/api/v1/timelines/tag/acme?min_id=${cursor.id}&limit=40`]);
    // Status 2 comes again (read before); 0 and 1 are new. The catch-up got down to the cursor, which moves to its newest.
    expect(sortedIds(result.items)).toEqual(sortedUris(statuses.slice(0, 2)));
    expect(result.nextState).toEqual({ minIds: { 'tag:acme': cursor.id, 'search:"acme"': idOf(5) } });
  });

  it('waits as long as Retry-After says when rate limited (rate_limited meanwhile), and a later poll succeeds', async () => {
    expect(initial.get('fedi-limited')).toMatchObject({ status: 'failed', error: { kind: 'rate_limited' } });
    const limited = (await sourcesById())['fedi-limited'];
    expect(limited).toMatchObject({ status: 'rate_limited', last_error: `HTTP 429 from ${host}: rate limited; retrying after 120 s` });
    expect(Date.parse(limited.retry_at) - Date.parse(limited.last_polled_at)).toBe(120_000);

    limitedAnswers429 = false;
    const outcome = await system.pollAndStore('fedi-limited');
    expect(outcome).toMatchObject({ status: 'ok', items: 1, mentions: 1, backfill: true });
    expect((await sourcesById())['fedi-limited']).toMatchObject({ status: 'ok', last_error: null, retry_at: null, consecutive_failures: 0 });
  });

  it('waits until the time X-RateLimit-Reset gives when a 429 has no Retry-After', async () => {
    const source = (await sourcesById())['fedi-reset'];
    expect(source.status).toBe('rate_limited');
    // The wait is whole seconds from the poll's start (last_polled_at) to the reset, which the instance set 5 min
    // after it answered: how long after the start that was (a loaded machine: over a second) is not the test's to
    // fix, so the wait in the message is the one between the stored times, and the retry lands within a second after
    // the reset.
    const retryAt = Date.parse(source.retry_at);
    expect(retryAt).toBeGreaterThanOrEqual(resetAt);
    expect(retryAt).toBeLessThan(resetAt + 1000);
    const waitMs = retryAt - Date.parse(source.last_polled_at);
    expect(waitMs % 1000).toBe(0);
    expect(source.last_error).toBe(`HTTP 429 from ${host}: rate limited; retrying after ${waitMs / 1000} s`);
  });

  it('reports a refused request as auth_failed with what the instance said and what to check', async () => {
    expect((await sourcesById())['fedi-denied']).toMatchObject({
      status: 'auth_failed',
      last_error: `HTTP 401 from ${host}: This method requires an authenticated user; ${AUTH_HINT}`,
    });
  });

  it('reports server errors, bodies that are not JSON, a changed answer and a timeout as failing, each with its reason', async () => {
    const sources = await sourcesById();
    expect(sources['fedi-broken']).toMatchObject({ status: 'failing', last_error: `HTTP 502 from ${host}` });
    expect(sources['fedi-garbled']).toMatchObject({
      status: 'failing',
      last_error: `${host} answered with an HTML page ("<!DOCTYPE html><html><head><title>Mainte…"); the API may be down or have changed`,
    });
    expect(sources['fedi-changed']).toMatchObject({
      status: 'failing',
      last_error: 'every result the API sent is off ([0].favourites_count: expected required property); the API may have changed',
    });
    expect(sources['fedi-slow']).toMatchObject({ status: 'failing', last_error: `no complete answer from ${host} within ${FIXTURE_HTTP_TIMEOUT_S} s` });
    expect(initial.get('fedi-garbled')).toMatchObject({ status: 'failed', error: { kind: 'parse' } });
    expect(initial.get('fedi-changed')).toMatchObject({ status: 'failed', error: { kind: 'parse' } });
    expect(initial.get('fedi-slow')).toMatchObject({ status: 'failed', error: { kind: 'timeout' } });
  });

  it('previews a source: one backfill poll with what each status would be stored as', async () => {
    const config = parseConfig(`${ACME_BRAND_CONFIG}\nsources:\n  - { id: fedi, type: mastodon, instance: "${fixtures.baseUrl}/fedi" }\n`, {});
    const [sourceConfig] = config.sources;
    if (sourceConfig === undefined) throw new Error('the config above has one source');
    const source = mastodonSourceKind.create(sourceConfig, { brands: config.brands });
    const preview = await previewSource(source, { brandRules: compileBrandRules(config.brands), http: createHttpClient(), logger: createLogger('silent') });
    if (!preview.ok) throw new Error(preview.reason);
    // Back from the newest through three pages to the 30 h old post: both batches of fans, local, remote, fruit
    // (the boost is its original), and the #AcmeCorp post (the local one is in both timelines).
    expect(preview.lines).toHaveLength(41 + 41 + 3 + 1);
    expect(preview.lines.find((line) => line.external_id === remote.uri)).toEqual({
      id: expect.any(String),
      external_id: remote.uri,
      url: remote.url,
      title: 'Recenzja Acme',
      text: 'Acme? Beep beep.\nNie polecam.',
      author: 'roadrunner@birds.example',
      lang: 'pl',
      published_at: remote.created_at,
      brands: ['acme'],
    });
    expect(preview.lines.filter((line) => line.brands.length === 0).map((line) => line.text).sort()).toEqual([
      'New #AcmeCorp merch is out',
      'The acme fruit harvest is in',
    ]);
  });
});
