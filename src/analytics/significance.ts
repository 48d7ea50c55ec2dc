// The tests behind a report's "significant": is this month's figure different from another period's beyond what
// chance gives? Counts are Poisson (compared as rates per day), shares are proportions of mentions; two-sided,
// significant at p < 0.05.
import { errorFunction, gammaln } from 'simple-statistics';

export const SIGNIFICANCE_LEVEL = 0.05;

// Up to this many events the exact binomial sum is cheap; beyond it the normal approximation is excellent.
const EXACT_BINOMIAL_MAX_N = 5_000;

export interface TestResult {
  /** Two-sided p-value; 1 when there is nothing to compare (no mentions on one side). */
  pValue: number;
  significant: boolean;
}

const result = (pValue: number): TestResult => {
  const bounded = Math.min(1, Math.max(0, pValue));
  return { pValue: bounded, significant: bounded < SIGNIFICANCE_LEVEL };
};

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedNormalP(z: number): number {
  return 1 - errorFunction(Math.abs(z) / Math.SQRT2);
}

function binomialLogPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p);
}

/** Exact two-sided binomial test (as R's binom.test): the probability of outcomes no likelier than `k`. */
export function binomialTest(k: number, n: number, p: number): number {
  if (n === 0) return 1;
  if (n > EXACT_BINOMIAL_MAX_N) {
    const sd = Math.sqrt(n * p * (1 - p));
    if (sd === 0) return k === n * p ? 1 : 0;
    // Continuity-corrected normal approximation.
    return twoSidedNormalP(Math.max(0, Math.abs(k - n * p) - 0.5) / sd);
  }
  const observed = binomialLogPmf(k, n, p);
  const tolerance = 1e-7;
  let total = 0;
  for (let outcome = 0; outcome <= n; outcome++) {
    const logPmf = binomialLogPmf(outcome, n, p);
    if (logPmf <= observed + tolerance) total += Math.exp(logPmf);
  }
  return total;
}

/**
 * Poisson rate test: `count` events over `exposure` (days) against `otherCount` over `otherExposure`. Given the
 * total, the first count is binomial with p = exposure share when the rates are equal (the conditional test).
 */
export function poissonRateTest(count: number, exposure: number, otherCount: number, otherExposure: number): TestResult {
  const n = count + otherCount;
  if (n === 0 || exposure <= 0 || otherExposure <= 0) return result(1);
  return result(binomialTest(count, n, exposure / (exposure + otherExposure)));
}

/** Two-proportion z-test (pooled): `hits` of `trials` against `otherHits` of `otherTrials`. */
export function twoProportionTest(hits: number, trials: number, otherHits: number, otherTrials: number): TestResult {
  if (trials === 0 || otherTrials === 0) return result(1);
  const pooled = (hits + otherHits) / (trials + otherTrials);
  const variance = pooled * (1 - pooled) * (1 / trials + 1 / otherTrials);
  if (variance === 0) return result(1);
  return result(twoSidedNormalP((hits / trials - otherHits / otherTrials) / Math.sqrt(variance)));
}

export interface SentimentSplit {
  positive: number;
  negative: number;
  /** Scored mentions: positive, neutral and negative ("unknown" is not scored). */
  scored: number;
}

/**
 * Net sentiment (positive share minus negative share) of two periods: a z-test on the difference, with each
 * period's variance that of a difference of two multinomial proportions, (p⁺ + p⁻ − (p⁺ − p⁻)²) / n.
 */
export function netSentimentTest(period: SentimentSplit, other: SentimentSplit): TestResult {
  if (period.scored === 0 || other.scored === 0) return result(1);
  const varianceOf = (split: SentimentSplit) => {
    const positive = split.positive / split.scored;
    const negative = split.negative / split.scored;
    return (positive + negative - (positive - negative) ** 2) / split.scored;
  };
  const variance = varianceOf(period) + varianceOf(other);
  if (variance === 0) return result(1);
  const net = (split: SentimentSplit) => (split.positive - split.negative) / split.scored;
  return result(twoSidedNormalP((net(period) - net(other)) / Math.sqrt(variance)));
}

/** Welch's t-test of two samples (daily totals), with the normal approximation of t (a month gives ≥ 28 days). */
export function welchTest(sample: readonly number[], other: readonly number[]): TestResult {
  if (sample.length < 2 || other.length < 2) return result(1);
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = (values: readonly number[]) => {
    const average = mean(values);
    return values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1);
  };
  const standardError = Math.sqrt(variance(sample) / sample.length + variance(other) / other.length);
  if (standardError === 0) return result(mean(sample) === mean(other) ? 1 : 0);
  return result(twoSidedNormalP((mean(sample) - mean(other)) / standardError));
}
