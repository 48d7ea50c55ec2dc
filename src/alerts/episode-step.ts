// The episode state machine: firing → reminders every repeat_interval while the condition holds → resolved once it
// has been calm for resolve_after (hysteresis, so a flapping signal does not page twice).
import type { BuiltRule } from './built-rule.js';

export interface OpenEpisode {
  id: string;
  startedAtMs: number;
  lastNotifiedAtMs: number;
  /** When the condition last stopped holding; null while it holds. */
  calmSinceMs: number | null;
  reminders: number;
  acked: boolean;
  /** Nobody has heard of it (its events were silenced) and no silence covers it any more: tell them now. */
  owedNotice?: boolean;
}

export type EpisodeStep =
  | { kind: 'firing' }
  | { kind: 'reminder' }
  | { kind: 'resolved' }
  /** Still firing, nothing to send; calmSinceMs is what to record. */
  | { kind: 'hold'; calmSinceMs: number | null }
  | { kind: 'quiet' };

export function nextEpisodeStep(
  open: OpenEpisode | null,
  evaluation: { holds: boolean; fresh: boolean },
  rule: Pick<BuiltRule, 'repeatIntervalMs' | 'resolveAfterMs'>,
  nowMs: number,
): EpisodeStep {
  if (open === null) return evaluation.holds && evaluation.fresh ? { kind: 'firing' } : { kind: 'quiet' };
  if (evaluation.holds) {
    // An acknowledged episode stays open (and resolves) but stops reminding: someone is on it.
    const reminderDue = !open.acked && (open.owedNotice === true || nowMs - open.lastNotifiedAtMs >= rule.repeatIntervalMs);
    return reminderDue ? { kind: 'reminder' } : { kind: 'hold', calmSinceMs: null };
  }
  const calmSinceMs = open.calmSinceMs ?? nowMs;
  return nowMs - calmSinceMs >= rule.resolveAfterMs ? { kind: 'resolved' } : { kind: 'hold', calmSinceMs };
}
