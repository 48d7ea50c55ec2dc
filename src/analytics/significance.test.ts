import { describe, expect, it } from 'vitest';
import { binomialTest, netSentimentTest, poissonRateTest, twoProportionTest, welchTest } from './significance.js';

describe('significance tests', () => {
  it('exact binomial p-values match R binom.test', () => {
    // binom.test(3, 10, 0.5)$p.value = 0.34375; binom.test(9, 10, 0.5) = 0.021484375
    expect(binomialTest(3, 10, 0.5)).toBeCloseTo(0.34375, 6);
    expect(binomialTest(9, 10, 0.5)).toBeCloseTo(0.021484375, 6);
    // binom.test(2, 20, 0.3)$p.value = 0.05263
    expect(binomialTest(2, 20, 0.3)).toBeCloseTo(0.05263, 4);
  });

  it('a 42 % drop in monthly mentions is significant at hundreds, not at a handful', () => {
    // 580 in 30 days against 1000 in 31 days.
    expect(poissonRateTest(580, 30, 1000, 31).significant).toBe(true);
    // 7 against 12: the same drop, within chance.
    expect(poissonRateTest(7, 30, 12, 31).significant).toBe(false);
    // Same daily rate, different month lengths: nothing.
    expect(poissonRateTest(300, 30, 310, 31).pValue).toBeGreaterThan(0.9);
    expect(poissonRateTest(0, 30, 0, 31)).toEqual({ pValue: 1, significant: false });
  });

  it('compares shares with a two-proportion test', () => {
    // prop.test(c(60, 40), c(300, 300), correct = FALSE)$p.value = 0.02846 (z = 2.191)
    expect(twoProportionTest(60, 300, 40, 300).pValue).toBeCloseTo(0.02846, 4);
    expect(twoProportionTest(6, 30, 4, 30).significant).toBe(false);
    expect(twoProportionTest(1, 0, 1, 10)).toEqual({ pValue: 1, significant: false });
  });

  it('tests net sentiment and daily reach', () => {
    expect(netSentimentTest({ positive: 100, negative: 100, scored: 400 }, { positive: 150, negative: 50, scored: 400 }).significant).toBe(true);
    expect(netSentimentTest({ positive: 10, negative: 9, scored: 40 }, { positive: 11, negative: 8, scored: 40 }).significant).toBe(false);
    const steady = Array.from({ length: 30 }, (_, day) => 1000 + (day % 5) * 10);
    expect(welchTest(steady, steady.map((value) => value + 5)).significant).toBe(false);
    expect(welchTest(steady, steady.map((value) => value * 2)).significant).toBe(true);
  });
});
