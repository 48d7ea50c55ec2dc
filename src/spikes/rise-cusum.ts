// Evidence that accumulates over hours: a CUSUM of the log-likelihood ratio "the rate is RISE_FACTOR times the
// expected one" against "as expected", hour by hour, under the same negative binomial as the tail score. A rise of ×2
// lasting six hours on a calm brand is never surprising in any one window of up to six hours at the threshold, yet
// every hour of it adds evidence; the CUSUM adds it up (Page's test, the optimal detector of a step of known size).
import type { Dispersion } from './count-tail.js';

/** The rise the likelihood ratio is for: the effect-size floor of the tail score (MIN_RISE_FACTOR) as well. */
export const CUSUM_RISE_FACTOR = 1.5;

/** One run of the CUSUM: its statistic (natural log) and the mentions it holds against their expectation. */
export interface RiseCusumRun {
  /** The accumulated log-likelihood ratio of the run's completed hours (0: no run). */
  value: number;
  /** Completed hours in the run. */
  hours: number;
  observed: number;
  expected: number;
}

export const NO_RUN: RiseCusumRun = { value: 0, hours: 0, observed: 0, expected: 0 };

/** The most hours a run keeps: a rise older than a day is the new level (the baseline follows a step in half a day). */
export const MAX_RUN_HOURS = 24;

/**
 * log P(observed | mean ×RISE) − log P(observed | mean) for counts with variance φ·M + c²·M²: counts divided by φ are a
 * negative binomial with mean M/φ and size 1/c² (as in count-tail.ts), the size kept under the rise.
 */
export function riseLogLikelihoodRatio(observed: number, expected: number, dispersion: Dispersion): number {
  if (!(expected > 0)) return 0;
  const scaledObserved = observed / dispersion.clumping;
  const scaledExpected = expected / dispersion.clumping;
  const size = 1 / Math.max(dispersion.rateVariance, 1e-9);
  const rise = CUSUM_RISE_FACTOR;
  const raisedExpected = rise * scaledExpected;
  // log(rise·(k+m)/(k+rise·m)) and k·log((k+m)/(k+rise·m)), written with log1p so a near-Poisson size stays exact.
  const perArrival = Math.log(rise) + Math.log1p(-((rise - 1) * scaledExpected) / (size + raisedExpected));
  const perSize = size * Math.log1p(-((rise - 1) * scaledExpected) / (size + raisedExpected));
  return scaledObserved * perArrival + perSize;
}

/** The run after one more completed hour: Page's recursion, restarted at 0 and after MAX_RUN_HOURS. */
export function runAfterHour(run: RiseCusumRun, observed: number, expected: number, dispersion: Dispersion): RiseCusumRun {
  const value = run.value + riseLogLikelihoodRatio(observed, expected, dispersion);
  if (value <= 0 || run.hours + 1 > MAX_RUN_HOURS) return NO_RUN;
  return { value, hours: run.hours + 1, observed: run.observed + observed, expected: run.expected + expected };
}
