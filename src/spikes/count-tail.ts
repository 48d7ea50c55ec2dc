// How unlikely a count is given the expected one, for over-dispersed counts: a negative binomial whose variance is
// φ·M + c²·M² (φ: mentions arriving in clumps, the same at every scale; c: the relative wobble of the rate itself).
import betainc from '@stdlib/math-base-special-betainc';

export interface Dispersion {
  /** Clumping: variance over mean of counts within an hour (1 for independent mentions). */
  clumping: number;
  /** Squared relative spread of the rate around its expectation (0: plain Poisson). */
  rateVariance: number;
}

/** Scores above this (tail probabilities below 1e-300) are all "certain"; keeps the score finite. */
export const MAX_SURPRISE = 300;

/**
 * P(X ≥ observed) when X has mean `expected` and variance φ·M + c²·M². Counts divided by φ are a negative binomial
 * with mean M/φ and size 1/c² (continuous in the count through the incomplete beta function), which is exact for
 * small counts where a Gaussian z is not.
 */
export function upperTail(observed: number, expected: number, dispersion: Dispersion): number {
  if (!(observed > 0)) return 1;
  if (!(expected > 0)) return 0;
  const scaledObserved = observed / dispersion.clumping;
  const scaledExpected = expected / dispersion.clumping;
  const size = 1 / Math.max(dispersion.rateVariance, 1e-9);
  return betainc(scaledExpected / (size + scaledExpected), scaledObserved, size);
}

/** −log10 of the tail probability, capped at MAX_SURPRISE: 5 means "one chance in 100 000". */
export function surprise(observed: number, expected: number, dispersion: Dispersion): number {
  const tail = upperTail(observed, expected, dispersion);
  return tail <= 0 ? MAX_SURPRISE : Math.min(MAX_SURPRISE, -Math.log10(tail));
}

/**
 * A rise counts only if the count is at least this multiple of the expected one (a certain but trivial +20 % on a busy
 * brand pages nobody)...
 */
export const MIN_RISE_FACTOR = 1.5;
/** ...and at least this many mentions above it (nor do three mentions on a silent one). */
export const MIN_EXTRA_MENTIONS = 5;

/** The surprise of a rise that is large enough in effect (MIN_RISE_FACTOR and MIN_EXTRA_MENTIONS), else 0. */
export function riseSurprise(observed: number, expected: number, dispersion: Dispersion): number {
  if (observed < MIN_RISE_FACTOR * expected || observed - expected < MIN_EXTRA_MENTIONS) return 0;
  return surprise(observed, expected, dispersion);
}
