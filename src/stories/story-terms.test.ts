import { describe, expect, it } from 'vitest';
import { wordTokens } from '../mentions/word-tokens.js';
import { stem, storyTerms, TERM_WEIGHTS } from './story-terms.js';

describe('storyTerms', () => {
  it('weighs headline words over their pairs, the body and the URL slug, without stop words', () => {
    const terms = storyTerms({
      title: 'Acme recalls the vans',
      text: 'Brakes fail',
      url: 'https://news.example/2014/acme-van-recall-widens',
    });
    expect(terms.terms.map((term, at) => [term, terms.weights[at]])).toEqual(Object.entries({
      acme: 1.25,
      recall: 1.25,
      van: 1.25,
      'acme recall': 0.5,
      'recall van': 0.5,
      brake: 0.25,
      fail: 0.25,
      widen: 0.25,
    }));
    expect(terms.weights).toBeInstanceOf(Float64Array);
  });

  it.each([
    ['a clean headline', 'Acme recalls the vans over brakes'],
    ['a headline that cleaning changes', 'UPDATE 2-Acme recalls the vans over brakes - Reuters'],
    ['an empty headline', ''],
  ])('gives the same terms from the caller\'s word tokens of title and text as without them: %s', (_, title) => {
    const text = { title, text: 'Brakes fail on #vans, says @acme', url: 'https://news.example/2014/acme-van-recall-widens' };
    const given = storyTerms(text, TERM_WEIGHTS, wordTokens(text.text), wordTokens(title));
    const own = storyTerms(text);
    expect(given.terms).toEqual(own.terms);
    expect([...given.weights]).toEqual([...own.weights]);
    expect(own.terms).not.toContain('reuter');
  });

  it('has no terms for an empty mention', () => {
    expect(storyTerms({ title: null, text: '' }).terms).toEqual([]);
  });
});

describe('stem', () => {
  it.each([
    ['recalls', 'recall'],
    ['companies', 'company'],
    ['business', 'business'],
    ['status', 'status'],
    ['crisis', 'crisis'],
    ['gas', 'gas'],
  ])('%s → %s', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});
