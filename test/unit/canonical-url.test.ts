// Canonical permalinks and the mention ids derived from them: one story, however it is linked, is one id.
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/mentions/canonical-url.js';
import { mentionId } from '../../src/mentions/mention-id.js';

describe('canonicalUrl', () => {
  it.each([
    ['lower-cases the host but keeps the path case', 'HTTPS://News.Example.COM/Story/One', 'https://news.example.com/Story/One'],
    ['drops the fragment', 'https://news.example/story#comments', 'https://news.example/story'],
    ['drops an empty fragment', 'https://news.example/story#', 'https://news.example/story'],
    [
      'drops utm_* parameters and keeps the others in their order',
      'https://news.example/story?id=7&utm_source=rss&page=2&utm_medium=feed&utm_campaign=x&a=1',
      'https://news.example/story?id=7&page=2&a=1',
    ],
    ['drops utm_* parameters whatever their case', 'https://news.example/story?UTM_Source=x&id=7', 'https://news.example/story?id=7'],
    ['drops the query entirely when only tracking parameters were in it', 'https://news.example/story?utm_source=x&utm_medium=y', 'https://news.example/story'],
    ['drops fbclid', 'https://news.example/story?fbclid=IwAR0abc&id=7', 'https://news.example/story?id=7'],
    ['drops gclid', 'https://news.example/story?id=7&gclid=Cj0KCQ', 'https://news.example/story?id=7'],
    ['keeps a parameter that merely starts like a tracking one', 'https://news.example/story?utmost=1&fbclidx=2', 'https://news.example/story?utmost=1&fbclidx=2'],
    ['removes the default http port', 'http://news.example:80/story', 'http://news.example/story'],
    ['removes the default https port', 'https://news.example:443/story', 'https://news.example/story'],
    ['keeps a non-default port', 'https://news.example:8443/story', 'https://news.example:8443/story'],
    ['drops credentials', 'https://user:secret@news.example/story', 'https://news.example/story'],
    ['trims surrounding whitespace', '  https://news.example/story \n', 'https://news.example/story'],
    ['gives a bare host a root path', 'https://News.Example', 'https://news.example/'],
  ])('%s', (_name, raw, expected) => {
    expect(canonicalUrl(raw)).toBe(expected);
  });

  // Dropping a tracking parameter must not rewrite the parameters that stay: the same story linked with and
  // without utm_source must give one canonical URL, hence one mention id.
  it.each([
    ['a percent-encoded space', 'https://news.example/search?q=acme%20corp', 'https://news.example/search?q=acme%20corp&utm_source=x'],
    ['a parameter without a value', 'https://news.example/story?amp', 'https://news.example/story?amp&utm_source=x'],
  ])('leaves %s untouched when a tracking parameter is removed beside it', (_name, clean, tracked) => {
    expect(canonicalUrl(tracked)).toBe(canonicalUrl(clean));
    expect(canonicalUrl(tracked)).toBe(clean);
  });

  it.each([
    ['ftp', 'ftp://files.example/story.txt'],
    ['mailto', 'mailto:press@acme.example'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,hello'],
    ['file', 'file:///etc/passwd'],
  ])('returns null for a %s URL', (_scheme, raw) => {
    expect(canonicalUrl(raw)).toBeNull();
  });

  it('resolves a relative link against the base it came from', () => {
    expect(canonicalUrl('/posts/1?utm_source=rss#top', 'https://Blog.Example/feed.xml')).toBe('https://blog.example/posts/1');
    expect(canonicalUrl('2', 'https://blog.example/posts/1')).toBe('https://blog.example/posts/2');
    expect(canonicalUrl('//cdn.example/a', 'https://blog.example/feed.xml')).toBe('https://cdn.example/a');
  });

  it('returns null for a relative link without a base', () => {
    expect(canonicalUrl('/posts/1')).toBeNull();
  });

  it.each(['not a url', '', '   ', 'http://', 'https://exa mple.com/'])('returns null for garbage %j', (raw) => {
    expect(canonicalUrl(raw)).toBeNull();
  });

  it('gives the tracking-link, anchor and plain spellings of one story the same URL', () => {
    const spellings = [
      'https://news.example/acme-skates',
      'https://NEWS.example/acme-skates#comments',
      'https://news.example:443/acme-skates?utm_source=x&utm_medium=rss',
      'https://news.example/acme-skates?fbclid=abc',
    ];
    expect(new Set(spellings.map((raw) => canonicalUrl(raw)))).toEqual(new Set(['https://news.example/acme-skates']));
  });
});

describe('mentionId', () => {
  it('is a 32-character hex hash', () => {
    expect(mentionId('https://news.example/a', 'rss', 'guid-1')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is the same for the same canonical URL whatever the source type and external id', () => {
    const url = canonicalUrl('https://NEWS.example/a?utm_source=x#c');
    expect(mentionId(url, 'rss', 'guid-1')).toBe(mentionId('https://news.example/a', 'rss', 'guid-2'));
    expect(mentionId(url, 'rss', 'guid-1')).toBe(mentionId('https://news.example/a', 'webhook', null));
  });

  it('differs for different canonical URLs', () => {
    expect(mentionId('https://news.example/a', 'rss', 'x')).not.toBe(mentionId('https://news.example/b', 'rss', 'x'));
  });

  it('without a URL, is the same for the same source type and external id', () => {
    expect(mentionId(null, 'rss', 'guid-1')).toBe(mentionId(null, 'rss', 'guid-1'));
  });

  it('without a URL, differs for different external ids', () => {
    expect(mentionId(null, 'rss', 'guid-1')).not.toBe(mentionId(null, 'rss', 'guid-2'));
  });

  it('without a URL, differs for the same external id under different source types', () => {
    expect(mentionId(null, 'rss', 'guid-1')).not.toBe(mentionId(null, 'webhook', 'guid-1'));
  });

  it('never confuses a URL identity with an external id that looks like it', () => {
    expect(mentionId('https://news.example/a', 'rss', null)).not.toBe(mentionId(null, 'rss', 'https://news.example/a'));
  });
});
