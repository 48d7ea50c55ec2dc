// GET /v1/mentions over mentions stored by the real scorer: keyset pages that neither skip nor repeat while new
// mentions arrive, every filter, parameter validation, single mentions and brand totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { storyId } from '../../src/stories/story-id.js';
import { scoreMention } from '../../src/scorer/score-and-store.js';
import { SCORER_VERSION } from '../../src/sentiment/scorer-version.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const BRANDS = `
brands:
  - id: acme
    name: Acme Corp
    keywords: ["acme"]
  - id: globex
    name: Globex
    keywords: ["globex"]
`;

// Seen long after everything was published, so occurred_at is published_at.
const SEEN_AT = '2026-11-20T00:00:00.000Z';

function mention(fields: { url: string; sourceId: string; brands: string[]; title: string; text: string; publishedAt: string | null; seenAt?: string }): Mention {
  return {
    id: mentionId(fields.url, 'rss', null),
    sourceId: fields.sourceId,
    sourceType: 'rss',
    externalId: null,
    url: fields.url,
    title: fields.title,
    text: fields.text,
    author: null,
    lang: 'en',
    publishedAt: fields.publishedAt,
    seenAt: fields.seenAt ?? SEEN_AT,
    brands: fields.brands,
    backfill: false,
    reach: null,
  };
}

/** Queues mentions the way the poller does and waits until the scorer has stored every batch. */
async function storeThroughScorer(system: TestSystem, mentions: Mention[]): Promise<void> {
  const jobIds = await enqueueMentions(system.runtime.queues.mentions, mentions);
  const reports = await Promise.all(jobIds.map((jobId) => system.stores.next((job) => job.jobId === jobId)));
  expect(reports.reduce((sum, report) => sum + report.result.inserted, 0)).toBe(mentions.length);
}

describe('keyset pagination while new mentions arrive', () => {
  let system: TestSystem;
  let occurredAt: Map<string, number>;
  let newCount = 0;

  // 230 mentions over 33 distinct times: groups of seven share a timestamp (the newest group has six), so every page
  // boundary (after rows 50, 100, 150, 200) falls inside a tie that only the id can break.
  const originals = Array.from({ length: 230 }, (_unused, index) =>
    mention({
      url: `https://archive.example/acme/${index}`,
      sourceId: 'archive',
      brands: index % 10 === 0 ? ['acme', 'globex'] : ['acme'],
      title: `Acme catalogue entry ${index}`,
      text: `Acme published catalogue entry number ${index}.`,
      publishedAt: new Date(Date.UTC(2026, 9, 1) + Math.floor(index / 7) * 3_600_000).toISOString(),
    }),
  );

  /** Mentions newer than every original (no published date: they occur when seen, now). */
  const freshMentions = (count: number) =>
    Array.from({ length: count }, () => {
      newCount += 1;
      return mention({
        url: `https://live.example/acme/${newCount}`,
        sourceId: 'live',
        brands: ['acme'],
        title: `Acme live update ${newCount}`,
        text: 'Acme posted an update.',
        publishedAt: null,
        seenAt: new Date().toISOString(),
      });
    });

  const loadOccurredAt = async () => {
    const { rows } = await system.db.database.query<{ id: string; occurred_at: Date }>('SELECT id, occurred_at FROM mentions');
    occurredAt = new Map(rows.map((row) => [row.id, row.occurred_at.getTime()]));
  };

  /** Follows next_cursor from the first page, storing 5 fresh mentions after each page but the last. */
  const walkWhileInserting = async (query: string) => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const { status, body } = await system.api(`/v1/mentions?${query}${suffix}`);
      expect(status).toBe(200);
      seen.push(...body.data.map((each: any) => each.id));
      pageSizes.push(body.data.length);
      cursor = body.next_cursor;
      if (cursor !== null) await storeThroughScorer(system, freshMentions(5));
    } while (cursor !== null);
    return { seen, pageSizes };
  };

  const expectStrictlyDescending = (ids: string[]) => {
    for (let index = 1; index < ids.length; index++) {
      const previous = ids[index - 1] as string;
      const current = ids[index] as string;
      const previousTime = occurredAt.get(previous) as number;
      const currentTime = occurredAt.get(current) as number;
      const descending = previousTime > currentTime || (previousTime === currentTime && previous > current);
      expect(descending, `${previous} then ${current} at position ${index}`).toBe(true);
    }
  };

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: `${BRANDS}${TEST_API_KEYS}`, roles: ['api', 'scorer'] });
    await storeThroughScorer(system, originals);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('sees every one of the 230 stored mentions exactly once, newest first, while 20 new ones arrive', async () => {
    const { seen, pageSizes } = await walkWhileInserting('limit=50');
    expect(pageSizes).toEqual([50, 50, 50, 50, 30]);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(originals.map((each) => each.id).sort());
    await loadOccurredAt();
    expectStrictlyDescending(seen);
    const { rows } = await system.db.database.query<{ total: number }>("SELECT count(*)::int AS total FROM mentions WHERE source_id = 'live'");
    expect(rows[0]?.total).toBe(20);
  });

  it('pages the same way through one brand, with the 20 mentions that arrived earlier now on the first page', async () => {
    const { rows } = await system.db.database.query<{ mention_id: string }>("SELECT mention_id FROM mention_brands WHERE brand_id = 'acme'");
    const before = rows.map((row) => row.mention_id);
    expect(before).toHaveLength(250);
    const { seen, pageSizes } = await walkWhileInserting('brand=acme&limit=50');
    expect(pageSizes).toEqual([50, 50, 50, 50, 50]);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(before.sort());
    await loadOccurredAt();
    expectStrictlyDescending(seen);
  });

  it('answers the last page with next_cursor null and the default page size of 50', async () => {
    const { body } = await system.api('/v1/mentions');
    expect(body.data).toHaveLength(50);
    expect(typeof body.next_cursor).toBe('string');
    const { body: everything } = await system.api('/v1/mentions?limit=500');
    expect(everything.data).toHaveLength(270);
    expect(everything.next_cursor).toBeNull();
  });

  it('refuses a cursor it did not issue', async () => {
    const { body: first } = await system.api('/v1/mentions?limit=2');
    const cursor: string = first.next_cursor;
    const tampered = [
      'not-a-cursor',
      cursor.slice(0, -3),
      Buffer.from(JSON.stringify(['yesterday', 'abc'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-10-01T00:00:00.000Z', ''])).toString('base64url'),
      Buffer.from(JSON.stringify({ occurredAt: '2026-10-01T00:00:00.000Z', id: 'abc' })).toString('base64url'),
    ];
    for (const bad of tampered) {
      const { status, body } = await system.api(`/v1/mentions?cursor=${encodeURIComponent(bad)}`);
      expect(status, bad).toBe(400);
      expect(body, bad).toEqual({
        error: { code: 'BUZZ_ERR_INVALID_CURSOR', message: 'cursor is not one this API returned; start again without it' },
      });
    }
  });

  it('pages without gaps through times finer than a millisecond, which job payloads may carry', async () => {
    // The mentions job schema accepts any fraction of a second; stored times are cut to the millisecond that
    // cursors carry, so the four tie and are ordered by id.
    const precise = ['.123456', '.123400', '.123300', '.123000'].map((fraction, index) =>
      mention({
        url: `https://precise.example/${index}`,
        sourceId: 'precise',
        brands: ['acme'],
        title: `Acme precise ${index}`,
        text: 'Acme timing.',
        publishedAt: `2026-10-15T08:00:00${fraction}Z`,
      }),
    );
    await storeThroughScorer(system, precise);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const { body } = await system.api(`/v1/mentions?source=precise&limit=1${suffix}`);
      seen.push(...body.data.map((each: any) => each.url));
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(precise.map((each) => each.url).sort());
    const { rows } = await system.db.database.query<{ published: string }>(
      "SELECT DISTINCT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') AS published FROM mentions WHERE source_id = 'precise'",
    );
    expect(rows).toEqual([{ published: '2026-10-15T08:00:00.123000' }]);
  });

  it('puts a page boundary inside a group of mentions sharing one time', async () => {
    const { body } = await system.api('/v1/mentions?source=archive&limit=50');
    const { body: next } = await system.api(`/v1/mentions?source=archive&limit=50&cursor=${encodeURIComponent(body.next_cursor)}`);
    expect(body.data.at(-1).published_at).toBe(next.data[0].published_at);
  });

  it.each([
    ['0', 'querystring.limit must be >= 1'],
    ['501', 'querystring.limit must be <= 500'],
    ['ten', 'querystring.limit must be integer'],
  ])('rejects limit=%s naming limit', async (limit, message) => {
    const { status, body } = await system.api(`/v1/mentions?limit=${limit}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BUZZ_ERR_VALIDATION', message } });
  });
});

describe('mention filters, single mentions and brand totals', () => {
  let system: TestSystem;

  const skates = mention({
    url: 'https://tech.example/acme-skates',
    sourceId: 'tech-blog',
    brands: ['acme'],
    title: 'Acme rocket skates are a triumph',
    text: 'I love the new Acme rocket skates. They are wonderful, brilliant and great fun.',
    publishedAt: '2026-03-01T10:00:00.000Z',
  });
  const recall = mention({
    url: 'https://news.example/acme-anvil-recall',
    sourceId: 'news-site',
    brands: ['acme'],
    title: 'Acme anvil recall after terrible failures',
    text: 'Customers are furious: the Acme anvil is awful, broken and dangerous. A horrible disaster.',
    publishedAt: '2026-03-02T00:00:00.000Z',
  });
  const contract = mention({
    url: 'https://news.example/acme-globex-contract',
    sourceId: 'news-site',
    brands: ['acme', 'globex'],
    title: 'Acme and Globex sign a supply contract',
    text: 'The companies will open a warehouse in Springfield, a spokesperson said.',
    publishedAt: '2026-03-03T12:00:00.000Z',
  });
  const lodz = mention({
    url: 'https://tech.example/acme-lodz',
    sourceId: 'tech-blog',
    brands: ['acme'],
    title: 'Acme opens an office in Łódź',
    text: 'The Łódź office will employ forty engineers.',
    publishedAt: '2026-03-04T08:00:00.000Z',
  });
  const thread = mention({
    url: 'https://forum.example/t/123',
    sourceId: 'forum',
    brands: ['acme'],
    title: 'Forum thread: rocket skates versus jet skates',
    text: 'Users compare Acme rocket skates with Globex jet boots.',
    publishedAt: '2026-03-05T09:00:00.000Z',
  });

  const urlsFor = async (query: string) => {
    const { status, body } = await system.api(`/v1/mentions?${query}`);
    expect(status, query).toBe(200);
    return body.data.map((each: any) => each.url);
  };

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: `${BRANDS}${TEST_API_KEYS}`, roles: ['api', 'scorer'] });
    await storeThroughScorer(system, [skates, recall, contract, lodz, thread]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lists a mention linked to two brands once, with both brands', async () => {
    const { body } = await system.api('/v1/mentions');
    expect(body.data.map((each: any) => [each.url, each.brands])).toEqual([
      [thread.url, ['acme']],
      [lodz.url, ['acme']],
      [contract.url, ['acme', 'globex']],
      [recall.url, ['acme']],
      [skates.url, ['acme']],
    ]);
    expect(body.next_cursor).toBeNull();
  });

  it('filters by brand, source and sentiment, alone and combined', async () => {
    expect(await urlsFor('brand=globex')).toEqual([contract.url]);
    expect(await urlsFor('brand=acme')).toEqual([thread.url, lodz.url, contract.url, recall.url, skates.url]);
    expect(await urlsFor('source=news-site')).toEqual([contract.url, recall.url]);
    const nowhere = await system.api('/v1/mentions?source=nowhere');
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toMatch(/^source: source "nowhere" is not configured/);
    expect(await urlsFor('sentiment=positive')).toEqual([skates.url]);
    expect(await urlsFor('sentiment=negative')).toEqual([recall.url]);
    expect(await urlsFor('sentiment=neutral')).toEqual([thread.url, lodz.url, contract.url]);
    expect(await urlsFor('brand=acme&source=tech-blog&sentiment=positive')).toEqual([skates.url]);
    expect(await urlsFor('brand=globex&sentiment=negative')).toEqual([]);
  });

  it('filters by time: since inclusive, until exclusive, ISO timestamps with zones or dates', async () => {
    expect(await urlsFor('since=2026-03-02T00:00:00Z')).toEqual([thread.url, lodz.url, contract.url, recall.url]);
    expect(await urlsFor('until=2026-03-02')).toEqual([skates.url]);
    expect(await urlsFor('since=2026-03-02&until=2026-03-04')).toEqual([contract.url, recall.url]);
    // 13:00 at +02:00 is 11:00 UTC, before the contract story's 12:00 UTC.
    expect(await urlsFor(`since=${encodeURIComponent('2026-03-03T13:00:00+02:00')}`)).toEqual([thread.url, lodz.url, contract.url]);
    expect(await urlsFor('brand=globex&since=2026-03-03T12:00:00.000Z&until=2026-03-03T12:00:00.001Z')).toEqual([contract.url]);
    expect(await urlsFor('brand=acme&since=2026-03-06')).toEqual([]);
  });

  it.each([
    ['since', 'yesterday'],
    ['until', '2026-13-45'],
    ['until', '2026-03-02T10:00:00'],
  ])('rejects %s=%s naming the parameter', async (name, value) => {
    const { status, body } = await system.api(`/v1/mentions?${name}=${encodeURIComponent(value)}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        code: 'BUZZ_ERR_VALIDATION',
        message:
          `${name} must be an ISO 8601 time with a zone (2026-11-01T09:30:00Z), a date (2026-11-01) or a span back from ` +
          `now (24h, 7d, 12w, 6mo, 1y) (got "${value}")`,
      },
    });
  });

  it('searches title and text with web search syntax, ignoring case and diacritics', async () => {
    const search = (q: string) => urlsFor(`q=${encodeURIComponent(q)}`);
    expect(await search('anvil')).toEqual([recall.url]);
    expect(await search('TRIUMPH')).toEqual([skates.url]);
    expect(await search('lodz')).toEqual([lodz.url]);
    expect(await search('Łódź engineers')).toEqual([lodz.url]);
    expect(await search('"rocket skates"')).toEqual([thread.url, skates.url]);
    expect(await search('"skates rocket"')).toEqual([]);
    expect(await search('"rocket skates" -forum')).toEqual([skates.url]);
    expect(await search('anvil OR contract')).toEqual([contract.url, recall.url]);
    expect(await search('springfield warehouse')).toEqual([contract.url]);
    expect(await urlsFor(`brand=acme&source=forum&q=${encodeURIComponent('jet')}`)).toEqual([thread.url]);
  });

  it('rejects an unknown brand, listing the known ones', async () => {
    const { status, body } = await system.api('/v1/mentions?brand=initech');
    expect(status).toBe(400);
    expect(body).toEqual({
      error: { code: 'BUZZ_ERR_VALIDATION', message: 'brand: brand "initech" is not configured (known: acme, globex)' },
    });
  });

  it('rejects an unknown sentiment with the values it accepts', async () => {
    const { status, body } = await system.api('/v1/mentions?sentiment=angry');
    expect(status).toBe(400);
    expect(body.error.code).toBe('BUZZ_ERR_VALIDATION');
    expect(body.error.message).toContain('sentiment');
    for (const label of ['positive', 'neutral', 'negative']) expect(body.error.message).toContain(label);
  });

  it('rejects an unknown parameter by name', async () => {
    const { status, body } = await system.api('/v1/mentions?colour=red');
    expect(status).toBe(400);
    expect(body.error.code).toBe('BUZZ_ERR_VALIDATION');
    expect(body.error.message).toContain('colour');
  });

  it('returns one mention by id in the documented shape, and 404 for an unknown id', async () => {
    const { status, body } = await system.api(`/v1/mentions/${contract.id}`);
    expect(status).toBe(200);
    const { sentiment } = scoreMention(contract, system.runtime.brandPhrases);
    expect(sentiment.label).toBe('neutral');
    expect(body).toEqual({
      data: {
        id: contract.id,
        brands: ['acme', 'globex'],
        // The first mention of a contract story, for each of its brands.
        story_id: storyId('acme', contract.id),
        stories: { acme: storyId('acme', contract.id), globex: storyId('globex', contract.id) },
        source: { id: 'news-site', type: 'rss' },
        url: contract.url,
        title: contract.title,
        text: contract.text,
        author: null,
        lang: 'en',
        published_at: '2026-03-03T12:00:00.000Z',
        seen_at: SEEN_AT,
        occurred_at: '2026-03-03T12:00:00.000Z',
        backfill: false,
        reach: null,
        sentiment: { label: 'neutral', score: sentiment.score },
        sentiment_source: 'model',
        sentiment_override: null,
        model_sentiment: { label: 'neutral', scorer_version: SCORER_VERSION },
      },
    });
    const missing = await system.api('/v1/mentions/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'BUZZ_ERR_NOT_FOUND', message: 'no mention with id 0123456789abcdef0123456789abcdef' },
    });
  });

  it('counts mentions per brand in /v1/brands', async () => {
    const { status, body } = await system.api('/v1/brands');
    expect(status).toBe(200);
    expect(body.data.map((brand: any) => [brand.id, brand.mentions_total, brand.last_mention_at])).toEqual([
      ['acme', 5, '2026-03-05T09:00:00.000Z'],
      ['globex', 1, '2026-03-03T12:00:00.000Z'],
    ]);
  });
});
