import { describe, expect, it } from 'vitest';
import { mergeDuplicates, type ScoredMention } from './mention-store.js';

function mention(id: string, brands: string[]): ScoredMention {
  return {
    id,
    sourceId: 'feed',
    sourceType: 'rss',
    externalId: id,
    url: null,
    title: null,
    text: `text of ${id}`,
    author: null,
    lang: null,
    publishedAt: null,
    seenAt: '2026-12-01T00:00:00.000Z',
    backfill: false,
    reach: null,
    brands,
    sentiment: { label: 'neutral', score: 0 },
  };
}

describe('mergeDuplicates', () => {
  it('answers a batch without a repeated id with its own mentions, in id order', () => {
    const [a, b, c] = [mention('a', ['x']), mention('b', ['y']), mention('c', ['x'])];
    const merged = mergeDuplicates([c, a, b]);
    expect(merged.map((one) => one.id)).toEqual(['a', 'b', 'c']);
    expect(merged[0]).toBe(a);
    expect(merged[1]).toBe(b);
    expect(merged[2]).toBe(c);
    const sorted = [a, b, c];
    expect(mergeDuplicates(sorted)).toBe(sorted);
  });

  it('merges the brands of a repeated id into one entry without changing the copies it was given', () => {
    const first = mention('b', ['x']);
    const second = mention('b', ['y', 'x']);
    const other = mention('a', ['z']);
    const merged = mergeDuplicates([first, other, second]);
    expect(merged.map((one) => [one.id, one.brands])).toEqual([
      ['a', ['z']],
      ['b', ['x', 'y']],
    ]);
    expect(first.brands).toEqual(['x']);
    expect(second.brands).toEqual(['y', 'x']);
  });
});
