// Scoring one text: language routing, brand names masked, label and score agreeing, and bounded work per text.
import { describe, expect, it } from 'vitest';
import { compilePhrase } from '../mentions/brand-matcher.js';
import { ENGLISH_RULES } from './english/english-rules.js';
import { scoreByRules } from './rule-scorer.js';
import { scoreSentiment } from './score-sentiment.js';
import { tokenizeText } from './text-tokens.js';

describe('language routing', () => {
  it('scores English and Polish, detects the language per text, and labels a language without a scorer unknown with no score', () => {
    expect(scoreSentiment('I love this, it is wonderful', { language: 'auto' })).toMatchObject({ label: 'positive', lang: 'en' });
    expect(scoreSentiment('Jestem bardzo zadowolona, świetna obsługa', { language: 'auto' })).toMatchObject({ label: 'positive', lang: 'pl' });
    expect(scoreSentiment('ズォーブリーは最悪です。二度と買いません。', { language: 'auto' })).toEqual({ label: 'unknown', score: null, lang: 'ja' });
    expect(scoreSentiment('This is terrible', { language: 'de' })).toEqual({ label: 'unknown', score: null, lang: 'de' });
  });

  it('reads text whose language cannot be told as English, and says so with lang null', () => {
    expect(scoreSentiment('ok', { language: 'auto' })).toEqual({ ...scoreSentiment('ok', { language: 'en' }), lang: null });
    expect(scoreSentiment('great', { language: null })).toMatchObject({ lang: null, label: 'positive' });
  });
});

describe('brand masking', () => {
  it.each([
    ['Happy Socks', 'Happy Socks opens a new store in Berlin.'],
    ['Best Buy', 'Best Buy opens a new store in Berlin.'],
  ])('%s in neutral text is positive unmasked and neutral masked', (brandName, text) => {
    expect(scoreSentiment(text, { language: 'en' }).label).toBe('positive');
    expect(scoreSentiment(text, { language: 'en', maskedPhrases: [compilePhrase(brandName)] }).label).toBe('neutral');
  });

  it('masks the brand whatever its case and diacritics, and a #tag keyword', () => {
    expect(scoreSentiment('HAPPY SOCKS opens a store.', { language: 'en', maskedPhrases: [compilePhrase('happy socks')] }).label).toBe('neutral');
    expect(scoreSentiment('Best Búy opens a store.', { language: 'en', maskedPhrases: [compilePhrase('Best Buy')] }).label).toBe('neutral');
    expect(scoreSentiment('New store opens today #Happy', { language: 'en', maskedPhrases: [compilePhrase('#happy')] }).label).toBe('neutral');
  });

  it('masks only the whole phrase and still hears complaints about a masked brand', () => {
    expect(scoreSentiment('I am happy with my new socks.', { language: 'en', maskedPhrases: [compilePhrase('Happy Socks')] }).label).toBe('positive');
    expect(scoreSentiment('Best Buy support is terrible and awful.', { language: 'en', maskedPhrases: [compilePhrase('Best Buy')] }).label).toBe('negative');
  });
});

describe('label and score', () => {
  // Clearly polar texts get their polarity's label and a score of the same sign, and a plain statement neutral: a
  // scorer that labels everything neutral (or reads every sign the wrong way) fails here.
  it.each([
    ['I love it', 'positive'],
    ['This is wonderful, I love it', 'positive'],
    ['Great product, excellent support', 'positive'],
    ['I hate it', 'negative'],
    ['This is terrible, I hate it', 'negative'],
    ['Awful app, horrible support', 'negative'],
    ['Worst. Service. Ever!!!', 'negative'],
    ['It is a table', 'neutral'],
  ] as const)('labels %j %s, with a score of that sign', (text, expected) => {
    const { label, score } = scoreSentiment(text, { language: 'en' });
    expect(label).toBe(expected);
    if (expected === 'positive') expect(score).toBeGreaterThan(0);
    if (expected === 'negative') expect(score).toBeLessThan(0);
    expect(Math.abs(score as number)).toBeLessThanOrEqual(1);
  });

  // Texts in between, whatever they are labelled: the label follows the score's sign whenever it is not neutral, and
  // the score stays in [-1, 1].
  it.each([
    'Good, but could be better',
    'Not bad at all',
    'meh',
    'The update is fine I guess, nothing special, a bit slow',
    'ok 👍',
    'Still waiting…',
  ])('agree for %j', (text) => {
    const { label, score } = scoreSentiment(text, { language: 'en' });
    expect(score).not.toBeNull();
    expect(Math.abs(score as number)).toBeLessThanOrEqual(1);
    if (label === 'positive') expect(score).toBeGreaterThan(0);
    if (label === 'negative') expect(score).toBeLessThan(0);
  });
});

describe('bounded work', () => {
  const steps = (text: string) => scoreByRules(tokenizeText(text), ENGLISH_RULES).steps;

  it('grows linearly with the text, whatever it is made of', () => {
    for (const unit of ['good but not bad, ', 'a', 'while although but ', 'not not not ', '😀']) {
      const small = steps(unit.repeat(Math.ceil(500 / unit.length)));
      const large = steps(unit.repeat(Math.ceil(4_000 / unit.length)));
      expect(large).toBeGreaterThan(0);
      expect(large / Math.max(1, small)).toBeLessThanOrEqual(8 * 1.25);
    }
  });

  it('stops growing at the scoring cap: 100,000 and 1,000,000 characters cost what 10,000 do', () => {
    for (const unit of ['a', 'terrible but great, ', '1']) {
      const capped = steps(unit.repeat(Math.ceil(10_000 / unit.length)));
      expect(steps(unit.repeat(Math.ceil(100_000 / unit.length)))).toBeLessThanOrEqual(capped);
      expect(steps(unit.repeat(Math.ceil(1_000_000 / unit.length)))).toBeLessThanOrEqual(capped);
    }
  });

  it('labels a 100,000-character run of letters', () => {
    expect(scoreSentiment('x'.repeat(100_000), { language: 'en' }).label).toBe('neutral');
  });
});
