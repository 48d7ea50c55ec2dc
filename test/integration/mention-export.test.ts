// GET /v1/mentions/export: the /v1/mentions filters, CSV that parses back exactly (quotes, newlines, formula-like
// cells neutralised) and NDJSON as /v1/mentions serialises mentions.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';
import { mentionCsvBatches } from '../../src/store/mention-csv-copy.js';

describe('mention export', () => {
  let system: TestSystem;

  const download = async (query: string) => {
    const response = await fetch(`${system.baseUrl}/v1/mentions/export?${query}`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), text: await response.text() };
  };

  beforeAll(async () => {
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
${TEST_API_KEYS}`,
      roles: ['api'],
    });
    await storeMentions(system.db.database, [
      scoredMention({ key: 'quotes', at: '2026-11-01T10:00:00Z', title: 'He said "Acme, really?"', text: 'Line one,\r\nline "two"\nline three', author: 'O\'Brien; "Bob"', reach: 12 }),
      scoredMention({ key: 'formula', at: '2026-11-02T10:00:00Z', title: '=HYPERLINK("http://evil.example","click")', text: '+1 for Acme', author: '@acme_fan', label: 'negative', score: -2.5 }),
      scoredMention({ key: 'minus', at: '2026-11-03T10:00:00Z', title: '-20% at Acme', text: '\tTabbed', author: null, lang: null, brands: ['acme', 'globex'] }),
      scoredMention({ key: 'old', at: '2026-10-01T10:00:00Z', brands: ['globex'], backfill: true }),
    ]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('writes RFC 4180 CSV with a header that parses back to the stored values, formulas neutralised', async () => {
    const csv = await download('brand=acme&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.disposition).toMatch(/^attachment; filename="mentions-\d{8}T\d{6}\.csv"$/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'id,occurred_at,published_at,seen_at,brands,source_id,source_type,url,title,text,author,lang,backfill,reach,sentiment_label,sentiment_score',
    );
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows.map((row) => [row.id, row.title, row.text, row.author, row.brands, row.lang, row.reach, row.sentiment_label, row.sentiment_score])).toEqual([
      ['test-minus', "'-20% at Acme", "'\tTabbed", '', 'acme globex', '', '', 'neutral', '0'],
      ['test-formula', '\'=HYPERLINK("http://evil.example","click")', "'+1 for Acme", "'@acme_fan", 'acme', 'en', '', 'negative', '-2.5'],
      ['test-quotes', 'He said "Acme, really?"', 'Line one,\r\nline "two"\nline three', 'O\'Brien; "Bob"', 'acme', 'en', '12', 'neutral', '0'],
    ]);
    expect(rows[2]).toMatchObject({ occurred_at: '2026-11-01T10:00:00.000Z', url: 'https://news.example/quotes', backfill: 'false', source_id: 'news' });
  });

  it('takes every /v1/mentions filter and streams NDJSON as /v1/mentions serialises', async () => {
    const ndjson = await download('format=ndjson&since=2026-11-02&sentiment=negative');
    expect(ndjson.type).toBe('application/x-ndjson; charset=utf-8');
    const lines = ndjson.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    const listed = await system.api('/v1/mentions?since=2026-11-02&sentiment=negative');
    expect(lines).toEqual(listed.body.data);
    expect(lines.map((mention: { id: string }) => mention.id)).toEqual(['test-formula']);
    const all = await download('format=ndjson&include_backfill=false&q=acme');
    expect(all.text.trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(['test-minus', 'test-formula', 'test-quotes']);
    const empty = await download('brand=globex&since=2026-12-01');
    expect(empty.text).toBe('id,occurred_at,published_at,seen_at,brands,source_id,source_type,url,title,text,author,lang,backfill,reach,sentiment_label,sentiment_score\r\n');
  });

  it('streams every row once across COPY batches, rows sharing a time split between batches', async () => {
    const collect = async (filter: Parameters<typeof mentionCsvBatches>[1]) => {
      const chunks: Buffer[] = [];
      for await (const chunk of mentionCsvBatches(system.db.database, filter, 2)) chunks.push(chunk);
      return { batches: chunks.length, rows: parse(Buffer.concat(chunks).toString('utf8'), { columns: true }) as Array<Record<string, string>> };
    };
    await storeMentions(system.db.database, ['a', 'b', 'c', 'd', 'e'].map((key) => scoredMention({ key: `same-${key}`, at: '2026-09-01T08:00:00Z', brands: ['globex'] })));
    // The brand walk (mention_brands) and the time walk (mentions), each in batches of two rows.
    const byBrand = await collect({ brand: 'globex', since: new Date('2026-09-01T00:00:00Z'), until: new Date('2026-09-02T00:00:00Z') });
    expect(byBrand.rows.map((row) => row.id)).toEqual(['test-same-e', 'test-same-d', 'test-same-c', 'test-same-b', 'test-same-a']);
    expect(byBrand.batches).toBe(3);
    const byTime = await collect({ until: new Date('2026-10-15T00:00:00Z') });
    expect(byTime.rows.map((row) => row.id)).toEqual(['test-old', 'test-same-e', 'test-same-d', 'test-same-c', 'test-same-b', 'test-same-a']);
  });

  it('answers 400 before streaming anything for a bad filter', async () => {
    for (const [query, message] of [
      ['brand=nope', 'brand: brand "nope" is not configured (known: acme, globex)'],
      ['source=nope', 'source: source "nope" is not configured (known: none)'],
      ['format=xlsx', 'querystring.format must be one of csv, ndjson'],
      ['limit=5', 'querystring.limit is not a known parameter'],
    ]) {
      const answer = await download(query as string);
      expect({ query, status: answer.status, body: JSON.parse(answer.text) }).toEqual({ query, status: 400, body: { error: { code: 'BUZZ_ERR_VALIDATION', message } } });
    }
  });
});
