// Turns a stream of per-bucket anomalous/normal verdicts into alert episodes: one 'firing' per episode, one 'resolved'.
// Shared by the live alerter and the CSV backtest, so a backtest's alert=1 is exactly a live firing notification.

export interface SpikeEpisodesOptions {
  /**
   * Consecutive normal buckets that end an episode (hysteresis). A spike on mention data rarely stays above threshold
   * in every bucket: it flickers around it for an hour or more. Resolving on the first quiet bucket would send one
   * alert per flicker, and NAB charges every extra alert as a false positive.
   */
  resolveAfterBuckets?: number;
  /**
   * Buckets after a resolution during which a new anomalous bucket does not open a new episode: the after-shocks of
   * a burst (the story's second wave, a re-tweet storm) belong to the incident the team was already told about.
   */
  cooldownBuckets?: number;
}

export interface SpikeEpisodesState {
  firing: boolean;
  /** Consecutive normal buckets seen while firing. */
  normalStreak: number;
  /** Buckets of cooldown still to run after the last resolution. */
  cooldownLeft: number;
}

export type EpisodeTransition = 'firing' | 'resolved';

/**
 * One hour of 5-minute buckets. NAB windows on mention data span about a day and an alert after a window costs
 * little, so the exact value barely moves the score (30 min to 4 h moved realTweets by under half a point when
 * measured); an hour keeps a flickering burst in one episode while still telling the team "resolved" soon after it
 * has really calmed down.
 */
export const DEFAULT_RESOLVE_AFTER_BUCKETS = 12;
/**
 * No cooldown for a bare SpikeEpisodes; the volume_spike rule passes its own (volume-spike-defaults.ts: 12 hours), as
 * any caller that sends messages should: bursts come in clusters, and one incident is one message.
 */
export const DEFAULT_COOLDOWN_BUCKETS = 0;

export class SpikeEpisodes {
  readonly resolveAfterBuckets: number;
  readonly cooldownBuckets: number;
  private state: SpikeEpisodesState;

  constructor(options: SpikeEpisodesOptions = {}, state?: SpikeEpisodesState) {
    this.resolveAfterBuckets = Math.max(1, Math.round(options.resolveAfterBuckets ?? DEFAULT_RESOLVE_AFTER_BUCKETS));
    this.cooldownBuckets = Math.max(0, Math.round(options.cooldownBuckets ?? DEFAULT_COOLDOWN_BUCKETS));
    // A cooldown shortened since the state was saved (a rule's `cooldown` lowered, or set to 0) applies at once.
    this.state = state
      ? { ...state, cooldownLeft: Math.min(state.cooldownLeft, this.cooldownBuckets) }
      : { firing: false, normalStreak: 0, cooldownLeft: 0 };
  }

  get firing(): boolean {
    return this.state.firing;
  }

  /** Feeds one bucket's verdict; answers the transition it causes, if any. */
  step(anomalous: boolean): EpisodeTransition | null {
    const state = this.state;
    if (state.firing) {
      state.normalStreak = anomalous ? 0 : state.normalStreak + 1;
      if (state.normalStreak < this.resolveAfterBuckets) return null;
      this.state = { firing: false, normalStreak: 0, cooldownLeft: this.cooldownBuckets };
      return 'resolved';
    }
    if (state.cooldownLeft > 0) {
      state.cooldownLeft -= 1;
      return null;
    }
    if (!anomalous) return null;
    this.state = { firing: true, normalStreak: 0, cooldownLeft: 0 };
    return 'firing';
  }

  /**
   * Ends the cooldown the last resolution started (nothing while an episode fires). For a caller whose episode told
   * no one (a rule's floors held it back, or it was stale): the cooldown is for after-shocks of an incident the team
   * was told about, and must not silence the first one they would hear of.
   */
  skipCooldown(): void {
    if (!this.state.firing) this.state.cooldownLeft = 0;
  }

  toJSON(): SpikeEpisodesState {
    return { ...this.state };
  }
}
