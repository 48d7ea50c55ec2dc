// The one model every notifier formats: what happened to which brand, in numbers a PR team can act on.
export const RULE_TYPES = [
  'volume_spike',
  'negative_buzz',
  'threshold',
  'keyword',
  'high_reach_negative',
  'silence',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** The transitions of an episode: it starts firing, reminds while it holds, and resolves once. */
export type AlertEventKind = 'firing' | 'reminder' | 'resolved';

export interface AlertSampleMention {
  mentionId: string;
  url: string | null;
  title: string | null;
  /** Plain text, already shortened to a few hundred characters. */
  snippet: string;
  author: string | null;
  sourceId: string;
  /** The host of the mention's URL, or the source id when it has none. */
  site: string;
  sentiment: 'positive' | 'neutral' | 'negative';
  /** Normalised sentiment score (negative below 0). */
  sentimentScore: number;
  reach: number | null;
  publishedAt: string | null;
}

export interface AlertCounts {
  /** Mentions of the brand in the rule's window (the negative ones for negative_buzz are in `negative`). */
  mentions: number;
  negative: number;
  /** The count the baseline expected for the window; null when the rule has no baseline or too little history. */
  baseline: number | null;
  /** The counted stream over its baseline (mentions, or negative mentions for negative_buzz); null without one. */
  ratio: number | null;
  /** Negative mentions over all mentions in the window, 0..1; null with no mentions. */
  negativeShare: number | null;
  /** The brand's usual negative share, 0..1; null without history. */
  usualNegativeShare: number | null;
  /** Distinct sites or authors the counted mentions came from. */
  sources: number;
}

export interface AlertEvent {
  /** Stable per transition (`<episodeId>:firing`, `<episodeId>:reminder:2`, `<episodeId>:resolved`). */
  eventId: string;
  episodeId: string;
  kind: AlertEventKind;
  /** When the transition happened (ISO 8601, UTC). */
  at: string;
  brand: { id: string; name: string };
  rule: { id: string; type: RuleType };
  /** One sentence: "37 negative mentions in the last hour, 6× the usual rate, from 9 sources". */
  summary: string;
  /** The rule's window ending at `at`, in milliseconds. */
  windowMs: number;
  counts: AlertCounts;
  topSources: { name: string; count: number }[];
  topAuthors: { name: string; count: number }[];
  /** At most three: the most negative, or the highest-reach, mentions of the window. */
  samples: AlertSampleMention[];
  /** When the episode started firing (ISO 8601). */
  startedAt: string;
  /** Set on resolved events. */
  resolvedAt: string | null;
  durationMs: number | null;
}

const RULE_TITLES: Record<RuleType, string> = {
  volume_spike: 'Volume spike',
  negative_buzz: 'Negative buzz',
  threshold: 'Mention threshold',
  keyword: 'Keyword alert',
  high_reach_negative: 'High-reach negative mention',
  silence: 'Silence',
};

/** "Negative buzz", "Volume spike"…: the rule type in words, for titles and subjects. */
export function ruleTitle(type: RuleType): string {
  return RULE_TITLES[type];
}
