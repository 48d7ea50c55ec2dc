// Sentiment per language and by hand, through the real scorer, API and alert rules: Polish and English scored, a
// language without a scorer stored as `unknown` and left out of the negative share, the lang filter, and a manual
// override (PATCH /v1/mentions/:id) that the filters and the negative_buzz rule then follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerter, type Alerter } from '../../src/alerts/alerter.js';
import type { Mention } from '../../src/mentions/mention.js';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { createLogger } from '../../src/runtime/logger.js';
import { ADMIN_KEY, READ_KEY, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const MINUTE = 60_000;
const WRITE_KEY = 'test-write-key-0123456789';
const NOW = Date.now();

const CONFIG = `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
sources:
  - { id: hook, type: webhook, secret: "hook-secret-0123456789abcdef" }
alerts:
  tick: 1h
  bucket: 5m
  rules:
    - { id: acme-buzz, type: negative_buzz, brands: [acme], window: 1h, min_mentions: 5, min_sources: 3, channels: [pr] }
    - { id: globex-buzz, type: negative_buzz, brands: [globex], window: 1h, min_mentions: 5, min_sources: 3, min_negative_share: 0.6, channels: [pr] }
  channels:
    - { id: pr, type: slack, url: "http://127.0.0.1:9/services/T000/B000/s3cr3tpath" }
api:
  keys:
    - { name: reader, key: "${READ_KEY}", scope: read }
    - { name: admin, key: "${ADMIN_KEY}", scope: admin }
    - { name: community-team, key: "${WRITE_KEY}", scope: write }
`;

let counter = 0;
function mention(brand: string, text: string, site: number, minutesAgo: number): Mention {
  counter += 1;
  const at = new Date(NOW - minutesAgo * MINUTE).toISOString();
  return {
    id: `m-${brand}-${counter}`,
    sourceId: 'hook',
    sourceType: 'webhook',
    externalId: `m-${brand}-${counter}`,
    url: `https://site${site}.example/${brand}/${counter}`,
    title: null,
    text,
    author: `author${site}`,
    // No declared language: the scorer detects it.
    lang: null,
    publishedAt: at,
    seenAt: at,
    brands: [brand],
    backfill: false,
    reach: null,
  };
}

async function storeThroughScorer(system: TestSystem, mentions: Mention[]): Promise<void> {
  const jobIds = await enqueueMentions(system.runtime.queues.mentions, mentions);
  const reports = await Promise.all(jobIds.map((jobId) => system.stores.next((job) => job.jobId === jobId)));
  expect(reports.reduce((sum, report) => sum + report.result.inserted, 0)).toBe(mentions.length);
}

const POLISH = mention('acme', 'Acme jest okropny, nie polecam nikomu tej firmy.', 0, 50);
const ENGLISH = mention('acme', 'Acme support is terrible, still waiting for a refund.', 1, 49);
const JAPANESE = mention('acme', 'アクメの新しい店舗が東京にオープンしました。', 2, 48);
// Two more negative English mentions from other sites: with the two above, four negative ones, under min_mentions.
const MORE_NEGATIVE = [
  mention('acme', 'Acme broke again, what an awful service.', 3, 40),
  mention('acme', 'I hate the new Acme app, it is horrible.', 4, 39),
];
const NEUTRAL = [mention('acme', 'Acme opens an office in Springfield on Monday.', 5, 30), mention('acme', 'Acme will publish its results on Friday.', 6, 29)];
// Globex: five negative English mentions and five Japanese ones, from five sites.
const GLOBEX_NEGATIVE = Array.from({ length: 5 }, (_, index) => mention('globex', `Globex is terrible, broken and awful (${index}).`, index, 20 - index));
const GLOBEX_JAPANESE = Array.from({ length: 5 }, (_, index) => mention('globex', `グローベックスの新しい店舗が大阪にオープンしました。第${index + 1}号店です。`, index, 10 - index));

describe('sentiment per language and by hand', () => {
  let system: TestSystem;
  let alerter: Alerter;

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG, roles: ['api', 'scorer'] });
    alerter = createAlerter({
      config: system.runtime.config,
      database: system.runtime.database,
      notifyQueue: system.runtime.queues.notify,
      logger: createLogger('silent'),
    });
    await storeThroughScorer(system, [POLISH, ENGLISH, JAPANESE, ...MORE_NEGATIVE, ...NEUTRAL, ...GLOBEX_NEGATIVE, ...GLOBEX_JAPANESE]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const get = async (id: string) => (await system.api(`/v1/mentions/${id}`)).body.data;
  const linkLabels = async (ids: string[]) => {
    const { rows } = await system.db.database.query<{ mention_id: string; sentiment_label: string }>(
      'SELECT mention_id, sentiment_label FROM mention_brands WHERE mention_id = ANY($1) ORDER BY mention_id',
      [ids],
    );
    return Object.fromEntries(rows.map((row) => [row.mention_id, row.sentiment_label]));
  };

  it('scores Polish and English in their language and stores a Japanese mention as unknown with no score', async () => {
    expect(await get(POLISH.id)).toMatchObject({ lang: 'pl', sentiment: { label: 'negative' }, sentiment_source: 'model' });
    expect(await get(ENGLISH.id)).toMatchObject({ lang: 'en', sentiment: { label: 'negative' }, sentiment_source: 'model' });
    expect(await get(JAPANESE.id)).toMatchObject({
      lang: 'ja',
      sentiment: { label: 'unknown', score: null },
      model_sentiment: { label: 'unknown', scorer_version: expect.any(Number) },
    });
    expect(await linkLabels([POLISH.id, ENGLISH.id, JAPANESE.id])).toEqual({
      [ENGLISH.id]: 'negative',
      [JAPANESE.id]: 'unknown',
      [POLISH.id]: 'negative',
    });
  });

  it('filters by language, and by the unknown label', async () => {
    const ids = async (query: string) => (await system.api(`/v1/mentions?${query}`)).body.data.map((each: { id: string }) => each.id);
    expect(await ids('lang=pl')).toEqual([POLISH.id]);
    expect(await ids('lang=ja&brand=acme')).toEqual([JAPANESE.id]);
    expect(await ids('brand=acme&sentiment=unknown')).toEqual([JAPANESE.id]);
    const badLang = await system.api('/v1/mentions?lang=Polish');
    expect(badLang.status).toBe(400);
    expect(badLang.body.error.message).toContain('lang');
  });

  it('leaves unknown mentions out of the negative share: five negative and five Japanese Globex mentions are 100 % negative', async () => {
    const tick = await alerter.tick(new Date(NOW));
    expect(tick.episodes.filter((episode) => episode.brandId === 'globex').map((episode) => episode.kind)).toEqual(['firing']);
    const { body } = await system.api('/v1/alerts?brand=globex');
    expect(body.data).toHaveLength(1);
    expect(body.data[0].rules[0].latest.counts).toMatchObject({ mentions: 10, negative: 5, negative_share: 1 });
  });

  it('corrects a label by hand with a write key, records who and when, and a read key may not', async () => {
    const [first, second] = NEUTRAL as [Mention, Mention];
    expect((await get(first.id)).sentiment.label).toBe('neutral');
    // Four negative Acme mentions: under min_mentions, nothing fires for Acme.
    const before = await alerter.tick(new Date(NOW));
    expect(before.episodes.filter((episode) => episode.brandId === 'acme')).toEqual([]);

    const refused = await system.api(`/v1/mentions/${first.id}`, { method: 'PATCH', body: { sentiment: 'negative' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('BUZZ_ERR_FORBIDDEN');

    const started = Date.now();
    const patched = await system.api(`/v1/mentions/${first.id}`, { method: 'PATCH', key: WRITE_KEY, body: { sentiment: 'negative' } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      id: first.id,
      sentiment: { label: 'negative' },
      sentiment_source: 'manual',
      sentiment_override: { label: 'negative', set_by: 'community-team' },
      model_sentiment: { label: 'neutral' },
    });
    expect(Date.parse(patched.body.data.sentiment_override.set_at)).toBeGreaterThanOrEqual(started - 1000);
    expect(await get(first.id)).toEqual(patched.body.data);
    const byAdmin = await system.api(`/v1/mentions/${second.id}`, { method: 'PATCH', key: ADMIN_KEY, body: { sentiment: 'negative' } });
    expect(byAdmin.body.data).toMatchObject({ sentiment_source: 'manual', sentiment_override: { set_by: 'admin' } });

    expect(await linkLabels([first.id, second.id])).toEqual({ [first.id]: 'negative', [second.id]: 'negative' });
    const negatives = (await system.api('/v1/mentions?brand=acme&sentiment=negative')).body.data.map((each: { id: string }) => each.id);
    expect(negatives).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(negatives).toHaveLength(6);
  });

  it('fires negative_buzz once the overrides make six negative mentions from enough sources', async () => {
    const tick = await alerter.tick(new Date(NOW + MINUTE));
    expect(tick.episodes.filter((episode) => episode.brandId === 'acme').map((episode) => episode.kind)).toEqual(['firing']);
    const { body } = await system.api('/v1/alerts?brand=acme');
    expect(body.data[0].rules[0].latest.counts).toMatchObject({ negative: 6 });
  });

  it('returns to the model’s label when the override is cleared with null', async () => {
    const [first] = NEUTRAL as [Mention, Mention];
    const cleared = await system.api(`/v1/mentions/${first.id}`, { method: 'PATCH', key: WRITE_KEY, body: { sentiment: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ sentiment: { label: 'neutral' }, sentiment_source: 'model', sentiment_override: null });
    expect(await linkLabels([first.id])).toEqual({ [first.id]: 'neutral' });
  });

  it('answers a bad body with 400 naming the field and an unknown mention with 404', async () => {
    const bad = await system.api(`/v1/mentions/${ENGLISH.id}`, { method: 'PATCH', key: WRITE_KEY, body: { sentiment: 'furious' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'BUZZ_ERR_VALIDATION', message: expect.stringContaining('sentiment') });
    const unknownField = await system.api(`/v1/mentions/${ENGLISH.id}`, { method: 'PATCH', key: WRITE_KEY, body: { sentiment: 'negative', note: 'x' } });
    expect(unknownField.status).toBe(400);
    const missing = await system.api('/v1/mentions/no-such-mention', { method: 'PATCH', key: WRITE_KEY, body: { sentiment: 'negative' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('BUZZ_ERR_NOT_FOUND');
    // A write key may correct sentiment, nothing an admin key is for.
    const poll = await system.api('/v1/sources/hook/poll', { method: 'POST', key: WRITE_KEY });
    expect(poll.status).toBe(403);
  });
});
