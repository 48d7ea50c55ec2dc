// The `alerts:` config section: timing, delivery, channels and rules. Each rule entry is checked against the
// schema of its type (rules/registry.ts), as channels are against their kind's.
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConfigProblem } from '../config/config-error.js';
import { schemaProblems } from '../config/schema-problems.js';
import { formatDuration, parseDuration } from '../config/duration.js';
import { Duration, Id, NonEmptyString } from '../config/schema-types.js';
import { knownRuleTypes, ruleKindFor, ruleKinds } from './rules/registry.js';
import { commonRuleFields, type RuleConfig, type RuleKind } from './rules/rule-kind.js';

export type { RuleConfig };

const RuleEntrySchema = Type.Object(
  {
    id: Id(),
    type: Type.Union(
      knownRuleTypes.map((type) => Type.Literal(type)),
      { errorMessage: `{value} is not a rule type (use ${knownRuleTypes.join(', ')})` },
    ),
  },
  { additionalProperties: true },
);

export const ChannelEntrySchema = Type.Object(
  {
    id: Id(),
    type: Type.String({ errorMessage: 'is required: the kind of channel (slack, email or webhook)' }),
  },
  { additionalProperties: true },
);

/** A duration that may be zero ("0s": do not wait), decoded to milliseconds. */
const WaitDuration = (defaultValue: string) =>
  Type.Transform(
    Type.String({ pattern: '^(?:\\d+(?:ms|s|m|h|d))+$', default: defaultValue, errorMessage: '{value} is not a duration (use 0s, 30s, 5m)' }),
  )
    .Decode(parseDuration)
    .Encode(formatDuration);

const RuleNames = Type.Array(NonEmptyString(), { minItems: 1, errorMessage: 'needs at least one rule type or rule id' });

/** What Alertmanager calls inhibition: while a `source` rule fires for a brand, `target` rules are muted for it. */
const InhibitSchema = Type.Object({ source: RuleNames, target: RuleNames }, { additionalProperties: false });

/** A negative buzz or a high-reach negative mention already says what a volume spike would. */
export const DEFAULT_INHIBIT = [{ source: ['negative_buzz', 'high_reach_negative'], target: ['volume_spike'] }];

/** Shortest settings that still work: evaluating more often than every second only burns PostgreSQL. */
export const MIN_ALERT_TICK = '1s';
export const MIN_ALERT_BUCKET = '1s';

export const AlertsSchema = Type.Object(
  {
    tick: Duration({ default: '60s' }),
    /** Width of the count buckets the spike detector sees. */
    bucket: Duration({ default: '5m' }),
    /** How many days of stored history rebuild a detector that has no saved state (new rule, new brand). */
    warmup_history: Duration({ default: '7d' }),
    delivery: Type.Object(
      {
        attempts: Type.Integer({ minimum: 1, maximum: 50, default: 8, errorMessage: 'must be a whole number from 1 to 50' }),
        /** First retry delay; doubles per attempt, capped at 10 minutes. */
        backoff: Duration({ default: '10s' }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Episodes sharing these labels form one alert, told in one message per channel. `brand` is always one. */
    group_by: Type.Array(Type.Union([Type.Literal('brand'), Type.Literal('rule')], { errorMessage: '{value} is not a label (use brand or rule)' }), {
      default: ['brand'],
      minItems: 1,
    }),
    /** How long a new alert waits for the other rules of the same incident before its first message. */
    group_wait: WaitDuration('30s'),
    /** At least this long between a message and an update naming a rule that joined. */
    group_interval: Duration({ default: '5m' }),
    inhibit: Type.Array(InhibitSchema, { default: DEFAULT_INHIBIT }),
    rules: Type.Array(RuleEntrySchema, { default: [] }),
    channels: Type.Array(ChannelEntrySchema, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

const COMMON_FIELDS = Object.keys(commonRuleFields);
// Every key some rule type reads: one another type does not read is a mistake worth naming as such.
const ANY_RULE_FIELD = new Set<string>(Object.values(ruleKinds).flatMap((kind: RuleKind) => [...kind.requiredFields, ...kind.optionalFields]));

/** The keys a rule of this type reads, in the order a reader wants them listed. */
export function ruleFieldsOf(kind: RuleKind): string[] {
  return [...COMMON_FIELDS, ...kind.requiredFields, ...kind.optionalFields];
}

/**
 * Each entry checked against its type's schema, with defaults applied; problems are reported with their key path
 * (`alerts.rules[2].terms`). Entries without a known type are left to the section's schema, which names them.
 */
export function decodeRules(entries: unknown[], report: (problems: ConfigProblem[]) => void): RuleConfig[] {
  const rules: RuleConfig[] = [];
  entries.forEach((entry, index) => {
    const path = `alerts.rules[${index}]`;
    if (entry === null || typeof entry !== 'object') return;
    const fields = entry as Record<string, unknown>;
    const kind = typeof fields.type === 'string' ? ruleKindFor(fields.type) : undefined;
    if (kind === undefined) return;
    const problems = fieldProblems(fields, String(fields.type), kind, path);
    const withDefaults = Value.Default(kind.configSchema, Value.Convert(kind.configSchema, structuredClone(fields)));
    problems.push(...schemaProblems(kind.configSchema, withDefaults, path));
    if (problems.length > 0) report(problems);
    else rules.push(Value.Decode(kind.configSchema, withDefaults) as RuleConfig);
  });
  return rules;
}

function fieldProblems(fields: Record<string, unknown>, type: string, kind: RuleKind, path: string): ConfigProblem[] {
  const reads = ruleFieldsOf(kind);
  const problems: ConfigProblem[] = [];
  for (const field of Object.keys(fields)) {
    if (!reads.includes(field) && ANY_RULE_FIELD.has(field)) {
      problems.push({ path: `${path}.${field}`, message: `is not used by ${type} rules (they read: ${reads.join(', ')})` });
    }
  }
  for (const field of kind.requiredFields) {
    if (fields[field] === undefined) problems.push({ path: `${path}.${field}`, message: `is required for ${type} rules` });
  }
  return problems;
}
