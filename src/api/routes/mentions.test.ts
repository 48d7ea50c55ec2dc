// A page of GET /v1/mentions is written by JSON.stringify (mentionPageJson); it must be byte for byte what Fastify's
// serialiser of the route's response schema writes for the same page, on generated mentions with every kind of text
// that serialiser treats differently (short and long strings, quotes, backslashes, control characters, non-ASCII,
// surrogate pairs) and every nullable field null or not.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/helpers/seeded-random.js';
import type { MentionPage, StoredMention } from '../../store/mention-queries.js';
import { MentionPageResponse } from '../response-schemas.js';
import { encodeCursor } from '../cursor.js';
import { mentionPageJson, serializeMention } from './mentions.js';

const PIECES = ['a', 'Acme', ' ', '"', '\\', '\n', '\t', '\u0001', '\u001f', 'é', 'ł', '→', '中文', '😀', '/', '<', '\u2028', '0'];

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  // Lengths around fast-json-stringify's thresholds (42 and 5000 characters) as well as short ones.
  const text = () => {
    const length = pick([0, 1, 5, 41, 42, 43, 200, 4_999, 5_000, 6_000]);
    let out = '';
    while (out.length < length) out += random() < 0.7 ? 'abc def ' : pick(PIECES);
    return out;
  };
  const maybe = <T>(value: () => T): T | null => (random() < 0.3 ? null : value());
  const date = () => new Date(Math.floor(random() * 4_102_444_800_000)).toISOString();
  const mention = (at: number): StoredMention => {
    const brands = ['acme', 'globex', 'initech'].filter(() => random() < 0.6);
    const label = pick(['positive', 'neutral', 'negative'] as const);
    return {
      id: `m-${seed}-${at}`,
      brands,
      storyIds: brands.map(() => maybe(() => `s-${Math.floor(random() * 1e6)}`)),
      sourceId: pick(['feed-01', 'hn', 'web"hook']),
      sourceType: pick(['rss', 'webhook']),
      url: maybe(() => `https://example.com/${text()}`),
      title: maybe(text),
      text: text(),
      author: maybe(text),
      lang: maybe(() => pick(['en', 'pl'])),
      publishedAt: maybe(date),
      seenAt: date(),
      occurredAt: date(),
      backfill: random() < 0.5,
      reach: maybe(() => pick([0, 1, 12_345, 2 ** 40])),
      sentiment: { label, score: maybe(() => pick([0, -0.5, 3.25, 1e-7, (random() - 0.5) * 8])) },
      sentimentSource: random() < 0.2 ? 'manual' : 'model',
      modelSentiment: { label, version: Math.floor(random() * 5) },
      override: random() < 0.2 ? { label: pick(['positive', 'negative'] as const), by: text(), at: date() } : null,
    };
  };
  return { mention, random, pick };
}

/** The page as Fastify serialises the route's 200 schema (fast-json-stringify), the way the route answered before. */
async function schemaSerialised(pages: Array<{ page: MentionPage; focus: { brand?: string; story?: string } }>): Promise<string[]> {
  const app = Fastify();
  let next = 0;
  app.get('/page', { schema: { response: { 200: MentionPageResponse } } }, async () => {
    const { page, focus } = pages[next++] as (typeof pages)[number];
    return {
      data: page.mentions.map((mention) => serializeMention(mention, focus)),
      next_cursor: page.next === null ? null : encodeCursor(page.next),
    };
  });
  const bodies: string[] = [];
  for (let at = 0; at < pages.length; at++) bodies.push((await app.inject({ method: 'GET', url: '/page' })).body);
  await app.close();
  return bodies;
}

describe('mentionPageJson', () => {
  it("writes a page byte for byte as the response schema's serialiser does", async () => {
    const { mention, random, pick } = generator(13);
    const pages = Array.from({ length: 60 }, (_, at) => {
      const mentions = Array.from({ length: Math.floor(random() * 8) }, (_, index) => mention(at * 10 + index));
      const last = mentions.at(-1);
      const page: MentionPage = { mentions, next: last !== undefined && random() < 0.5 ? { occurredAt: new Date(last.occurredAt), id: last.id } : null };
      const focus = pick([{}, { brand: 'globex' }, { brand: 'initech' }, { story: 's-1' }]);
      return { page, focus };
    });
    const expected = await schemaSerialised(pages);
    pages.forEach(({ page, focus }, at) => {
      expect(mentionPageJson(page, focus), `page ${at}`).toBe(expected[at]);
    });
    // The generated pages did reach every kind of text.
    const all = expected.join('');
    for (const escaped of ['\\"', '\\\\', '\\n', '\\u0001', '😀', '中文']) expect(all).toContain(escaped);
  });
});
