// The default settings of the `volume_spike` rule, shared by live alerting and the CSV backtest so both decide alike.
import type { Sensitivity } from './spike-detector.js';
import type { SpikeEpisodesOptions } from './spike-episodes.js';

export interface VolumeSpikeSettings {
  sensitivity: Sensitivity;
  /** An episode resolves after the signal has been normal this long (converted to buckets of the series). */
  resolveAfterMs: number;
  /**
   * After a resolution, no new episode opens for this long: a burst within it is an after-shock of the incident the
   * team was just told about (the story's second wave, the next time zone waking up), not news.
   */
  cooldownMs: number;
}

/**
 * Measured on NAB realTweets in bench/nab.ts; see spike-episodes.ts for why the episode settings are what they are.
 * The 12-hour cooldown ("one message per incident, never twice"): real mention bursts come in clusters (AAPL, CVS and
 * FB had pairs 3–9 hours apart, each a separate page); 10 to 16 hours merge them alike (realTweets 69.5 instead of
 * 67.6, thinned 70.5 instead of 68.1) and the synthetic contract is unchanged, its rises being alone in their series.
 */
export const DEFAULT_VOLUME_SPIKE: VolumeSpikeSettings = {
  sensitivity: 'medium',
  resolveAfterMs: 60 * 60_000,
  cooldownMs: 12 * 60 * 60_000,
};

/** The episode options for a series bucketed by `bucketMs` (at least one bucket each). */
export function volumeSpikeEpisodeOptions(
  bucketMs: number,
  settings: Pick<VolumeSpikeSettings, 'resolveAfterMs' | 'cooldownMs'> = DEFAULT_VOLUME_SPIKE,
): Required<SpikeEpisodesOptions> {
  return {
    resolveAfterBuckets: Math.max(1, Math.round(settings.resolveAfterMs / bucketMs)),
    cooldownBuckets: Math.max(0, Math.round(settings.cooldownMs / bucketMs)),
  };
}
