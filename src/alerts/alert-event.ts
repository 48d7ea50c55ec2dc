// The one model every notifier formats: one message to one channel about one alert (the rules firing for a brand),
// in numbers a PR team can act on.

/**
 * The messages of an alert, per channel: `firing` once, `update` when another rule joins, `reminder` every
 * repeat_interval while it holds, `resolved` once when every rule is calm.
 */
export type AlertEventKind = 'firing' | 'update' | 'reminder' | 'resolved';

export interface AlertFact {
  label: string;
  value: string;
}

/** The figures behind one rule's finding, as numbers (the webhook and the API carry them). */
export interface RuleCounts {
  /** Every mention of the brand in the rule's window. */
  mentions: number;
  negative: number;
  /** Negative mentions over those with a known sentiment, 0..1; null without any. */
  negativeShare: number | null;
  /** The brand's usual negative share, 0..1; null when the rule does not compare it or history is too short. */
  usualNegativeShare: number | null;
  /** What the rule counted: the negative mentions, those with a term, those above the reach bar… (stories, for a
   *  volume_spike with `count: stories`). */
  matching: number;
  /** What the baseline expected of the counted stream over the window; null without a baseline. */
  baseline: number | null;
  /** The counted stream over its baseline; null without one. */
  ratio: number | null;
  /** Distinct sites (hosts) of the counted mentions. */
  sites: number;
  /** Distinct authors of the counted mentions. */
  authors: number;
}

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
  sentiment: string;
  /** Sentiment score (negative below 0); null when its language has no scorer. */
  sentimentScore: number | null;
  reach: number | null;
  publishedAt: string | null;
}

/** One rule of the alert as this message tells it. */
export interface RuleReport {
  ruleId: string;
  ruleType: string;
  /** The rule type in words ("Negative buzz"). */
  title: string;
  /** Firing, or calm again (in an alert other rules still hold, and in every resolved message). */
  status: 'firing' | 'resolved';
  /** Named in this channel for the first time by this message (an update says what joined). */
  isNew: boolean;
  /** The rule's sentence; for a calm rule, the figures at its peak. */
  summary: string;
  figures: AlertFact[];
  counts: RuleCounts;
  /** What a subject line leads with: "37 negative mentions". */
  headline: string;
  windowMs: number;
  /** When its signal began (ISO 8601). */
  startedAt: string;
  /** When it calmed, for a calm rule. */
  resolvedAt: string | null;
}

export interface AlertEvent {
  /** Stable per message: the same on every attempt, so receivers can deduplicate. */
  eventId: string;
  /** The alert (GET /v1/alerts/:id, ack). */
  alertId: string;
  kind: AlertEventKind;
  /** When the message was decided (ISO 8601, UTC). */
  at: string;
  brand: { id: string; name: string };
  /** When the buzz started: the earliest signal of the rules named (ISO 8601), not when the alert fired. */
  startedAt: string;
  /** Set on resolved messages. */
  resolvedAt: string | null;
  durationMs: number | null;
  /** The rules named, firing ones first; at least one. */
  rules: RuleReport[];
  topSites: { name: string; count: number }[];
  topAuthors: { name: string; count: number }[];
  /** At most three: the most negative, or the highest-reach, mentions behind the firing rules. */
  samples: AlertSampleMention[];
  /** The event id of this channel's firing message, which later ones answer (e-mail threads); null on the firing. */
  inReplyTo: string | null;
}
