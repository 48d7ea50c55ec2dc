// Repeated warnings and errors, summarised: during an outage the same failure comes thousands of times a minute
// (every reconnect, every retried batch). The first is logged in full; later ones with the same logger bindings,
// level, message and error are only counted, and each window that saw any ends with one line carrying the count.
// A window without a repeat forgets the key, so the next occurrence is logged in full again.

/** Keys beyond this many are logged in full: a flood of distinct messages must not grow memory without bound. */
const MAX_TRACKED = 1_000;

interface Tracked {
  count: number;
  /** Writes one summary line for `count` repeats. */
  summarise: (count: number) => void;
}

export class LogRepeats {
  private readonly tracked = new Map<string, Tracked>();

  /** True when this is the first time in the window (log it), false when it was counted instead. */
  admit(key: string, summarise: (count: number) => void): boolean {
    const seen = this.tracked.get(key);
    if (seen !== undefined) {
      seen.count += 1;
      seen.summarise = summarise;
      return false;
    }
    if (this.tracked.size < MAX_TRACKED) this.tracked.set(key, { count: 0, summarise });
    return true;
  }

  /** Ends a window: one summary per key repeated in it; keys without repeats are forgotten. */
  endWindow(): void {
    for (const [key, entry] of this.tracked) {
      if (entry.count === 0) {
        this.tracked.delete(key);
        continue;
      }
      const count = entry.count;
      entry.count = 0;
      entry.summarise(count);
    }
  }
}

/** What makes two log calls "the same": the message and the error, not ids or counts that vary between them. */
export function repeatKey(bindings: string, level: number, args: readonly unknown[]): string {
  const [first, second] = args;
  const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : null;
  const message = fields === null ? String(first) : String(second ?? '');
  const err = fields?.err;
  const reason = err instanceof Error ? err.message : err === undefined ? '' : String(err);
  return `${level}\u0000${bindings}\u0000${message}\u0000${reason}`;
}
