// The streaming spike detector on synthetic mention counts: quiet series, daily cycles, spikes, steps, zeros, gaps.
import { describe, expect, it } from 'vitest';
import {
  SENSITIVITY_THRESHOLDS,
  SpikeDetector,
  sensitivityThreshold,
  type SpikeDetectorStateV1,
  type SpikeVerdict,
} from '../../src/spikes/spike-detector.js';
import { SpikeEpisodes } from '../../src/spikes/spike-episodes.js';
import { DEFAULT_VOLUME_SPIKE, volumeSpikeEpisodeOptions } from '../../src/spikes/volume-spike-defaults.js';

const BUCKET_MS = 5 * 60_000;
const BUCKETS_PER_HOUR = 12;
const BUCKETS_PER_DAY = 288;
/** A Monday, 00:00 UTC. */
const START = Date.UTC(2026, 0, 5);

/** Deterministic uniform numbers in [0, 1) (mulberry32), so every run sees the same series. */
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson counts (Knuth's method; rates here stay small enough for it). */
function poissonSource(seed: number): (rate: number) => number {
  const uniform = uniformSource(seed);
  return (rate) => {
    const limit = Math.exp(-rate);
    let count = 0;
    let product = uniform();
    while (product > limit) {
      count += 1;
      product *= uniform();
    }
    return count;
  };
}

/** Mentions per 5 minutes over a working day: ~3 at night, ~30 at the 15:00 UTC peak. */
function dailyCycleRate(bucket: number): number {
  const hourOfDay = ((bucket % BUCKETS_PER_DAY) / BUCKETS_PER_DAY) * 24;
  return 3 + 27 * Math.exp(-(((hourOfDay - 15) / 4) ** 2));
}

interface Replay {
  verdicts: SpikeVerdict[];
  /** Bucket indexes where the default volume_spike episodes would send a firing notification. */
  firings: number[];
  resolutions: number[];
}

function replay(counts: readonly number[], detector = new SpikeDetector({ bucketMs: BUCKET_MS })): Replay {
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
  const replayed: Replay = { verdicts: [], firings: [], resolutions: [] };
  counts.forEach((count, bucket) => {
    const verdict = detector.update(START + bucket * BUCKET_MS, count);
    replayed.verdicts.push(verdict);
    const transition = episodes.step(verdict.anomalous);
    if (transition === 'firing') replayed.firings.push(bucket);
    if (transition === 'resolved') replayed.resolutions.push(bucket);
  });
  return replayed;
}

function cycleCounts(days: number, seed: number): number[] {
  const poisson = poissonSource(seed);
  return Array.from({ length: days * BUCKETS_PER_DAY }, (_, bucket) => poisson(dailyCycleRate(bucket)));
}

/** Multiplies the counts of `length` buckets from `from` by `factor` (a burst of mentions on top of the usual). */
function withBurst(counts: readonly number[], from: number, length: number, factor: number): number[] {
  return counts.map((count, bucket) => (bucket >= from && bucket < from + length ? Math.round(count * factor) : count));
}

const DAY8_NOON = 7 * BUCKETS_PER_DAY + 12 * BUCKETS_PER_HOUR;
/** The 15-minute smoothing may need the burst's second or third bucket before the score crosses the threshold. */
const FIRING_DELAY_BUCKETS = 2;

/** One firing per burst, each at most FIRING_DELAY_BUCKETS after the burst's first bucket. */
function expectFiringsAtStartsOf(firings: readonly number[], burstStarts: readonly number[]): void {
  expect(firings).toHaveLength(burstStarts.length);
  firings.forEach((firing, index) => {
    const start = burstStarts[index] as number;
    expect(firing).toBeGreaterThanOrEqual(start);
    expect(firing).toBeLessThanOrEqual(start + FIRING_DELAY_BUCKETS);
  });
}

describe('SpikeDetector sensitivity', () => {
  it('maps low / medium / high and numbers onto one threshold scale, medium by default', () => {
    expect(SENSITIVITY_THRESHOLDS).toEqual({ low: 2.2, medium: 1.8, high: 1.4 });
    expect(sensitivityThreshold(undefined)).toBe(1.8);
    expect(sensitivityThreshold('low')).toBe(2.2);
    expect(sensitivityThreshold('high')).toBe(1.4);
    expect(sensitivityThreshold(3)).toBe(3);
    expect(new SpikeDetector({ bucketMs: BUCKET_MS }).threshold).toBe(1.8);
    expect(() => sensitivityThreshold(0)).toThrow('sensitivity must be > 0, got 0');
    expect(DEFAULT_VOLUME_SPIKE.sensitivity).toBe('medium');
  });

  it('alerts more often at high sensitivity than at low on the same series', () => {
    const bursts = [1.5, 2, 2.5, 3, 4, 6].map((factor, day) => ({ factor, from: (day + 3) * BUCKETS_PER_DAY + 150 }));
    const counts = bursts.reduce((series, { factor, from }) => withBurst(series, from, 6, factor), cycleCounts(10, 21));
    const anomalousAt = (sensitivity: 'low' | 'high') =>
      replay(counts, new SpikeDetector({ bucketMs: BUCKET_MS, sensitivity })).verdicts.filter((v) => v.anomalous)
        .length;
    expect(anomalousAt('high')).toBeGreaterThan(anomalousAt('low'));
  });

  it('rejects a bucket size that is not positive', () => {
    expect(() => new SpikeDetector({ bucketMs: 0 })).toThrow('bucketMs must be positive, got 0');
  });
});

describe('SpikeDetector warm-up', () => {
  it('is not warmed up during its first day, and never anomalous then however large the count', () => {
    const counts = cycleCounts(2, 1);
    counts[100] = 5000;
    const { verdicts } = replay(counts);
    expect(verdicts.slice(0, BUCKETS_PER_DAY).every((v) => !v.warmedUp && !v.anomalous)).toBe(true);
    // The first day's peak is recorded when the second day's first bucket has been learnt.
    expect(verdicts[BUCKETS_PER_DAY]?.warmedUp).toBe(false);
    expect(verdicts[BUCKETS_PER_DAY + 1]?.warmedUp).toBe(true);
  });
});

describe('SpikeDetector on ordinary series', () => {
  it('never alerts on a flat Poisson series, and expects about its rate', () => {
    const poisson = poissonSource(2);
    const counts = Array.from({ length: 14 * BUCKETS_PER_DAY }, () => poisson(20));
    const { verdicts, firings } = replay(counts);
    expect(firings).toEqual([]);
    expect(verdicts.at(-1)?.expected).toBeGreaterThan(18);
    expect(verdicts.at(-1)?.expected).toBeLessThan(22);
  });

  it('never alerts on the daily peak of a daily cycle once warmed up, and expects the cycle', () => {
    const counts = cycleCounts(14, 3);
    const { verdicts, firings } = replay(counts);
    expect(firings.filter((bucket) => bucket >= BUCKETS_PER_DAY)).toEqual([]);
    const lastDay = verdicts.slice(-BUCKETS_PER_DAY);
    const atPeak = lastDay[15 * BUCKETS_PER_HOUR]?.expected ?? 0;
    const atNight = lastDay[3 * BUCKETS_PER_HOUR]?.expected ?? 0;
    expect(atPeak).toBeGreaterThan(22);
    expect(atNight).toBeLessThan(6);
  });

  it('never alerts on a series of zeros, with finite scores and an expected count of 0', () => {
    const { verdicts, firings } = replay(new Array<number>(5 * BUCKETS_PER_DAY).fill(0));
    expect(firings).toEqual([]);
    expect(verdicts.every((v) => Number.isFinite(v.score))).toBe(true);
    expect(verdicts.at(-1)?.expected).toBe(0);
  });
});

describe('SpikeDetector on spikes', () => {
  it('alerts once, at the start of a one-hour burst of five times the usual volume, and resolves after it', () => {
    const counts = withBurst(cycleCounts(10, 4), DAY8_NOON, BUCKETS_PER_HOUR, 5);
    const { firings, resolutions, verdicts } = replay(counts);
    expectFiringsAtStartsOf(firings, [DAY8_NOON]);
    expect(resolutions).toHaveLength(1);
    expect(resolutions[0]).toBeGreaterThan(DAY8_NOON + BUCKETS_PER_HOUR);
    expect(resolutions[0]).toBeLessThanOrEqual(DAY8_NOON + 3 * BUCKETS_PER_HOUR);
    expect(verdicts[DAY8_NOON]?.expected).toBeLessThan(counts[DAY8_NOON] ?? 0);
  });

  it('alerts on a burst in a sparse series (one mention an hour, then 10 per 5 minutes for 15 minutes)', () => {
    const poisson = poissonSource(5);
    const counts = Array.from({ length: 10 * BUCKETS_PER_DAY }, () => poisson(0.1));
    counts.splice(DAY8_NOON, 3, 10, 10, 10);
    const { firings } = replay(counts);
    expectFiringsAtStartsOf(firings, [DAY8_NOON]);
  });

  it('is not poisoned by a spike: a second equal burst three hours later alerts again', () => {
    const second = DAY8_NOON + 3 * BUCKETS_PER_HOUR;
    const withoutFirst = withBurst(cycleCounts(10, 6), second, BUCKETS_PER_HOUR, 20);
    const counts = withBurst(withoutFirst, DAY8_NOON, BUCKETS_PER_HOUR, 20);
    const { firings, verdicts } = replay(counts);
    expectFiringsAtStartsOf(firings, [DAY8_NOON, second]);
    // The first burst raised the baseline that judges the second by less than 10%.
    const unpoisoned = replay(withoutFirst).verdicts[second]?.expected ?? 0;
    expect(verdicts[second]?.expected).toBeLessThan(unpoisoned * 1.1);
  });

  it('alerts once on a lasting step change, then adapts: the episode resolves and no new one opens', () => {
    const poisson = poissonSource(7);
    const counts = Array.from({ length: 14 * BUCKETS_PER_DAY }, (_, bucket) =>
      poisson(dailyCycleRate(bucket) * (bucket >= DAY8_NOON ? 3 : 1)),
    );
    const { firings, resolutions, verdicts } = replay(counts);
    expect(firings).toHaveLength(1);
    expect(firings[0]).toBeGreaterThanOrEqual(DAY8_NOON);
    expect(firings[0]).toBeLessThan(DAY8_NOON + BUCKETS_PER_HOUR);
    expect(resolutions).toHaveLength(1);
    expect(resolutions[0]).toBeLessThan(DAY8_NOON + 2 * BUCKETS_PER_DAY);
    const lastDayExpected = verdicts.at(-BUCKETS_PER_DAY + 15 * BUCKETS_PER_HOUR)?.expected ?? 0;
    expect(lastDayExpected).toBeGreaterThan(60);
  });
});

describe('SpikeDetector on gaps and late buckets', () => {
  it('skips missing buckets: a six-hour outage neither alerts nor breaks detection of a later burst', () => {
    const counts = withBurst(cycleCounts(10, 8), DAY8_NOON, BUCKETS_PER_HOUR, 5);
    const gapStart = DAY8_NOON - 12 * BUCKETS_PER_HOUR;
    const gap = new Set(Array.from({ length: 6 * BUCKETS_PER_HOUR }, (_, offset) => gapStart + offset));
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
    const firings: number[] = [];
    counts.forEach((count, bucket) => {
      if (gap.has(bucket)) return;
      const verdict = detector.update(START + bucket * BUCKET_MS, count);
      if (episodes.step(verdict.anomalous) === 'firing') firings.push(bucket);
    });
    expectFiringsAtStartsOf(firings, [DAY8_NOON]);
    expect(detector.toJSON().updates).toBe(counts.length - gap.size);
  });

  it('scores a late or repeated bucket without learning from it', () => {
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    cycleCounts(3, 9).forEach((count, bucket) => detector.update(START + bucket * BUCKET_MS, count));
    const before = detector.toJSON();
    const verdict = detector.update(START, 10_000);
    expect(verdict.anomalous).toBe(true);
    expect(detector.toJSON()).toEqual(before);
  });
});

describe('SpikeDetector state', () => {
  it('continues identically after a JSON round trip of its state mid-series', () => {
    const counts = withBurst(cycleCounts(10, 10), DAY8_NOON, BUCKETS_PER_HOUR, 5);
    const straight = replay(counts).verdicts;
    const half = 6 * BUCKETS_PER_DAY + 7;
    const first = new SpikeDetector({ bucketMs: BUCKET_MS });
    const resumedVerdicts: SpikeVerdict[] = [];
    counts
      .slice(0, half)
      .forEach((count, bucket) => resumedVerdicts.push(first.update(START + bucket * BUCKET_MS, count)));
    const restored = new SpikeDetector({ bucketMs: BUCKET_MS }, JSON.parse(JSON.stringify(first.toJSON())));
    counts
      .slice(half)
      .forEach((count, offset) => resumedVerdicts.push(restored.update(START + (half + offset) * BUCKET_MS, count)));
    expect(resumedVerdicts).toEqual(straight);
  });

  it('keeps a bounded state: its JSON does not grow with the length of the history', () => {
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    const counts = cycleCounts(40, 11);
    counts
      .slice(0, 20 * BUCKETS_PER_DAY)
      .forEach((count, bucket) => detector.update(START + bucket * BUCKET_MS, count));
    const after20Days = JSON.stringify(detector.toJSON()).length;
    counts.slice(20 * BUCKETS_PER_DAY).forEach((count, offset) =>
      detector.update(START + (20 * BUCKETS_PER_DAY + offset) * BUCKET_MS, count),
    );
    const state = detector.toJSON();
    expect(state.shortDayPeaks).toHaveLength(14);
    expect(state.recent).toHaveLength(BUCKETS_PER_HOUR);
    expect(JSON.stringify(state).length).toBeLessThan(after20Days * 1.2);
  });
});

describe('SpikeDetector state saved by an earlier version', () => {
  it('continues from a version-1 state without starting over', () => {
    const counts = cycleCounts(3, 21);
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    counts.forEach((count, index) => detector.update(START + index * BUCKET_MS, count));
    const { version: _version, earlier: _earlier, surgeDayPeak: _surgeDayPeak, surgeDayPeaks: _surgeDayPeaks, ...common } = detector.toJSON();
    const saved: SpikeDetectorStateV1 = { ...structuredClone(common), version: 1 };
    const restored = new SpikeDetector({ bucketMs: BUCKET_MS }, saved);
    const next = START + counts.length * BUCKET_MS;
    const verdict = restored.update(next, counts[counts.length - BUCKETS_PER_DAY] ?? 0);
    expect(verdict.warmedUp).toBe(true);
    expect(verdict.anomalous).toBe(false);
    expect(restored.toJSON()).toMatchObject({ version: 2 });
    // What it had learnt is kept: the same expectation as the detector that never stopped.
    expect(verdict.expected).toBeCloseTo(detector.update(next, counts[counts.length - BUCKETS_PER_DAY] ?? 0).expected, 6);
  });
});
