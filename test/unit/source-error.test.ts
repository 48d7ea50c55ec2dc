// Poll failures classified for the health model: auth, rate limits (with Retry-After), HTTP errors; no stack traces.
import { describe, expect, it } from 'vitest';
import { OutboundError } from '../../src/net/outbound-error.js';
import { SourceError, httpStatusError, parseRetryAfter, toSourceError } from '../../src/sources/source-error.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const FEED_URL = 'https://feeds.example:8443/news/feed.xml';

describe('httpStatusError', () => {
  it.each([401, 403])('classifies %i as auth_failed', (status) => {
    const error = httpStatusError(status, FEED_URL, null, NOW);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.kind).toBe('auth_failed');
    expect(error.message).toBe(`HTTP ${status} from feeds.example:8443: access denied; check the source's credentials`);
    expect(error.retryAfterMs).toBeNull();
  });

  it('classifies 429 with Retry-After in seconds as rate_limited with the wait', () => {
    const error = httpStatusError(429, FEED_URL, '120', NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toBe('HTTP 429 from feeds.example:8443: rate limited; retrying after 120 s');
  });

  it('classifies 429 with Retry-After as an HTTP date as rate_limited with the time until then', () => {
    const error = httpStatusError(429, FEED_URL, 'Wed, 25 Nov 2026 12:01:30 GMT', NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(90_000);
    expect(error.message).toBe('HTTP 429 from feeds.example:8443: rate limited; retrying after 90 s');
  });

  it('states the wait it keeps, at most a day, when Retry-After asks for longer (it said 2299755006 s, retry_at a day on)', () => {
    for (const retryAfter of ['Wed, 21 Oct 2099 07:28:00 GMT', '31536000']) {
      const error = httpStatusError(429, FEED_URL, retryAfter, NOW);
      expect(error.retryAfterMs).toBe(86_400_000);
      expect(error.message).toBe('HTTP 429 from feeds.example:8443: rate limited; retrying after 86400 s');
    }
  });

  it('classifies 429 without Retry-After as rate_limited with no wait given', () => {
    const error = httpStatusError(429, FEED_URL, null, NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeNull();
    expect(error.message).toBe('HTTP 429 from feeds.example:8443: rate limited');
  });

  it('classifies 503 with Retry-After as rate_limited and without it as http', () => {
    expect(httpStatusError(503, FEED_URL, '30', NOW)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    const plain = httpStatusError(503, FEED_URL, null, NOW);
    expect(plain.kind).toBe('http');
    expect(plain.message).toBe('HTTP 503 from feeds.example:8443');
  });

  it.each([404, 410])('names the URL for %i', (status) => {
    const error = httpStatusError(status, FEED_URL, null, NOW);
    expect(error.kind).toBe('http');
    expect(error.message).toBe(`HTTP ${status} from feeds.example:8443: the feed is not at ${FEED_URL} (moved or deleted?)`);
  });

  // Feed URLs carry tokens and signatures; this message reaches the API and the logs.
  it.each([404, 410])('leaves the query string out of the URL named for %i', (status) => {
    const error = httpStatusError(status, 'https://feeds.example/private.xml?token=s3cr3t&sig=abc', null, NOW);
    expect(error.kind).toBe('http');
    expect(error.message).toBe(
      `HTTP ${status} from feeds.example: the feed is not at https://feeds.example/private.xml (moved or deleted?)`,
    );
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('sig=');
  });

  it('leaves credentials and the fragment out of the URL named for 404', () => {
    const error = httpStatusError(404, 'https://reader:pa55word@feeds.example:8443/news/feed.xml#latest', null, NOW);
    expect(error.message).toBe(
      'HTTP 404 from feeds.example:8443: the feed is not at https://feeds.example:8443/news/feed.xml (moved or deleted?)',
    );
  });

  it.each([500, 502, 418])('classifies %i as http', (status) => {
    const error = httpStatusError(status, FEED_URL, null, NOW);
    expect(error.kind).toBe('http');
    expect(error.message).toBe(`HTTP ${status} from feeds.example:8443`);
    expect(error.retryAfterMs).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['30', 30_000],
    [' 45 ', 45_000],
    ['Wed, 25 Nov 2026 12:01:30 GMT', 90_000],
    ['Wed, 25 Nov 2026 11:00:00 GMT', 0],
  ])('reads %j as %i ms', (value, expectedMs) => {
    expect(parseRetryAfter(value, NOW)).toBe(expectedMs);
  });

  // RFC 9110: Retry-After is an HTTP-date or a whole number of seconds; anything else is ignored, not "retry now".
  it.each([null, '', '   ', 'soon', '12abc', '-5', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});

describe('toSourceError', () => {
  it('passes a SourceError through unchanged', () => {
    const original = new SourceError('parse', 'invalid XML from feeds.example: boom', null);
    expect(toSourceError(original)).toBe(original);
  });

  it('keeps the kind and message of an OutboundError', () => {
    const converted = toSourceError(new OutboundError('timeout', 'no complete answer from feeds.example within 15 s'));
    expect(converted).toBeInstanceOf(SourceError);
    expect(converted.kind).toBe('timeout');
    expect(converted.message).toBe('no complete answer from feeds.example within 15 s');
  });

  it('keeps only the first line of an unexpected error, never its stack trace', () => {
    const unexpected = new TypeError("Cannot read properties of undefined (reading 'items')\nsecond line with detail");
    const converted = toSourceError(unexpected);
    expect(converted.kind).toBe('internal');
    expect(converted.message).toBe("unexpected error: Cannot read properties of undefined (reading 'items')");
    expect(converted.message).not.toContain('second line');
    expect(converted.message).not.toContain(unexpected.stack?.split('\n')[1] ?? 'no stack');
    expect(converted.message).not.toMatch(/\n\s+at /);
  });

  it('describes a thrown non-error value', () => {
    expect(toSourceError('boom\nmore')).toMatchObject({ kind: 'internal', message: 'unexpected error: boom', retryAfterMs: null });
  });
});
