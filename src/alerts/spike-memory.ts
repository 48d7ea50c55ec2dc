// Feeds a brand's finished buckets to its spike detector and remembers where it stopped, so that each bucket is
// judged exactly once, live or in a backtest, and a restart continues instead of warming up again.
import { createHash } from 'node:crypto';
import { SpikeDetector, type SpikeDetectorState } from '../spikes/spike-detector.js';
import { SpikeEpisodes } from '../spikes/spike-episodes.js';
import { volumeSpikeEpisodeOptions } from '../spikes/volume-spike-defaults.js';
import type { BrandHistory } from './brand-history.js';
import { detectorStream, type BuiltRule } from './built-rule.js';

export interface SpikeMemory {
  /** The settings the state was learnt with; other settings start over. */
  settingsKey: string;
  /** Start of the last bucket fed to the detector. */
  lastBucketStart: number;
  detector: SpikeDetectorState;
  episodes: ReturnType<SpikeEpisodes['toJSON']>;
  /** Starts of recent buckets the detector found anomalous (bounded by the rule's window). */
  anomalousBuckets: number[];
  /** Bucket start of the detector episode's firing transition, while it fires. */
  spikeFiringSince: number | null;
  /** The detector's expected count per bucket at the last bucket. */
  expectedPerBucket: number;
  warmedUp: boolean;
}

/** However long the process was down, no more than this many buckets are replayed from PostgreSQL in one tick. */
export const MAX_REPLAY_BUCKETS = 4032;

export function spikeSettingsKey(rule: BuiltRule, bucketMs: number): string {
  const settings = JSON.stringify([detectorStream(rule.type), bucketMs, rule.sensitivity]);
  return createHash('sha256').update(settings).digest('hex').slice(0, 16);
}

export function bucketStartOf(timeMs: number, bucketMs: number): number {
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

/**
 * Feeds every finished bucket after the memory's last one (a fresh memory starts at the brand's first mention
 * within the warm-up history, so a brand with no past is not "warmed up" on zeros it never had).
 */
export async function advanceSpikeMemory(
  rule: BuiltRule,
  brandId: string,
  nowMs: number,
  bucketMs: number,
  warmupMs: number,
  history: BrandHistory,
  saved: SpikeMemory | null,
): Promise<SpikeMemory> {
  const settingsKey = spikeSettingsKey(rule, bucketMs);
  const memory = saved !== null && saved.settingsKey === settingsKey ? saved : null;
  const currentBucket = bucketStartOf(nowMs, bucketMs);
  const replayBuckets = Math.min(MAX_REPLAY_BUCKETS, Math.max(1, Math.floor(warmupMs / bucketMs)));
  const earliest = currentBucket - replayBuckets * bucketMs;
  const from = memory === null ? earliest : Math.max(earliest, memory.lastBucketStart + bucketMs);
  const negativeOnly = detectorStream(rule.type) === 'negative';
  const counts = from < currentBucket ? await history.bucketCounts(brandId, from, currentBucket, bucketMs, negativeOnly) : new Map();
  const detectorOptions = { bucketMs, sensitivity: rule.sensitivity };
  const detector = new SpikeDetector(detectorOptions, memory?.detector);
  // The same episode settings as `buzzwatch backtest --csv`, so live alerts fall where the backtest puts them.
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(bucketMs), memory?.episodes);
  const next: SpikeMemory = memory === null
    ? {
        settingsKey,
        lastBucketStart: currentBucket - bucketMs,
        detector: detector.toJSON(),
        episodes: episodes.toJSON(),
        anomalousBuckets: [],
        spikeFiringSince: null,
        expectedPerBucket: 0,
        warmedUp: false,
      }
    : { ...memory, anomalousBuckets: [...memory.anomalousBuckets] };
  let start = from;
  if (memory === null) {
    const firstCounted = Math.min(...counts.keys());
    if (!Number.isFinite(firstCounted)) return next;
    start = firstCounted;
  }
  for (let bucket = start; bucket < currentBucket; bucket += bucketMs) {
    const verdict = detector.update(bucket, counts.get(bucket) ?? 0);
    if (verdict.anomalous) next.anomalousBuckets.push(bucket);
    const transition = episodes.step(verdict.anomalous);
    if (transition === 'firing') next.spikeFiringSince = bucket;
    if (transition === 'resolved') next.spikeFiringSince = null;
    next.expectedPerBucket = verdict.expected;
    next.warmedUp = verdict.warmedUp;
    next.lastBucketStart = bucket;
  }
  next.detector = detector.toJSON();
  next.episodes = episodes.toJSON();
  next.anomalousBuckets = next.anomalousBuckets.filter((bucket) => bucket >= nowMs - rule.windowMs - bucketMs);
  return next;
}

/** What the detector would say about the bucket still filling up, without learning from it. */
export function peekCurrentBucket(memory: SpikeMemory, rule: BuiltRule, bucketMs: number, bucketStart: number, count: number) {
  const detector = new SpikeDetector({ bucketMs, sensitivity: rule.sensitivity }, memory.detector);
  return detector.update(bucketStart, count);
}
