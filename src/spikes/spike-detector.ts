// Streaming spike detector for one count series (a brand's mentions per bucket): pure, O(1) state, serialisable.
//
// Method, and why each part is there:
// 1. Counts go through the Anscombe transform 2·sqrt(x + 3/8): Poisson noise becomes roughly unit-variance whatever
//    the rate, so 3 → 12 mentions and 300 → 1200 are judged on one scale.
// 2. The baseline is a level plus an hour-of-day profile (mention volume follows the working day). Both learn from
//    Huber-clipped residuals: a spike moves them by at most `clip` spreads times a small rate, so it cannot raise the
//    baseline that judges the next spike, while a lasting step change is still absorbed within hours.
// 3. The residual is divided by a robust spread (mean absolute residual, clipped the same way) kept per hour of day:
//    real counts are over-dispersed, more so at busy hours, and one global spread would make every afternoon peak.
//    The daily cycle is multiplicative: the hour-of-day profile is kept in proportion to the level, and the level
//    learns each residual divided by that hour's share of it. A brand whose volume doubles doubles at every hour (√2
//    in transformed units), so a lasting step change is absorbed by the level alone within hours, instead of waiting
//    days for each hour's profile to learn it (which made the next day's busy hours alert again).
// 4. Three smoothings of the standardised residual: 15 minutes (a burst), one hour (a surge that builds up) and six
//    hours (a slow, lasting rise). The six-hour evidence is the smaller of its mean and the one-hour mean, so it
//    only speaks while the rise is still going on, and an hour-long burst cannot keep it up for six hours.
// 5. Calibration: each is divided by an upper quantile of the series' own daily peaks of that same quantity over the
//    last two weeks. A brand whose ordinary days already hold wild peaks needs a wilder one to alert; a quiet brand
//    alerts on less. The score is therefore unit-free: 1 = as unusual as one of the busier recent days. A mean over
//    k buckets is less noisy than one over the short window, so the floor under its reference shrinks as
//    √(short / k) (the six-hour scale; the two shorter ones keep the plain floor, as tuned on NAB).
//
// Missing buckets (a gap in bucketStart) are treated as "no data", not as zero mentions: they are skipped, and a gap
// longer than the smoothing window empties it. The live caller feeds every bucket, zero counts included. A bucket
// at or before the last one learnt (late or repeated) is scored but not learnt from.

export type Sensitivity = 'low' | 'medium' | 'high' | number;

export interface SpikeDetectorOptions {
  bucketMs: number;
  /**
   * The score an alert needs. 'medium' (1.8, the production default scored on NAB), 'low' (2.2, fewer alerts),
   * 'high' (1.4, more alerts); a number is that threshold itself on the same scale (score 1 = one of the busier
   * recent days; higher numbers alert less).
   */
  sensitivity?: Sensitivity;
}

export interface SpikeVerdict {
  /** Calibrated anomaly score: 1 = as unusual as one of the busier days of the last two weeks. */
  score: number;
  anomalous: boolean;
  /** The count the baseline expected for this bucket. */
  expected: number;
  /** False until a day of history has been learnt; live rules use their absolute floors alone until then. */
  warmedUp: boolean;
}

/** Plain JSON, bounded: a few scalars, three 24-slot hour-of-day arrays, ≤ 6 hours of residuals, ≤ 42 daily peaks. */
export interface SpikeDetectorState {
  version: 2;
  updates: number;
  lastBucketStart: number | null;
  level: number;
  season: number[];
  seasonUpdates: number[];
  spread: number;
  hourSpread: number[];
  /** Standardised residuals of the last hour, oldest first. */
  recent: number[];
  /** Standardised residuals of the five hours before `recent`, oldest first (the six-hour smoothing's remainder). */
  earlier: number[];
  dayIndex: number | null;
  shortDayPeak: number | null;
  longDayPeak: number | null;
  surgeDayPeak: number | null;
  shortDayPeaks: number[];
  longDayPeaks: number[];
  surgeDayPeaks: number[];
}

/** The state saved before the six-hour scale existed; it is upgraded on load, keeping what it had learnt. */
export type SpikeDetectorStateV1 = Omit<SpikeDetectorState, 'version' | 'earlier' | 'surgeDayPeak' | 'surgeDayPeaks'> & {
  version: 1;
};

export const SENSITIVITY_THRESHOLDS = { low: 2.2, medium: 1.8, high: 1.4 } as const;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const HOURS_PER_DAY = 24;

/** The method's few constants, in time units so that any bucket size behaves alike. */
const LEVEL_HALF_LIFE_MS = 6 * HOUR_MS;
const GLOBAL_SPREAD_HALF_LIFE_MS = DAY_MS;
const SEASON_HALF_LIFE_DAYS = 3;
const HOUR_SPREAD_HALF_LIFE_DAYS = 7;
const SHORT_SMOOTHING_MS = 15 * MINUTE_MS;
const LONG_SMOOTHING_MS = HOUR_MS;
const SURGE_SMOOTHING_MS = 6 * HOUR_MS;
/** Residuals beyond this many spreads are clipped before they teach the baseline. */
const CLIP_SPREADS = 2.5;
/** Spread floor in transformed units (Poisson noise is 1): near-constant series must not divide by ~0. */
const MIN_SPREAD = 0.5;
const PEAK_DAYS = 14;
const PEAK_QUANTILE = 0.75;
/** Daily peaks of the standardised residual below this are not trusted as a reference (an eerily calm fortnight). */
const PEAK_FLOOR = 2;
/** Transformed levels below this (about half a mention per bucket) count as this in the profile's proportions. */
const MIN_SCALING_LEVEL = 2;
/** The reference before any full day has been seen (unused for alerting, which waits for warm-up). */
const DEFAULT_PEAK = 4;
/** Mean absolute deviation → standard deviation for normal noise. */
const MAD_TO_SD = Math.sqrt(Math.PI / 2);

export function sensitivityThreshold(sensitivity: Sensitivity | undefined): number {
  if (sensitivity === undefined) return SENSITIVITY_THRESHOLDS.medium;
  if (typeof sensitivity === 'number') {
    if (!Number.isFinite(sensitivity) || sensitivity <= 0) {
      throw new Error(`sensitivity must be > 0, got ${sensitivity}`);
    }
    return sensitivity;
  }
  return SENSITIVITY_THRESHOLDS[sensitivity];
}

function anscombe(count: number): number {
  return 2 * Math.sqrt(Math.max(count, 0) + 0.375);
}

function inverseAnscombe(transformed: number): number {
  return Math.max(0, (transformed / 2) ** 2 - 0.375);
}

/** The exponential-average rate whose weights halve every `halfLife` steps. */
function rateForHalfLife(halfLife: number): number {
  return 1 - 0.5 ** (1 / Math.max(halfLife, 1));
}

/** The q-quantile, interpolating between order statistics. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return (sorted[below] as number) * (1 - fraction) + (sorted[above] as number) * fraction;
}

function meanOfLast(values: readonly number[], count: number): number {
  const tail = values.slice(-count);
  return tail.reduce((sum, value) => sum + value, 0) / tail.length;
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

function initialState(): SpikeDetectorState {
  return {
    version: 2,
    updates: 0,
    lastBucketStart: null,
    level: 0,
    season: new Array<number>(HOURS_PER_DAY).fill(0),
    seasonUpdates: new Array<number>(HOURS_PER_DAY).fill(0),
    spread: MIN_SPREAD,
    hourSpread: new Array<number>(HOURS_PER_DAY).fill(MIN_SPREAD),
    recent: [],
    earlier: [],
    dayIndex: null,
    shortDayPeak: null,
    longDayPeak: null,
    surgeDayPeak: null,
    shortDayPeaks: [],
    longDayPeaks: [],
    surgeDayPeaks: [],
  };
}

function upgradedState(state: SpikeDetectorState | SpikeDetectorStateV1): SpikeDetectorState {
  if (state.version === 2) return structuredClone(state);
  return { ...structuredClone(state), version: 2, earlier: [], surgeDayPeak: null, surgeDayPeaks: [] };
}

export class SpikeDetector {
  readonly bucketMs: number;
  readonly threshold: number;
  private readonly bucketsPerDay: number;
  private readonly bucketsPerHourSlot: number;
  private readonly shortBuckets: number;
  private readonly longBuckets: number;
  private readonly surgeBuckets: number;
  private state: SpikeDetectorState;

  constructor(options: SpikeDetectorOptions, state?: SpikeDetectorState | SpikeDetectorStateV1) {
    if (!(options.bucketMs > 0)) throw new Error(`bucketMs must be positive, got ${options.bucketMs}`);
    this.bucketMs = options.bucketMs;
    this.threshold = sensitivityThreshold(options.sensitivity);
    this.bucketsPerDay = Math.max(1, Math.round(DAY_MS / options.bucketMs));
    this.bucketsPerHourSlot = Math.max(1, this.bucketsPerDay / HOURS_PER_DAY);
    this.shortBuckets = Math.max(1, Math.round(SHORT_SMOOTHING_MS / options.bucketMs));
    this.longBuckets = Math.max(this.shortBuckets, Math.round(LONG_SMOOTHING_MS / options.bucketMs));
    this.surgeBuckets = Math.max(this.longBuckets, Math.round(SURGE_SMOOTHING_MS / options.bucketMs));
    this.state = state ? upgradedState(state) : initialState();
  }

  /** A day of buckets learnt, and one day's peak recorded to calibrate against. */
  get warmedUp(): boolean {
    return this.state.updates >= this.bucketsPerDay && this.state.shortDayPeaks.length > 0;
  }

  update(bucketStart: number, count: number): SpikeVerdict {
    const state = this.state;
    const transformed = anscombe(count);
    const hour = Math.floor((((bucketStart % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    if (state.updates === 0) state.level = transformed;
    const expectedTransformed = state.level + (state.season[hour] as number);
    const residual = transformed - expectedTransformed;
    const spreadSd = Math.max(this.spreadAt(hour), MIN_SPREAD) * MAD_TO_SD;
    const standardised = residual / spreadSd;

    const late = state.lastBucketStart !== null && bucketStart <= state.lastBucketStart;
    const stored = [...state.earlier, ...state.recent];
    const window = late ? [...stored.slice(1), standardised] : this.withNewest(bucketStart, stored, standardised);
    const shortSmoothed = meanOfLast(window, this.shortBuckets);
    const longSmoothed = meanOfLast(window, this.longBuckets);
    const surgeSmoothed = Math.min(meanOfLast(window, this.surgeBuckets), longSmoothed);
    const score = Math.max(
      shortSmoothed / peakReference(state.shortDayPeaks, PEAK_FLOOR),
      longSmoothed / peakReference(state.longDayPeaks, PEAK_FLOOR),
      surgeSmoothed / peakReference(state.surgeDayPeaks, PEAK_FLOOR * Math.sqrt(this.shortBuckets / this.surgeBuckets)),
    );
    const warmedUp = this.warmedUp;
    const verdict: SpikeVerdict = {
      score,
      anomalous: warmedUp && score >= this.threshold,
      expected: inverseAnscombe(expectedTransformed),
      warmedUp,
    };
    if (!late) {
      state.recent = window.slice(-this.longBuckets);
      state.earlier = window.slice(0, -this.longBuckets);
      this.learnBaseline(hour, residual, spreadSd);
      this.trackDayPeaks(bucketStart, shortSmoothed, longSmoothed, surgeSmoothed);
      state.updates += 1;
      state.lastBucketStart = bucketStart;
    }
    return verdict;
  }

  toJSON(): SpikeDetectorState {
    return structuredClone(this.state);
  }

  /** The last six hours of standardised residuals with this one appended; a gap of an hour or more starts afresh. */
  private withNewest(bucketStart: number, stored: readonly number[], standardised: number): number[] {
    const state = this.state;
    const missing =
      state.lastBucketStart === null ? 0 : Math.round((bucketStart - state.lastBucketStart) / this.bucketMs) - 1;
    const kept = missing >= this.longBuckets ? [] : stored;
    return [...kept, standardised].slice(-this.surgeBuckets);
  }

  /** The hour's own spread once it has two days of visits, blended in from the global spread before that. */
  private spreadAt(hour: number): number {
    const state = this.state;
    const weight = Math.min(1, (state.seasonUpdates[hour] as number) / (2 * this.bucketsPerHourSlot));
    return weight * (state.hourSpread[hour] as number) + (1 - weight) * state.spread;
  }

  private learnBaseline(hour: number, residual: number, spreadSd: number): void {
    const state = this.state;
    const clipped = clamp(residual, CLIP_SPREADS * spreadSd);
    const absolute = Math.abs(clipped);
    const visits = state.seasonUpdates[hour] as number;
    // Early on the rates are 1/n (plain running means), so the baseline is usable within the first day.
    const levelRate = Math.max(rateForHalfLife(LEVEL_HALF_LIFE_MS / this.bucketMs), 1 / (state.updates + 1));
    const seasonRate = Math.max(rateForHalfLife(SEASON_HALF_LIFE_DAYS * this.bucketsPerHourSlot), 1 / (visits + 2));
    const globalSpreadRate = Math.max(
      rateForHalfLife(GLOBAL_SPREAD_HALF_LIFE_MS / this.bucketMs),
      1 / (state.updates + 1),
    );
    const hourSpreadRate = Math.max(
      rateForHalfLife(HOUR_SPREAD_HALF_LIFE_DAYS * this.bucketsPerHourSlot),
      1 / (visits + 1),
    );
    // The baseline is the level times this hour's share of it, so a residual r here means the level is off by
    // r / share: a busy hour moves the level less than its raw residual, a quiet one more.
    const levelShare =
      Math.max(state.level, MIN_SCALING_LEVEL) / Math.max(state.level + (state.season[hour] as number), MIN_SCALING_LEVEL);
    const levelStep = levelRate * levelShare;
    const level = state.level + levelStep * clipped;
    // The profile scales with the level (a multiplicative daily cycle), so a lasting change moves every hour at once.
    const profileScale = Math.max(level, MIN_SCALING_LEVEL) / Math.max(state.level, MIN_SCALING_LEVEL);
    state.season = state.season.map((offset) => offset * profileScale);
    state.level = level;
    // The level already took its share of this residual; the hour's profile learns what is left.
    state.season[hour] = (state.season[hour] as number) + seasonRate * (1 - levelStep) * clipped;
    state.seasonUpdates[hour] = visits + 1;
    state.spread += globalSpreadRate * (absolute - state.spread);
    const hourSpread = state.hourSpread[hour] as number;
    state.hourSpread[hour] = hourSpread + hourSpreadRate * (absolute - hourSpread);
  }

  /** Keeps each UTC day's highest short, long and surge smoothed residual, and the last PEAK_DAYS of them. */
  private trackDayPeaks(bucketStart: number, shortSmoothed: number, longSmoothed: number, surgeSmoothed: number): void {
    const state = this.state;
    const dayIndex = Math.floor(bucketStart / DAY_MS);
    if (state.dayIndex !== null && dayIndex !== state.dayIndex && state.shortDayPeak !== null) {
      state.shortDayPeaks = [...state.shortDayPeaks, state.shortDayPeak].slice(-PEAK_DAYS);
      state.longDayPeaks = [...state.longDayPeaks, state.longDayPeak ?? state.shortDayPeak].slice(-PEAK_DAYS);
      state.surgeDayPeaks = [...state.surgeDayPeaks, state.surgeDayPeak ?? state.shortDayPeak].slice(-PEAK_DAYS);
      state.shortDayPeak = null;
      state.longDayPeak = null;
      state.surgeDayPeak = null;
    }
    state.dayIndex = dayIndex;
    state.shortDayPeak = Math.max(state.shortDayPeak ?? Number.NEGATIVE_INFINITY, shortSmoothed);
    state.longDayPeak = Math.max(state.longDayPeak ?? Number.NEGATIVE_INFINITY, longSmoothed);
    state.surgeDayPeak = Math.max(state.surgeDayPeak ?? Number.NEGATIVE_INFINITY, surgeSmoothed);
  }
}

/** An upper quantile of the recent daily peaks, never below `floor` (the noise level of that smoothing). */
function peakReference(dayPeaks: readonly number[], floor: number): number {
  const peak = dayPeaks.length > 0 ? quantile(dayPeaks, PEAK_QUANTILE) : DEFAULT_PEAK;
  return Math.max(peak, floor);
}
