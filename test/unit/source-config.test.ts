// fetchFingerprint: changes exactly when what a source fetches changes, so a moved source starts over.
import { describe, expect, it } from 'vitest';
import { fetchFingerprint, type SourceConfig } from '../../src/sources/source-config.js';

// Fields a source kind might add (headers, credentials, nested options), to show nesting is hashed by value.
const HEADERS = { accept: 'application/rss+xml', 'x-token': 'abc', nested: { a: 1, b: [1, { c: 2, d: 3 }] } };

const BASE: SourceConfig = {
  id: 'news',
  type: 'rss',
  every: 300_000,
  brands: ['acme'],
  url: 'https://news.example/feed.xml',
  headers: HEADERS,
};

describe('fetchFingerprint', () => {
  const baseFingerprint = fetchFingerprint(BASE);

  it('is 16 hex digits and the same for the same config', () => {
    expect(baseFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fetchFingerprint(structuredClone(BASE))).toBe(baseFingerprint);
  });

  it.each<[string, SourceConfig]>([
    ['another id', { ...BASE, id: 'news-renamed' }],
    ['another interval', { ...BASE, every: 3_600_000 }],
    ['other brands', { ...BASE, brands: ['acme', 'globex'] }],
    ['no brands', { id: BASE.id, type: BASE.type, every: BASE.every, url: BASE.url, headers: HEADERS }],
    ['a silence threshold', { ...BASE, expect_every: 21_600_000 }],
    ['a body cap', { ...BASE, max_body_size: 20 * 1024 * 1024 }],
    ['a backfill window', { ...BASE, backfill: 86_400_000 }],
    ['a rotated app_password', { ...BASE, app_password: 'new-app-password' }],
    ['a rotated client_secret', { ...BASE, client_secret: 'new-secret' }],
    ['a rotated access_token', { ...BASE, access_token: 'new-token' }],
    ['a rotated API key', { ...BASE, key: 'new-key' }],
    ['a rotated credential header', { ...BASE, headers: { ...HEADERS, 'x-token': 'xyz' } }],
    ['an added Authorization header', { ...BASE, headers: { ...HEADERS, Authorization: 'Bearer abc' } }],
  ])('stays the same for %s', (_label, config) => {
    expect(fetchFingerprint(config)).toBe(baseFingerprint);
  });

  it('stays the same whatever the key order, at every depth', () => {
    const reordered: SourceConfig = {
      headers: { nested: { b: [1, { d: 3, c: 2 }], a: 1 }, 'x-token': 'abc', accept: 'application/rss+xml' },
      url: 'https://news.example/feed.xml',
      brands: ['acme'],
      every: 300_000,
      type: 'rss',
      id: 'news',
    };
    expect(fetchFingerprint(reordered)).toBe(baseFingerprint);
  });

  it.each<[string, SourceConfig]>([
    ['another URL', { ...BASE, url: 'https://news.example/feed.xml?page=2' }],
    ['another type', { ...BASE, type: 'atom' }],
    ['another Accept header', { ...BASE, headers: { ...HEADERS, accept: 'application/atom+xml' } }],
    ['a nested value changed', { ...BASE, headers: { ...HEADERS, nested: { a: 1, b: [1, { c: 2, d: 4 }] } } }],
    ['array items in another order', { ...BASE, headers: { ...HEADERS, nested: { a: 1, b: [{ c: 2, d: 3 }, 1] } } }],
  ])('changes for %s', (_label, config) => {
    expect(fetchFingerprint(config)).not.toBe(baseFingerprint);
  });

  it('ignores the password and token of a URL, not where it points', () => {
    const withSecrets = (password: string, token: string) => ({ ...BASE, url: `https://reader:${password}@news.example/feed.xml?token=${token}&page=1` });
    expect(fetchFingerprint(withSecrets('old-password', 'old-token'))).toBe(fetchFingerprint(withSecrets('new-password', 'new-token')));
    expect(fetchFingerprint({ ...withSecrets('p', 't'), url: 'https://reader:p@news.example/feed.xml?token=t&page=2' })).not.toBe(
      fetchFingerprint(withSecrets('p', 't')),
    );
  });

  it('changes when what a search source asks for changes', () => {
    expect(fetchFingerprint(BASE, '["acme"]')).not.toBe(baseFingerprint);
    expect(fetchFingerprint(BASE, '["acme"]')).not.toBe(fetchFingerprint(BASE, '["acme OR globex"]'));
    expect(fetchFingerprint(BASE, '["acme"]')).toBe(fetchFingerprint(structuredClone(BASE), '["acme"]'));
  });
});
