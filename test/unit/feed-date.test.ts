// Feed dates as sites publish them: zone names Date.parse does not know, and dates without a zone, which must mean
// the same instant on every host.
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/net/http-client.js';
import { parseFeedDate } from '../../src/sources/feed-date.js';
import { parseFeedItems } from '../../src/sources/rss.js';

const hostZone = process.env.TZ;
afterEach(() => {
  if (hostZone === undefined) delete process.env.TZ;
  else process.env.TZ = hostZone;
});

const iso = (text: string) => parseFeedDate(text)?.toISOString() ?? null;

function feedResponse(xml: string): HttpResponse {
  return { status: 200, headers: new Headers({ 'content-type': 'application/rss+xml' }), url: 'https://feeds.example/rss', body: Buffer.from(xml) };
}

describe('parseFeedDate', () => {
  it('reads no date out of a text far longer than any date, in one pass', () => {
    // 100,000 "Z (" without a closing parenthesis: the zone pattern would scan to the end from each one.
    expect(parseFeedDate(`Mon, 01 Dec 2026 10:00:00 ${'Z ('.repeat(100_000)}`)).toBeNull();
  });

  it('reads the European and Asian zone names sites write in RFC 822 dates', () => {
    expect(iso('Sat, 05 Dec 2026 10:00:00 CET')).toBe('2026-12-05T09:00:00.000Z');
    expect(iso('Sat, 04 Jul 2026 10:00:00 CEST')).toBe('2026-07-04T08:00:00.000Z');
    expect(iso('Sat, 04 Jul 2026 10:00:00 cest')).toBe('2026-07-04T08:00:00.000Z');
    expect(iso('Sat, 04 Jul 2026 10:00:00 MESZ')).toBe('2026-07-04T08:00:00.000Z');
    expect(iso('Sat, 04 Jul 2026 10:00:00 BST')).toBe('2026-07-04T09:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 EET')).toBe('2026-12-05T08:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 MSK')).toBe('2026-12-05T07:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 JST')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 AEDT')).toBe('2026-12-04T23:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 NST')).toBe('2026-12-05T13:30:00.000Z');
  });

  it('reads what Date.parse read before the same way: numeric offsets, GMT+1, US names, a (CET) comment, ISO', () => {
    expect(iso('Sat, 05 Dec 2026 10:00:00 +0100')).toBe('2026-12-05T09:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 GMT+1')).toBe('2026-12-05T09:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 GMT')).toBe('2026-12-05T10:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 EST')).toBe('2026-12-05T15:00:00.000Z');
    expect(iso('Sat, 05 Dec 2026 10:00:00 +0100 (CET)')).toBe('2026-12-05T09:00:00.000Z');
    expect(iso('2026-12-05T10:00:00Z')).toBe('2026-12-05T10:00:00.000Z');
    expect(iso('2026-12-05T10:00:00.250+01:00')).toBe('2026-12-05T09:00:00.250Z');
    expect(iso(' 2026-12-05 ')).toBe('2026-12-05T00:00:00.000Z');
  });

  it('reads a date without a zone as UTC, whatever the host’s time zone', () => {
    for (const zone of ['UTC', 'Europe/Warsaw', 'America/New_York']) {
      process.env.TZ = zone;
      expect([iso('Sat, 05 Dec 2026 10:00:00'), iso('2026-12-05T10:00:00'), iso('2026-12-05 10:00:00'), iso('05 Dec 2026')]).toEqual([
        '2026-12-05T10:00:00.000Z',
        '2026-12-05T10:00:00.000Z',
        '2026-12-05T10:00:00.000Z',
        '2026-12-05T00:00:00.000Z',
      ]);
    }
  });

  it('leaves a date with an unknown or ambiguous zone name, or no date, unread', () => {
    expect(iso('Sat, 05 Dec 2026 10:00:00 IST')).toBeNull();
    expect(iso('Sat, 05 Dec 2026 10:00:00 XYZ')).toBeNull();
    expect(iso('sometime last week')).toBeNull();
    expect(iso('')).toBeNull();
    expect(parseFeedDate(undefined)).toBeNull();
    expect(parseFeedDate({ $: { type: 'text' } })).toBeNull();
  });

  it('dates RSS items written in CEST and Atom entries written without a zone, on a host in Warsaw', async () => {
    process.env.TZ = 'Europe/Warsaw';
    const rss = `<rss version="2.0"><channel><item><title>a</title><link>https://pl.example/1</link>
      <pubDate>Sat, 04 Jul 2026 10:00:00 CEST</pubDate></item></channel></rss>`;
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:1</id><title>b</title>
      <published>2026-07-04T10:00:00</published></entry></feed>`;
    const [rssItem] = await parseFeedItems(feedResponse(rss));
    const [atomEntry] = await parseFeedItems(feedResponse(atom));
    expect(rssItem?.publishedAt?.toISOString()).toBe('2026-07-04T08:00:00.000Z');
    expect(atomEntry?.publishedAt?.toISOString()).toBe('2026-07-04T10:00:00.000Z');
  });
});
