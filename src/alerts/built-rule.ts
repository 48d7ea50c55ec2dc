// A rule from the config with every default of its type applied, in the units evaluation works in.
import { compilePhrase } from '../mentions/brand-matcher.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { Sensitivity } from '../spikes/spike-detector.js';
import type { RuleType } from './alert-event.js';
import type { SentimentLabel } from './brand-history.js';
import { RULE_DEFAULTS, type RuleConfig } from './rule-config.js';

export interface BuiltRule {
  id: string;
  type: RuleType;
  /** null: every brand. */
  brandIds: string[] | null;
  channelIds: string[];
  windowMs: number;
  repeatIntervalMs: number;
  resolveAfterMs: number;
  sensitivity: Sensitivity;
  minMentions: number;
  minSources: number;
  minNegativeShare: number;
  sentiment: SentimentLabel | null;
  terms: { text: string; tokens: WordToken[] }[];
  minReach: number;
  periodMs: number;
  sourceIds: string[] | null;
}

export function buildRule(rule: RuleConfig, bucketMs: number): BuiltRule {
  const type = rule.type;
  return {
    id: rule.id,
    type,
    brandIds: rule.brands ?? null,
    channelIds: rule.channels,
    windowMs: rule.window,
    repeatIntervalMs: rule.repeat_interval,
    // volume_spike episodes already carry the detector's own hysteresis (see spikes/spike-episodes.ts), so that
    // live alerts fall exactly where `buzzwatch backtest --csv` puts them.
    resolveAfterMs: rule.resolve_after ?? (type === 'volume_spike' ? 0 : RULE_DEFAULTS.resolveAfterBuckets * bucketMs),
    sensitivity: rule.sensitivity ?? RULE_DEFAULTS.sensitivity,
    minMentions:
      rule.min_mentions ??
      (type === 'negative_buzz' ? RULE_DEFAULTS.negativeBuzzMinMentions : type === 'volume_spike' ? 0 : 1),
    minSources: rule.min_sources ?? (type === 'negative_buzz' ? RULE_DEFAULTS.negativeBuzzMinSources : RULE_DEFAULTS.minSources),
    minNegativeShare: rule.min_negative_share ?? RULE_DEFAULTS.minNegativeShare,
    sentiment: rule.sentiment ?? null,
    terms: (rule.terms ?? []).map((text) => ({ text, tokens: compilePhrase(text) })),
    minReach: rule.min_reach ?? 0,
    periodMs: rule.period ?? 0,
    sourceIds: rule.sources ?? null,
  };
}

/** Whether the rule watches this brand. */
export function ruleCoversBrand(rule: BuiltRule, brandId: string): boolean {
  return rule.brandIds === null || rule.brandIds.includes(brandId);
}

/** Spike rules keep a detector per brand: volume_spike on all mentions, negative_buzz on the negative ones. */
export function detectorStream(type: RuleType): 'all' | 'negative' | null {
  if (type === 'volume_spike') return 'all';
  if (type === 'negative_buzz') return 'negative';
  return null;
}
