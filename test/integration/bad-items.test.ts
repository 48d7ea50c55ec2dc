// Bad input inside a good feed never costs the rest of it: an impossible date and control characters are cleaned
// before the mentions are queued, and the scorer stores the valid mentions of a batch while it sets aside (and
// reports) the ones that are invalid or that PostgreSQL refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { parseFeedItems } from '../../src/sources/rss.js';
import { startFixtureServer, serveFeed, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { BRAND_CONFIG, rss2, type FeedEntry } from '../fixtures/feeds.js';

const NUL = '\u0000';

const GOOD_STORY: FeedEntry = {
  id: 'good',
  link: 'https://bad-items.example/good',
  title: 'Acme opens a new depot',
  html: '<p>The Acme depot opens on Monday.</p>',
  date: 'Wed, 25 Nov 2026 10:00:00 GMT',
};

// "20026": a typo that Date.parse reads as a real (far future) year.
const TYPO_DATE_STORY: FeedEntry = {
  id: 'typo-date',
  link: 'https://bad-items.example/typo-date',
  title: 'Acme announces its winter catalogue',
  html: '<p>The Acme catalogue ships in January.</p>',
  date: 'Thu, 01 Jan 20026 00:00:00 GMT',
};

// A raw NUL byte in the XML, which rss-parser hands through and PostgreSQL refuses in a text column.
const NUL_STORY: FeedEntry = {
  id: 'nul-bytes',
  link: 'https://bad-items.example/nul',
  title: `Acme${NUL} anvils are back`,
  html: `<p>Acme anvils${NUL} return to the shelves.</p>`,
  date: 'Wed, 25 Nov 2026 11:00:00 GMT',
};

const FEED_XML = rss2([GOOD_STORY, TYPO_DATE_STORY, NUL_STORY]);

function directMention(id: string, overrides: Partial<Record<keyof Mention, unknown>> = {}): Record<string, unknown> {
  return {
    id,
    sourceId: 'direct',
    sourceType: 'rss',
    externalId: id,
    url: `https://direct.example/${id}`,
    title: `Acme story ${id}`,
    text: 'Acme customers talk about it.',
    author: null,
    lang: 'en',
    publishedAt: '2026-11-25T12:00:00.000Z',
    seenAt: '2026-11-26T00:00:00.000Z',
    brands: ['acme'],
    backfill: false,
    reach: null,
    ...overrides,
  };
}

describe('bad items', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  let feedPoll: PollOutcome | undefined;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/bad-items.xml', serveFeed(FEED_XML, 'application/rss+xml; charset=utf-8'));
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: bad-items, type: rss, url: "${feeds.baseUrl}/bad-items.xml", every: 1h }
${TEST_API_KEYS}`,
    });
    feedPoll = (await system.initialPolls()).get('bad-items');
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('hands the NUL byte and the impossible year through the feed parser (so the cleaning below is what removes them)', async () => {
    const items = await parseFeedItems({
      status: 200,
      headers: new Headers({ 'content-type': 'application/rss+xml; charset=utf-8' }),
      url: `${feeds.baseUrl}/bad-items.xml`,
      body: Buffer.from(FEED_XML, 'utf8'),
    });
    const byId = new Map(items.map((item) => [item.externalId, item]));
    expect(byId.get('nul-bytes')?.title).toBe(`Acme${NUL} anvils are back`);
    expect(byId.get('nul-bytes')?.text).toBe(`Acme anvils${NUL} return to the shelves.`);
    expect(byId.get('typo-date')?.publishedAt?.getUTCFullYear()).toBe(20026);
  });

  it('stores all three stories of the feed: the typo date as no date, control characters removed', async () => {
    const { status, body } = await system.api('/v1/mentions?source=bad-items');
    expect(status).toBe(200);
    const byUrl = Object.fromEntries(body.data.map((mention: any) => [mention.url, mention]));
    expect(Object.keys(byUrl).sort()).toEqual([
      'https://bad-items.example/good',
      'https://bad-items.example/nul',
      'https://bad-items.example/typo-date',
    ]);
    expect(byUrl['https://bad-items.example/good']).toMatchObject({
      title: 'Acme opens a new depot',
      published_at: '2026-11-25T10:00:00.000Z',
    });
    const typo = byUrl['https://bad-items.example/typo-date'];
    expect(typo).toMatchObject({ title: 'Acme announces its winter catalogue', published_at: null, brands: ['acme'] });
    // Undated, it counts at the time it was seen.
    expect(typo.occurred_at).toBe(typo.seen_at);
    expect(byUrl['https://bad-items.example/nul']).toMatchObject({
      title: 'Acme anvils are back',
      text: 'Acme anvils return to the shelves.',
      published_at: '2026-11-25T11:00:00.000Z',
      brands: ['acme'],
    });
  });

  it('cleaned the items before queueing them: the feed’s batch had nothing to set aside', () => {
    expect(feedPoll).toMatchObject({ status: 'ok', items: 3, mentions: 3, jobIds: [expect.any(String)] });
    const feedJobIds = feedPoll?.status === 'ok' ? feedPoll.jobIds : [];
    const feedBatches = system.stores.completed.filter((job) => feedJobIds.includes(job.jobId));
    expect(feedBatches.map((job) => job.result)).toEqual([{ received: 3, inserted: 3, duplicates: 0, rejected: 0, expired: 0 }]);
    expect(system.logLines.filter((line) => line.includes('mentions set aside'))).toEqual([]);
  });

  it('stores the valid mention of a batch and sets aside, with reasons, one invalid and one PostgreSQL refuses', async () => {
    // Added straight to the queue, as a buggy or older producer could: the scorer is the last line of defence.
    const job = await system.runtime.queues.mentions.add('store', {
      // The queue's type promises valid mentions; this batch breaks that promise on purpose.
      mentions: [
        directMention('direct-valid'),
        directMention('direct-invalid', { publishedAt: 'not a time' }),
        directMention('direct-nul', { text: `Acme text with a NUL${NUL} inside` }),
      ] as Mention[],
    });
    const jobId = job.id as string;
    // A batch that fails its attempt instead (and waits to be retried) fails the test at once.
    const { result } = await Promise.race([
      system.stores.next((completed) => completed.jobId === jobId),
      system.stores.nextRetry(jobId).then(() => Promise.reject(new Error(`batch ${jobId} failed and waits for a retry`))),
    ]);

    // Counts in the job's result (kept in Redis); which mentions and why in the log.
    expect(result).toEqual({ received: 3, inserted: 1, duplicates: 0, rejected: 2, expired: 0 });
    const rejected = [
      { index: 1, id: 'direct-invalid', reason: 'invalid at mentions[1].publishedAt: must be an ISO 8601 time or null' },
      { index: 2, id: 'direct-nul', reason: 'refused by PostgreSQL: invalid byte sequence for encoding "UTF8": 0x00' },
    ];
    // Completed at the first attempt: a batch with a bad row is not retried.
    expect(await system.runtime.queues.mentions.getJobState(jobId)).toBe('completed');
    expect(system.stores.retried).not.toContain(jobId);

    const { rows } = await system.db.database.query<{ id: string; brand_id: string }>(
      "SELECT m.id, b.brand_id FROM mentions m JOIN mention_brands b ON b.mention_id = m.id WHERE m.source_id = 'direct'",
    );
    expect(rows).toEqual([{ id: 'direct-valid', brand_id: 'acme' }]);

    const setAside = system.logLines.map((line) => JSON.parse(line)).filter((line) => line.jobId === jobId && line.level >= 40);
    expect(setAside).toEqual([expect.objectContaining({ level: 40, msg: 'mentions set aside: they can never be stored', rejected })]);
  });
});
