// Feed parsing without a network: RSS 0.91/2.0, RSS 1.0 (RDF) and Atom normalised into items, bad bodies classified,
// and body bytes decoded by BOM, HTTP charset, XML prolog or UTF-8.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/net/http-client.js';
import { parseFeedItems } from '../../src/sources/rss.js';
import { SourceError } from '../../src/sources/source-error.js';
import { decodeXmlBody } from '../../src/sources/xml-charset.js';

const FEED_URL = 'https://Feeds.Example/news/feed.xml';
const POLISH = 'Zażółć gęślą jaźń';

// "Zażółć gęślą jaźń" written byte by byte, since Node can decode these charsets but not encode them.
const POLISH_WINDOWS_1250 = [0x5a, 0x61, 0xbf, 0xf3, 0xb3, 0xe6, 0x20, 0x67, 0xea, 0x9c, 0x6c, 0xb9, 0x20, 0x6a, 0x61, 0x9f, 0xf1];
const POLISH_ISO_8859_2 = [0x5a, 0x61, 0xbf, 0xf3, 0xb3, 0xe6, 0x20, 0x67, 0xea, 0xb6, 0x6c, 0xb1, 0x20, 0x6a, 0x61, 0xbc, 0xf1];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function feedResponse(body: string | Buffer, contentType: string | null = 'application/rss+xml'): HttpResponse {
  const headers = new Headers();
  if (contentType !== null) headers.set('content-type', contentType);
  return { status: 200, headers, url: FEED_URL, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

async function parseError(body: string | Buffer, contentType?: string | null): Promise<SourceError> {
  try {
    await parseFeedItems(feedResponse(body, contentType));
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('the body was accepted as a feed');
}

const RSS_2 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>News Example</title>
    <link>https://news.example/</link>
    <language>en-us</language>
    <item>
      <title>Acme &amp; friends</title>
      <link>https://news.example/acme?utm_source=rss</link>
      <guid isPermaLink="false">news-1</guid>
      <pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>
      <dc:creator> Wile E. </dc:creator>
      <description>Short teaser</description>
      <content:encoded><![CDATA[<p>Full &amp; <b>rich</b> story, it&#8217;s&nbsp;here.</p><script>track()</script><p>Second paragraph.</p>]]></content:encoded>
    </item>
    <item>
      <title>Permalink guid only</title>
      <guid>https://news.example/two</guid>
      <pubDate>sometime last week</pubDate>
      <description>&lt;p&gt;Escaped &lt;em&gt;HTML&lt;/em&gt; &amp;amp; entities&lt;/p&gt;</description>
    </item>
    <item>
      <title>Link only</title>
      <link>/three</link>
      <pubDate>Wed, 25 Nov 2026 12:00:00 GMT</pubDate>
      <author>editor@news.example (Ed)</author>
    </item>
  </channel>
</rss>`;

const RSS_0_91 = `<?xml version="1.0"?>
<rss version="0.91">
  <channel>
    <title>Old Feed</title>
    <link>https://old.example/</link>
    <description>An old feed</description>
    <language>pl-PL</language>
    <item>
      <title>Acme in 1999</title>
      <link>https://old.example/1999</link>
      <description>Plain text description</description>
    </item>
  </channel>
</rss>`;

const RSS_1_0 = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF Feed</title>
    <link>https://rdf.example/</link>
    <description>RSS 1.0</description>
  </channel>
  <item rdf:about="https://rdf.example/items/1">
    <title>RDF item</title>
    <link>https://rdf.example/items/1</link>
    <description>Text &lt;b&gt;one&lt;/b&gt;</description>
    <dc:creator>Jan Kowalski</dc:creator>
    <dc:date>2026-11-25T10:00:00Z</dc:date>
  </item>
</rdf:RDF>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Blog Example</title>
  <id>tag:blog.example,2026:feed</id>
  <updated>2026-11-25T16:00:00Z</updated>
  <entry>
    <title type="html">Acme &lt;em&gt;rocks&lt;/em&gt;</title>
    <id>tag:blog.example,2026:1</id>
    <link rel="alternate" href="/posts/1#top"/>
    <published>not a date at all</published>
    <updated>also not a date</updated>
    <author><name>Road Runner</name></author>
    <content type="html">&lt;p&gt;Meep &amp;amp; meep&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Second entry</title>
    <id>tag:blog.example,2026:2</id>
    <link rel="alternate" href="https://blog.example/posts/2"/>
    <published>2026-11-25T09:00:00Z</published>
    <updated>2026-11-25T09:30:00Z</updated>
    <summary>A summary</summary>
  </entry>
</feed>`;

describe('parseFeedItems', () => {
  it('normalises RSS 2.0 items: ids, links, text, dates, authors and language', async () => {
    expect(await parseFeedItems(feedResponse(RSS_2))).toEqual([
      {
        externalId: 'news-1',
        url: 'https://news.example/acme?utm_source=rss',
        title: 'Acme & friends',
        text: 'Full & rich story, it’s here.\nSecond paragraph.',
        author: 'Wile E.',
        lang: 'en',
        publishedAt: new Date('2026-11-25T10:00:00Z'),
        reach: null,
      },
      {
        externalId: 'https://news.example/two',
        url: 'https://news.example/two',
        title: 'Permalink guid only',
        text: 'Escaped HTML & entities',
        author: null,
        lang: 'en',
        publishedAt: null,
        reach: null,
      },
      {
        // No guid: the link is the id, resolved like the URL itself.
        externalId: 'https://feeds.example/three',
        url: 'https://feeds.example/three',
        title: 'Link only',
        text: '',
        author: 'editor@news.example (Ed)',
        lang: 'en',
        publishedAt: new Date('2026-11-25T12:00:00Z'),
        reach: null,
      },
    ]);
  });

  it('normalises RSS 0.91 items', async () => {
    expect(await parseFeedItems(feedResponse(RSS_0_91))).toEqual([
      {
        externalId: 'https://old.example/1999',
        url: 'https://old.example/1999',
        title: 'Acme in 1999',
        text: 'Plain text description',
        author: null,
        lang: 'pl',
        publishedAt: null,
        reach: null,
      },
    ]);
  });

  it('normalises RSS 1.0 (RDF) items with their dc:creator and dc:date', async () => {
    expect(await parseFeedItems(feedResponse(RSS_1_0, 'application/rdf+xml'))).toEqual([
      {
        externalId: 'https://rdf.example/items/1',
        url: 'https://rdf.example/items/1',
        title: 'RDF item',
        text: 'Text one',
        author: 'Jan Kowalski',
        lang: null,
        publishedAt: new Date('2026-11-25T10:00:00Z'),
        reach: null,
      },
    ]);
  });

  it('normalises Atom entries: id, resolved link, HTML title and content, author, and a bad date as null', async () => {
    expect(await parseFeedItems(feedResponse(ATOM, 'application/atom+xml'))).toEqual([
      {
        externalId: 'tag:blog.example,2026:1',
        url: 'https://feeds.example/posts/1#top',
        title: 'Acme rocks',
        text: 'Meep & meep',
        author: 'Road Runner',
        lang: null,
        publishedAt: null,
        reach: null,
      },
      {
        externalId: 'tag:blog.example,2026:2',
        url: 'https://blog.example/posts/2',
        title: 'Second entry',
        text: 'A summary',
        author: null,
        lang: null,
        publishedAt: new Date('2026-11-25T09:00:00Z'),
        reach: null,
      },
    ]);
  });

  it('keeps a feed whose entries have an empty title with attributes, or an XHTML title, reading that text in order', async () => {
    const atom = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><id>urn:note-1</id><title type="text"></title><content type="html">Acme note</content></entry>
  <entry><id>urn:note-2</id><title type="html"/><summary>Acme again</summary></entry>
  <entry><id>urn:post-3</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Acme <b>rocks</b> &amp; rolls</div></title>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First <em>Acme</em> paragraph</p><p>Second</p></div></content></entry>
  <entry><id>urn:post-4</id><title type="xhtml"/><summary>Untitled</summary></entry>
</feed>`;
    const rss = '<rss version="2.0"><channel><item><title type="html"></title><link>https://rss.example/1</link><description>Acme</description></item></channel></rss>';
    const items = [...(await parseFeedItems(feedResponse(atom, 'application/atom+xml'))), ...(await parseFeedItems(feedResponse(rss)))];
    expect(items.map(({ externalId, title, text }) => ({ externalId, title, text }))).toEqual([
      { externalId: 'urn:note-1', title: null, text: 'Acme note' },
      { externalId: 'urn:note-2', title: null, text: 'Acme again' },
      { externalId: 'urn:post-3', title: 'Acme rocks & rolls', text: 'First Acme paragraph\nSecond' },
      { externalId: 'urn:post-4', title: null, text: 'Untitled' },
      { externalId: 'https://rss.example/1', title: null, text: 'Acme' },
    ]);
  });

  it('reads a YouTube video’s description and a Media RSS title, the only text such feeds carry', async () => {
    const youtube = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
  <title>Gadget Reviews</title>
  <entry>
    <id>yt:video:dQw4w9WgXcQ</id>
    <yt:videoId>dQw4w9WgXcQ</yt:videoId>
    <title>My new desk setup</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
    <author><name>Gadget Reviews</name></author>
    <published>2026-12-01T10:00:00+00:00</published>
    <media:group>
      <media:title>My new desk setup</media:title>
      <media:content url="https://www.youtube.com/v/dQw4w9WgXcQ" type="application/x-shockwave-flash" width="640" height="390"/>
      <media:thumbnail url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg" width="480" height="360"/>
      <media:description>This video is sponsored by Acme &amp; Co.
Use code DESK for 10% off.</media:description>
    </media:group>
  </entry>
</feed>`;
    const podcast = `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>
  <link>https://pod.example/42</link><media:title>Episode 42</media:title><media:description type="html">&lt;p&gt;Acme&lt;/p&gt;</media:description>
</item></channel></rss>`;
    const [video] = await parseFeedItems(feedResponse(youtube, 'application/atom+xml'));
    const [episode] = await parseFeedItems(feedResponse(podcast));
    expect(video).toMatchObject({ externalId: 'yt:video:dQw4w9WgXcQ', title: 'My new desk setup', text: 'This video is sponsored by Acme & Co.\nUse code DESK for 10% off.' });
    expect(episode).toMatchObject({ url: 'https://pod.example/42', title: 'Episode 42', text: 'Acme' });
  });

  it('takes an Atom entry’s alternate link (a link without rel is one) resolved against xml:base, and its xml:lang', async () => {
    const atom = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example/blog/" xml:lang="de">
  <entry><id>urn:1</id><title>a</title><link href="posts/1"/></entry>
  <entry xml:base="/archive/2026/" xml:lang="pl-PL"><id>urn:2</id><title>b</title><link href="2.html"/></entry>
  <entry><id>urn:3</id><title>c</title>
    <link rel="self" type="application/atom+xml" href="https://api.example/entries/3"/>
    <link rel="edit" href="https://api.example/entries/3/edit"/>
    <link href="https://blog.example/3"/></entry>
  <entry><id>urn:4</id><title>d</title>
    <link rel="alternate" type="application/pdf" href="/4.pdf"/><link rel="alternate" type="text/html" href="/4.html"/></entry>
  <entry><id>urn:5</id><title>e</title><link rel="enclosure" type="audio/mpeg" href="https://media.example/5.mp3"/></entry>
  <entry><id>urn:6</id><title>f</title><link xml:base="https://other.example/x/" href="6"/></entry>
</feed>`;
    const items = await parseFeedItems(feedResponse(atom, 'application/atom+xml'));
    expect(items.map(({ externalId, url, lang }) => ({ externalId, url, lang }))).toEqual([
      { externalId: 'urn:1', url: 'https://cdn.example/blog/posts/1', lang: 'de' },
      { externalId: 'urn:2', url: 'https://cdn.example/archive/2026/2.html', lang: 'pl' },
      { externalId: 'urn:3', url: 'https://blog.example/3', lang: 'de' },
      { externalId: 'urn:4', url: 'https://cdn.example/4.html', lang: 'de' },
      { externalId: 'urn:5', url: 'https://media.example/5.mp3', lang: 'de' },
      { externalId: 'urn:6', url: 'https://other.example/x/6', lang: 'de' },
    ]);
  });

  it('reads an Atom feed whose links are written as text, RSS-style', async () => {
    const atom = `<?xml version="1.0"?>\n<!-- mirrors the <rss> edition -->\n<feed xmlns="http://www.w3.org/2005/Atom"><link>https://text.example/</link>
  <entry><id>urn:1</id><title>Acme</title><link> https://text.example/posts/1?a=1&amp;b=2 </link></entry>
  <entry><id>urn:2</id><title>Acme two</title><link href="/posts/2"/></entry></feed>`;
    const items = await parseFeedItems(feedResponse(atom, 'application/atom+xml'));
    expect(items.map(({ externalId, url }) => ({ externalId, url }))).toEqual([
      { externalId: 'urn:1', url: 'https://text.example/posts/1?a=1&b=2' },
      { externalId: 'urn:2', url: 'https://feeds.example/posts/2' },
    ]);
  });

  it('prefers the guid over the link for the external id, and the link for the URL', async () => {
    const [first] = await parseFeedItems(feedResponse(RSS_2));
    expect(first?.externalId).toBe('news-1');
    expect(first?.url).toBe('https://news.example/acme?utm_source=rss');
  });

  it('does not take a guid that is not a URL as the permalink', async () => {
    const feed = RSS_2.replace('<link>https://news.example/acme?utm_source=rss</link>', '');
    const [first] = await parseFeedItems(feedResponse(feed));
    expect(first?.externalId).toBe('news-1');
    expect(first?.url).toBeNull();
  });

  it('keeps the other items and their dates when one RSS pubDate is unreadable', async () => {
    const items = await parseFeedItems(feedResponse(RSS_2));
    expect(items.map((item) => item.publishedAt?.toISOString() ?? null)).toEqual([
      '2026-11-25T10:00:00.000Z',
      null,
      '2026-11-25T12:00:00.000Z',
    ]);
  });

  it('reads the language from the channel language, keeping only the primary tag', async () => {
    const feed = RSS_2.replace('<language>en-us</language>', '<language>DE_at</language>');
    const items = await parseFeedItems(feedResponse(feed));
    expect(items.map((item) => item.lang)).toEqual(['de', 'de', 'de']);
  });

  it('has no language when the channel states none', async () => {
    const feed = RSS_2.replace('<language>en-us</language>', '');
    const items = await parseFeedItems(feedResponse(feed));
    expect(items.map((item) => item.lang)).toEqual([null, null, null]);
  });

  it('answers an empty list for a feed without items', async () => {
    const empty = '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>';
    expect(await parseFeedItems(feedResponse(empty))).toEqual([]);
  });

  it('rejects an HTML page as not_a_feed, naming the host and content type', async () => {
    const html = '<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><p>Hi</p></body></html>';
    const error = await parseError(html, 'text/html; charset=utf-8');
    expect(error.kind).toBe('not_a_feed');
    expect(error.message).toBe('feeds.example answered with an HTML page, not a feed (content-type text/html; charset=utf-8)');
  });

  it('rejects an HTML page behind a leading comment and whitespace as not_a_feed', async () => {
    const error = await parseError('\n  <!-- cached page -->\n<html lang="en"><body>Hi</body></html>', null);
    expect(error.kind).toBe('not_a_feed');
    expect(error.message).toBe('feeds.example answered with an HTML page, not a feed (content-type none)');
  });

  it('rejects invalid XML as a parse error with its position', async () => {
    const broken = '<?xml version="1.0"?>\n<rss version="2.0">\n  <channel><item><title>x</title></chan>\n</rss>';
    const error = await parseError(broken);
    expect(error.kind).toBe('parse');
    expect(error.message).toMatch(/^invalid XML from feeds\.example: Unexpected close tag at line 3, column \d+$/);
  });

  it('reads an <rss> feed that states no version as RSS 2.0', async () => {
    const feed = '<?xml version="1.0"?><rss><channel><title>t</title><item><title>Acme</title><link>https://v.example/1</link></item></channel></rss>';
    expect(await parseFeedItems(feedResponse(feed))).toMatchObject([{ externalId: 'https://v.example/1', title: 'Acme' }]);
  });

  it('reports a broken feed as broken even right after one with two XML errors, and then reads a good one', async () => {
    const twoErrors = '<rss version="2.0"><channel><item><title>a</title></chanel></rss>';
    const oneError = '<rss version="2.0"><channel><item><title>b</title><link>https://b.example/1</link></item></channel></rs>';
    const verdicts = [];
    for (const body of [twoErrors, twoErrors, oneError, RSS_0_91]) {
      try {
        verdicts.push((await parseFeedItems(feedResponse(body))).map((item) => item.title));
      } catch (error) {
        verdicts.push(error instanceof SourceError ? error.message : error);
      }
    }
    expect(verdicts).toEqual([
      'invalid XML from feeds.example: Unexpected close tag at line 1, column 59',
      'invalid XML from feeds.example: Unexpected close tag at line 1, column 59',
      'invalid XML from feeds.example: Unexpected close tag at line 1, column 104',
      ['Acme in 1999'],
    ]);
  });

  it('reads a feed whose only flaw is bare ampersands, leaving CDATA sections and comments as written', async () => {
    const feed = `<rss version="2.0"><channel><title>Fish & Chips Weekly</title>
<item><title>Acme & friends: R&D at AT&T</title><link>https://amp.example/?a=1&b=2&amp;c=3</link>
  <description><![CDATA[<a href="https://x.example/?q=1&r=2">Acme &amp; co</a>]]></description></item>
<!-- generated by Tom & Jerry's CMS -->
<item><title>Fish &amp; chips &copy; &#169; &#xA9;</title><link><![CDATA[https://amp.example/?x=1&y=2]]></link></item>
</channel></rss>`;
    expect((await parseFeedItems(feedResponse(feed))).map(({ url, title, text }) => ({ url, title, text }))).toEqual([
      { url: 'https://amp.example/?a=1&b=2&c=3', title: 'Acme & friends: R&D at AT&T', text: 'Acme & co' },
      { url: 'https://amp.example/?x=1&y=2', title: 'Fish & chips © © ©', text: '' },
    ]);
  });

  it('still refuses an entity the feed declares itself (no expansion, however small), and reports the first error of a feed broken beyond its ampersands', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2; & more</title><link>https://bomb.example/1</link></item></channel></rss>`;
    expect((await parseError(bomb)).message).toBe('invalid XML from feeds.example: Invalid character entity at line 2, column 47');
    const broken = '<rss version="2.0"><channel>\n<item><title>Acme & co</title></itemm></channel></rss>';
    expect((await parseError(broken)).message).toBe('invalid XML from feeds.example: Invalid character in entity name at line 2, column 20');
  });

  it('rejects well-formed XML that is neither RSS nor Atom as not_a_feed', async () => {
    const error = await parseError('<?xml version="1.0"?>\n<note><to>Tove</to><body>Hi</body></note>', 'application/xml');
    expect(error.kind).toBe('not_a_feed');
    expect(error.message).toBe('feeds.example answered with XML that is not RSS or Atom');
  });

  it('says what came instead of a feed: an empty body, JSON, plain text, binary data, RSS without a channel', async () => {
    const verdicts = [];
    for (const [body, contentType] of [
      ['', 'application/rss+xml'],
      ['  {"version":"https://jsonfeed.org/version/1.1","items":[]}', 'application/feed+json'],
      ['Service temporarily unavailable, try again later please', null],
      [gzipSync('<rss version="2.0"></rss>'), 'application/x-gzip'],
      ['<?xml version="1.0"?><rss version="2.0"><title>no channel</title></rss>', 'application/rss+xml'],
      ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', 'application/rdf+xml'],
    ] as const) {
      const error = await parseError(body, contentType);
      verdicts.push(`${error.kind}: ${error.message}`);
    }
    expect(verdicts).toEqual([
      'not_a_feed: feeds.example answered HTTP 200 with an empty body, not a feed (content-type application/rss+xml)',
      'not_a_feed: feeds.example answered HTTP 200 with JSON (a JSON Feed is not supported: use the site’s RSS or Atom feed), not a feed (content-type application/feed+json)',
      'not_a_feed: feeds.example answered HTTP 200 with text that is not XML ("Service temporarily unavailable, try aga…"), not a feed (content-type none)',
      'not_a_feed: feeds.example answered HTTP 200 with binary data (compressed without saying so, or not text), not a feed (content-type application/x-gzip)',
      'not_a_feed: feeds.example answered with an <rss> document without a <channel>',
      'not_a_feed: feeds.example answered with an <rdf:RDF> document without a <channel>',
    ]);
  });

  it('reads a windows-1250 feed named in its prolog', async () => {
    const head = Buffer.from(
      '<?xml version="1.0" encoding="windows-1250"?>\n<rss version="2.0"><channel><title>PL</title><item><title>',
      'latin1',
    );
    const tail = Buffer.from('</title><link>https://pl.example/1</link></item></channel></rss>', 'latin1');
    const body = Buffer.concat([head, Buffer.from(POLISH_WINDOWS_1250), tail]);
    const [item] = await parseFeedItems(feedResponse(body, 'application/rss+xml'));
    expect(item?.title).toBe(POLISH);
  });
});

describe('parseFeedItems on large texts', () => {
  it('reads a description of 100,000 escaped "<" without a ">" in one pass', async () => {
    // rss-parser's snippet of it scanned to the end from every "<" (minutes at this size); the text is as before.
    const description = 'a&lt;p '.repeat(100_000);
    const feed = `<rss version="2.0"><channel><title>T</title><item><title>Acme</title><link>https://news.example/1</link><description>${description}</description></item></channel></rss>`;
    const [item] = await parseFeedItems(feedResponse(feed));
    expect(item?.text).toBe('a<p '.repeat(100_000).trim());
  });
});

describe('a feed nested too deeply', () => {
  it('is refused saying so, not with the stack overflow of the code that reads it', async () => {
    const depth = 20_000;
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>acme</title><link>https://news.example/1</link><description>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</description></item></channel></rss>`;
    const error = await parseError(body);
    expect(error.kind).toBe('parse');
    expect(error.message).toBe('feeds.example answered with XML nested too deeply to read (elements thousands of levels inside each other)');
  });
});

describe('decodeXmlBody', () => {
  const prolog = (encoding: string) => Buffer.from(`<?xml version="1.0" encoding="${encoding}"?><t>`, 'latin1');
  const document = (encoding: string, text: number[]) => Buffer.concat([prolog(encoding), Buffer.from(text), Buffer.from('</t>')]);

  it('decodes windows-1250 named in the prolog', () => {
    expect(decodeXmlBody(document('windows-1250', POLISH_WINDOWS_1250), 'application/rss+xml')).toBe(
      `<?xml version="1.0" encoding="windows-1250"?><t>${POLISH}</t>`,
    );
  });

  it('decodes ISO-8859-2 named in the prolog', () => {
    expect(decodeXmlBody(document('ISO-8859-2', POLISH_ISO_8859_2), null)).toBe(
      `<?xml version="1.0" encoding="ISO-8859-2"?><t>${POLISH}</t>`,
    );
  });

  it('reads a single-quoted prolog encoding', () => {
    const body = Buffer.concat([Buffer.from("<?xml version='1.0' encoding='iso-8859-2'?><t>"), Buffer.from(POLISH_ISO_8859_2), Buffer.from('</t>')]);
    expect(decodeXmlBody(body, null)).toBe(`<?xml version='1.0' encoding='iso-8859-2'?><t>${POLISH}</t>`);
  });

  it('lets the HTTP charset win over the prolog', () => {
    // The bytes are windows-1250; the prolog wrongly claims ISO-8859-2, which would turn ś, ą and ź into other letters.
    const body = document('ISO-8859-2', POLISH_WINDOWS_1250);
    expect(decodeXmlBody(body, 'application/rss+xml; charset=windows-1250')).toContain(`<t>${POLISH}</t>`);
    expect(decodeXmlBody(body, 'application/rss+xml; charset="Windows-1250"')).toContain(`<t>${POLISH}</t>`);
    expect(decodeXmlBody(body, 'application/rss+xml')).not.toContain(POLISH);
  });

  it('reads UTF-8 bytes as UTF-8 when a server’s default charset labels them ISO-8859-1 or ISO-8859-2', () => {
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><t>${POLISH}</t>`, 'utf8');
    expect(decodeXmlBody(body, 'text/xml; charset=ISO-8859-1')).toBe(`<?xml version="1.0" encoding="UTF-8"?><t>${POLISH}</t>`);
    expect(decodeXmlBody(body, 'application/rss+xml; charset=iso-8859-2')).toBe(`<?xml version="1.0" encoding="UTF-8"?><t>${POLISH}</t>`);
    const unlabelled = Buffer.from(`<?xml version="1.0" encoding="windows-1250"?><t>${POLISH}</t>`, 'utf8');
    expect(decodeXmlBody(unlabelled, null)).toBe(`<?xml version="1.0" encoding="windows-1250"?><t>${POLISH}</t>`);
  });

  it('keeps a single-byte label on bytes that are not UTF-8, and on plain ASCII', () => {
    expect(decodeXmlBody(document('ISO-8859-2', POLISH_ISO_8859_2), 'text/xml; charset=iso-8859-2')).toContain(`<t>${POLISH}</t>`);
    // Latin-1 letters beyond ASCII (é is 0xE9, followed by a space) are no valid UTF-8: the label stands.
    const latin1 = Buffer.from('<t>café ½ ü</t>', 'latin1');
    expect(decodeXmlBody(latin1, 'text/xml; charset=iso-8859-1')).toBe('<t>café ½ ü</t>');
    expect(decodeXmlBody(Buffer.from('<t>plain</t>'), 'text/xml; charset=iso-8859-1')).toBe('<t>plain</t>');
  });

  it('lets a UTF-8 byte-order mark win over the HTTP charset and the prolog, and drops it', () => {
    const body = Buffer.concat([Buffer.from(UTF8_BOM), Buffer.from(`<?xml version="1.0" encoding="windows-1250"?><t>${POLISH}</t>`, 'utf8')]);
    expect(decodeXmlBody(body, 'text/xml; charset=iso-8859-2')).toBe(`<?xml version="1.0" encoding="windows-1250"?><t>${POLISH}</t>`);
  });

  it('decodes UTF-8 when neither the HTTP header nor the prolog names a charset', () => {
    const body = Buffer.from(`<?xml version="1.0"?><t>${POLISH}</t>`, 'utf8');
    expect(decodeXmlBody(body, 'application/rss+xml')).toBe(`<?xml version="1.0"?><t>${POLISH}</t>`);
    expect(decodeXmlBody(Buffer.from(`<t>${POLISH}</t>`, 'utf8'), null)).toBe(`<t>${POLISH}</t>`);
  });

  it('falls back to UTF-8 for a charset it does not know', () => {
    const body = Buffer.from(`<t>${POLISH}</t>`, 'utf8');
    expect(decodeXmlBody(body, 'application/xml; charset=x-no-such-charset')).toBe(`<t>${POLISH}</t>`);
  });

  it('decodes a UTF-16LE body announced by its byte-order mark', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<t>${POLISH}</t>`, 'utf16le')]);
    expect(decodeXmlBody(body, null)).toBe(`<t>${POLISH}</t>`);
  });
});
