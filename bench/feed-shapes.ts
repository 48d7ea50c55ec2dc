// Generated feeds of a given size for the feed benches (bench:feed-stall, bench:feed-memory): realistic RSS, Atom with
// XHTML content, and the most items per byte.
import { seededRandom } from './bench-support.js';

const WORDS = 'acme launches a new product and analysts say the quarterly results rose after the announcement while customers complain about an outage that initech blamed on the weather'.split(' ');

function words(count: number, random: () => number): string {
  return Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** RSS 2.0 of realistic items (title, link, guid, date, author, categories, escaped HTML description, CDATA content). */
export function rssFeed(bytes: number): string {
  const random = seededRandom(13);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>News</title><link>https://news.example/</link><language>en-us</language>\n'];
  for (let size = parts[0]!.length, index = 0; size < bytes; index++) {
    const item = `<item><title>${words(8, random)} ${index}</title><link>https://news.example/story/${index}?utm_source=rss</link><guid isPermaLink="false">story-${index}</guid><pubDate>Wed, 25 Nov 2026 10:${String(index % 60).padStart(2, '0')}:00 GMT</pubDate><dc:creator>Author ${index % 17}</dc:creator><category>business</category><description>&lt;p&gt;${words(60, random)} &lt;a href="https://news.example/x/${index}"&gt;more&lt;/a&gt;&lt;/p&gt;</description><content:encoded><![CDATA[<p>${words(120, random)}</p><p><img src="https://cdn.example/${index}.jpg"> ${words(80, random)}</p>]]></content:encoded></item>\n`;
    parts.push(item);
    size += item.length;
  }
  return `${parts.join('')}</channel></rss>\n`;
}

/** Atom with XHTML content (rewritten before parsing) and two dates per entry. */
export function atomFeed(bytes: number): string {
  const random = seededRandom(17);
  const parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>News</title><id>urn:x</id><updated>2026-11-25T10:00:00Z</updated>\n'];
  for (let size = parts[0]!.length, index = 0; size < bytes; index++) {
    const entry = `<entry><title type="html">${words(8, random)} ${index}</title><link rel="alternate" type="text/html" href="https://news.example/e/${index}"/><id>tag:news.example,2026:${index}</id><published>2026-11-25T10:00:00Z</published><updated>2026-11-25T11:00:00+01:00</updated><author><name>A ${index % 9}</name></author><summary type="html">&lt;p&gt;${words(50, random)}&lt;/p&gt;</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>${words(150, random)}</p></div></content></entry>\n`;
    parts.push(entry);
    size += entry.length;
  }
  return `${parts.join('')}</feed>\n`;
}

/** The most items per byte: a link and a one-word title each (what costs the most to match per MiB). */
export function tinyItemsFeed(bytes: number): string {
  const parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link>'];
  for (let size = 0, index = 0; size < bytes; index++) {
    const item = `<item><title>acme</title><link>https://x.example/${index}</link></item>`;
    parts.push(item);
    size += item.length;
  }
  return `${parts.join('')}</channel></rss>`;
}
