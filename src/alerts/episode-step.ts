// A rule's episode for one brand (and subject): it opens when the condition holds and is news, stays open while it
// holds, and resolves once it has been calm for resolve_after (hysteresis, so a flapping signal does not page twice).
// What the team is told, and when, is decided per alert and channel (channel-step.ts).

export interface OpenEpisode {
  id: string;
  /** When the condition last stopped holding; null while it holds. */
  calmSinceMs: number | null;
}

export type EpisodeStep =
  | { kind: 'firing' }
  | { kind: 'resolved' }
  /** Still open; calmSinceMs is what to record. */
  | { kind: 'hold'; calmSinceMs: number | null }
  | { kind: 'quiet' };

export function nextEpisodeStep(
  open: OpenEpisode | null,
  evaluation: { holds: boolean; fresh: boolean },
  resolveAfterMs: number,
  nowMs: number,
): EpisodeStep {
  if (open === null) return evaluation.holds && evaluation.fresh ? { kind: 'firing' } : { kind: 'quiet' };
  if (evaluation.holds) return { kind: 'hold', calmSinceMs: null };
  const calmSinceMs = open.calmSinceMs ?? nowMs;
  return nowMs - calmSinceMs >= resolveAfterMs ? { kind: 'resolved' } : { kind: 'hold', calmSinceMs };
}
