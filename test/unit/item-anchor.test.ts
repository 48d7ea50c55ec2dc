// Anchors that name an item of their own (a comment, a forum post) stay in the canonical URL, so each is its own
// mention; navigation anchors, parameters and text directives still go, so one story stays one mention.
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/mentions/canonical-url.js';
import { itemAnchor } from '../../src/mentions/item-anchor.js';

describe('itemAnchor', () => {
  it.each([
    ['#comment-7', 'comment-7'],
    ['#p123', 'p123'],
    ['#post-55', 'post-55'],
    ['#issuecomment-1234567', 'issuecomment-1234567'],
    ['#note_42', 'note_42'],
    ['#42', '42'],
    ['#reply.3', 'reply.3'],
    ['#p123:~:text=acme', 'p123'],
  ])('keeps %s as %s', (hash, anchor) => {
    expect(itemAnchor(hash)).toBe(anchor);
  });

  it.each([
    ['no hash', ''],
    ['an empty one', '#'],
    ['#top', '#top'],
    ['#comments', '#comments'],
    ['#respond', '#respond'],
    ['#section-title', '#section-title'],
    ['a text directive', '#:~:text=acme%202026'],
    ['a tracking parameter', '#xtor=RSS-3208'],
    ['an Echobox parameter', '#Echobox=1733400000'],
    ['a player position', '#t=30'],
    ['a route', '#!/post/123'],
    ['a percent-encoded anchor', '#comment%207'],
    ['an anchor of 65 characters', `#comment-${'1'.repeat(57)}`],
  ])('drops %s', (_name, hash) => {
    expect(itemAnchor(hash)).toBeNull();
  });

  it('keeps an anchor of 64 characters', () => {
    expect(itemAnchor(`#comment-${'1'.repeat(56)}`)).toBe(`comment-${'1'.repeat(56)}`);
  });

  it('reads a long fragment in one pass (a megabyte of id characters ending in a space is dropped at once)', () => {
    expect(itemAnchor(`#${'7'.repeat(1_000_000)} `)).toBeNull();
  });
});

describe('canonicalUrl with anchors', () => {
  it('gives each comment on one page its own URL, anchor included', () => {
    const comments = ['https://blog.example/post/42#comment-7', 'https://blog.example/post/42#comment-8', 'https://Blog.example/post/42?utm_source=rss#comment-9'];
    expect(comments.map((link) => canonicalUrl(link))).toEqual([
      'https://blog.example/post/42#comment-7',
      'https://blog.example/post/42#comment-8',
      'https://blog.example/post/42#comment-9',
    ]);
  });

  it('keeps a forum post anchor beside a query', () => {
    expect(canonicalUrl('https://forum.example/viewtopic.php?t=9&utm_medium=feed#p123')).toBe('https://forum.example/viewtopic.php?t=9#p123');
  });

  it('drops navigation anchors, parameters and text directives, so those spellings stay one story', () => {
    const spellings = [
      'https://news.example/acme-skates',
      'https://news.example/acme-skates#top',
      'https://news.example/acme-skates#section-title',
      'https://news.example/acme-skates#:~:text=rocket%20skates',
      'https://news.example/acme-skates#xtor=RSS-3208',
    ];
    expect(new Set(spellings.map((link) => canonicalUrl(link)))).toEqual(new Set(['https://news.example/acme-skates']));
  });
});
