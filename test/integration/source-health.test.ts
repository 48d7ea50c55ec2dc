// Source health as GET /v1/sources and GET /metrics report it, driven by RSS sources on a loopback feed server:
// new → ok; failing, auth_failed and rate_limited with their reasons; stale while the last poll is over twice the
// interval old; silent once `expect_every` has passed since the last mention (polls are run at chosen times instead
// of sleeping), and ok again when mentions arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { pollSource, type PollOutcome } from '../../src/poller/poll-source.js';
import { pushWebhook } from '../helpers/webhook-push.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2, type FeedEntry } from '../fixtures/feeds.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const FEED_TYPE = 'application/rss+xml; charset=utf-8';
const PRESS_SECRET = 'press-secret-0123456789abcdef';
const PARTNER_SECRET = 'partner-secret-fedcba9876543210';

const UNRELATED_ONLY = RSS_ENTRIES.filter((entry) => entry.id === 'rss-unrelated');
// Stories of their own: a URL another feed stored first counts as that feed's mention, not this one's.
const FADING_ENTRIES = RSS_ENTRIES.map((entry) => ({
  ...entry,
  id: `fading-${entry.id}`,
  link: entry.link.replace('news.example', 'fading.example'),
}));
const NEW_STORY: FeedEntry = {
  id: 'fading-new',
  link: 'https://fading.example/acme-returns',
  title: 'Acme returns to the headlines',
  html: '<p>Acme announced a new catapult today.</p>',
  date: 'Thu, 26 Nov 2026 09:00:00 GMT',
};

type Status = 'new' | 'ok' | 'failing' | 'auth_failed' | 'rate_limited' | 'silent' | 'stale';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('source health in GET /v1/sources and GET /metrics', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  let host: string;
  /** What every source's status should be now; each test updates the sources it changes and checks them all. */
  const expected: Record<string, Status> = {};
  /** Answers for /scripted/<id>.xml, consumed in order. */
  const scripts = new Map<string, Answer[]>();

  const sourcesById = async (): Promise<Record<string, Record<string, unknown>>> => {
    const { status, body } = await system.api('/v1/sources');
    expect(status).toBe(200);
    return Object.fromEntries(body.data.map((source: { id: string }) => [source.id, source]));
  };

  /** The status label of each source in buzzwatch_source_status, and its buzzwatch_source_up value. */
  const metricsBySource = async () => {
    const response = await fetch(`${system.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const statuses: Record<string, string> = {};
    const up: Record<string, number> = {};
    for (const match of text.matchAll(/^buzzwatch_source_status\{source="([^"]+)",type="[^"]+",status="([^"]+)"\} 1$/gm)) {
      statuses[match[1] as string] = match[2] as string;
    }
    for (const match of text.matchAll(/^buzzwatch_source_up\{source="([^"]+)",type="[^"]+"\} (\d)$/gm)) {
      up[match[1] as string] = Number(match[2]);
    }
    return { statuses, up };
  };

  /** Every source shows the expected status, the same in the API and in the metrics (up is 0 only when not delivering). */
  const expectStatuses = async () => {
    const sources = await sourcesById();
    expect(Object.fromEntries(Object.entries(sources).map(([id, source]) => [id, source.status]))).toEqual(expected);
    const metrics = await metricsBySource();
    expect(metrics.statuses).toEqual(expected);
    const delivering = (status: Status) => status === 'ok' || status === 'new' || status === 'silent';
    expect(metrics.up).toEqual(Object.fromEntries(Object.entries(expected).map(([id, status]) => [id, delivering(status) ? 1 : 0])));
    return sources;
  };

  /** Polls a source as the poller would at `now`, then waits until what it queued is stored. */
  async function pollAt(sourceId: string, now: Date): Promise<PollOutcome> {
    const outcome = await pollSource(sourceId, { ...system.runtime, lockPrefix: system.prefix, now: () => now });
    if (outcome.status === 'ok') await Promise.all(outcome.jobIds.map((id) => system.stores.next((job) => job.jobId === id)));
    return outcome;
  }

  const answerNext = (sourceId: string, ...answers: Answer[]) => scripts.get(sourceId)?.push(...answers);
  const feedAnswer = (entries: FeedEntry[]): Answer => ({ status: 200, headers: { 'content-type': FEED_TYPE }, body: rss2(entries) });

  beforeAll(async () => {
    feeds = await startFixtureServer();
    host = new URL(feeds.baseUrl).host;
    feeds.route('/steady.xml', serveFeed(rss2(RSS_ENTRIES), FEED_TYPE));
    for (const sourceId of ['broken-feed', 'locked-feed', 'busy-feed', 'fading-feed', 'quiet-feed']) {
      scripts.set(sourceId, []);
      feeds.route(`/scripted/${sourceId}.xml`, (_request, response) => {
        const next = scripts.get(sourceId)?.shift() ?? { status: 500, headers: { 'content-type': 'text/plain' }, body: 'no answer scripted' };
        response.writeHead(next.status, next.headers).end(next.body);
      });
    }
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: steady-feed, type: rss, url: "${feeds.baseUrl}/steady.xml", every: 10m, expect_every: 6h }
  - { id: broken-feed, type: rss, url: "${feeds.baseUrl}/scripted/broken-feed.xml", every: 10m }
  - { id: locked-feed, type: rss, url: "${feeds.baseUrl}/scripted/locked-feed.xml", every: 10m }
  - { id: busy-feed, type: rss, url: "${feeds.baseUrl}/scripted/busy-feed.xml", every: 10m }
  - { id: fading-feed, type: rss, url: "${feeds.baseUrl}/scripted/fading-feed.xml", every: 10m, expect_every: 6h }
  - { id: quiet-feed, type: rss, url: "${feeds.baseUrl}/scripted/quiet-feed.xml", every: 10m, expect_every: 6h }
  - { id: press, type: webhook, secret: "\${PRESS_SECRET}" }
  - { id: partner, type: webhook, secret: "\${PARTNER_SECRET}", expect_every: 1h }
${TEST_API_KEYS}`,
      env: { PRESS_SECRET, PARTNER_SECRET },
      // No poller: every poll here runs at a time the test chooses.
      roles: ['api', 'scorer'],
    });
    for (const sourceId of ['steady-feed', 'broken-feed', 'locked-feed', 'busy-feed', 'fading-feed', 'quiet-feed', 'press', 'partner']) {
      expected[sourceId] = 'new';
    }
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('reports every source new before its first poll, with its interval and expected pace', async () => {
    const sources = await expectStatuses();
    expect(sources['steady-feed']).toMatchObject({
      type: 'rss',
      every: '10m',
      expect_every: '6h',
      silent_for: null,
      last_polled_at: null,
      last_ok_at: null,
      consecutive_failures: 0,
      last_error: null,
      retry_at: null,
      mentions_total: 0,
      last_mention_seen_at: null,
    });
    expect(sources['broken-feed']).toMatchObject({ every: '10m', expect_every: null, silent_for: null });
    // Pushed to, never polled: an interval would be a lie.
    expect(sources.press).toMatchObject({ type: 'webhook', every: null, expect_every: null, status: 'new' });
  });

  it('refuses to poll a webhook source, with the push-only message', async () => {
    const { status, body } = await system.api('/v1/sources/press/poll', { key: ADMIN_KEY, method: 'POST' });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: { code: 'BUZZ_ERR_VALIDATION', message: 'press is a webhook source: senders push to POST /v1/webhooks/press; it is never polled' },
    });
    await expectStatuses();
  });

  it('reports ok after a good poll', async () => {
    const polledAt = new Date();
    expect(await pollAt('steady-feed', polledAt)).toMatchObject({ status: 'ok', mentions: 3 });
    expected['steady-feed'] = 'ok';
    const sources = await expectStatuses();
    expect(sources['steady-feed']).toMatchObject({
      silent_for: null,
      last_polled_at: polledAt.toISOString(),
      last_ok_at: polledAt.toISOString(),
      last_mention_seen_at: polledAt.toISOString(),
      mentions_total: 3,
      last_error: null,
    });
  });

  it('reports failing with the status and host on a 500', async () => {
    answerNext('broken-feed', { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal server error' });
    const polledAt = new Date();
    expect(await pollAt('broken-feed', polledAt)).toMatchObject({ status: 'failed', error: { kind: 'http' } });
    expected['broken-feed'] = 'failing';
    const sources = await expectStatuses();
    expect(sources['broken-feed']).toMatchObject({
      last_error: `HTTP 500 from ${host}`,
      consecutive_failures: 1,
      last_ok_at: null,
      retry_at: new Date(polledAt.getTime() + 10 * MINUTE_MS).toISOString(),
    });
  });

  it('reports auth_failed on a 401 and on a 403, saying to check the credentials', async () => {
    answerNext('locked-feed', { status: 401, headers: { 'content-type': 'text/plain' }, body: 'unauthorized' });
    const firstAt = new Date();
    expect(await pollAt('locked-feed', firstAt)).toMatchObject({ status: 'failed', error: { kind: 'auth_failed' } });
    expected['locked-feed'] = 'auth_failed';
    let sources = await expectStatuses();
    expect(sources['locked-feed']).toMatchObject({
      last_error: `HTTP 401 from ${host}: access denied; check the source's credentials`,
      consecutive_failures: 1,
    });

    answerNext('locked-feed', { status: 403, headers: { 'content-type': 'text/plain' }, body: 'forbidden' });
    // After the first back-off (one interval).
    expect(await pollAt('locked-feed', new Date(firstAt.getTime() + 11 * MINUTE_MS))).toMatchObject({ status: 'failed' });
    sources = await expectStatuses();
    expect(sources['locked-feed']).toMatchObject({
      last_error: `HTTP 403 from ${host}: access denied; check the source's credentials`,
      consecutive_failures: 2,
    });
  });

  it('reports rate_limited with retry_at on a 429 with Retry-After, and ok after a later successful poll', async () => {
    answerNext('busy-feed', { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '300' }, body: 'slow down' });
    const limitedAt = new Date();
    const retryAt = new Date(limitedAt.getTime() + 300_000).toISOString();
    expect(await pollAt('busy-feed', limitedAt)).toEqual({
      status: 'failed',
      error: { kind: 'rate_limited', message: `HTTP 429 from ${host}: rate limited; retrying after 300 s` },
      retryAt,
    });
    expected['busy-feed'] = 'rate_limited';
    let sources = await expectStatuses();
    expect(sources['busy-feed']).toMatchObject({
      last_error: `HTTP 429 from ${host}: rate limited; retrying after 300 s`,
      retry_at: retryAt,
      consecutive_failures: 1,
    });

    // Before the retry time a scheduled poll leaves the server alone and the status stands.
    expect(await pollAt('busy-feed', new Date(limitedAt.getTime() + 60_000))).toEqual({ status: 'skipped', reason: 'backing_off', retryAt });
    expect(feeds.requestsTo('/scripted/busy-feed.xml')).toHaveLength(1);
    await expectStatuses();

    answerNext('busy-feed', feedAnswer(RSS_ENTRIES));
    expect(await pollAt('busy-feed', new Date(limitedAt.getTime() + 301_000))).toMatchObject({ status: 'ok', mentions: 3 });
    expected['busy-feed'] = 'ok';
    sources = await expectStatuses();
    expect(sources['busy-feed']).toMatchObject({ last_error: null, retry_at: null, consecutive_failures: 0 });
  });

  describe('silence', () => {
    let hoursAgo: Date;

    /** silent_for (whole seconds) lies between the quiet time as of just before the request and just after it. */
    const expectSilentFor = (silentFor: unknown, quietSince: Date, requestedAt: number) => {
      expect(silentFor).toMatch(/^\d+h(\d+m)?(\d+s)?$/);
      const silentForMs = parseDuration(String(silentFor));
      expect(silentForMs).toBeGreaterThanOrEqual(Math.floor((requestedAt - quietSince.getTime()) / 1000) * 1000);
      expect(silentForMs).toBeLessThanOrEqual(Date.now() - quietSince.getTime());
    };

    it('reports stale, not silent, while the last poll is over twice the interval old: nothing is polling it', async () => {
      hoursAgo = new Date(Date.now() - 7 * HOUR_MS);
      answerNext('fading-feed', feedAnswer(FADING_ENTRIES));
      answerNext('quiet-feed', feedAnswer(UNRELATED_ONLY));
      expect(await pollAt('fading-feed', hoursAgo)).toMatchObject({ status: 'ok', mentions: 3 });
      expect(await pollAt('quiet-feed', hoursAgo)).toMatchObject({ status: 'ok', items: 1, mentions: 0 });
      expected['fading-feed'] = 'stale';
      expected['quiet-feed'] = 'stale';
      const sources = await expectStatuses();
      expect(sources['fading-feed']).toMatchObject({
        expect_every: '6h',
        silent_for: null,
        last_polled_at: hoursAgo.toISOString(),
        last_mention_seen_at: hoursAgo.toISOString(),
        mentions_total: 3,
      });
      expect(sources['quiet-feed']).toMatchObject({ silent_for: null, last_mention_seen_at: null, mentions_total: 0, last_ok_at: hoursAgo.toISOString() });
      // The feed polled on time is not stale.
      expect(sources['steady-feed']).toMatchObject({ status: 'ok', silent_for: null });
    });

    it('reports silent, with silent_for, once polled again and expect_every has passed since the last mention (or since a first poll that found none)', async () => {
      answerNext('fading-feed', feedAnswer(FADING_ENTRIES));
      answerNext('quiet-feed', feedAnswer(UNRELATED_ONLY));
      const now = new Date();
      // The same three stories again: queued, but stored once already, so no new mention: answering is not the same
      // as having mentions.
      expect(await pollAt('fading-feed', now)).toMatchObject({ status: 'ok', mentions: 3 });
      expect(await pollAt('quiet-feed', now)).toMatchObject({ status: 'ok', mentions: 0 });
      expected['fading-feed'] = 'silent';
      expected['quiet-feed'] = 'silent';
      const requestedAt = Date.now();
      const sources = await expectStatuses();
      expect(sources['fading-feed']).toMatchObject({
        last_ok_at: now.toISOString(),
        last_mention_seen_at: hoursAgo.toISOString(),
        mentions_total: 3,
      });
      expectSilentFor(sources['fading-feed']?.silent_for, hoursAgo, requestedAt);
      expect(sources['quiet-feed']).toMatchObject({ last_mention_seen_at: null, mentions_total: 0, last_ok_at: now.toISOString() });
      expectSilentFor(sources['quiet-feed']?.silent_for, hoursAgo, requestedAt);
    });

    it('is ok again as soon as a new mention arrives', async () => {
      answerNext('fading-feed', feedAnswer([...FADING_ENTRIES, NEW_STORY]));
      const now = new Date();
      expect(await pollAt('fading-feed', now)).toMatchObject({ status: 'ok', mentions: 4 });
      expected['fading-feed'] = 'ok';
      const sources = await expectStatuses();
      expect(sources['fading-feed']).toMatchObject({ silent_for: null, last_mention_seen_at: now.toISOString(), mentions_total: 4 });
    });

    it('watches a webhook source too: ok after a push, silent once its sender has been quiet for expect_every', async () => {
      const storedBefore = new Set(system.stores.completed.map((job) => job.jobId));
      const mention = { url: 'https://partner.example/acme-1', text: 'Acme partner news' };
      const pushed = await pushWebhook(system.baseUrl, 'partner', JSON.stringify(mention), { secret: PARTNER_SECRET });
      expect(pushed.status).toBe(202);
      await system.stores.next((job) => !storedBefore.has(job.jobId));
      expected.partner = 'ok';
      let sources = await expectStatuses();
      expect(sources.partner).toMatchObject({ every: null, expect_every: '1h', silent_for: null, mentions_total: 1 });

      // As if the push had come two hours ago: the sender has been quiet for longer than expect_every.
      await system.db.database.query(
        `UPDATE sources SET first_ok_at = first_ok_at - interval '2 hours', last_ok_at = last_ok_at - interval '2 hours',
                last_polled_at = last_polled_at - interval '2 hours', last_mention_seen_at = last_mention_seen_at - interval '2 hours'
          WHERE id = 'partner'`,
      );
      const { rows } = await system.db.database.query<{ last_mention_seen_at: Date }>(
        "SELECT last_mention_seen_at FROM sources WHERE id = 'partner'",
      );
      const quietSince = rows[0]?.last_mention_seen_at ?? new Date(0);
      expected.partner = 'silent';
      const requestedAt = Date.now();
      sources = await expectStatuses();
      expectSilentFor(sources.partner?.silent_for, quietSince, requestedAt);
    });
  });
});
