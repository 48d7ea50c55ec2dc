// Sentiment scoring: clear opinions, brand names masked so they are not opinions, and "but" shifting the weight.
import { describe, expect, it } from 'vitest';
import { compilePhrase } from '../../src/mentions/brand-matcher.js';
import { NEUTRAL_BAND, labelFor, scoreSentiment } from '../../src/sentiment/score-sentiment.js';

describe('scoreSentiment', () => {
  it.each([
    'I love the new Acme rocket skates. They are wonderful, brilliant and great fun.',
    'So happy and proud of the team, what a fantastic, beautiful launch!',
    'Excellent service, friendly staff, highly recommended.',
  ])('labels clear praise positive: %s', (text) => {
    const sentiment = scoreSentiment(text);
    expect(sentiment.label).toBe('positive');
    expect(sentiment.score).toBeGreaterThan(NEUTRAL_BAND);
  });

  it.each([
    'Customers are furious: the Acme anvil is awful, broken and dangerous. A horrible disaster.',
    'This is terrible, awful and broken.',
    'Worst purchase ever, I hate it and want a refund.',
  ])('labels clear complaints negative: %s', (text) => {
    const sentiment = scoreSentiment(text);
    expect(sentiment.label).toBe('negative');
    expect(sentiment.score).toBeLessThan(-NEUTRAL_BAND);
  });

  it.each([
    'Acme Corp opens an office in Springfield on Monday.',
    'The company will open the office on Monday, a spokesperson said.',
    'Sunny with some clouds.',
    '',
  ])('labels factual text neutral with score 0: %j', (text) => {
    expect(scoreSentiment(text)).toEqual({ label: 'neutral', score: 0 });
  });

  it('scores words exactly as the lexicon does for a one-word text', () => {
    expect(scoreSentiment('good')).toEqual({ label: 'positive', score: 3 });
    expect(scoreSentiment('bad')).toEqual({ label: 'negative', score: -3 });
  });

  it('keeps the score within -5 to 5', () => {
    for (const text of ['superb superb superb outstanding breathtaking', 'catastrophic horrific fraud scam evil']) {
      const { score } = scoreSentiment(text);
      expect(Math.abs(score)).toBeLessThanOrEqual(5);
    }
  });
});

describe('brand masking', () => {
  it.each([
    ['Happy Socks', 'Happy Socks opens a new store in Berlin.'],
    ['Best Buy', 'Best Buy opens a new store in Berlin.'],
  ])('%s in neutral text is positive unmasked and neutral masked', (brandName, text) => {
    expect(scoreSentiment(text).label).toBe('positive');
    expect(scoreSentiment(text, [compilePhrase(brandName)])).toEqual({ label: 'neutral', score: 0 });
  });

  it('masks the brand whatever its case and diacritics in the text', () => {
    expect(scoreSentiment('HAPPY SOCKS opens a store.', [compilePhrase('happy socks')])).toEqual({ label: 'neutral', score: 0 });
    expect(scoreSentiment('Best Búy opens a store.', [compilePhrase('Best Buy')])).toEqual({ label: 'neutral', score: 0 });
  });

  it('masks only the whole phrase, so the same word elsewhere still counts', () => {
    const masked = scoreSentiment('Happy Socks customers are happy.', [compilePhrase('Happy Socks')]);
    expect(masked.label).toBe('positive');
    expect(scoreSentiment('I am happy with my new socks.', [compilePhrase('Happy Socks')]).label).toBe('positive');
  });

  it('masks a #tag keyword', () => {
    const text = 'New store opens today #Happy';
    expect(scoreSentiment(text).label).toBe('positive');
    expect(scoreSentiment(text, [compilePhrase('#happy')])).toEqual({ label: 'neutral', score: 0 });
  });

  it('still hears real complaints about a masked brand', () => {
    const sentiment = scoreSentiment('Best Buy support is terrible and awful.', [compilePhrase('Best Buy')]);
    expect(sentiment.label).toBe('negative');
    expect(sentiment.score).toBeLessThan(0);
  });
});

describe('the contrast rule', () => {
  it('weighs the clause after "but" more, so praise then complaint is negative', () => {
    const sentiment = scoreSentiment('I love the brand but the support is terrible and awful');
    expect(sentiment.label).toBe('negative');
    expect(sentiment.score).toBeLessThan(-NEUTRAL_BAND);
    // The same words joined by "and" carry no contrast and are not negative: the rule is what makes it so.
    expect(scoreSentiment('I love the brand and the support is terrible and awful').label).toBe('neutral');
  });

  it('weighs complaint then praise positive', () => {
    expect(scoreSentiment('The box was awful but the skates are good').label).toBe('positive');
    expect(scoreSentiment('The box was awful and the skates are good').label).toBe('neutral');
  });

  it('damps praise before "but" below the positive threshold', () => {
    expect(scoreSentiment('The skates are great and the support is bad').label).toBe('positive');
    expect(scoreSentiment('The skates are great but the support is bad').label).toBe('neutral');
  });

  it('applies only within its own sentence, so sentence order does not change the score', () => {
    const contrastFirst = scoreSentiment('The skates are good but slow. The support is awful and terrible.');
    const contrastLast = scoreSentiment('The support is awful and terrible. The skates are good but slow.');
    expect(contrastFirst.label).toBe('negative');
    expect(contrastLast).toEqual(contrastFirst);
  });
});

describe('labelFor', () => {
  it.each([
    [5, 'positive'],
    [0.2501, 'positive'],
    [0.25, 'neutral'],
    [0, 'neutral'],
    [-0.25, 'neutral'],
    [-0.2501, 'negative'],
    [-5, 'negative'],
  ] as const)('labels %d %s', (score, label) => {
    expect(labelFor(score)).toBe(label);
  });

  it.each([
    'I love it',
    'I hate it',
    'It is a table',
    'Good, but could be better',
    'Not bad at all',
  ])('gives a score whose sign matches the label: %s', (text) => {
    const { label, score } = scoreSentiment(text);
    expect(label).toBe(labelFor(score));
    if (label === 'positive') expect(score).toBeGreaterThan(0);
    if (label === 'negative') expect(score).toBeLessThan(0);
  });
});
