// /v1/stats, /v1/share-of-voice and /v1/top over mentions stored by the real store: calendar buckets in
// Europe/Warsaw across the spring DST change and a month boundary, zero-filled, backfill left out unless asked,
// rollups that stay exact when labels change or mentions go, and a 400 for every id that names nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const WARSAW = 'tz=Europe/Warsaw';

describe('statistics', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
  - { id: initech, name: Initech, keywords: [initech] }
sources:
  - { id: news, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
alerts:
  rules:
    - { id: buzz, type: negative_buzz, channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "http://127.0.0.1:9/hook" }
${TEST_API_KEYS}`,
      roles: ['api'],
    });
    await storeMentions(system.db.database, [
      // Warsaw: UTC+1 until 2026-03-29 02:00 local, UTC+2 after.
      scoredMention({ key: 'a1', at: '2026-03-27T12:00:00Z', site: 'a.example', author: 'Ann', reach: 100 }),
      scoredMention({ key: 'a2', at: '2026-03-28T22:30:00Z', label: 'negative', site: 'b.example', author: 'Bob', reach: 50 }),
      scoredMention({ key: 'a3', at: '2026-03-28T23:30:00Z', label: 'positive', site: 'a.example', author: 'Ann' }), // 29th 00:30
      scoredMention({ key: 'a4', at: '2026-03-29T00:30:00Z', label: 'negative', site: 'a.example' }), // 01:30 +01
      scoredMention({ key: 'a5', at: '2026-03-29T01:30:00Z', label: 'positive', site: 'b.example', author: 'Cid' }), // 03:30 +02
      scoredMention({ key: 'a6', at: '2026-03-29T21:30:00Z', site: 'a.example', author: 'Ann' }), // 23:30 +02
      scoredMention({ key: 'a7', at: '2026-03-29T22:30:00Z', label: 'negative', site: 'c.example', author: 'Bob' }), // 30th
      scoredMention({ key: 'a8', at: '2026-03-31T21:59:00Z', label: 'positive', site: 'a.example' }), // 31st 23:59
      scoredMention({ key: 'a9', at: '2026-03-31T22:00:00Z', label: 'negative', site: 'b.example', author: 'Bob' }), // April
      scoredMention({ key: 'a10', at: '2026-04-01T10:00:00Z', site: 'a.example', backfill: true }),
      scoredMention({ key: 's1', at: '2026-03-30T08:00:00Z', brands: ['acme', 'globex'] }),
      scoredMention({ key: 'g1', at: '2026-03-29T10:00:00Z', brands: ['globex'], label: 'positive' }),
      scoredMention({ key: 'g2', at: '2026-04-01T12:00:00Z', brands: ['globex'] }),
    ]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const zeroDay = (bucket: string) => ({ brand: 'acme', bucket, total: 0, positive: 0, neutral: 0, negative: 0, unknown: 0, reach: 0 });

  it('counts per Warsaw day across the DST change, every day present', async () => {
    const { status, body } = await system.api(`/v1/stats?brand=acme&since=2026-03-25&until=2026-04-02&interval=day&${WARSAW}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      interval: 'day',
      tz: 'Europe/Warsaw',
      group_by: 'sentiment',
      since: '2026-03-24T23:00:00.000Z',
      until: '2026-04-01T22:00:00.000Z',
      data: [
        zeroDay('2026-03-25T00:00:00+01:00'),
        zeroDay('2026-03-26T00:00:00+01:00'),
        { ...zeroDay('2026-03-27T00:00:00+01:00'), total: 1, neutral: 1, reach: 100 },
        { ...zeroDay('2026-03-28T00:00:00+01:00'), total: 1, negative: 1, reach: 50 },
        { ...zeroDay('2026-03-29T00:00:00+01:00'), total: 4, positive: 2, neutral: 1, negative: 1 },
        { ...zeroDay('2026-03-30T00:00:00+02:00'), total: 2, neutral: 1, negative: 1 },
        { ...zeroDay('2026-03-31T00:00:00+02:00'), total: 1, positive: 1 },
        { ...zeroDay('2026-04-01T00:00:00+02:00'), total: 1, negative: 1 },
      ],
    });
  });

  it('counts per UTC day by default, and includes backfill when asked', async () => {
    const { body } = await system.api('/v1/stats?brand=acme&since=2026-03-28&until=2026-04-02&include_backfill=true');
    expect(body.tz).toBe('UTC');
    expect(body.data.map((row: { bucket: string; total: number }) => [row.bucket, row.total])).toEqual([
      ['2026-03-28T00:00:00Z', 2],
      ['2026-03-29T00:00:00Z', 4],
      ['2026-03-30T00:00:00Z', 1],
      ['2026-03-31T00:00:00Z', 2],
      ['2026-04-01T00:00:00Z', 1],
    ]);
  });

  it('puts the last minutes of March in April in Warsaw, not in UTC', async () => {
    const totals = async (query: string) =>
      (await system.api(`/v1/stats?brand=acme&since=2026-03-01&until=2026-05-01&interval=month&${query}`)).body.data.map(
        (row: { bucket: string; total: number }) => [row.bucket, row.total],
      );
    expect(await totals(WARSAW)).toEqual([
      ['2026-03-01T00:00:00+01:00', 9],
      ['2026-04-01T00:00:00+02:00', 1],
    ]);
    expect(await totals(`${WARSAW}&include_backfill=true`)).toEqual([
      ['2026-03-01T00:00:00+01:00', 9],
      ['2026-04-01T00:00:00+02:00', 2],
    ]);
    expect(await totals('tz=UTC')).toEqual([
      ['2026-03-01T00:00:00Z', 10],
      ['2026-04-01T00:00:00Z', 0],
    ]);
  });

  it('has three local hours for the four UTC hours of the DST night... and no 02:00', async () => {
    const since = encodeURIComponent('2026-03-29T00:00:00+01:00');
    const until = encodeURIComponent('2026-03-29T04:00:00+02:00');
    const { body } = await system.api(`/v1/stats?brand=acme&since=${since}&until=${until}&interval=hour&${WARSAW}`);
    expect(body.data.map((row: { bucket: string; total: number }) => [row.bucket, row.total])).toEqual([
      ['2026-03-29T00:00:00+01:00', 1],
      ['2026-03-29T01:00:00+01:00', 1],
      ['2026-03-29T03:00:00+02:00', 1],
    ]);
  });

  it('counts a range that starts and ends inside rollup rows exactly', async () => {
    const { body } = await system.api(`/v1/stats?brand=acme&since=2026-03-28T23:40:00Z&until=2026-03-29T21:40:00Z&${WARSAW}`);
    expect(body.data).toEqual([{ ...zeroDay('2026-03-29T00:00:00+01:00'), total: 3, positive: 1, neutral: 1, negative: 1 }]);
    const { body: shorter } = await system.api(`/v1/stats?brand=acme&since=2026-03-28T23:40:00Z&until=2026-03-29T21:30:00Z&${WARSAW}`);
    expect(shorter.data[0].total).toBe(2);
  });

  it('groups by site, source, author and language, with a row for every key in every bucket', async () => {
    const { body } = await system.api(`/v1/stats?brand=acme&since=2026-03-29&until=2026-03-31&group_by=site&${WARSAW}`);
    expect(body.data).toEqual([
      { brand: 'acme', bucket: '2026-03-29T00:00:00+01:00', key: 'a.example', total: 3, negative: 1, reach: 0 },
      { brand: 'acme', bucket: '2026-03-29T00:00:00+01:00', key: 'b.example', total: 1, negative: 0, reach: 0 },
      { brand: 'acme', bucket: '2026-03-29T00:00:00+01:00', key: 'c.example', total: 0, negative: 0, reach: 0 },
      { brand: 'acme', bucket: '2026-03-29T00:00:00+01:00', key: 'news.example', total: 0, negative: 0, reach: 0 },
      { brand: 'acme', bucket: '2026-03-30T00:00:00+02:00', key: 'a.example', total: 0, negative: 0, reach: 0 },
      { brand: 'acme', bucket: '2026-03-30T00:00:00+02:00', key: 'b.example', total: 0, negative: 0, reach: 0 },
      { brand: 'acme', bucket: '2026-03-30T00:00:00+02:00', key: 'c.example', total: 1, negative: 1, reach: 0 },
      { brand: 'acme', bucket: '2026-03-30T00:00:00+02:00', key: 'news.example', total: 1, negative: 0, reach: 0 },
    ]);
    const { body: authors } = await system.api(`/v1/stats?brand=acme&since=2026-03-29&until=2026-03-30&group_by=author&keys=1&${WARSAW}`);
    expect(authors.data.map((row: { key: string | null; total: number }) => [row.key, row.total])).toEqual([
      ['Ann', 2],
      ['(other)', 2],
    ]);
    const { body: none } = await system.api(`/v1/stats?brand=acme,globex&since=2026-03-29&until=2026-03-30&group_by=none&${WARSAW}`);
    expect(none.data).toEqual([
      { brand: 'acme', bucket: '2026-03-29T00:00:00+01:00', key: null, total: 4, negative: 1, reach: 0 },
      { brand: 'globex', bucket: '2026-03-29T00:00:00+01:00', key: null, total: 1, negative: 0, reach: 0 },
    ]);
  });

  it('counts facets from mention links where a zone splits rollup hours (India is UTC+5:30)', async () => {
    const query = 'brand=acme&since=2026-03-01&until=2026-05-01&tz=Asia/Kolkata&interval=day';
    const bySite = (await system.api(`/v1/stats?${query}&group_by=site`)).body.data;
    const bySentiment = (await system.api(`/v1/stats?${query}`)).body.data;
    const sumBy = (rows: Array<{ bucket: string; total: number }>) => {
      const sums = new Map<string, number>();
      for (const row of rows) sums.set(row.bucket, (sums.get(row.bucket) ?? 0) + row.total);
      return [...sums.entries()].filter(([, total]) => total > 0);
    };
    expect(sumBy(bySite)).toEqual(sumBy(bySentiment));
    // a2 (22:30 UTC on the 28th) is 04:00 on the 29th in Kolkata; a6 (21:30 UTC) is 03:00 on the 30th.
    expect(sumBy(bySite)).toEqual([
      ['2026-03-27T00:00:00+05:30', 1],
      ['2026-03-29T00:00:00+05:30', 4],
      ['2026-03-30T00:00:00+05:30', 3],
      ['2026-04-01T00:00:00+05:30', 2],
    ]);
  });

  it('shares the voice of a brand and its competitors; shares sum to 1 where anything was counted', async () => {
    const { status, body } = await system.api(`/v1/share-of-voice?brand=acme&since=2026-02-01&until=2026-05-01&interval=month&${WARSAW}`);
    expect(status).toBe(200);
    expect(body.data).toEqual([
      { brand: 'acme', value: 10, share: 10 / 13 },
      { brand: 'globex', value: 3, share: 3 / 13 },
    ]);
    expect(body.series).toEqual([
      { bucket: '2026-02-01T00:00:00+01:00', values: { acme: 0, globex: 0 }, shares: { acme: 0, globex: 0 } },
      { bucket: '2026-03-01T00:00:00+01:00', values: { acme: 9, globex: 2 }, shares: { acme: 9 / 11, globex: 2 / 11 } },
      { bucket: '2026-04-01T00:00:00+02:00', values: { acme: 1, globex: 1 }, shares: { acme: 0.5, globex: 0.5 } },
    ]);
    const negative = await system.api(`/v1/share-of-voice?brands=acme,globex,initech&by=negative&since=2026-03-01&until=2026-05-01&${WARSAW}`);
    expect(negative.body.data).toEqual([
      { brand: 'acme', value: 4, share: 1 },
      { brand: 'globex', value: 0, share: 0 },
      { brand: 'initech', value: 0, share: 0 },
    ]);
    for (const point of negative.body.series as Array<{ shares: Record<string, number> }>) {
      const sum = Object.values(point.shares).reduce((total, share) => total + share, 0);
      expect([0, 1]).toContain(Math.round(sum * 1e9) / 1e9);
    }
  });

  it('ranks sites, authors and terms', async () => {
    const range = `brand=acme&since=2026-03-01&until=2026-05-01&${WARSAW}`;
    const sites = await system.api(`/v1/top?${range}&by=site`);
    expect(sites.status).toBe(200);
    expect(sites.body.data).toEqual([
      { key: 'a.example', mentions: 5, negative: 1, negative_share: 0.2, reach: 100 },
      { key: 'b.example', mentions: 3, negative: 2, negative_share: 2 / 3, reach: 50 },
      { key: 'c.example', mentions: 1, negative: 1, negative_share: 1, reach: 0 },
      { key: 'news.example', mentions: 1, negative: 0, negative_share: 0, reach: 0 },
    ]);
    const authors = await system.api(`/v1/top?${range}&by=author&limit=2`);
    expect(authors.body.data.map((row: { key: string }) => row.key)).toEqual(['Bob', 'Ann']);
    const terms = await system.api(`/v1/top?${range}&by=term`);
    // Every text is "Mention aN of Acme.": the brand and the stop word go, "mention" stays.
    expect(terms.body.data).toEqual([{ key: 'mention', mentions: 10, negative: 4, negative_share: 0.4, reach: 150 }]);
    expect(terms.body.sample).toEqual({ mentions: 10, of: 10, estimated: false });
  });

  it('stays exact when a label changes and a mention is deleted', async () => {
    const database = system.db.database;
    // As a manual override or a rescore does: the effective label lives on the mention link too.
    await database.query("UPDATE mention_brands SET sentiment_label = 'negative' WHERE mention_id = 'test-a6'");
    await database.query("UPDATE mention_brands SET sentiment_label = 'unknown' WHERE mention_id = 'test-a3'");
    await database.query("UPDATE mentions SET reach = 7 WHERE id = 'test-a5'");
    await database.query("DELETE FROM mentions WHERE id = 'test-a8'");
    const { body } = await system.api(`/v1/stats?brand=acme&since=2026-03-29&until=2026-04-01&${WARSAW}`);
    expect(body.data).toEqual([
      { ...zeroDay('2026-03-29T00:00:00+01:00'), total: 4, positive: 1, negative: 2, unknown: 1, reach: 7 },
      { ...zeroDay('2026-03-30T00:00:00+02:00'), total: 2, neutral: 1, negative: 1 },
      zeroDay('2026-03-31T00:00:00+02:00'),
    ]);
    const { body: brands } = await system.api('/v1/brands');
    expect(brands.data.map((brand: { id: string; mentions_total: number }) => [brand.id, brand.mentions_total])).toEqual([
      ['acme', 9],
      ['globex', 3],
      ['initech', 0],
    ]);
    const { body: withBackfill } = await system.api('/v1/brands?include_backfill=true');
    expect(withBackfill.data[0].mentions_total).toBe(10);
    expect(withBackfill.data[0].last_mention_at).toBe('2026-04-01T10:00:00.000Z');
    expect(brands.data[0].last_mention_at).toBe('2026-03-31T22:00:00.000Z');
  });

  it('answers 400 naming every id, zone or span it cannot use', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/stats?brand=acme,nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/share-of-voice?brands=acme,nope', 'brands: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/top?brand=nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/mentions?source=nope', 'source: source "nope" is not configured (known: news)'],
      ['/v1/mentions?brand=nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/mentions/export?brand=nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/stories?brand=nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/alerts?brand=nope', 'brand: brand "nope" is not configured (known: acme, globex, initech)'],
      ['/v1/alerts?rule=nope', 'rule: rule "nope" is not configured (known: buzz)'],
      ['/v1/stats?brand=acme&tz=Mars/Olympus', 'tz: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Warsaw, UTC)'],
      ['/v1/stats?brand=acme&since=2026-04-01&until=2026-03-01', 'since (2026-04-01T00:00:00.000Z) must be before until (2026-03-01T00:00:00.000Z)'],
      ['/v1/stats?brand=acme&since=2000-01-01&until=2026-01-01&interval=hour', 'more than 10000 hour buckets between since and until; use a longer interval'],
      ['/v1/stats?brand=acme&interval=fortnight', 'querystring.interval must be one of hour, day, week, month'],
      ['/v1/share-of-voice', 'querystring must have brand (with its competitors) or brands'],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await system.api(path);
      expect({ path, status, body }).toEqual({ path, status: 400, body: { error: { code: 'BUZZ_ERR_VALIDATION', message } } });
    }
  });

  it('reads relative spans in /v1/mentions and still knows sources with history only', async () => {
    const recent = await system.api('/v1/mentions?since=7d');
    expect(recent.status).toBe(200);
    expect(recent.body.data).toEqual([]);
    const old = await system.api('/v1/mentions?since=20y&source=news&include_backfill=false');
    expect(old.body.data).toHaveLength(11);
    await system.db.database.query("INSERT INTO sources (id, type) VALUES ('retired', 'rss')");
    expect((await system.api('/v1/mentions?source=retired')).status).toBe(200);
  });
});
