// Maps a rule's config `type:` to its rule type. Adding a rule type is its file plus one line here.
import { highReachNegativeRule } from './high-reach-negative.js';
import { keywordRule } from './keyword.js';
import { negativeBuzzRule } from './negative-buzz.js';
import type { RuleKind } from './rule-kind.js';
import { silenceRule } from './silence.js';
import { thresholdRule } from './threshold.js';
import { volumeSpikeRule } from './volume-spike.js';

export const ruleKinds = {
  volume_spike: volumeSpikeRule,
  negative_buzz: negativeBuzzRule,
  threshold: thresholdRule,
  keyword: keywordRule,
  high_reach_negative: highReachNegativeRule,
  silence: silenceRule,
} satisfies Record<string, RuleKind>;

export type RuleTypeName = keyof typeof ruleKinds;

export function ruleKindFor(type: string): RuleKind | undefined {
  return Object.hasOwn(ruleKinds, type) ? ruleKinds[type as RuleTypeName] : undefined;
}

/** In registration order, as config errors list them. */
export const knownRuleTypes: string[] = Object.keys(ruleKinds);
