// The streaming spike detector on seeded synthetic mention counts: the detection contract of issue 8 at small scale
// (quiet brands, calm twins, steps, daily cycles), cold start, gaps, state versions and its finite memory.
import { describe, expect, it } from 'vitest';
import {
  MEMORY_MS,
  SENSITIVITY_HELP,
  SENSITIVITY_THRESHOLDS,
  SpikeDetector,
  sensitivityThreshold,
  type SpikeVerdict,
} from './spike-detector.js';
import { surprise } from './count-tail.js';
import { SpikeEpisodes } from './spike-episodes.js';
import { DEFAULT_VOLUME_SPIKE, volumeSpikeEpisodeOptions } from './volume-spike-defaults.js';

const BUCKET_MS = 5 * 60_000;
const BUCKETS_PER_HOUR = 12;
const BUCKETS_PER_DAY = 288;
/** A Monday, 00:00 UTC. */
const START = Date.UTC(2026, 0, 5);
/** Day 10 at 14:00 UTC: a rise placed here is judged by a detector that has had more than a week of history. */
const RISE_AT = 9 * BUCKETS_PER_DAY + 14 * BUCKETS_PER_HOUR;

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

/** Mentions per bucket around `perHour` an hour: a working-day cycle (×4 between night and the 15:00 UTC peak). */
function dailyCycleRate(perHour: number, bucket: number): number {
  const hourOfDay = ((bucket % BUCKETS_PER_DAY) / BUCKETS_PER_DAY) * 24;
  return (perHour / BUCKETS_PER_HOUR) * (1 + 0.6 * Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24));
}

/** Seeded counts of `days` days at `rate(bucket)` mentions per bucket. */
function countsOf(days: number, seed: number, rate: (bucket: number) => number): number[] {
  const poisson = poissonSource(seed);
  return Array.from({ length: days * BUCKETS_PER_DAY }, (_, bucket) => poisson(rate(bucket)));
}

/** A brand at `perHour` mentions an hour whose rate is `factor` times higher for `hours` hours from RISE_AT. */
function riseCounts(perHour: number, factor: number, hours: number, seed: number): number[] {
  const end = RISE_AT + hours * BUCKETS_PER_HOUR;
  return countsOf(14, seed, (bucket) => (perHour / BUCKETS_PER_HOUR) * (bucket >= RISE_AT && bucket < end ? factor : 1));
}

interface Replay {
  verdicts: SpikeVerdict[];
  /** Bucket indexes where the default volume_spike episodes send a firing notification. */
  firings: number[];
  resolutions: number[];
}

function replay(counts: readonly number[], detector = new SpikeDetector({ bucketMs: BUCKET_MS }), firstBucket = 0): Replay {
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
  const replayed: Replay = { verdicts: [], firings: [], resolutions: [] };
  counts.forEach((count, offset) => {
    const bucket = firstBucket + offset;
    const verdict = detector.update(START + bucket * BUCKET_MS, count);
    replayed.verdicts.push(verdict);
    const transition = episodes.step(verdict.anomalous);
    if (transition === 'firing') replayed.firings.push(bucket);
    if (transition === 'resolved') replayed.resolutions.push(bucket);
  });
  return replayed;
}

const afterFirstWeek = (buckets: readonly number[]) => buckets.filter((bucket) => bucket >= 7 * BUCKETS_PER_DAY);

describe('SpikeDetector sensitivity', () => {
  it('maps low / medium / high and numbers onto one scale of −log10 tail probabilities, medium by default', () => {
    expect(SENSITIVITY_THRESHOLDS).toEqual({ low: 7, medium: 5, high: 4 });
    expect(sensitivityThreshold(undefined)).toBe(5);
    expect(sensitivityThreshold('low')).toBe(7);
    expect(sensitivityThreshold('high')).toBe(4);
    expect(sensitivityThreshold(6.5)).toBe(6.5);
    expect(new SpikeDetector({ bucketMs: BUCKET_MS }).threshold).toBe(5);
    expect(() => sensitivityThreshold(0)).toThrow('sensitivity must be > 0, got 0');
    expect(DEFAULT_VOLUME_SPIKE.sensitivity).toBe('medium');
    expect(SENSITIVITY_HELP).toContain('low 7, medium 5, high 4');
  });

  it('rejects a bucket size that is not positive', () => {
    expect(() => new SpikeDetector({ bucketMs: 0 })).toThrow('bucketMs must be positive, got 0');
  });
});

describe('SpikeDetector detection contract (issue 8), seeded, at small scale', () => {
  it('alerts a ×5 one-hour rise on a 5-an-hour brand within 30 minutes, once; its calm twin stays silent', () => {
    const { firings } = replay(riseCounts(5, 5, 1, 1));
    expect(afterFirstWeek(firings)).toHaveLength(1);
    expect(firings[0]).toBeGreaterThanOrEqual(RISE_AT);
    expect(firings[0]).toBeLessThanOrEqual(RISE_AT + 6);
    expect(afterFirstWeek(replay(riseCounts(5, 1, 1, 1)).firings)).toEqual([]);
  });

  it('alerts ×8 for three hours on a 1-an-hour brand, during the rise; its calm twin stays silent', () => {
    const { firings } = replay(riseCounts(1, 8, 3, 1));
    expect(afterFirstWeek(firings)).toHaveLength(1);
    expect(firings[0]).toBeGreaterThanOrEqual(RISE_AT);
    expect(firings[0]).toBeLessThan(RISE_AT + 3 * BUCKETS_PER_HOUR);
    expect(afterFirstWeek(replay(riseCounts(1, 1, 3, 1)).firings)).toEqual([]);
  });

  it('alerts once on a lasting ×3 step, which then becomes the new normal', () => {
    const counts = countsOf(14, 7, (bucket) => dailyCycleRate(30, bucket) * (bucket >= RISE_AT ? 3 : 1));
    const { firings, resolutions, verdicts } = replay(counts);
    expect(firings).toEqual([firings[0]]);
    expect(firings[0]).toBeGreaterThanOrEqual(RISE_AT);
    expect(firings[0]).toBeLessThan(RISE_AT + BUCKETS_PER_HOUR);
    expect(resolutions).toHaveLength(1);
    expect(resolutions[0]).toBeLessThan(RISE_AT + BUCKETS_PER_DAY);
    // Three days on, the 15:00 peak is expected at three times the old peak (4 a bucket before the step).
    const peakAfter = verdicts[RISE_AT + 3 * BUCKETS_PER_DAY + BUCKETS_PER_HOUR]?.expected ?? 0;
    expect(peakAfter).toBeGreaterThan(4 * 3 * 0.85);
    expect(peakAfter).toBeLessThan(4 * 3 * 1.2);
  });

  it('never alerts on a daily cycle with quieter weekends, at any volume, and expects the cycle', () => {
    for (const perHour of [2, 30, 600]) {
      const weekly = (bucket: number) => (Math.floor(bucket / BUCKETS_PER_DAY) % 7 >= 5 ? 0.6 : 1);
      const counts = countsOf(21, perHour, (bucket) => dailyCycleRate(perHour, bucket) * weekly(bucket));
      const { firings, verdicts } = replay(counts);
      expect({ perHour, firings }).toEqual({ perHour, firings: [] });
      // A Wednesday of the third week: the 15:00 peak is expected near 1.6 × the rate, the 03:00 trough near 0.4 ×.
      const wednesday = 16 * BUCKETS_PER_DAY;
      const atPeak = verdicts[wednesday + 15 * BUCKETS_PER_HOUR]?.expected ?? 0;
      const atNight = verdicts[wednesday + 3 * BUCKETS_PER_HOUR]?.expected ?? 0;
      // At 2 an hour a week holds about 20 mentions per hour of the day: the profile is that uncertain there; busier
      // profiles are smoothed a little across neighbouring hours, which lifts the trough.
      expect(atPeak / ((1.6 * perHour) / BUCKETS_PER_HOUR)).toBeGreaterThan(perHour < 10 ? 0.45 : 0.8);
      expect(atNight / ((0.4 * perHour) / BUCKETS_PER_HOUR)).toBeLessThan(perHour < 10 ? 2 : 1.4);
    }
  });

  it('expects the weekday level from the first hour of a Monday after a quiet weekend: no alert at midnight', () => {
    // In the first hour of a Monday the week's only Sunday is the last day; it must still count as a weekend day, or
    // Monday 00:00–01:00 is judged against the weekend's level and a busy brand is paged every Monday at midnight.
    const weekly = (bucket: number) => (Math.floor(bucket / BUCKETS_PER_DAY) % 7 >= 5 ? 0.6 : 1);
    const rate = (bucket: number) => dailyCycleRate(1000, bucket) * weekly(bucket);
    const counts = countsOf(15, 11, rate);
    const { firings, verdicts } = replay(counts);
    expect(firings).toEqual([]);
    for (const monday of [7, 14]) {
      for (let bucket = monday * BUCKETS_PER_DAY; bucket < monday * BUCKETS_PER_DAY + BUCKETS_PER_HOUR; bucket += 1) {
        const expectedShare = (verdicts[bucket]?.expected ?? 0) / rate(bucket);
        expect({ bucket, low: expectedShare < 0.85 }).toEqual({ bucket, low: false });
      }
    }
  });
  it('sends one message per incident: a burst within 12 hours of the last one\'s end is an after-shock, a day later is news', () => {
    // 30 an hour; ×8 for an hour on day 8 at 06:00 (anomalous at the longer scales for some four hours, so its episode
    // resolves near 11:00), again at 14:00, and on day 9 at 14:00.
    const first = 8 * BUCKETS_PER_DAY + 6 * BUCKETS_PER_HOUR;
    const afterShock = first + 8 * BUCKETS_PER_HOUR;
    const nextDay = first + 32 * BUCKETS_PER_HOUR;
    const during = (bucket: number, from: number) => bucket >= from && bucket < from + BUCKETS_PER_HOUR;
    const rate = (bucket: number) =>
      dailyCycleRate(30, bucket) * ([first, afterShock, nextDay].some((from) => during(bucket, from)) ? 8 : 1);
    const { firings, resolutions, verdicts } = replay(countsOf(11, 17, rate));
    // The detector finds all three bursts; only the first and the one a day later open an episode.
    for (const from of [first, afterShock, nextDay]) {
      expect({ from, anomalous: verdicts.slice(from, from + 4).some((verdict) => verdict.anomalous) }).toEqual({
        from,
        anomalous: true,
      });
    }
    expect(firings).toHaveLength(2);
    expect(firings[0]).toBeGreaterThanOrEqual(first);
    expect(firings[0]).toBeLessThanOrEqual(first + 3);
    expect(firings[1]).toBeGreaterThanOrEqual(nextDay);
    expect(firings[1]).toBeLessThanOrEqual(nextDay + 3);
    expect(resolutions).toHaveLength(2);
  });
});

describe('SpikeDetector wherever in the hour a burst falls', () => {
  /**
   * Arrivals one at a time, 10 to 29 minutes apart (seeded), from `fromBucket` to `toBucket` (bucket indexes from
   * START): about 3 an hour, the ordinary talk of a quiet brand.
   */
  function quietTalk(counts: number[], fromBucket: number, toBucket: number, seed: number): void {
    const uniform = uniformSource(seed);
    for (let minute = fromBucket * 5; minute < toBucket * 5; minute += 10 + Math.floor(uniform() * 20)) {
      const bucket = Math.floor(minute / 5);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
  }

  it('alerts 40 mentions in 20 minutes after two quiet days at every 5-minute offset within the hour', () => {
    // The story-counts integration scenario: two days of about 3 an hour ending 70 minutes before t0, then 10 a bucket
    // in the four buckets before t0. A burst whose first buckets close an hour was learnt, before the rest of it was
    // judged, as the brand's clumping φ (the only hour of two days busy enough for φ's median): φ became the burst's
    // own, and the burst scored 3.3 when t0 fell at :15 of the hour (9.6 at :10 with φ's cut counted in mentions).
    const scores: Record<number, number> = {};
    for (let offset = 0; offset < BUCKETS_PER_HOUR; offset += 1) {
      const t0 = 2 * BUCKETS_PER_DAY + 14 * BUCKETS_PER_HOUR + offset;
      const from = t0 - 2 * BUCKETS_PER_DAY;
      const counts = new Array<number>(2 * BUCKETS_PER_DAY + 1).fill(0);
      quietTalk(counts, 0, 2 * BUCKETS_PER_DAY - 14, 7);
      for (let bucket = 2 * BUCKETS_PER_DAY - 4; bucket < 2 * BUCKETS_PER_DAY; bucket += 1) counts[bucket] = 10;
      const { firings, verdicts } = replay(counts, new SpikeDetector({ bucketMs: BUCKET_MS }), from);
      scores[offset * 5] = Math.max(...verdicts.slice(-5).map((verdict) => verdict.score));
      expect({ minute: offset * 5, firings }).toEqual({ minute: offset * 5, firings: [t0 - 3] });
    }
    // Everywhere far beyond the threshold (a burst of 40 where 1 is expected).
    expect(Math.min(...Object.values(scores))).toBeGreaterThan(15);
  });

  it("alerts the same burst a day later too: the first one's hours are not learnt as the brand's clumping", () => {
    for (let offset = 0; offset < BUCKETS_PER_HOUR; offset += 1) {
      const first = 2 * BUCKETS_PER_DAY + 14 * BUCKETS_PER_HOUR + offset - 4;
      const second = first + BUCKETS_PER_DAY;
      const counts = new Array<number>(4 * BUCKETS_PER_DAY).fill(0);
      quietTalk(counts, 0, counts.length, 7);
      for (const start of [first, second]) for (let bucket = start; bucket < start + 4; bucket += 1) counts[bucket] = 10;
      const { firings } = replay(counts);
      expect({ minute: offset * 5, firings }).toEqual({ minute: offset * 5, firings: [first + 1, second + 1] });
    }
  });

  it('alerts a ×5 one-hour rise on a 5-an-hour brand within 30 minutes whatever minute of the hour it starts at', () => {
    for (let offset = 0; offset < BUCKETS_PER_HOUR; offset += 1) {
      const start = RISE_AT + offset;
      const counts = countsOf(12, 1, (bucket) => (5 / BUCKETS_PER_HOUR) * (bucket >= start && bucket < start + BUCKETS_PER_HOUR ? 5 : 1));
      const alerted = afterFirstWeek(replay(counts).firings);
      expect({ minute: offset * 5, alerted: alerted.length, within: (alerted[0] ?? Infinity) - start <= 6 }).toEqual({
        minute: offset * 5,
        alerted: 1,
        within: true,
      });
    }
  });
});

describe('SpikeDetector cold start', () => {
  it('is not warmed up, nor anomalous, before an hour of history', () => {
    const counts = countsOf(1, 1, (bucket) => dailyCycleRate(30, bucket));
    counts[6] = 5000;
    const { verdicts } = replay(counts);
    expect(verdicts.slice(0, BUCKETS_PER_HOUR).every((v) => !v.warmedUp && !v.anomalous)).toBe(true);
    expect(verdicts[BUCKETS_PER_HOUR + 1]?.warmedUp).toBe(true);
  });

  it('alerts a burst two hours after the first mention of a brand, and nothing on its calm first day, at any volume', () => {
    // A brand added today is not left unwatched until it has a day of history: from its second hour on, its level so
    // far and the cold-start margin judge it (npm run bench:detector's cold-start table measures this at 1-1000/h).
    const burstAt = 2 * BUCKETS_PER_HOUR;
    for (const perHour of [5, 30, 200]) {
      for (const startHour of [0, 9, 17]) {
        const first = startHour * BUCKETS_PER_HOUR;
        const calm = countsOf(1, perHour + startHour, (bucket) => dailyCycleRate(perHour, first + bucket));
        expect(replay(calm, new SpikeDetector({ bucketMs: BUCKET_MS }), first).firings).toEqual([]);
        const withBurst = calm.map((count, bucket) => (bucket >= burstAt && bucket < burstAt + BUCKETS_PER_HOUR ? count * 10 + 20 : count));
        const { firings } = replay(withBurst, new SpikeDetector({ bucketMs: BUCKET_MS }), first);
        expect(firings).toHaveLength(1);
        expect(firings[0]).toBeGreaterThanOrEqual(first + burstAt);
        expect(firings[0]).toBeLessThanOrEqual(first + burstAt + 3);
      }
    }
  });

  it('alerts a burst on its first day, but not the first days of an ordinary daily cycle', () => {
    const calm = countsOf(3, 2, (bucket) => dailyCycleRate(30, bucket));
    expect(replay(calm).firings).toEqual([]);
    const burstAt = 20 * BUCKETS_PER_HOUR;
    const withBurst = calm.map((count, bucket) => (bucket >= burstAt && bucket < burstAt + 12 ? count * 10 + 20 : count));
    const { firings } = replay(withBurst);
    expect(firings).toHaveLength(1);
    expect(firings[0]).toBeGreaterThanOrEqual(burstAt);
    expect(firings[0]).toBeLessThanOrEqual(burstAt + 3);
  });
});

describe('SpikeDetector on spikes and empty series', () => {
  it('is not poisoned by a spike: a second equal burst eight hours later is anomalous again', () => {
    const first = 8 * BUCKETS_PER_DAY + 6 * BUCKETS_PER_HOUR;
    const second = first + 8 * BUCKETS_PER_HOUR;
    const burst = (bucket: number) =>
      (bucket >= first && bucket < first + BUCKETS_PER_HOUR) || (bucket >= second && bucket < second + BUCKETS_PER_HOUR)
        ? 10
        : 1;
    const counts = countsOf(10, 6, (bucket) => dailyCycleRate(30, bucket) * burst(bucket));
    const { firings, verdicts } = replay(counts);
    expect(firings[0]).toBeLessThanOrEqual(first + 3);
    expect(verdicts.slice(second, second + 4).some((verdict) => verdict.anomalous)).toBe(true);
    // Within 12 hours of the first burst's resolution it is the same incident: no second message.
    expect(firings).toHaveLength(1);
    // The first burst raised the baseline that judges the second by less than 15 %.
    const withoutFirst = countsOf(10, 6, (bucket) => dailyCycleRate(30, bucket));
    const unpoisoned = replay(withoutFirst).verdicts[second]?.expected ?? 0;
    expect(verdicts[second]?.expected).toBeLessThan(unpoisoned * 1.15);
  });

  it('is not poisoned by an incident on the same weekday a week before: the same rise alerts again', () => {
    // Monday of the second week, 12:00 to 20:00, five times the usual mentions; the third Monday, 14:00, a ×3 rise.
    const incident = 7 * BUCKETS_PER_DAY + 12 * BUCKETS_PER_HOUR;
    const rise = 14 * BUCKETS_PER_DAY + 14 * BUCKETS_PER_HOUR;
    const weekly = (bucket: number) => (Math.floor(bucket / BUCKETS_PER_DAY) % 7 >= 5 ? 0.6 : 1);
    const during = (bucket: number, from: number, hours: number) => bucket >= from && bucket < from + hours * BUCKETS_PER_HOUR;
    const calmRate = (bucket: number) => dailyCycleRate(30, bucket) * weekly(bucket);
    const rate = (bucket: number) =>
      calmRate(bucket) * (during(bucket, incident, 8) ? 5 : 1) * (during(bucket, rise, 3) ? 3 : 1);
    const { firings, verdicts } = replay(countsOf(15, 21, rate));
    const onTheDay = firings.filter((bucket) => bucket >= 14 * BUCKETS_PER_DAY);
    expect(onTheDay).toHaveLength(1);
    expect(onTheDay[0]).toBeGreaterThanOrEqual(rise);
    expect(onTheDay[0]).toBeLessThan(rise + BUCKETS_PER_HOUR);
    // The incident raised the expectation a week later by less than 15 %: one Monday is not a weekly cycle.
    const unpoisoned = replay(countsOf(15, 21, calmRate)).verdicts[rise]?.expected ?? 0;
    expect(verdicts[rise]?.expected).toBeLessThan(unpoisoned * 1.15);
  });

  it('does not count an incident as noise: a ×2 rise two days after a ×6 one still alerts within 30 minutes', () => {
    // 200 an hour; day 8, 10:00–14:00, six times as many; day 10, 14:00, twice as many for three hours.
    const incident = 8 * BUCKETS_PER_DAY + 10 * BUCKETS_PER_HOUR;
    const rise = 10 * BUCKETS_PER_DAY + 14 * BUCKETS_PER_HOUR;
    const during = (bucket: number, from: number, hours: number) => bucket >= from && bucket < from + hours * BUCKETS_PER_HOUR;
    const rate = (bucket: number) =>
      dailyCycleRate(200, bucket) * (during(bucket, incident, 4) ? 6 : 1) * (during(bucket, rise, 3) ? 2 : 1);
    const { firings, verdicts } = replay(countsOf(11, 31, rate));
    expect(firings.filter((bucket) => bucket >= incident && bucket < incident + 6)).toHaveLength(1);
    const later = firings.filter((bucket) => bucket >= rise - BUCKETS_PER_DAY);
    expect(later).toHaveLength(1);
    expect(later[0]).toBeGreaterThanOrEqual(rise);
    expect(later[0]).toBeLessThanOrEqual(rise + 6);
    // Counted as noise, the incident would widen the week's tail and leave the rise unalerted in its first 30 minutes
    // (checked with the incident marks ignored); with them it scores well above the threshold there.
    expect(Math.max(...verdicts.slice(rise, rise + 7).map((verdict) => verdict.score))).toBeGreaterThan(6);
  });

  it('judges a quiet brand whose rate drifts over hours as bursty at every scale; its Poisson twin keeps the exact model', () => {
    // 3 an hour, the rate halved or raised by half in turns of six hours (at random, seeded); day 10, 14:00, a ×4 hour.
    // At 3 an hour no window under six hours expects the ten mentions a tail fit needs, so only the week's 6-hour sums
    // can show the drift: their tail sets the floor of every scale's c². The Poisson twin's sums show no more spread
    // than Poisson counts (below FLOOR_MIN_EXCESS), so it keeps c² at its 0.05² minimum and alerts on the same hour.
    const blockBuckets = 6 * BUCKETS_PER_HOUR;
    const uniform = uniformSource(7 * 31 + 7);
    const drift = Array.from({ length: 40 }, () => (uniform() < 0.5 ? 0.5 : 1.5));
    const wave = (bucket: number) => (bucket >= RISE_AT && bucket < RISE_AT + BUCKETS_PER_HOUR ? 4 : 1);
    const drifting = countsOf(10, 7, (bucket) => dailyCycleRate(3, bucket) * (drift[Math.floor(bucket / blockBuckets)] as number) * wave(bucket));
    const poissonTwin = countsOf(10, 7, (bucket) => dailyCycleRate(3, bucket) * wave(bucket));
    const rateVariancesAtWave = (counts: readonly number[]) => {
      const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
      replay(counts.slice(0, RISE_AT), detector);
      return detector.toJSON().baseline?.scaleRateVariances ?? [];
    };
    const driftingVariances = rateVariancesAtWave(drifting);
    expect(driftingVariances).toHaveLength(5);
    expect(new Set(driftingVariances).size).toBe(1);
    expect(driftingVariances[0]).toBeGreaterThan(0.1);
    expect(rateVariancesAtWave(poissonTwin)).toEqual(new Array<number>(5).fill(0.05 ** 2));
    const driftingReplay = replay(drifting);
    expect(afterFirstWeek(driftingReplay.firings)).toEqual([]);
    expect(Math.max(...driftingReplay.verdicts.slice(RISE_AT, RISE_AT + 2 * BUCKETS_PER_HOUR).map((v) => v.score))).toBeLessThan(5);
    expect(afterFirstWeek(replay(poissonTwin).firings)).toEqual([RISE_AT + 9]);
  });

  it('fits the same c² to a brand whose every mention counts three times over, and three times its clumping', () => {
    // 5 and 8 an hour, the rate halved or raised by half in turns of six hours. Tripling every count triples the
    // variance over mean within an hour (φ) and leaves the rate's relative variance (c²) as it was; a cut on busy
    // hours counted in mentions (not in clumps of φ) judged the two copies on different hours and fitted c² 0.0025
    // against 0.17 at 5 an hour, 0.27 against 0.16 at 8.
    for (const perHour of [5, 8]) {
      const uniform = uniformSource(99);
      const drift = Array.from({ length: 40 }, () => (uniform() < 0.5 ? 0.5 : 1.5));
      const counts = countsOf(9, perHour, (bucket) => dailyCycleRate(perHour, bucket) * (drift[Math.floor(bucket / 72)] as number));
      const baselineOf = (factor: number) => {
        const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
        replay(counts.map((count) => count * factor), detector);
        return detector.toJSON().baseline;
      };
      const single = baselineOf(1);
      const tripled = baselineOf(3);
      expect(single?.scaleRateVariances[2]).toBeGreaterThan(0.05);
      (tripled?.scaleRateVariances ?? []).forEach((rateVariance, scale) => {
        const own = single?.scaleRateVariances[scale] ?? 0;
        expect(Math.abs(rateVariance - own)).toBeLessThan(0.1 * own);
      });
      expect((tripled?.clumping ?? 0) / (single?.clumping ?? 1)).toBeGreaterThan(2.5);
    }
  });

  it('adds up evidence over hours: a ×2 six-hour rise at 10 an hour that no window of the tail score finds', () => {
    // Seeded so that the tail score stays under 5 throughout (its windows of up to six hours never see enough); the
    // CUSUM of the hours at ×1.5 reaches it within three hours. The calm twin stays silent.
    const rise = (factor: number) =>
      countsOf(12, 5, (bucket) => dailyCycleRate(10, bucket) * (bucket >= RISE_AT && bucket < RISE_AT + 72 ? factor : 1));
    const { firings, verdicts } = replay(rise(2));
    const alerted = afterFirstWeek(firings);
    expect(alerted).toHaveLength(1);
    expect(alerted[0]).toBeGreaterThan(RISE_AT + 2 * BUCKETS_PER_HOUR);
    expect(alerted[0]).toBeLessThan(RISE_AT + 72);
    expect(verdicts[alerted[0] as number]?.windowMs).toBeGreaterThan(2 * 60 * 60_000);
    expect(afterFirstWeek(replay(rise(1)).firings)).toEqual([]);
  });

  it('takes up to 2.5 from the score of an hour or more where far more mentions are expected than Poisson needs', () => {
    const rise = 9 * BUCKETS_PER_DAY + 12 * BUCKETS_PER_HOUR;
    const counts = countsOf(10, 41, (bucket) => (1000 / BUCKETS_PER_HOUR) * (bucket >= rise ? 1.7 : 1));
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    const { verdicts } = replay(counts.slice(0, rise + 2 * BUCKETS_PER_HOUR), detector);
    const verdict = verdicts.at(-1) as SpikeVerdict;
    const scales = [15, 30, 60, 120, 360].map((minutes) => minutes * 60_000);
    expect(verdict.windowMs).toBeGreaterThanOrEqual(60 * 60_000);
    const baseline = detector.toJSON().baseline;
    const dispersion = {
      clumping: baseline?.clumping ?? 1,
      rateVariance: baseline?.scaleRateVariances[scales.indexOf(verdict.windowMs)] ?? 0,
    };
    const relative = (verdict.expectedInWindow / 100) ** 2;
    const penalty = (2.5 * relative) / (1 + relative);
    expect(penalty).toBeGreaterThan(2.45);
    expect(verdict.score).toBeCloseTo(surprise(verdict.observed, verdict.expectedInWindow, dispersion) - penalty, 9);
  });

  it('takes a busy brand\'s 15-minute ×2.5 burst for a retweet storm, not its ×2.5 hour nor its ×4 burst', () => {
    // 200 an hour, each bucket's rate wobbling ±40 % (mentions come in clumps), eight seeds. Scales under an hour
    // lose up to 8 where many mentions are expected: a burst of minutes is far more heavy-tailed than the week's fit
    // says (NAB's busy tweet series). With 3 (until 2026-12-06) four of the short bursts alerted.
    const firstAnomalous = (factor: number, buckets: number, seed: number) => {
      const wobble = uniformSource(seed + 100);
      const counts = countsOf(10, seed, (bucket) =>
        (200 / BUCKETS_PER_HOUR) * (0.6 + 0.8 * wobble()) * (bucket >= RISE_AT && bucket < RISE_AT + buckets ? factor : 1),
      );
      const { verdicts } = replay(counts.slice(0, RISE_AT + 2 * BUCKETS_PER_HOUR));
      const found = verdicts.slice(RISE_AT).findIndex((verdict) => verdict.anomalous);
      return found < 0 ? null : found;
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const storms = seeds.filter((seed) => firstAnomalous(2.5, 3, seed) !== null);
    expect(storms).toEqual([4]);
    // The same rise lasting an hour (+300 mentions) is alerted every time, within 40 minutes.
    for (const seed of seeds) expect(firstAnomalous(2.5, BUCKETS_PER_HOUR, seed)).toBeLessThanOrEqual(7);
    // A ×4 burst of 15 minutes (+150 mentions) is one of issue 8's targets: still alerted within 15 minutes, but for
    // seed 8, whose wobble made its burst 30, 52 and 48 mentions where 50 in all were expected (×2.6).
    const targets = seeds.map((seed) => firstAnomalous(4, 3, seed));
    expect(targets.filter((first) => first !== null && first <= 2)).toHaveLength(7);
  });

  it('never alerts on a series of zeros, with finite scores and an expected count of 0', () => {
    const { verdicts, firings } = replay(new Array<number>(9 * BUCKETS_PER_DAY).fill(0));
    expect(firings).toEqual([]);
    expect(verdicts.every((v) => Number.isFinite(v.score))).toBe(true);
    expect(verdicts.at(-1)?.expected).toBe(0);
  });

  it('names the time scale and the counts behind its score', () => {
    const counts = riseCounts(5, 5, 1, 1);
    const { verdicts, firings } = replay(counts);
    const verdict = verdicts[firings[0] as number] as SpikeVerdict;
    expect(verdict.score).toBeGreaterThanOrEqual(5);
    expect([15, 30, 60, 120, 360].map((minutes) => minutes * 60_000)).toContain(verdict.windowMs);
    expect(verdict.observed).toBeGreaterThan(verdict.expectedInWindow * 1.5);
  });
});

describe('SpikeDetector on gaps and late buckets', () => {
  it('skips missing buckets: a six-hour outage neither alerts nor breaks detection of a later rise', () => {
    const counts = riseCounts(30, 5, 1, 8);
    const gapStart = RISE_AT - 12 * BUCKETS_PER_HOUR;
    const gap = new Set(Array.from({ length: 6 * BUCKETS_PER_HOUR }, (_, offset) => gapStart + offset));
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
    const firings: number[] = [];
    counts.forEach((count, bucket) => {
      if (gap.has(bucket)) return;
      const verdict = detector.update(START + bucket * BUCKET_MS, count);
      if (episodes.step(verdict.anomalous) === 'firing') firings.push(bucket);
    });
    expect(firings).toHaveLength(1);
    expect(firings[0]).toBeGreaterThanOrEqual(RISE_AT);
    expect(firings[0]).toBeLessThanOrEqual(RISE_AT + 3);
  });

  it('scores a late or repeated bucket without learning from it', () => {
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    countsOf(3, 9, (bucket) => dailyCycleRate(30, bucket)).forEach((count, bucket) =>
      detector.update(START + bucket * BUCKET_MS, count),
    );
    const before = detector.toJSON();
    const verdict = detector.update(START + 3 * BUCKETS_PER_DAY * BUCKET_MS - BUCKET_MS, 10_000);
    expect(verdict.anomalous).toBe(true);
    expect(detector.toJSON()).toEqual(before);
  });
});

describe('SpikeDetector state', () => {
  it('continues identically after a JSON round trip of its state mid-series', () => {
    const counts = riseCounts(30, 5, 1, 10);
    const straight = replay(counts).verdicts;
    const half = RISE_AT - 7;
    const first = new SpikeDetector({ bucketMs: BUCKET_MS });
    const resumed = replay(counts.slice(0, half), first).verdicts;
    const restored = new SpikeDetector({ bucketMs: BUCKET_MS }, JSON.parse(JSON.stringify(first.toJSON())));
    resumed.push(...replay(counts.slice(half), restored, half).verdicts);
    expect(resumed).toEqual(straight);
  });

  it('keeps a bounded state: its JSON does not grow with the length of the history', () => {
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    const counts = countsOf(30, 11, (bucket) => dailyCycleRate(30, bucket));
    replay(counts.slice(0, 10 * BUCKETS_PER_DAY), detector);
    const after10Days = JSON.stringify(detector.toJSON()).length;
    replay(counts.slice(10 * BUCKETS_PER_DAY), detector, 10 * BUCKETS_PER_DAY);
    const state = detector.toJSON();
    expect(state.slotCounts).toHaveLength(168);
    expect(state.recentCounts.length).toBeLessThanOrEqual(6 * BUCKETS_PER_HOUR);
    expect(JSON.stringify(state).length).toBeLessThan(after10Days * 1.2);
  });

  it('forgets everything older than its memory W = 7 days: two replays agree once they saw the same week', () => {
    expect(MEMORY_MS).toBe(7 * 24 * 60 * 60_000);
    const common = countsOf(10, 12, (bucket) => dailyCycleRate(30, bucket));
    // Replay A has a busy week before the shared input; replay B starts later, after a wild day of bursts and zeros.
    const busyWeek = countsOf(7, 13, (bucket) => dailyCycleRate(300, bucket));
    const wildDay = Array.from({ length: BUCKETS_PER_DAY }, (_, bucket) => (bucket % 50 === 0 ? 900 : 0));
    const first = replay([...busyWeek, ...common]);
    const second = replay([...wildDay, ...common], new SpikeDetector({ bucketMs: BUCKET_MS }), 6 * BUCKETS_PER_DAY);
    const sameFrom = 14 * BUCKETS_PER_DAY;
    const firstAfter = first.verdicts.slice(sameFrom);
    const secondAfter = second.verdicts.slice(sameFrom - 6 * BUCKETS_PER_DAY);
    expect(firstAfter.length).toBe(3 * BUCKETS_PER_DAY);
    expect(secondAfter).toEqual(firstAfter);
    // Before the week has passed, they still differ: the memory is not shorter than it says.
    expect(second.verdicts[sameFrom - 6 * BUCKETS_PER_DAY - 13]).not.toEqual(first.verdicts[sameFrom - 13]);
  });
});

describe('SpikeDetector state saved by an earlier version', () => {
  it('loads version-1 and version-2 states without throwing and learns afresh (they hold no week of counts)', () => {
    const version2 = {
      version: 2,
      updates: 900,
      lastBucketStart: START,
      level: 7.5,
      season: new Array<number>(24).fill(0.1),
      seasonUpdates: new Array<number>(24).fill(37),
      spread: 0.8,
      hourSpread: new Array<number>(24).fill(0.8),
      recent: [0.1, -0.2],
      earlier: [],
      dayIndex: 20_000,
      shortDayPeak: 2.1,
      longDayPeak: 1.7,
      surgeDayPeak: 1.2,
      shortDayPeaks: [2.5, 3.1],
      longDayPeaks: [2, 2.2],
      surgeDayPeaks: [1, 1.1],
    } as const;
    const { earlier: _earlier, surgeDayPeak: _surge, surgeDayPeaks: _surges, ...version1Fields } = version2;
    for (const saved of [version2, { ...version1Fields, version: 1 as const }]) {
      const detector = new SpikeDetector({ bucketMs: BUCKET_MS }, saved);
      const verdict = detector.update(START + BUCKET_MS, 12);
      expect(verdict).toMatchObject({ warmedUp: false, anomalous: false });
      expect(detector.toJSON()).toMatchObject({ version: 5, lastBucketStart: START + BUCKET_MS, historyBuckets: 0 });
    }
  });

  it('continues a version-3 state (the week of counts without incident marks) as a week without incidents', () => {
    const counts = riseCounts(30, 5, 1, 10);
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    replay(counts.slice(0, RISE_AT + 12), detector);
    const current = detector.toJSON();
    expect(current.version).toBe(5);
    expect(current.slotIncidents.some((marked) => marked === 1)).toBe(true);
    const { slotIncidents: _marks, slotObserved: _observed, slotExpected: _expected, cusum: _run, ...week } = current;
    const version3 = { ...week, version: 3 as const };
    const continued = new SpikeDetector({ bucketMs: BUCKET_MS }, JSON.parse(JSON.stringify(version3)));
    expect(continued.toJSON()).toEqual({
      ...current,
      slotIncidents: new Array<number>(168).fill(0),
      slotObserved: 0,
      slotExpected: 0,
      cusum: { value: 0, hours: 0, observed: 0, expected: 0 },
    });
    const next = START + (RISE_AT + 12) * BUCKET_MS;
    expect(continued.update(next, 3)).toMatchObject({ warmedUp: true });
    expect(continued.toJSON()).toMatchObject({ version: 5, lastBucketStart: next });
  });

  it('continues a version-4 state (the week of counts without a CUSUM run) with no run under way', () => {
    // Mid-rise: the version-5 detector has a run of two hours; the version-4 state carries none and starts its own.
    const counts = countsOf(12, 5, (bucket) => dailyCycleRate(10, bucket) * (bucket >= RISE_AT && bucket < RISE_AT + 72 ? 2 : 1));
    const detector = new SpikeDetector({ bucketMs: BUCKET_MS });
    replay(counts.slice(0, RISE_AT + 2 * BUCKETS_PER_HOUR + 6), detector);
    const current = detector.toJSON();
    expect(current.cusum.hours).toBe(2);
    const { slotObserved: _observed, slotExpected: _expected, cusum: _run, ...week } = current;
    const version4 = { ...week, version: 4 as const };
    const continued = new SpikeDetector({ bucketMs: BUCKET_MS }, JSON.parse(JSON.stringify(version4)));
    expect(continued.toJSON()).toEqual({
      ...current,
      slotObserved: 0,
      slotExpected: 0,
      cusum: { value: 0, hours: 0, observed: 0, expected: 0 },
    });
    const next = START + (RISE_AT + 2 * BUCKETS_PER_HOUR + 6) * BUCKET_MS;
    expect(continued.update(next, 1)).toMatchObject({ warmedUp: true });
    expect(continued.toJSON()).toMatchObject({ version: 5, lastBucketStart: next, slotObserved: 1 });
  });
});
