import { describe, expect, it } from 'vitest';
import { rankTerms, termsOf } from './terms.js';

const ACME = new Set(['acme', 'corp']);

describe('terms of a mention', () => {
  it('keeps meaningful English words and phrases, not stop words, numbers or the brand', () => {
    const { terms, hashtags } = termsOf('The Acme Corp customer support was terrible, and #refund 2026 is not coming!', 'en', ACME);
    expect(terms.sort()).toEqual(['coming', 'customer', 'customer support', 'support', 'terrible']);
    expect(hashtags).toEqual(['#refund']);
  });

  it('uses the Polish stop words for a Polish mention', () => {
    const { terms } = termsOf('Obsługa klienta w Acme jest bardzo zła i nie polecam', 'pl', ACME);
    expect(terms.sort()).toEqual(['klienta', 'obsługa', 'obsługa klienta', 'polecam', 'zła']);
  });

  it('does not join words across a sentence', () => {
    const { terms } = termsOf('Great delivery. Pricing changed', 'en', ACME);
    expect(terms.sort()).toEqual(['changed', 'delivery', 'great', 'great delivery', 'pricing', 'pricing changed']);
  });
});

describe('ranking terms', () => {
  it('counts mentions, negative ones and reach, and lets a common phrase stand for its words', () => {
    const mention = (text: string, negative: boolean, reach = 0) => ({ title: null, text, lang: 'en', negative, reach });
    const ranked = rankTerms(
      [
        mention('customer support is slow', true, 10),
        mention('customer support answered', false, 5),
        mention('customer support again', true),
        mention('slow shipping', true),
      ],
      'term',
      ACME,
      3,
    );
    expect(ranked).toEqual([
      { key: 'customer support', mentions: 3, negative: 2, reach: 15 },
      { key: 'slow', mentions: 2, negative: 2, reach: 10 },
      { key: 'again', mentions: 1, negative: 1, reach: 0 },
    ]);
  });
});
