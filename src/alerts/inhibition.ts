// Inhibition (as in Alertmanager): while a rule matching an inhibit entry's `source` fires for a brand, rules matching
// its `target` are muted for that brand. A negative buzz already says the volume rose; "volume spike" adds nothing.

export interface InhibitRule {
  /** Rule types or rule ids. */
  source: string[];
  target: string[];
}

export interface FiringRule {
  ruleId: string;
  ruleType: string;
}

const matches = (names: string[], rule: FiringRule) => names.includes(rule.ruleType) || names.includes(rule.ruleId);

/** For each firing rule of one brand that is muted, the rule muting it (the first in the order given). */
export function inhibitedRules(firing: FiringRule[], inhibit: InhibitRule[]): Map<string, string> {
  const muted = new Map<string, string>();
  for (const target of firing) {
    for (const entry of inhibit) {
      if (!matches(entry.target, target)) continue;
      const source = firing.find((candidate) => candidate.ruleId !== target.ruleId && matches(entry.source, candidate));
      if (source !== undefined && !muted.has(target.ruleId)) muted.set(target.ruleId, source.ruleId);
    }
  }
  return muted;
}
