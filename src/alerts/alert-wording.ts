// The sentence that says what happened, the same in every channel: "37 negative mentions in the last hour, 6× the
// usual rate, from 9 sources".
import type { AlertCounts, RuleType } from './alert-event.js';

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

/** "1 h 20 min", "45 s", "2 days 3 h". */
export function spokenDuration(durationMs: number): string {
  const seconds = Math.round(durationMs / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  if (hours < 24) return restMinutes === 0 ? `${hours} h` : `${hours} h ${restMinutes} min`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return `${days} day${days === 1 ? '' : 's'}${restHours === 0 ? '' : ` ${restHours} h`}`;
}

/** 6.04 → "6×", 1.46 → "1.5×". */
export function spokenRatio(ratio: number): string {
  return `${ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10}×`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export interface WordingInput {
  type: RuleType;
  windowMs: number;
  counts: AlertCounts;
  matching: number;
  terms: string[];
  minMentions: number;
  minReach: number;
  topReach: number | null;
  reasons: string[];
  sentiment: string | null;
}

export function alertSummary(input: WordingInput): string {
  const { counts } = input;
  const period = lastPeriod(input.windowMs);
  const rate = counts.ratio !== null && counts.ratio > 0 ? `, ${spokenRatio(counts.ratio)} the usual rate` : '';
  const from = `from ${plural(counts.sources, 'source')}`;
  switch (input.type) {
    case 'negative_buzz':
      return `${plural(counts.negative, 'negative mention')} in ${period}${rate}, ${from}`;
    case 'volume_spike':
      return `${plural(counts.mentions, 'mention')} in ${period}${rate}, ${from}`;
    case 'threshold': {
      const noun = input.sentiment === null ? 'mention' : `${input.sentiment} mention`;
      return `${plural(input.matching, noun)} in ${period} (threshold ${input.minMentions}), ${from}`;
    }
    case 'keyword':
      return `${plural(input.matching, 'mention')} in ${period} matching ${input.terms.map((term) => `"${term}"`).join(', ')}`;
    case 'high_reach_negative':
      return `${plural(input.matching, 'negative mention')} with reach of at least ${input.minReach} in ${period}` +
        (input.topReach === null ? '' : ` (highest ${input.topReach})`);
    case 'silence':
      return input.reasons.length === 0 ? `Mentions are flowing again` : input.reasons.join('; ');
  }
}
