// Replays a NAB-format CSV through the live volume_spike rule: the same detector, default settings and episodes.
import { parseCsvSeries } from './csv-series.js';
import { SpikeDetector, sensitivityThreshold, type Sensitivity, type SpikeVerdict } from './spike-detector.js';
import { SpikeEpisodes } from './spike-episodes.js';
import { DEFAULT_VOLUME_SPIKE, volumeSpikeEpisodeOptions, type VolumeSpikeSettings } from './volume-spike-defaults.js';

export interface BacktestRow {
  /** The row's timestamp exactly as the file has it. */
  timestamp: string;
  value: number;
  score: number;
  /** 1 exactly where live alerting would send a firing notification. */
  alert: 0 | 1;
}

export interface BacktestOptions {
  /** Overrides the rule's default sensitivity, as a live rule's `sensitivity:` would. */
  sensitivity?: Sensitivity;
  /** Overrides the rule's default cooldown after an episode (0: none), as a live rule's `cooldown:` would. */
  cooldownMs?: number;
}

export function backtestCsv(csvText: string, options: BacktestOptions = {}): BacktestRow[] {
  const series = parseCsvSeries(csvText);
  const settings: VolumeSpikeSettings = {
    ...DEFAULT_VOLUME_SPIKE,
    sensitivity: options.sensitivity ?? DEFAULT_VOLUME_SPIKE.sensitivity,
    cooldownMs: options.cooldownMs ?? DEFAULT_VOLUME_SPIKE.cooldownMs,
  };
  const detector = new SpikeDetector({ bucketMs: series.bucketMs, sensitivity: settings.sensitivity });
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(series.bucketMs, settings));
  return series.rows.map((row) => {
    const verdict = detector.update(row.bucketStart, row.value);
    const transition = episodes.step(verdict.anomalous);
    return { timestamp: row.timestamp, value: row.value, score: verdict.score, alert: transition === 'firing' ? 1 : 0 };
  });
}

/** A series' rows with the detector's verdict on each: what a benchmark re-thresholds without replaying the detector. */
export interface ScoredSeries {
  bucketMs: number;
  timestamps: string[];
  verdicts: Pick<SpikeVerdict, 'score' | 'warmedUp'>[];
}

export function scoreCsv(csvText: string): ScoredSeries {
  const series = parseCsvSeries(csvText);
  const detector = new SpikeDetector({ bucketMs: series.bucketMs });
  return {
    bucketMs: series.bucketMs,
    timestamps: series.rows.map((row) => row.timestamp),
    verdicts: series.rows.map((row) => {
      const { score, warmedUp } = detector.update(row.bucketStart, row.value);
      return { score, warmedUp };
    }),
  };
}

/**
 * The alert flags of the default episodes at another sensitivity: the same as backtestCsv with that sensitivity,
 * because the threshold only decides `anomalous` (warmed up and score ≥ threshold), never what the detector learns.
 */
export function alertsAtSensitivity(scored: ScoredSeries, sensitivity: Sensitivity): (0 | 1)[] {
  const threshold = sensitivityThreshold(sensitivity);
  const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(scored.bucketMs));
  return scored.verdicts.map((verdict) =>
    episodes.step(verdict.warmedUp && verdict.score >= threshold) === 'firing' ? 1 : 0,
  );
}

/** Rounds a score for print: enough digits to compare runs, no float noise. */
function formatScore(score: number): string {
  return Number.isFinite(score) ? String(Math.round(score * 10_000) / 10_000) : '0';
}

export function formatBacktestCsv(rows: readonly BacktestRow[]): string {
  const lines = rows.map((row) => `${row.timestamp},${row.value},${formatScore(row.score)},${row.alert}`);
  return ['timestamp,value,score,alert', ...lines].join('\n') + '\n';
}
