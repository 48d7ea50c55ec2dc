// A rule from the config, ready to evaluate: its type's behaviour with every default applied, in milliseconds.
import type { RuleConfig } from './rule-config.js';
import { ruleKindFor } from './rules/registry.js';
import type { RuleBehaviour } from './rules/rule-kind.js';

export interface BuiltRule {
  id: string;
  type: string;
  /** The type in words ("Negative buzz"). */
  title: string;
  /** null: every brand. */
  brandIds: string[] | null;
  channelIds: string[];
  windowMs: number;
  repeatIntervalMs: number;
  resolveAfterMs: number;
  behaviour: RuleBehaviour;
}

export function buildRule(rule: RuleConfig, bucketMs: number): BuiltRule {
  const kind = ruleKindFor(rule.type);
  // The loader has refused unknown types already; this only guards a config built by hand.
  if (kind === undefined) throw new Error(`alerts.rules: "${rule.type}" is not a rule type`);
  return {
    id: rule.id,
    type: rule.type,
    title: kind.title,
    brandIds: rule.brands ?? null,
    channelIds: rule.channels,
    windowMs: rule.window,
    repeatIntervalMs: rule.repeat_interval,
    resolveAfterMs: rule.resolve_after ?? kind.defaultResolveAfterMs(bucketMs),
    behaviour: kind.create(rule, { bucketMs }),
  };
}

/** Whether the rule watches this brand. */
export function ruleCoversBrand(rule: BuiltRule, brandId: string): boolean {
  return rule.brandIds === null || rule.brandIds.includes(brandId);
}
