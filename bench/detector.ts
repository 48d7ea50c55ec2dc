// Benchmark: the detection contract of the default volume_spike rule (the live detector and episodes) on series this
// script generates itself: Poisson and negative-binomial counts around a daily and a weekly cycle, at 1 to 1000
// mentions an hour, with rises of ×2 to ×10 lasting 15 minutes to 6 hours, and calm twins without them.
// Usage: npm run bench:detector [-- --seeds N] [-- --sensitivity low|medium|high|NUMBER]
// Prints, per baseline rate, rise factor and duration: detection rate, median delay; per rate: false alarms per week
// on the calm twins after their first week; and whether the targets of issue 8 hold. Then the cold start: brands
// whose history begins at different hours and days, their calm first day and rises in their first hours.
import { performance } from 'node:perf_hooks';
import { SpikeDetector, type Sensitivity, type SpikeDetectorState } from '../src/spikes/spike-detector.js';
import { SpikeEpisodes, type SpikeEpisodesState } from '../src/spikes/spike-episodes.js';
import { volumeSpikeEpisodeOptions } from '../src/spikes/volume-spike-defaults.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const BUCKET_MS = 5 * MINUTE_MS;
const BUCKETS_PER_HOUR = HOUR_MS / BUCKET_MS;
const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS;
/** Three weeks: the first is warm-up; false alarms and rises are counted in the two after it. */
const SERIES_DAYS = 21;
const JUDGED_FROM_DAY = 7;
/** A Monday, 00:00 UTC. */
const START = Date.UTC(2026, 0, 5);
const RATES_PER_HOUR = [1, 5, 30, 200, 1000] as const;
const FACTORS = [2, 3, 5, 10] as const;
const DURATIONS_MS = [15 * MINUTE_MS, HOUR_MS, 6 * HOUR_MS] as const;
const NOISES = ['poisson', 'negbin'] as const;
type Noise = (typeof NOISES)[number];
/** A rise still counts as caught this long after it ended (its last mentions are still in the detector's windows). */
const GRACE_MS = 30 * MINUTE_MS;

function argumentValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function sensitivityArgument(): Sensitivity | undefined {
  const text = argumentValue('--sensitivity');
  if (text === undefined) return undefined;
  if (text === 'low' || text === 'medium' || text === 'high') return text;
  const threshold = Number(text);
  if (!Number.isFinite(threshold)) throw new Error(`--sensitivity must be low, medium, high or a number, got ${text}`);
  return threshold;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
function normalSource(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Gamma(shape, 1) draws (Marsaglia–Tsang; boosted below shape 1). */
function gammaSource(uniform: () => number): (shape: number) => number {
  const normal = normalSource(uniform);
  const draw = (shape: number): number => {
    if (shape < 1) return draw(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      if (Math.log(1 - uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return draw;
}

/** Poisson draws: Knuth's product for small means, a rounded normal for large ones. */
function poissonSource(uniform: () => number): (mean: number) => number {
  const normal = normalSource(uniform);
  return (mean) => {
    if (mean <= 0) return 0;
    if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    const limit = Math.exp(-mean);
    let count = 0;
    let product = uniform();
    while (product > limit) {
      count += 1;
      product *= uniform();
    }
    return count;
  };
}

/**
 * The expected mentions per bucket at `bucket`: a working-day cycle (peak at 15:00 UTC, ×4 over the night) and
 * quieter weekends (×0.6), scaled so that a weekday averages `ratePerHour`.
 */
function cycleRate(ratePerHour: number, bucket: number): number {
  const hourOfDay = ((bucket % BUCKETS_PER_DAY) / BUCKETS_PER_DAY) * 24;
  const daily = 1 + 0.6 * Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24);
  const dayOfWeek = Math.floor(bucket / BUCKETS_PER_DAY) % 7;
  const weekly = dayOfWeek >= 5 ? 0.6 : 1;
  return (ratePerHour / BUCKETS_PER_HOUR) * daily * weekly;
}

/**
 * A count generator: Poisson around the mean, or negative binomial (the rate wobbles ±15 % hour to hour and each
 * bucket is a gamma–Poisson mixture with CV 0.3), as real mention counts are over-dispersed.
 */
function countSource(noise: Noise, seed: number): (mean: number, bucket: number) => number {
  const uniform = uniformSource(seed);
  const poisson = poissonSource(uniform);
  const gamma = gammaSource(uniform);
  const hourWobble = new Map<number, number>();
  return (mean, bucket) => {
    if (noise === 'poisson') return poisson(mean);
    const hour = Math.floor(bucket / BUCKETS_PER_HOUR);
    let wobble = hourWobble.get(hour);
    if (wobble === undefined) {
      wobble = gamma(1 / 0.15 ** 2) * 0.15 ** 2;
      hourWobble.clear();
      hourWobble.set(hour, wobble);
    }
    const bucketShape = 1 / 0.3 ** 2;
    return poisson(mean * wobble * gamma(bucketShape) / bucketShape);
  };
}

interface Rise {
  factor: number;
  durationMs: number;
  startBucket: number;
}

interface Snapshot {
  detector: SpikeDetectorState;
  episodes: SpikeEpisodesState;
}

interface CalmRun {
  counts: number[];
  falseAlarms: number;
  judgedWeeks: number;
  snapshots: Map<number, Snapshot>;
}

/** Replays a calm series, counting firings after the first week and keeping the state where each rise starts. */
function runCalm(counts: readonly number[], riseStarts: ReadonlySet<number>, sensitivity: Sensitivity | undefined): CalmRun {
  const detector = new SpikeDetector({ bucketMs: BUCKET_MS, sensitivity });
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
  const snapshots = new Map<number, Snapshot>();
  let falseAlarms = 0;
  counts.forEach((count, bucket) => {
    if (riseStarts.has(bucket)) snapshots.set(bucket, { detector: detector.toJSON(), episodes: episodes.toJSON() });
    const verdict = detector.update(START + bucket * BUCKET_MS, count);
    const transition = episodes.step(verdict.anomalous);
    if (transition === 'firing' && bucket >= JUDGED_FROM_DAY * BUCKETS_PER_DAY) falseAlarms += 1;
  });
  return { counts: [...counts], falseAlarms, judgedWeeks: (SERIES_DAYS - JUDGED_FROM_DAY) / 7, snapshots };
}

/** The delay from the rise's start to the first firing, or null when none came before the rise ended + GRACE_MS. */
function riseDelay(
  calm: CalmRun,
  rise: Rise,
  extra: (mean: number, bucket: number) => number,
  ratePerHour: number,
  sensitivity: Sensitivity | undefined,
): number | null {
  const snapshot = calm.snapshots.get(rise.startBucket);
  if (snapshot === undefined) throw new Error(`no snapshot at bucket ${rise.startBucket}`);
  const detector = new SpikeDetector({ bucketMs: BUCKET_MS, sensitivity }, snapshot.detector);
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS), snapshot.episodes);
  const riseBuckets = Math.round(rise.durationMs / BUCKET_MS);
  const lastBucket = rise.startBucket + riseBuckets + Math.round(GRACE_MS / BUCKET_MS);
  for (let bucket = rise.startBucket; bucket < lastBucket && bucket < calm.counts.length; bucket += 1) {
    const rising = bucket < rise.startBucket + riseBuckets;
    const added = rising ? extra((rise.factor - 1) * cycleRate(ratePerHour, bucket), bucket) : 0;
    const verdict = detector.update(START + bucket * BUCKET_MS, (calm.counts[bucket] as number) + added);
    if (episodes.step(verdict.anomalous) === 'firing') return (bucket - rise.startBucket) * BUCKET_MS;
  }
  return null;
}

interface Trial {
  delayMs: number | null;
  /** Mentions the rise adds on average (it depends on the hour and day it falls on). */
  added: number;
}

interface Cell {
  ratePerHour: number;
  factor: number;
  durationMs: number;
  trials: Trial[];
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function formatDuration(ms: number): string {
  return ms >= HOUR_MS ? `${Math.round((ms / HOUR_MS) * 10) / 10} h` : `${Math.round(ms / MINUTE_MS)} min`;
}

/**
 * The issue's target for one rise, or null when none applies: a rise of ×4 or more that adds at least 15 mentions is
 * alerted within 30 minutes; a ×2–×3 rise lasting hours on a busy series (≥ 200/h) within 90 minutes.
 */
function targetOf(cell: Cell, trial: Trial): number | null {
  if (cell.factor >= 4 && trial.added >= 15) return 30 * MINUTE_MS;
  if (cell.factor <= 3 && cell.durationMs >= 6 * HOUR_MS && cell.ratePerHour >= 200) return 90 * MINUTE_MS;
  return null;
}

/** Hours of the week (from Monday 00:00) at which a cold-start series' history begins. */
const COLD_START_HOURS = [0, 5, 9, 13, 17, 21, 2 * 24 + 3, 5 * 24 + 10] as const;
/** When the cold-start rises begin, in hours after the brand's first bucket, and how much and how long they rise. */
const COLD_RISE_AFTER_H = [1, 2, 4] as const;
const COLD_RISE_FACTORS = [5, 10] as const;
const COLD_RISE_MS = HOUR_MS;

/** The buckets (from the series' first) at which the default rule fires on these counts, replayed from nothing. */
function firingsFromScratch(counts: readonly number[], firstBucket: number, sensitivity: Sensitivity | undefined): number[] {
  const detector = new SpikeDetector({ bucketMs: BUCKET_MS, sensitivity });
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(BUCKET_MS));
  const firings: number[] = [];
  counts.forEach((count, offset) => {
    const verdict = detector.update(START + (firstBucket + offset) * BUCKET_MS, count);
    if (episodes.step(verdict.anomalous) === 'firing') firings.push(offset);
  });
  return firings;
}

/**
 * A brand added today: is it watched from its first hours, and does its calm first day stay silent? Per rate, series
 * whose history begins at each of COLD_START_HOURS (× seeds × both noises): firings on the calm first day, and how
 * often and how fast a one-hour rise 1, 2 or 4 hours in is alerted.
 */
function printColdStart(seeds: number, sensitivity: Sensitivity | undefined): void {
  console.log('');
  console.log(`Cold start: ${seeds * NOISES.length * COLD_START_HOURS.length} series per rate, their history beginning ` +
    `at ${COLD_START_HOURS.length} hours of the week; a one-hour rise, alerted within it + 30 min`);
  console.log('');
  const riseColumns = COLD_RISE_FACTORS.flatMap((factor) => COLD_RISE_AFTER_H.map((afterH) => `×${factor} at +${afterH} h`));
  console.log(`| mentions/h | firings on the calm first day | ${riseColumns.join(' | ')} |`);
  console.log(`| ---: | ---: | ${riseColumns.map(() => '---:').join(' | ')} |`);
  const dayBuckets = BUCKETS_PER_DAY;
  for (const ratePerHour of RATES_PER_HOUR) {
    let calmFirings = 0;
    const caught = riseColumns.map(() => ({ hits: 0, trials: 0, delays: [] as number[] }));
    for (const noise of NOISES) {
      for (let seed = 0; seed < seeds; seed += 1) {
        for (const startHour of COLD_START_HOURS) {
          const first = startHour * BUCKETS_PER_HOUR;
          const seedBase = ratePerHour * 1000 + (noise === 'poisson' ? 0 : 500) + seed * 37 + startHour;
          const generate = countSource(noise, seedBase);
          const counts = Array.from({ length: dayBuckets }, (_, offset) => generate(cycleRate(ratePerHour, first + offset), first + offset));
          calmFirings += firingsFromScratch(counts, first, sensitivity).length;
          const extra = countSource(noise, seedBase + 99_991);
          let column = 0;
          for (const factor of COLD_RISE_FACTORS) {
            for (const afterH of COLD_RISE_AFTER_H) {
              const riseStart = afterH * BUCKETS_PER_HOUR;
              const riseEnd = riseStart + COLD_RISE_MS / BUCKET_MS;
              const judgedEnd = riseEnd + GRACE_MS / BUCKET_MS;
              const risen = counts.slice(0, judgedEnd).map((count, offset) =>
                offset >= riseStart && offset < riseEnd ? count + extra((factor - 1) * cycleRate(ratePerHour, first + offset), first + offset) : count,
              );
              const firing = firingsFromScratch(risen, first, sensitivity).find((offset) => offset >= riseStart);
              const cell = caught[column] as { hits: number; trials: number; delays: number[] };
              cell.trials += 1;
              if (firing !== undefined) {
                cell.hits += 1;
                cell.delays.push((firing - riseStart) * BUCKET_MS);
              }
              column += 1;
            }
          }
        }
      }
    }
    const cells = caught.map(({ hits, trials, delays }) => {
      const delay = median(delays);
      return `${hits}/${trials}${delay === null ? '' : `, ${formatDuration(delay)}`}`;
    });
    console.log(`| ${ratePerHour} | ${calmFirings} | ${cells.join(' | ')} |`);
  }
}

function main(): void {
  const seeds = Number(argumentValue('--seeds') ?? 6);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a whole number ≥ 1, got ${seeds}`);
  const sensitivity = sensitivityArgument();
  const started = performance.now();
  const cells = new Map<string, Cell>();
  const falseAlarms = new Map<number, { alarms: number; weeks: number }>();
  for (const ratePerHour of RATES_PER_HOUR) {
    for (const noise of NOISES) {
      for (let seed = 0; seed < seeds; seed += 1) {
        const seedBase = ratePerHour * 1000 + (noise === 'poisson' ? 0 : 500) + seed;
        const placement = uniformSource(seedBase * 7 + 1);
        const rises: Rise[] = [];
        for (const factor of FACTORS) {
          for (const durationMs of DURATIONS_MS) {
            const earliest = JUDGED_FROM_DAY * BUCKETS_PER_DAY;
            const latest = (SERIES_DAYS - 1) * BUCKETS_PER_DAY;
            rises.push({ factor, durationMs, startBucket: earliest + Math.floor(placement() * (latest - earliest)) });
          }
        }
        const generate = countSource(noise, seedBase);
        const counts = Array.from({ length: SERIES_DAYS * BUCKETS_PER_DAY }, (_, bucket) =>
          generate(cycleRate(ratePerHour, bucket), bucket),
        );
        const calm = runCalm(counts, new Set(rises.map((rise) => rise.startBucket)), sensitivity);
        const tally = falseAlarms.get(ratePerHour) ?? { alarms: 0, weeks: 0 };
        falseAlarms.set(ratePerHour, { alarms: tally.alarms + calm.falseAlarms, weeks: tally.weeks + calm.judgedWeeks });
        const extra = countSource(noise, seedBase + 99_991);
        for (const rise of rises) {
          const key = `${ratePerHour}/${rise.factor}/${rise.durationMs}`;
          const riseBuckets = Math.round(rise.durationMs / BUCKET_MS);
          let added = 0;
          for (let bucket = rise.startBucket; bucket < rise.startBucket + riseBuckets; bucket += 1) {
            added += (rise.factor - 1) * cycleRate(ratePerHour, bucket);
          }
          const cell = cells.get(key) ?? { ratePerHour, factor: rise.factor, durationMs: rise.durationMs, trials: [] };
          cell.trials.push({ delayMs: riseDelay(calm, rise, extra, ratePerHour, sensitivity), added });
          cells.set(key, cell);
        }
      }
    }
  }
  const trials = seeds * NOISES.length;
  console.log(`Detection contract of the default volume_spike rule (sensitivity ${sensitivity ?? 'medium'}), ` +
    `${trials} series per cell (${seeds} seeds × Poisson and negative binomial), 5-minute buckets`);
  console.log('');
  console.log('| mentions/h | rise | lasting | adds (mean) | detected | median delay | target: in time |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let targetTrials = 0;
  let targetsMet = 0;
  for (const cell of cells.values()) {
    const detected = cell.trials.flatMap((trial) => (trial.delayMs === null ? [] : [trial.delayMs]));
    const delay = median(detected);
    const added = cell.trials.reduce((sum, trial) => sum + trial.added, 0) / cell.trials.length;
    const targeted = cell.trials.flatMap((trial) => {
      const withinMs = targetOf(cell, trial);
      return withinMs === null ? [] : [trial.delayMs !== null && trial.delayMs <= withinMs];
    });
    targetTrials += targeted.length;
    targetsMet += targeted.filter(Boolean).length;
    const target = targeted.length === 0 ? '' : `${targeted.filter(Boolean).length}/${targeted.length}`;
    console.log(
      `| ${cell.ratePerHour} | ×${cell.factor} | ${formatDuration(cell.durationMs)} | ${added.toFixed(0)} | ` +
        `${detected.length}/${cell.trials.length} | ${delay === null ? '–' : formatDuration(delay)} | ${target} |`,
    );
  }
  console.log('');
  console.log('| mentions/h | false alarms per week (calm twins, after their first week) |');
  console.log('| ---: | ---: |');
  for (const [ratePerHour, tally] of falseAlarms) {
    console.log(`| ${ratePerHour} | ${(tally.alarms / tally.weeks).toFixed(2)} (${tally.alarms} in ${tally.weeks} brand-weeks) |`);
  }
  console.log('');
  console.log(
    `Rises under a target alerted in time: ${targetsMet}/${targetTrials}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  printColdStart(Math.max(1, Math.round(seeds / 2)), sensitivity);
}

main();
