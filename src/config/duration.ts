// Durations in config files are written as 30s, 5m, 1h, 1d (optionally combined: 1h30m).
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART_PATTERN = /(\d+)(ms|s|m|h|d)/g;

export const DURATION_HINT = 'use 30s, 5m, 1h';

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text) && parseDuration(text) > 0;
}

/** Milliseconds in a duration such as "5m" or "1h30m"; throws on anything else. */
export function parseDuration(text: string): number {
  if (!DURATION_PATTERN.test(text)) throw new Error(`"${text}" is not a duration (${DURATION_HINT})`);
  let totalMs = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    totalMs += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return totalMs;
}

/** The shortest config spelling of a duration, e.g. 5400000 → "1h30m". */
export function formatDuration(totalMs: number): string {
  if (totalMs === 0) return '0s';
  let restMs = totalMs;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const amount = Math.floor(restMs / UNIT_MS[unit]);
    if (amount > 0) {
      text += `${amount}${unit}`;
      restMs -= amount * UNIT_MS[unit];
    }
  }
  return text;
}
