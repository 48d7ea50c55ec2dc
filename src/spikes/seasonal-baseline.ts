// The expected count of a brand's mentions, fitted afresh from the last week of hourly totals: a recent level times an
// hour-of-day profile times a weekday/weekend factor, each a robust estimate (a spike's hours count as at most a couple of
// spreads above the fit, so a spike cannot raise the baseline that judges the next one), and the dispersion of the
// counts around it. A function of the week alone: nothing older than the week can change it.
import erfcinv from '@stdlib/math-base-special-erfcinv';
import type { Dispersion } from './count-tail.js';

/** One completed slot (an hour, or the bucket when buckets are longer) of the history. */
export interface HistorySlot {
  /** Absolute index of the slot (its start / slot length): tells which slots are consecutive. */
  index: number;
  count: number;
  /** Buckets of the slot that were observed (a gap leaves fewer). */
  buckets: number;
  /** Sum of the squared bucket counts, for the clumping within the slot. */
  squares: number;
  /** The detector found an incident in this slot: it is left out of the tail the dispersion is fitted to. */
  incident: boolean;
  /** Hour-of-day bin of the profile. */
  bin: number;
  /** Day of the week (0–6). */
  day: number;
  /** Per time scale shorter than a slot: the largest count over that scale ending in this slot. */
  peaks: number[];
}

export interface Baseline extends Dispersion {
  /** Expected mentions per bucket at profile 1, from the last day as it was (its day of the week included). */
  level: number;
  /** Multiplier per hour-of-day bin (mean 1). */
  profile: number[];
  /** Multiplier per day of the week (mean 1 over the days seen): one for the weekdays, one for the weekend. */
  dayFactors: number[];
  /** The mean day factor of the last day's slots: what `level` already contains of the weekly cycle. */
  recentDayFactor: number;
  /**
   * Per time scale: the rate variance c² that the week's own tail needs (see tailRateVariance). Real mentions come
   * in bursts (a retweet storm, a newsletter) far more often than a negative binomial fitted to the bulk expects; at
   * each scale the model is widened until only TAIL_SHARE of the week's hours stray beyond its matching quantile,
   * and never below the burstiness of the busiest scale's sums where those show it (see burstinessFloor).
   */
  scaleRateVariances: number[];
}

export type ScaleSpan = { kind: 'peak'; peak: number; buckets: number } | { kind: 'slots'; slots: number };

const HOURLY: ScaleSpan = { kind: 'slots', slots: 1 };

export interface BaselineSettings {
  bins: number;
  /** The time scales: shorter than a slot (an index into HistorySlot.peaks), or a whole number of slots. */
  scales: readonly ScaleSpan[];
  /** Slots making up "the last day" for the recent level. */
  levelSlots: number;
  /**
   * Slots with an index below this have left every window the detector still judges (default: all have): only those
   * can tell the clumping φ, see clumpingOf.
   */
  settledBefore?: number;
}

const DAYS_PER_WEEK = 7;
/** Huber's constant: residuals beyond this many spreads count as this many. */
const HUBER_LIMIT = 2.5;
/** Pseudo-mentions pulling an hour's profile towards flat: a quiet brand's few mentions cannot carve a profile. */
const PROFILE_PRIOR_MENTIONS = 4;
/** Pseudo-mentions pulling a day-of-week factor towards 1: a quiet brand's days differ by chance alone. */
const DAY_PRIOR_MENTIONS = 60;
/** Mentions of an hour-of-day bin at which its own estimate and its neighbours' count half each. */
const SMOOTHING_MENTIONS = 30;
/** Windows expecting fewer mentions than this do not inform c² (see tailRateVariance). */
const MIN_MENTIONS_FOR_TAIL = 10;
/** Pseudo-mentions pulling the last day's level towards the week's: a gap or a quiet day does not zero it. */
const LEVEL_PRIOR_MENTIONS = 3;
/** The rate variance assumed while the shape is first fitted, before the dispersion is known. */
const INITIAL_RATE_SD = 0.3;
const MIN_RATE_SD = 0.05;
const MIN_CLUMPING = 1;
const MAX_CLUMPING = 50;
/** Local levels need at least this many slots of the day before. */
const MIN_LOCAL_SLOTS = 6;
const FIT_ROUNDS = 3;
/** The share of the week's slots allowed beyond the model's matching quantile at each scale (see tailRateVariance). */
const TAIL_SHARE = 0.02;
/**
 * The burstiness floor counts only where the week's sums at the busiest scale show at least this much more variance
 * than Poisson counts would (c²·M/φ for their typical expectation M: 1 means the rate's own variance equals the
 * Poisson one). Below that, a quiet brand's sums are too few mentions for their tail to tell bursts from chance.
 */
const FLOOR_MIN_EXCESS = 1;

interface Prior {
  value: number;
  mentions: number;
}

/**
 * The factor θ with count ≈ θ·base (Huber M-estimate by reweighting), pulled towards `prior` as if `prior.mentions`
 * more independent arrivals had been seen at θ = prior.value. Priors count arrivals (clumps of φ mentions), not
 * mentions: a brand whose every mention comes three times over knows no more than its single-counted twin, and must
 * be fitted alike (else its priors weigh a third as much and its fit, and so its c², changes with volume).
 */
function robustFactor(
  counts: readonly number[],
  bases: readonly number[],
  dispersion: Dispersion,
  prior: Prior | null,
): number {
  const hasPrior = prior !== null && prior.value > 0;
  const priorCount = hasPrior ? prior.mentions * dispersion.clumping : 0;
  const priorBase = hasPrior ? priorCount / prior.value : 0;
  let countSum = priorCount;
  let baseSum = priorBase;
  for (let index = 0; index < counts.length; index += 1) {
    countSum += counts[index] as number;
    baseSum += bases[index] as number;
  }
  if (!(baseSum > 0)) return prior?.value ?? 0;
  let factor = countSum / baseSum;
  for (let round = 0; round < 4; round += 1) {
    let weightedCounts = priorCount;
    let weightedBases = priorBase;
    for (let index = 0; index < counts.length; index += 1) {
      const count = counts[index] as number;
      const base = bases[index] as number;
      const mean = factor * base;
      const spread = Math.sqrt(dispersion.clumping * mean + dispersion.rateVariance * mean * mean + dispersion.clumping ** 2);
      const residual = Math.abs(count - mean) / spread;
      const weight = residual <= HUBER_LIMIT ? 1 : HUBER_LIMIT / residual;
      weightedCounts += weight * count;
      weightedBases += weight * base;
    }
    if (!(weightedBases > 0)) break;
    factor = weightedCounts / weightedBases;
  }
  return factor;
}

/** Variance over mean of one slot's bucket counts (null where it has too few buckets or no mentions). */
function slotClumping(slot: HistorySlot): number | null {
  if (slot.buckets < 3 || !(slot.count > 0)) return null;
  const mean = slot.count / slot.buckets;
  return (slot.squares - slot.count * mean) / (slot.buckets - 1) / mean;
}

/**
 * The clumping φ: the median, over busy-enough slots, of the variance over mean of their bucket counts. "Busy enough"
 * is at least one independent arrival (a clump of φ mentions) per bucket, judged in clumps, not mentions: a cut in
 * mentions would pick the busy hours of a quiet brand and all hours of a busier copy of it, so the same brand counted
 * three times over would get a φ less than three times its own, and every c² fitted with it would change with volume.
 * The clumps are counted with a first estimate from every slot with a mention (noisier, but it scales exactly with
 * the counts). The slots given are the settled, ordinary ones (see fitBaseline): on a quiet brand the busy-enough
 * slots are few, and one holding a burst would make φ that burst's own.
 */
function clumpingOf(slots: readonly HistorySlot[]): number {
  const all = slots.map(slotClumping).filter((ratio): ratio is number => ratio !== null);
  if (all.length === 0) return MIN_CLUMPING;
  const first = medianOf(all);
  if (!(first > 0)) return MIN_CLUMPING;
  const ratios: number[] = [];
  for (const slot of slots) {
    const ratio = slotClumping(slot);
    if (ratio !== null && slot.count / first >= slot.buckets) ratios.push(ratio);
  }
  if (ratios.length === 0) return Math.min(MAX_CLUMPING, Math.max(MIN_CLUMPING, first));
  ratios.sort((a, b) => a - b);
  const middle = ratios[Math.floor(ratios.length / 2)] as number;
  return Math.min(MAX_CLUMPING, Math.max(MIN_CLUMPING, middle));
}

interface Shape {
  level: number;
  profile: number[];
  dayFactors: number[];
}

/**
 * The profile blended with its neighbouring hours (¼, ½, ¼, around the clock) in proportion to how few mentions stand
 * behind each hour: a quiet brand's hour holds a handful of mentions a week and its own estimate is mostly noise,
 * while daily cycles are smooth; a busy brand keeps its sharp hours (a newsletter at 09:00).
 */
function smoothedProfile(
  profile: readonly number[],
  byBin: readonly number[][],
  counts: readonly number[],
  clumping: number,
): number[] {
  const bins = profile.length;
  if (bins < 3) return [...profile];
  return profile.map((value, bin) => {
    const mentions = (byBin[bin] ?? []).reduce((sum, index) => sum + (counts[index] as number), 0);
    const smoothWeight = SMOOTHING_MENTIONS / (SMOOTHING_MENTIONS + mentions / clumping);
    const before = profile[(bin + bins - 1) % bins] as number;
    const after = profile[(bin + 1) % bins] as number;
    return (1 - smoothWeight) * value + smoothWeight * (before / 4 + value / 2 + after / 4);
  });
}

/** Indexes of the slots in each group (hour-of-day bin, or day of the week). */
function groupsOf(slots: readonly HistorySlot[], groupCount: number, groupOf: (slot: HistorySlot) => number): number[][] {
  const groups = Array.from({ length: groupCount }, (): number[] => []);
  slots.forEach((slot, index) => groups[groupOf(slot)]?.push(index));
  return groups;
}

/** Level, profile and day factors of the whole week, fitted in turns. */
function fitShape(slots: readonly HistorySlot[], settings: BaselineSettings, dispersion: Dispersion): Shape {
  const counts = slots.map((slot) => slot.count);
  const shape: Shape = {
    level: 0,
    profile: new Array<number>(settings.bins).fill(1),
    dayFactors: new Array<number>(DAYS_PER_WEEK).fill(1),
  };
  shape.level = robustFactor(counts, slots.map((slot) => slot.buckets), dispersion, null);
  if (!(shape.level > 0)) return shape;
  const byBin = groupsOf(slots, settings.bins, (slot) => slot.bin);
  // Day factors come from before the last day: a step today must move the level, not today's day factor (which
  // would then read tomorrow, still at last week's factor, as a drop and the day after as a new rise).
  const older = slots.length - settings.levelSlots;
  const byDay = groupsOf(slots, DAYS_PER_WEEK, (slot) => slot.day).map((members) => members.filter((index) => index < older));
  const seenDays = byDay.map((members) => members.length > 0);
  for (let round = 0; round < FIT_ROUNDS; round += 1) {
    shape.profile = byBin.map((members) => {
      const bases = members.map((index) => {
        const slot = slots[index] as HistorySlot;
        return shape.level * (shape.dayFactors[slot.day] as number) * slot.buckets;
      });
      const memberCounts = members.map((index) => counts[index] as number);
      return robustFactor(memberCounts, bases, dispersion, { value: 1, mentions: PROFILE_PRIOR_MENTIONS });
    });
    shape.profile = normalised(smoothedProfile(shape.profile, byBin, counts, dispersion.clumping), shape.profile.map(() => true));
    shape.dayFactors = byDay.map((members) => {
      const bases = members.map((index) => {
        const slot = slots[index] as HistorySlot;
        return shape.level * (shape.profile[slot.bin] as number) * slot.buckets;
      });
      const memberCounts = members.map((index) => counts[index] as number);
      return robustFactor(memberCounts, bases, dispersion, { value: 1, mentions: DAY_PRIOR_MENTIONS });
    });
    shape.dayFactors = scaledToMeanOne(weekdayWeekendFactors(shape.dayFactors, seenDays), seenDays);
    shape.level = robustFactor(counts, shapeBases(slots, shape), dispersion, null);
  }
  return shape;
}

/** Day index (days since the epoch mod 7, 0 = Thursday) of Saturday and Sunday. */
const WEEKEND_DAYS: ReadonlySet<number> = new Set([2, 3]);

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Day factors reduced to a weekday and a weekend factor: the median of the weekdays seen and the mean of the weekend
 * days seen. One week holds a single day of each weekday, so a per-weekday factor cannot tell a weekly cycle from an
 * incident on that day (which would then raise the expectation for the same weekday a week later); five weekdays can.
 */
function weekdayWeekendFactors(dayFactors: readonly number[], seenDays: readonly boolean[]): number[] {
  const weekdays = dayFactors.filter((_, day) => seenDays[day] && !WEEKEND_DAYS.has(day));
  const weekend = dayFactors.filter((_, day) => seenDays[day] && WEEKEND_DAYS.has(day));
  const weekdayFactor = weekdays.length > 0 ? medianOf(weekdays) : 1;
  const weekendFactor = weekend.length > 0 ? weekend.reduce((sum, value) => sum + value, 0) / weekend.length : weekdayFactor;
  return dayFactors.map((_, day) => (WEEKEND_DAYS.has(day) ? weekendFactor : weekdayFactor));
}

/** Each slot's expected count at level 1. */
function shapeBases(slots: readonly HistorySlot[], shape: Shape): number[] {
  return slots.map((slot) => (shape.profile[slot.bin] as number) * (shape.dayFactors[slot.day] as number) * slot.buckets);
}

/** Divides the included values by their mean (a mean of 1); the others become 1. */
function normalised(values: readonly number[], included: readonly boolean[]): number[] {
  const kept = values.filter((_, index) => included[index]);
  const mean = kept.reduce((sum, value) => sum + value, 0) / Math.max(kept.length, 1);
  if (!(mean > 0)) return values.map(() => 1);
  return values.map((value, index) => (included[index] ? value / mean : 1));
}

/**
 * Every value divided by the mean of the included ones. Unlike `normalised`, a day not seen before the last day keeps
 * its weekday or weekend factor: in the first hour of a Monday the week's only Sunday is the last day, which day
 * factors leave out; reset to 1, Sunday would read as a weekday, the last day's level as a weekday's, and Monday's
 * rise after the weekend would be lost for that hour (every busy brand with quieter weekends alerted at 00:00 Monday).
 */
function scaledToMeanOne(values: readonly number[], included: readonly boolean[]): number[] {
  const kept = values.filter((_, index) => included[index]);
  const mean = kept.reduce((sum, value) => sum + value, 0) / Math.max(kept.length, 1);
  if (!(mean > 0)) return values.map(() => 1);
  return values.map((value) => value / mean);
}

/** The level of the slots just before `end` (at most one day of them), pulled towards the week's. */
function recentLevel(
  counts: readonly number[],
  bases: readonly number[],
  end: number,
  weekLevel: number,
  settings: BaselineSettings,
  dispersion: Dispersion,
): number {
  const from = Math.max(0, end - settings.levelSlots);
  return robustFactor(counts.slice(from, end), bases.slice(from, end), dispersion, {
    value: weekLevel,
    mentions: LEVEL_PRIOR_MENTIONS,
  });
}

/** Each slot's expected count as predicted from the day before it (as live prediction works); null without one. */
function localExpectations(
  slots: readonly HistorySlot[],
  shape: Shape,
  settings: BaselineSettings,
  dispersion: Dispersion,
): (number | null)[] {
  const counts = slots.map((slot) => slot.count);
  const bases = shapeBases(slots, shape);
  return slots.map((_, index) => {
    if (index < MIN_LOCAL_SLOTS) return null;
    const mean = recentLevel(counts, bases, index, shape.level, settings, dispersion) * (bases[index] as number);
    return mean > 0 ? mean : null;
  });
}

const quantiles = new Map<number, number>();

/** The standard normal quantile exceeded with probability `probability` (memoised: few distinct values occur). */
function normalQuantileAbove(probability: number): number {
  let quantile = quantiles.get(probability);
  if (quantile === undefined) {
    quantile = Math.SQRT2 * erfcinv(2 * probability);
    if (quantiles.size < 1000) quantiles.set(probability, quantile);
  }
  return quantile;
}

/**
 * The c² under which only TAIL_SHARE of the week's slots have a peak (short scales: the highest window of the slot;
 * one slot: its count) beyond the matching normal quantile on the variance-stabilised scale: per slot, the c² that
 * would put it exactly there; then their (1 − TAIL_SHARE) quantile. Spikes are a few slots and cannot move it much.
 */
function tailRateVariance(
  slots: readonly HistorySlot[],
  expectations: readonly (number | null)[],
  scale: ScaleSpan,
  clumping: number,
  tailShare: number,
  bothSides = false,
): number {
  const needed: number[] = [];
  slots.forEach((slot, index) => {
    const mean = expectations[index];
    if (mean === null || mean === undefined) return;
    let observed = slot.count;
    let expected = mean;
    let windows = 1;
    if (scale.kind === 'peak') {
      if (slot.buckets < scale.buckets) return;
      observed = slot.peaks[scale.peak] as number;
      expected = (mean * (scale.buckets - 1)) / slot.buckets;
      windows = slot.buckets / scale.buckets;
    }
    // The normal approximation of the stabilised count holds from about ten mentions; below, the Poisson part of
    // the model is exact and c² barely matters, while discreteness would pass for dispersion.
    if (expected / clumping < MIN_MENTIONS_FOR_TAIL) return;
    const signed = 2 * (Math.sqrt(observed / clumping + 0.375) - Math.sqrt(expected / clumping + 0.375));
    const stray = bothSides ? Math.abs(signed) : signed;
    const quantile = normalQuantileAbove((bothSides ? tailShare / 2 : tailShare) / windows);
    needed.push(stray <= 0 ? 0 : ((stray / quantile) ** 2 - 1) / (expected / clumping));
  });
  if (needed.length === 0) return 0;
  needed.sort((a, b) => a - b);
  return Math.max(0, needed[Math.floor((1 - tailShare) * (needed.length - 1))] as number);
}

/**
 * The c² the week's sliding sums over the busiest scale (`span` consecutive slots, 6 hours) need at their tail, as
 * tailRateVariance fits one slot: a floor for every scale's c². A quiet brand's bursts are a handful of mentions at
 * 15 minutes or an hour, too few for those scales' own tails (which skip windows expecting under ten mentions),
 * while its 6-hour sums hold enough mentions to show them: a brand whose mentions come in bursts is judged as bursty
 * at every scale, and a brand whose counts are Poisson-like keeps the exact model. 0 unless the sums' excess variance
 * reaches FLOOR_MIN_EXCESS times the Poisson one: a brand at 5 an hour with ordinary (calm) noise expects about 30
 * mentions in six hours, whose tail varies by chance nearly as much as by burstiness, and must keep its sensitivity.
 */
function burstinessFloor(
  slots: readonly HistorySlot[],
  expectations: readonly (number | null)[],
  span: number,
  clumping: number,
): number {
  const needed: number[] = [];
  const expectedSums: number[] = [];
  const quantile = normalQuantileAbove(TAIL_SHARE);
  for (let end = span - 1; end < slots.length; end += 1) {
    const first = end - span + 1;
    if ((slots[end] as HistorySlot).index - (slots[first] as HistorySlot).index !== span - 1) continue;
    let observed = 0;
    let expected = 0;
    let ordinary = true;
    for (let index = first; index <= end && ordinary; index += 1) {
      const mean = expectations[index];
      const slot = slots[index] as HistorySlot;
      ordinary = mean !== null && mean !== undefined && !slot.incident;
      observed += slot.count;
      expected += mean ?? 0;
    }
    // Sums holding an incident are no measure of the brand's noise (as in the per-scale tails).
    if (!ordinary || expected / clumping < MIN_MENTIONS_FOR_TAIL) continue;
    expectedSums.push(expected / clumping);
    const stray = 2 * (Math.sqrt(observed / clumping + 0.375) - Math.sqrt(expected / clumping + 0.375));
    needed.push(stray <= 0 ? 0 : ((stray / quantile) ** 2 - 1) / (expected / clumping));
  }
  if (needed.length === 0) return 0;
  needed.sort((a, b) => a - b);
  expectedSums.sort((a, b) => a - b);
  const rateVariance = Math.max(0, needed[Math.floor((1 - TAIL_SHARE) * (needed.length - 1))] as number);
  const typicalSum = expectedSums[Math.floor(expectedSums.length / 2)] as number;
  return rateVariance * typicalSum >= FLOOR_MIN_EXCESS ? rateVariance : 0;
}

/**
 * The multiplier the day of the week adds to the last day's level: a Monday after a quiet Sunday is expected busier
 * (its factor over the last day's), but a day is never expected quieter than the last day (a lasting step within the
 * week inflates the days after it, which would otherwise make the next days' expectations fall back to the old level).
 */
export function dayRise(baseline: Baseline, day: number): number {
  return Math.max(1, (baseline.dayFactors[day] as number) / Math.max(baseline.recentDayFactor, 1e-9));
}

/** The baseline of a week of completed slots, oldest first (empty slots already left out). */
export function fitBaseline(slots: readonly HistorySlot[], settings: BaselineSettings): Baseline {
  // φ from the brand's ordinary noise only: not from an incident's hours (as the tail below), nor from hours still
  // inside a window being judged, whose burst may not have been scored yet.
  const settledBefore = settings.settledBefore ?? Number.POSITIVE_INFINITY;
  const clumping = clumpingOf(slots.filter((slot) => slot.index < settledBefore && !slot.incident));
  // The shape is fitted under a typical dispersion: Huber weights only need its order of magnitude.
  const fittingDispersion: Dispersion = { clumping, rateVariance: INITIAL_RATE_SD ** 2 };
  const shape = fitShape(slots, settings, fittingDispersion);
  const expectations = localExpectations(slots, shape, settings, fittingDispersion);
  // The bulk: half of the slots stray further either way than half of a normal's draws would.
  const rateVariance = Math.max(MIN_RATE_SD ** 2, tailRateVariance(slots, expectations, HOURLY, clumping, 0.5, true));
  const dispersion: Dispersion = { clumping, rateVariance };
  const counts = slots.map((slot) => slot.count);
  // The last day's level as it was, weekday and all: one week cannot tell a weekly cycle from a lasting step, so the
  // day factors may only raise an expectation (see dayRise), never lower it below what the last day showed.
  const flat: Shape = { ...shape, dayFactors: shape.dayFactors.map(() => 1) };
  const recentSlots = slots.slice(Math.max(0, slots.length - settings.levelSlots));
  const recentDayFactor =
    recentSlots.reduce((sum, slot) => sum + (shape.dayFactors[slot.day] as number), 0) / Math.max(recentSlots.length, 1);
  const level = recentLevel(counts, shapeBases(slots, flat), slots.length, shape.level * recentDayFactor, settings, dispersion);
  // The tail is that of the brand's ordinary hours: an incident the detector found is no measure of its noise, and
  // would make every rise for the rest of the week look ordinary (an incident is a few hours; 2 % of a week is three).
  const ordinary = slots.flatMap((slot, index) => (slot.incident ? [] : [index]));
  const ordinarySlots = ordinary.map((index) => slots[index] as HistorySlot);
  const ordinaryExpectations = ordinary.map((index) => expectations[index] ?? null);
  const tailOf = (scale: ScaleSpan) =>
    tailRateVariance(ordinarySlots, ordinaryExpectations, scale, clumping, TAIL_SHARE);
  const hourly = tailOf(HOURLY);
  const busiestSpan = Math.max(1, ...settings.scales.map((scale) => (scale.kind === 'slots' ? scale.slots : 1)));
  const floor = burstinessFloor(slots, expectations, busiestSpan, clumping);
  const scaleRateVariances = settings.scales.map((scale) =>
    Math.max(rateVariance, floor, scale.kind === 'peak' ? tailOf(scale) : hourly),
  );
  return {
    level,
    profile: shape.profile,
    dayFactors: shape.dayFactors,
    recentDayFactor,
    clumping,
    rateVariance,
    scaleRateVariances,
  };
}
