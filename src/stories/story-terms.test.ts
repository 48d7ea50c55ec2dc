import { describe, expect, it } from 'vitest';
import { stem, storyTerms } from './story-terms.js';

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
