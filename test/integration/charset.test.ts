// Feeds in Polish legacy encodings (windows-1250 declared in the XML prolog, ISO-8859-2 declared by HTTP) are decoded
// to the exact UTF-8 text, and a brand keyword without diacritics ("lodz") matches "Łódź".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

// Byte values from the code page tables (Node can decode these charsets but not encode them). Both charsets agree
// with ASCII below 0x80.
const WINDOWS_1250: Record<string, number> = {
  ą: 0xb9, ś: 0x9c, ź: 0x9f, ł: 0xb3, ż: 0xbf, ó: 0xf3, ę: 0xea, ć: 0xe6, ń: 0xf1, Ł: 0xa3, Ś: 0x8c, Ż: 0xaf,
};
const ISO_8859_2: Record<string, number> = {
  ą: 0xb1, ś: 0xb6, ź: 0xbc, ł: 0xb3, ż: 0xbf, ó: 0xf3, ę: 0xea, ć: 0xe6, ń: 0xf1, Ł: 0xa3, Ś: 0xa6, Ż: 0xaf,
};

function encodeWith(table: Record<string, number>, text: string): Buffer {
  return Buffer.from(
    [...text].map((character) => {
      const code = character.codePointAt(0) as number;
      if (code < 0x80) return code;
      const byte = table[character];
      if (byte === undefined) throw new Error(`no byte for ${character} in this test's table`);
      return byte;
    }),
  );
}

interface PolishItem {
  link: string;
  title: string;
  text: string;
}

const ACME_TITLE = 'Acme otwiera sklep: zażółć gęślą jaźń';
const ACME_TEXT = 'Świetna wiadomość dla Żor: Acme sprzedaje łopatę i gęś.';
const LODZ_TITLE = 'Łódź świętuje urodziny';
const LODZ_TEXT = 'Mieszkańcy bawią się na ulicy Piotrkowskiej.';

function polishItems(path: string): PolishItem[] {
  return [
    { link: `https://wiadomosci.example/${path}/acme`, title: ACME_TITLE, text: ACME_TEXT },
    { link: `https://wiadomosci.example/${path}/lodz`, title: LODZ_TITLE, text: LODZ_TEXT },
    { link: `https://wiadomosci.example/${path}/pogoda`, title: 'Pogoda w Poznaniu', text: 'Słońce i wiatr.' },
  ];
}

function polishFeed(prolog: string, items: PolishItem[]): string {
  const entries = items
    .map(
      (item) => `
    <item>
      <title>${item.title}</title>
      <link>${item.link}</link>
      <pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>
      <description>${item.text}</description>
    </item>`,
    )
    .join('');
  return `${prolog}
<rss version="2.0">
  <channel>
    <title>Wiadomości</title>
    <link>https://wiadomosci.example/</link>
    <language>pl</language>${entries}
  </channel>
</rss>`;
}

describe('feeds in Polish legacy encodings', () => {
  let feeds: FixtureServer;
  let system: TestSystem;

  const storedByUrl = async (source: string) => {
    const { rows } = await system.db.database.query<{ url: string; title: string; content: string; lang: string }>(
      'SELECT url, title, content, lang FROM mentions WHERE source_id = $1 ORDER BY url',
      [source],
    );
    return rows;
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    // windows-1250 named only by the prolog; the HTTP type has no charset.
    feeds.route(
      '/cp1250.xml',
      serveFeed(encodeWith(WINDOWS_1250, polishFeed('<?xml version="1.0" encoding="windows-1250"?>', polishItems('cp1250'))), 'application/xml'),
    );
    // ISO-8859-2 named only by HTTP; the prolog has no encoding, which alone would mean UTF-8.
    feeds.route(
      '/latin2.xml',
      serveFeed(encodeWith(ISO_8859_2, polishFeed('<?xml version="1.0"?>', polishItems('latin2'))), 'application/rss+xml; charset=ISO-8859-2'),
    );
    // Both name a charset and disagree: the HTTP charset wins (RFC 7303), so the ISO-8859-2 bytes decode correctly.
    feeds.route(
      '/conflict.xml',
      serveFeed(
        encodeWith(ISO_8859_2, polishFeed('<?xml version="1.0" encoding="windows-1250"?>', polishItems('conflict'))),
        'text/xml; charset="iso-8859-2"',
      ),
    );
    system = await startTestSystem({
      configYaml: `
brands:
  - id: acme
    name: Acme Polska
    keywords: ["acme"]
  - id: lodz
    name: Miasto Łódź
    keywords: ["lodz"]
sources:
  - { id: cp1250-feed, type: rss, url: "${feeds.baseUrl}/cp1250.xml", every: 1h }
  - { id: latin2-feed, type: rss, url: "${feeds.baseUrl}/latin2.xml", every: 1h }
  - { id: conflict-feed, type: rss, url: "${feeds.baseUrl}/conflict.xml", every: 1h }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('checks that the fixture bytes really are in the legacy encodings', () => {
    const cp1250 = encodeWith(WINDOWS_1250, ACME_TITLE);
    const latin2 = encodeWith(ISO_8859_2, ACME_TITLE);
    expect(cp1250.equals(Buffer.from(ACME_TITLE, 'utf8'))).toBe(false);
    // "gęślą": ę is the same byte in both, ś and ą differ.
    expect([...cp1250.subarray(-10, -5)]).toEqual([0x67, 0xea, 0x9c, 0x6c, 0xb9]);
    expect([...latin2.subarray(-10, -5)]).toEqual([0x67, 0xea, 0xb6, 0x6c, 0xb1]);
  });

  it.each([
    ['windows-1250 declared in the XML prolog', 'cp1250-feed', 'cp1250'],
    ['ISO-8859-2 declared by the HTTP Content-Type', 'latin2-feed', 'latin2'],
    ['ISO-8859-2 by HTTP overriding a windows-1250 prolog', 'conflict-feed', 'conflict'],
  ])('stores %s as the exact UTF-8 text', async (_case, sourceId, path) => {
    expect(await storedByUrl(sourceId)).toEqual([
      { url: `https://wiadomosci.example/${path}/acme`, title: ACME_TITLE, content: ACME_TEXT, lang: 'pl' },
      { url: `https://wiadomosci.example/${path}/lodz`, title: LODZ_TITLE, content: LODZ_TEXT, lang: 'pl' },
    ]);
  });

  it('serves the decoded text through the API', async () => {
    const { status, body } = await system.api('/v1/mentions?source=cp1250-feed&brand=acme');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ title: ACME_TITLE, text: ACME_TEXT, brands: ['acme'] });
  });

  it('matches the brand keyword "lodz" against "Łódź", and only there', async () => {
    const { body } = await system.api('/v1/mentions?brand=lodz');
    expect(body.data.map((mention: any) => [mention.url, mention.title, mention.brands]).sort()).toEqual([
      ['https://wiadomosci.example/conflict/lodz', LODZ_TITLE, ['lodz']],
      ['https://wiadomosci.example/cp1250/lodz', LODZ_TITLE, ['lodz']],
      ['https://wiadomosci.example/latin2/lodz', LODZ_TITLE, ['lodz']],
    ]);
    // The weather item matches no brand and is not stored at all.
    const { rows } = await system.db.database.query<{ total: number }>("SELECT count(*)::int AS total FROM mentions WHERE url LIKE '%/pogoda'");
    expect(rows[0]?.total).toBe(0);
  });

  it('finds "Łódź" by full-text search with or without diacritics', async () => {
    for (const q of ['lodz', 'Łódź', 'ŁÓDŹ']) {
      const { status, body } = await system.api(`/v1/mentions?q=${encodeURIComponent(q)}&source=latin2-feed`);
      expect(status, q).toBe(200);
      expect(body.data.map((mention: any) => mention.url), q).toEqual(['https://wiadomosci.example/latin2/lodz']);
    }
  });
});
