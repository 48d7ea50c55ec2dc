// Feeds a brand's finished buckets to a spike detector and remembers where it stopped, so that each bucket is
// judged exactly once, live or in a backtest, and a restart continues instead of warming up again. Used by the rule
// types that watch a stream for spikes (volume_spike on all mentions or on stories, negative_buzz on the negative ones).
import { createHash } from 'node:crypto';
import { SpikeDetector, type Sensitivity, type SpikeDetectorState } from '../spikes/spike-detector.js';
import { SpikeEpisodes } from '../spikes/spike-episodes.js';
import { DEFAULT_VOLUME_SPIKE, volumeSpikeEpisodeOptions } from '../spikes/volume-spike-defaults.js';
import type { RuleContext } from './rules/rule-kind.js';

export interface SpikeMemory {
  /** The settings the state was learnt with (stream, bucket, sensitivity); other settings start over. */
  settingsKey: string;
  /** Start of the last bucket fed to the detector. */
  lastBucketStart: number;
  detector: SpikeDetectorState;
  episodes: ReturnType<SpikeEpisodes['toJSON']>;
  /** Starts of recent buckets the detector found anomalous (bounded by the rule's window). */
  anomalousBuckets: number[];
  /** Bucket start of the detector episode's firing transition, while it fires. */
  spikeFiringSince: number | null;
  /**
   * Whether the rule alerted on the detector episode (its finding was held and fresh while the episode fired): set by
   * the rule, false from each firing transition. An episode that resolves unalerted starts no cooldown. Absent (state
   * saved before it existed) reads as alerted.
   */
  spikeAlerted?: boolean;
  /** The detector's expected count per bucket at the last bucket. */
  expectedPerBucket: number;
  warmedUp: boolean;
  /**
   * False until a bucket with mentions has been fed. Until then every tick starts afresh at the brand's first mention
   * in the warm-up history: days of zeros before a brand's first mention would teach the detector a silence the brand
   * never had, and make the verdict depend on where a replay happened to start.
   */
  started: boolean;
}

/** Which stream a rule watches, and how. */
export interface SpikeStream {
  /** All mentions, the negative ones, or stories (each counted once, in the bucket of its first mention). */
  stream: 'all' | 'negative' | 'stories';
  sensitivity: Sensitivity;
  /** Anomalous buckets are remembered this far back (the rule's window). */
  windowMs: number;
  /**
   * After an episode resolves, no new one opens for this long (default: the volume_spike default, 12 h). Not part of
   * the settings key: it decides only the episodes, never what the detector learns, so changing it starts nothing over.
   */
  cooldownMs?: number;
}

/** However long the process was down, no more than this many buckets are replayed from PostgreSQL in one tick. */
export const MAX_REPLAY_BUCKETS = 4032;

export function spikeSettingsKey(stream: SpikeStream, bucketMs: number): string {
  const settings = JSON.stringify([stream.stream, bucketMs, stream.sensitivity]);
  return createHash('sha256').update(settings).digest('hex').slice(0, 16);
}

export function bucketStartOf(timeMs: number, bucketMs: number): number {
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

/** The saved memory if it has the shape of one (anything else, say from an older version, starts over). */
export function readSpikeMemory(saved: unknown): SpikeMemory | null {
  if (saved === null || typeof saved !== 'object') return null;
  const memory = saved as Partial<Record<keyof SpikeMemory, unknown>>;
  const shaped =
    typeof memory.settingsKey === 'string' &&
    typeof memory.lastBucketStart === 'number' &&
    typeof memory.detector === 'object' &&
    memory.detector !== null &&
    typeof memory.episodes === 'object' &&
    memory.episodes !== null &&
    Array.isArray(memory.anomalousBuckets) &&
    (memory.spikeFiringSince === null || typeof memory.spikeFiringSince === 'number') &&
    (memory.spikeAlerted === undefined || typeof memory.spikeAlerted === 'boolean') &&
    typeof memory.expectedPerBucket === 'number' &&
    typeof memory.warmedUp === 'boolean' &&
    memory.started === true;
  return shaped ? (saved as SpikeMemory) : null;
}

/**
 * Feeds every finished bucket after the memory's last one. A fresh memory replays the warm-up history before now,
 * starting at the brand's first mention within it (a brand with no past is not "warmed up" on zeros it never had):
 * where the replay starts is fixed by the data and `now`, never by when someone happened to ask, so live alerting
 * and a backtest over any span agree once the detector has seen a full warm-up.
 */
export async function advanceSpikeMemory(
  stream: SpikeStream,
  context: Pick<RuleContext, 'brand' | 'nowMs' | 'bucketMs' | 'warmupMs' | 'history'>,
  saved: SpikeMemory | null,
): Promise<SpikeMemory> {
  const { nowMs, bucketMs, warmupMs } = context;
  const settingsKey = spikeSettingsKey(stream, bucketMs);
  const memory = saved !== null && saved.settingsKey === settingsKey ? saved : null;
  const currentBucket = bucketStartOf(nowMs, bucketMs);
  const replayBuckets = Math.min(MAX_REPLAY_BUCKETS, Math.max(1, Math.floor(warmupMs / bucketMs)));
  const earliest = currentBucket - replayBuckets * bucketMs;
  const from = memory === null ? earliest : Math.max(earliest, memory.lastBucketStart + bucketMs);
  const counts = from < currentBucket ? await streamBucketCounts(stream, context, from, currentBucket) : new Map<number, number>();
  const detector = new SpikeDetector({ bucketMs, sensitivity: stream.sensitivity }, memory?.detector);
  // The same episode settings as `buzzwatch backtest --csv`, so live alerts fall where the backtest puts them.
  const episodeSettings = { ...DEFAULT_VOLUME_SPIKE, cooldownMs: stream.cooldownMs ?? DEFAULT_VOLUME_SPIKE.cooldownMs };
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(bucketMs, episodeSettings), memory?.episodes);
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
        started: false,
      }
    : { ...memory, anomalousBuckets: [...memory.anomalousBuckets] };
  let start = from;
  if (memory === null) {
    const firstCounted = Math.min(...counts.keys());
    if (!Number.isFinite(firstCounted)) return next;
    start = firstCounted;
    next.started = true;
  }
  for (let bucket = start; bucket < currentBucket; bucket += bucketMs) {
    const verdict = detector.update(bucket, counts.get(bucket) ?? 0);
    if (verdict.anomalous) next.anomalousBuckets.push(bucket);
    const transition = episodes.step(verdict.anomalous);
    if (transition === 'firing') {
      next.spikeFiringSince = bucket;
      next.spikeAlerted = false;
    }
    if (transition === 'resolved') {
      next.spikeFiringSince = null;
      // The cooldown follows only an episode someone was told about (see SpikeMemory.spikeAlerted).
      if (next.spikeAlerted === false) episodes.skipCooldown();
    }
    next.expectedPerBucket = verdict.expected;
    next.warmedUp = verdict.warmedUp;
    next.lastBucketStart = bucket;
  }
  next.detector = detector.toJSON();
  next.episodes = episodes.toJSON();
  next.anomalousBuckets = next.anomalousBuckets.filter((bucket) => bucket >= nowMs - stream.windowMs - bucketMs);
  return next;
}

/** The stream's count per bucket in [fromMs, toMs), keyed by bucket start. */
function streamBucketCounts(
  stream: SpikeStream,
  context: Pick<RuleContext, 'brand' | 'bucketMs' | 'history'>,
  fromMs: number,
  toMs: number,
): Promise<Map<number, number>> {
  const { brand, bucketMs, history } = context;
  return stream.stream === 'stories'
    ? history.storyBucketCounts(brand.id, fromMs, toMs, bucketMs)
    : history.bucketCounts(brand.id, fromMs, toMs, bucketMs, stream.stream === 'negative');
}

/** What the detector would say about the bucket still filling up, without learning from it. */
export function peekCurrentBucket(memory: SpikeMemory, stream: SpikeStream, bucketMs: number, bucketStart: number, count: number) {
  const detector = new SpikeDetector({ bucketMs, sensitivity: stream.sensitivity }, memory.detector);
  return detector.update(bucketStart, count);
}

/**
 * Where a spike began: walking back from its first anomalous bucket, the earliest of the buckets just before it that
 * were already above normal (more than one Poisson deviation over the expected count), within one window. A burst
 * builds up for a bucket or two before the detector is sure; "since" should say when it began, not when it was sure.
 */
export async function elevatedSince(
  stream: SpikeStream,
  context: Pick<RuleContext, 'brand' | 'bucketMs' | 'history'>,
  memory: SpikeMemory,
  anomalousFrom: number,
): Promise<number> {
  const { bucketMs } = context;
  const lookback = anomalousFrom - Math.max(bucketMs, stream.windowMs);
  const counts = await streamBucketCounts(stream, context, lookback, anomalousFrom);
  const above = memory.expectedPerBucket + Math.sqrt(memory.expectedPerBucket);
  let start = anomalousFrom;
  for (let bucket = anomalousFrom - bucketMs; bucket >= lookback && (counts.get(bucket) ?? 0) > above; bucket -= bucketMs) start = bucket;
  return start;
}

/** The expected count of the stream over the window, once the detector knows the brand; null before. */
export function expectedOverWindow(memory: SpikeMemory, windowMs: number, bucketMs: number): number | null {
  return memory.warmedUp ? memory.expectedPerBucket * (windowMs / bucketMs) : null;
}
