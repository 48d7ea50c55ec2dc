// English phenomena the scorer must hear, one table each; every case was mislabelled (or every pair scored alike)
// by the wink-sentiment scorer before it.
import { describe, expect, it } from 'vitest';
import { scoreSentiment } from '../score-sentiment.js';

const english = (text: string) => scoreSentiment(text, { language: 'en' });
const scoreOf = (text: string) => english(text).score as number;

describe('English sentiment', () => {
  it.each([
    ["I can't say I'm happy with Zorbly", 'negative'],
    ['Zorbly never fails to disappoint', 'negative'],
    ['Zorbly fails to impress', 'negative'],
    ['The screen is nice, although the battery is terrible', 'negative'],
  ] as const)('negation and concession: %s → %s', (text, label) => {
    expect(english(text).label).toBe(label);
  });

  it.each([
    ['Love the brand but support sucks', 'negative'],
    ['The product is great, however delivery was awful', 'negative'],
  ] as const)('the clause after a contrast weighs more: %s → %s', (text, label) => {
    expect(english(text).label).toBe(label);
  });

  it.each([
    ['Still waiting for a refund, no response from support', 'negative'],
    ['I want a refund', 'negative'],
    ['Zorbly support 🤬', 'negative'],
    ['New Zorbly update 🙄', 'negative'],
    ['Zorbly delivery today 🥳', 'positive'],
  ] as const)('complaints and emoji: %s → %s', (text, label) => {
    expect(english(text).label).toBe(label);
  });

  it.each([
    ['Oh great, another Zorbly outage.', 'negative'],
    ['Just great, my order is delayed again', 'negative'],
    ['Thanks for nothing', 'negative'],
  ] as const)('sarcasm where its markers are reliable: %s → %s', (text, label) => {
    expect(english(text).label).toBe(label);
  });

  it('orders intensity: dampened < plain < intensified < shouted, and "!!!" adds emphasis', () => {
    const kindOf = scoreOf('The app is kind of good');
    const plain = scoreOf('The app is good');
    const very = scoreOf('The app is very good');
    expect(kindOf).toBeGreaterThan(0);
    expect(kindOf).toBeLessThan(plain);
    expect(plain).toBeLessThan(very);
    expect(scoreOf('Zorbly is AWESOME')).toBeGreaterThan(scoreOf('Zorbly is awesome'));
    expect(scoreOf('The app is good!!!')).toBeGreaterThan(plain);
    expect(scoreOf('Zorbly is slightly good')).toBeLessThan(scoreOf('Zorbly is extremely good'));
  });

  it.each(['It is a table', 'Acme opens an office in Springfield on Monday.', ''])('labels factual text neutral: %j', (text) => {
    expect(english(text).label).toBe('neutral');
  });
});
