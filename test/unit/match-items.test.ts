// Items to mentions: cleaned before matching, one mention per canonical URL carrying the brands of all its copies.
import { describe, expect, it } from 'vitest';
import { brandKeywordPhrases, compileBrandRules } from '../../src/mentions/brand-rules.js';
import type { SourceItem } from '../../src/mentions/mention.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { createHttpClient } from '../../src/net/http-client.js';
import { matchItem, toMentions, type MentionOrigin } from '../../src/poller/match-items.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { createLogger } from '../../src/runtime/logger.js';
import type { Source } from '../../src/sources/source.js';

const rules = compileBrandRules([
  { id: 'acme', name: 'Acme', keywords: ['acme'], exclude: [], competitors: [] },
  { id: 'globex', name: 'Globex', keywords: ['globex'], exclude: [], competitors: [] },
]);

const ORIGIN: MentionOrigin = { sourceId: 'news', sourceType: 'rss', seenAt: new Date('2026-11-25T12:00:00Z'), backfill: false };

function itemWith(fields: Partial<SourceItem> = {}): SourceItem {
  return {
    externalId: null,
    url: 'https://news.example/story',
    title: null,
    text: 'Acme shipped the anvil.',
    author: null,
    lang: 'en',
    publishedAt: new Date('2026-11-25T10:00:00Z'),
    reach: null,
    ...fields,
  };
}

describe('toMentions', () => {
  it('merges the brands of two copies of one story (same canonical URL) into one mention', () => {
    const acmeCopy = itemWith({
      externalId: 'guid-a',
      url: 'https://News.Example/story?utm_source=feed#top',
      title: 'Acme ships',
      text: 'Acme shipped the anvil.',
    });
    const globexCopy = itemWith({
      externalId: 'guid-b',
      url: 'https://news.example/story?utm_medium=social&fbclid=abc#comments',
      title: 'Globex answers',
      text: 'Globex answered within the hour.',
    });
    const mentions = toMentions([acmeCopy, globexCopy], rules, ORIGIN);
    expect(mentions).toEqual([
      {
        id: mentionId('https://news.example/story', 'rss', 'guid-a'),
        sourceId: 'news',
        sourceType: 'rss',
        externalId: 'guid-a',
        url: 'https://news.example/story',
        title: 'Acme ships',
        text: 'Acme shipped the anvil.',
        author: null,
        lang: 'en',
        publishedAt: '2026-11-25T10:00:00.000Z',
        seenAt: '2026-11-25T12:00:00.000Z',
        brands: ['acme', 'globex'],
        backfill: false,
        reach: null,
      },
    ]);
  });

  it('lists a brand once when both copies mention it', () => {
    const first = itemWith({ url: 'https://news.example/story#a', text: 'Acme and Globex' });
    const second = itemWith({ url: 'https://news.example/story#b', text: 'Globex and Acme again' });
    expect(toMentions([first, second], rules, ORIGIN).map((mention) => mention.brands)).toEqual([['acme', 'globex']]);
  });

  it('keeps stories at different URLs apart', () => {
    const mentions = toMentions(
      [itemWith({ url: 'https://news.example/one', text: 'Acme' }), itemWith({ url: 'https://news.example/two', text: 'Globex' })],
      rules,
      ORIGIN,
    );
    expect(mentions.map((mention) => [mention.url, mention.brands])).toEqual([
      ['https://news.example/one', ['acme']],
      ['https://news.example/two', ['globex']],
    ]);
  });

  it('cleans items: no control characters, no implausible dates, no impossible reach in the mention', () => {
    const [mention] = toMentions(
      [
        itemWith({
          externalId: 'guid\u0000-1',
          title: 'Acme\u0000 ships',
          text: 'Acme\u0007 shipped\u007f the anvil.',
          author: '\u0000',
          publishedAt: new Date(Date.UTC(20026, 0, 1)),
          reach: Number.NaN,
        }),
      ],
      rules,
      ORIGIN,
    );
    expect(mention).toMatchObject({
      externalId: 'guid-1',
      title: 'Acme ships',
      text: 'Acme shipped the anvil.',
      author: null,
      publishedAt: null,
      reach: null,
    });
  });

  it('turns an Invalid Date into a null publishedAt instead of throwing', () => {
    const mentions = toMentions([itemWith({ publishedAt: new Date('garbage') })], rules, ORIGIN);
    expect(mentions.map((mention) => mention.publishedAt)).toEqual([null]);
  });

  it('matches on the cleaned text: a control character inside a brand name does not hide it', () => {
    const mentions = toMentions([itemWith({ text: 'The Ac\u0000me anvil' })], rules, ORIGIN);
    expect(mentions.map((mention) => mention.brands)).toEqual([['acme']]);
  });

  it('drops a matching item with neither a URL nor an external id', () => {
    expect(toMentions([itemWith({ url: null, externalId: null, text: 'Acme' })], rules, ORIGIN)).toEqual([]);
  });

  it('drops a matching item whose URL and external id are nothing but control characters and spaces', () => {
    expect(toMentions([itemWith({ url: ' \u0000 ', externalId: '\u0000\u0001', text: 'Acme' })], rules, ORIGIN)).toEqual([]);
  });

  it('keeps a matching item without URL that has an external id, identified by it', () => {
    const mentions = toMentions([itemWith({ url: null, externalId: 'guid-7', text: 'Acme' })], rules, ORIGIN);
    expect(mentions.map((mention) => [mention.id, mention.url, mention.externalId])).toEqual([
      [mentionId(null, 'rss', 'guid-7'), null, 'guid-7'],
    ]);
  });
});

describe('matchItem', () => {
  it('returns the cleaned item with its canonical URL and brands', () => {
    const matched = matchItem(
      itemWith({
        externalId: 'guid-1\u0000',
        url: 'https://news.example/story?utm_source=x#top',
        title: '\u0000Globex\u007f news ',
        text: 'Ac\u0000me',
        publishedAt: new Date('1800-01-01T00:00:00Z'),
        reach: -5,
      }),
      rules,
    );
    expect(matched).toEqual({
      item: {
        externalId: 'guid-1',
        url: 'https://news.example/story?utm_source=x#top',
        title: 'Globex news',
        text: 'Acme',
        author: null,
        lang: 'en',
        publishedAt: null,
        reach: null,
      },
      url: 'https://news.example/story',
      brands: ['acme', 'globex'],
    });
  });
});

describe('matching with brand queries', () => {
  const queryRules = compileBrandRules([
    { id: 'acme', name: 'Acme', query: '(acme OR #acme) -site:acme-fruit.example lang:en', exclude: [], competitors: [] },
    { id: 'globex-pl', name: 'Globex Polska', query: 'globex lang:pl', exclude: [], competitors: [] },
    { id: 'initech', name: 'Initech', keywords: ['initech'], exclude: [], competitors: [] },
  ]);
  const POLISH = 'Globex i Initech otworzyły nowe biuro w Łodzi, a klienci są bardzo zadowoleni z obsługi.';
  const ENGLISH = 'Globex and Initech opened a new office in Lodz and the customers are very happy with it.';

  const brandsOf = (fields: Partial<SourceItem>) => matchItem(itemWith(fields), queryRules).brands;

  it('matches a query brand on the text, the item URL and the language the source gave', () => {
    expect(brandsOf({ url: 'https://news.example/a', lang: 'en-US', text: 'Big day for #acme' })).toEqual(['acme']);
  });

  it('leaves out a query brand whose -site: covers the item URL, subdomains included', () => {
    expect(brandsOf({ url: 'https://www.acme-fruit.example/a', lang: 'en', text: 'Acme apples' })).toEqual([]);
  });

  it('leaves out a query brand whose lang: differs from the language the source gave', () => {
    expect(brandsOf({ url: 'https://news.example/a', lang: 'pl', text: 'Acme w Łodzi' })).toEqual([]);
  });

  it('detects the language when the source gave none, next to a keyword brand', () => {
    expect(brandsOf({ lang: null, text: POLISH })).toEqual(['globex-pl', 'initech']);
    expect(brandsOf({ lang: null, text: ENGLISH })).toEqual(['initech']);
  });

  it('stores a query-matched mention with the brands that matched', () => {
    const mentions = toMentions([itemWith({ lang: null, title: 'Acme', text: POLISH })], queryRules, ORIGIN);
    expect(mentions.map((mention) => [mention.lang, mention.brands])).toEqual([[null, ['globex-pl', 'initech']]]);
  });

  it('masks a query brand\'s positive terms in sentiment scoring, not its exclusions', () => {
    const phrases = brandKeywordPhrases([
      { id: 'acme', name: 'Acme', query: '"acme corp" OR #acme -"acme fruit" -site:acme.example', exclude: [], competitors: [] },
    ]);
    expect(phrases.get('acme')).toEqual([
      [
        { word: 'acme', marker: '' },
        { word: 'corp', marker: '' },
      ],
      [{ word: 'acme', marker: '#' }],
    ]);
  });

  it('refuses a brand with neither keywords nor a query', () => {
    expect(() => compileBrandRules([{ id: 'acme', name: 'Acme', exclude: [], competitors: [] }])).toThrow(
      'brand "acme" has neither keywords nor a query',
    );
  });
});

describe('previewSource', () => {
  // An in-memory source: preview only calls poll(), and these items are what a feed could hand over.
  function sourceOf(items: SourceItem[]): Source {
    return {
      config: { id: 'news', type: 'rss', every: 300_000 },
      poll: () => Promise.resolve({ items, nextState: {} }),
    };
  }

  it('shows the cleaned item: no control characters, an implausible or invalid date as null', async () => {
    const result = await previewSource(
      sourceOf([
        itemWith({ externalId: 'guid-1', title: 'Acme\u0000 ships', publishedAt: new Date(Date.UTC(20026, 0, 1)) }),
        itemWith({ externalId: 'guid-2', url: 'https://news.example/other', text: 'Globex', publishedAt: new Date('nope') }),
      ]),
      { brandRules: rules, http: createHttpClient(), logger: createLogger('silent') },
    );
    expect(result).toEqual({
      ok: true,
      warning: null,
      lines: [
        {
          id: mentionId('https://news.example/story', 'rss', 'guid-1'),
          external_id: 'guid-1',
          url: 'https://news.example/story',
          title: 'Acme ships',
          text: 'Acme shipped the anvil.',
          author: null,
          lang: 'en',
          published_at: null,
          brands: ['acme'],
        },
        {
          id: mentionId('https://news.example/other', 'rss', 'guid-2'),
          external_id: 'guid-2',
          url: 'https://news.example/other',
          title: null,
          text: 'Globex',
          author: null,
          lang: 'en',
          published_at: null,
          brands: ['globex'],
        },
      ],
    });
  });
});
