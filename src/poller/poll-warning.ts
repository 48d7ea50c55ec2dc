// The one warning a poll leaves in its source's health (last_warning): the results it skipped for not being in the
// API's documented shape, and what the source itself says it left out (a feed's items beyond FEED_MAX_ITEMS).
import type { SkippedResults } from '../sources/skipped-results.js';
import type { PollResult } from '../sources/source.js';

/** The poll's warnings joined with "; ", or null when it has none. */
export function pollWarning(skipped: SkippedResults, result: PollResult): string | null {
  const warnings = [skipped.summary(), result.warning].filter((warning) => warning !== null && warning !== undefined);
  return warnings.length === 0 ? null : warnings.join('; ');
}
