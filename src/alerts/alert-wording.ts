// Words for numbers, shared by the rule types' sentences and every channel, so that Slack, e-mail and a backtest say
// the same thing in the same spelling ("6×", "1 h 20 min", "62%", "the last hour"). Pure.

const MINUTE_MS = 60_000;

/** "the last hour", "the last 6 h", "the last 30 min". */
export function lastPeriod(windowMs: number): string {
  const units: [number, string, string][] = [
    [86_400_000, 'day', 'days'],
    [3_600_000, 'hour', 'h'],
    [60_000, 'minute', 'min'],
    [1_000, 'second', 's'],
  ];
  for (const [unitMs, single, plural] of units) {
    if (windowMs >= unitMs && windowMs % unitMs === 0) {
      const amount = windowMs / unitMs;
      return amount === 1 ? `the last ${single}` : `the last ${amount} ${plural}`;
    }
  }
  return `the last ${windowMs} ms`;
}

/** "45 s", "12 min", "1 h 20 min", "2 d 3 h": at most two units, the way people say how long something lasted. */
export function durationInWords(durationMs: number): string {
  if (durationMs < MINUTE_MS) return `${Math.max(0, Math.floor(durationMs / 1000))} s`;
  const totalMinutes = Math.round(durationMs / MINUTE_MS);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** "6×", "2.5×", "14×": one decimal below 10, where it still tells something, whole numbers above. */
export function ratioInWords(ratio: number): string {
  const rounded = ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10;
  return `${rounded}×`;
}

/** 0.623 → "62%". */
export function percentInWords(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** 12000 → "12,000". */
export function countInWords(count: number): string {
  return count.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** An expected count: "6.2" (a decimal tells something for small counts), "140". */
export function baselineInWords(baseline: number): string {
  const rounded = baseline >= 10 ? Math.round(baseline) : Math.round(baseline * 10) / 10;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** "1 site", "12,000 mentions", "3 stories" (with the plural given). */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${countInWords(count)} ${count === 1 ? noun : plural}`;
}

/** "2024-05-01 14:20 UTC"; text that is not a timestamp is returned as it is. */
export function utcTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** ", 6× the usual rate" when there is a rate to compare with, else nothing. */
export function usualRateClause(ratio: number | null): string {
  return ratio !== null && ratio > 0 ? `, ${ratioInWords(ratio)} the usual rate` : '';
}

/** "from 9 sites" or "from 9 sites and 12 authors" when authors tell more than sites. */
export function spreadClause(sites: number, authors: number): string {
  return authors > sites ? `from ${countOf(sites, 'site')} and ${countOf(authors, 'author')}` : `from ${countOf(sites, 'site')}`;
}
