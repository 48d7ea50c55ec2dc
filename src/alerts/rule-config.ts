// The config of an alert rule: the fields every rule has, the fields each rule type reads, and their defaults.
import { Type, type StaticDecode } from '@sinclair/typebox';
import { Duration, Id, NonEmptyString } from '../config/schema-types.js';
import { RULE_TYPES, type RuleType } from './alert-event.js';

const Sentiment = Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')], {
  errorMessage: '{value} is not a sentiment (use positive, neutral or negative)',
});

export const SensitivitySchema = Type.Union(
  [Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Number({ minimum: 0.5, maximum: 10 })],
  {
    errorMessage:
      '{value} is not a sensitivity (use low, medium or high, or the score threshold itself from 0.5 to 10: low is 2.2, medium 1.8, high 1.4)',
  },
);

const Count = Type.Integer({ minimum: 1, errorMessage: 'must be a whole number of at least 1' });

export const RuleSchema = Type.Object(
  {
    id: Id(),
    // Unsafe only names the static type: the union of literals still validates (a mapped array loses the literals).
    type: Type.Unsafe<RuleType>(
      Type.Union(
        RULE_TYPES.map((type) => Type.Literal(type)),
        { errorMessage: `{value} is not a rule type (use ${RULE_TYPES.join(', ')})` },
      ),
    ),
    brands: Type.Optional(Type.Array(Id(), { minItems: 1 })),
    channels: Type.Array(Id(), { minItems: 1, errorMessage: 'needs at least one channel id' }),
    window: Duration({ default: '1h' }),
    repeat_interval: Duration({ default: '4h' }),
    /** How long the signal must be back to normal before the episode resolves (hysteresis). */
    resolve_after: Type.Optional(Duration()),
    sensitivity: Type.Optional(SensitivitySchema),
    min_mentions: Type.Optional(Count),
    min_sources: Type.Optional(Count),
    min_negative_share: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, errorMessage: 'must be a share from 0 to 1 (0.35 is 35 %)' }),
    ),
    sentiment: Type.Optional(Sentiment),
    terms: Type.Optional(Type.Array(NonEmptyString(), { minItems: 1, errorMessage: 'needs at least one term' })),
    min_reach: Type.Optional(Type.Number({ minimum: 0, errorMessage: 'must be a number of at least 0' })),
    period: Type.Optional(Duration()),
    sources: Type.Optional(Type.Array(Id(), { minItems: 1 })),
  },
  { additionalProperties: false },
);

export type RuleConfig = StaticDecode<typeof RuleSchema>;

type RuleField = keyof typeof RuleSchema.properties;
const COMMON_FIELDS = ['id', 'type', 'brands', 'channels', 'window', 'repeat_interval', 'resolve_after'] as const;

/** The type-specific fields each rule type reads; the first list is required. Anything else is a config mistake. */
export const RULE_TYPE_FIELDS: Record<RuleType, { required: RuleField[]; optional: RuleField[] }> = {
  volume_spike: { required: [], optional: ['sensitivity', 'min_mentions', 'min_sources'] },
  negative_buzz: { required: [], optional: ['sensitivity', 'min_mentions', 'min_sources', 'min_negative_share'] },
  threshold: { required: ['min_mentions'], optional: ['sentiment', 'min_sources'] },
  keyword: { required: ['terms'], optional: ['sentiment'] },
  high_reach_negative: { required: ['min_reach'], optional: [] },
  silence: { required: ['period'], optional: ['sources'] },
};

export function allowedRuleFields(type: RuleType): Set<string> {
  const { required, optional } = RULE_TYPE_FIELDS[type];
  return new Set<string>([...COMMON_FIELDS, ...required, ...optional]);
}

/** Defaults of the fields a rule type reads, applied when the rule is built (so the config echo stays as written). */
export const RULE_DEFAULTS = {
  sensitivity: 'medium',
  volumeSpikeMinMentions: 10,
  negativeBuzzMinMentions: 5,
  minSources: 1,
  negativeBuzzMinSources: 3,
  minNegativeShare: 0.35,
  /** Resolve after this many buckets of calm, at least: one quiet bucket inside a storm must not end the episode. */
  resolveAfterBuckets: 3,
} as const;

export const ChannelEntrySchema = Type.Object(
  {
    id: Id(),
    type: Type.String({ errorMessage: 'is required: the kind of channel (slack, email or webhook)' }),
  },
  { additionalProperties: true },
);

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
    rules: Type.Array(RuleSchema, { default: [] }),
    channels: Type.Array(ChannelEntrySchema, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);
