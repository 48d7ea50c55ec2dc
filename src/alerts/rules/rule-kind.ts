// The alert rule plug-in interface. A rule type is one file: the config keys it reads (with their defaults), how it
// evaluates a brand at a moment, and how it words what it found; registry.ts maps `type:` to it.
import { OptionalKind, Type, type StaticDecode, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { Duration, Id } from '../../config/schema-types.js';
import type { AlertFact, RuleCounts } from '../alert-event.js';
import type { BrandHistory, WindowMention } from '../brand-history.js';

/** Keys every rule has, whatever its type. */
export const commonRuleFields = {
  id: Id(),
  type: Type.String(),
  brands: Type.Optional(Type.Array(Id(), { minItems: 1 })),
  channels: Type.Array(Id(), { minItems: 1, errorMessage: 'needs at least one channel id' }),
  window: Duration({ default: '1h' }),
  repeat_interval: Duration({ default: '4h' }),
  /** How long the signal must be back to normal before the episode resolves (hysteresis). */
  resolve_after: Type.Optional(Duration()),
};

/** A rule's config entry after validation against its type's schema: durations in milliseconds, defaults applied. */
export interface RuleConfig {
  id: string;
  type: string;
  brands?: string[];
  channels: string[];
  window: number;
  repeat_interval: number;
  resolve_after?: number;
  [field: string]: unknown;
}

/** A source's health as rules see it. */
export interface SourceWatch {
  id: string;
  /** Brands it feeds; null: all. */
  brandIds: string[] | null;
  ok: boolean;
  /** Since when it has not been ok (its last success, or when it was first seen failing); null when ok. */
  troubleSinceMs: number | null;
  lastError: string | null;
}

/** Everything a rule may read about one brand at one moment. Live and in a backtest alike. */
export interface RuleContext {
  brand: { id: string; name: string };
  /** "Now": the tick's clock, never the wall clock, so a replay judges the past as it was. */
  nowMs: number;
  bucketMs: number;
  /** How much stored history a rule with no saved state may learn from. */
  warmupMs: number;
  /** The brand's stored mentions up to now: PostgreSQL live, the same rows in memory in a backtest. */
  history: BrandHistory;
  sources: SourceWatch[];
  /** Since when this rule has watched this brand (a silence needs a whole period of watching). */
  watchingSinceMs: number;
}

/** What a rule found about one subject of a brand (the brand itself, or one story of it) at one moment. */
export interface RuleFinding {
  /** '' for the brand as a whole; a rule watching several things per brand names the one (an episode each). */
  subject: string;
  holds: boolean;
  /** False when what holds is old news (a detector episode that began long before now): it must not open one. */
  fresh: boolean;
  /** When what holds began, from the data (the first anomalous bucket, the earliest counted mention); null if calm. */
  signalStartMs: number | null;
  counts: RuleCounts;
  /** One sentence: "37 negative mentions in the last hour, 6× the usual rate, from 9 sites". */
  summary: string;
  /** This rule's own figures, label and value, in the order a reader wants them; they agree with the summary. */
  figures: AlertFact[];
  /** What a subject line leads with: "37 negative mentions", "no mentions for 6 h". */
  headline: string;
}

export interface RuleEvaluation {
  /** One per subject; a brand-level rule always answers exactly one, holding or not. */
  findings: RuleFinding[];
  /** What to hand back next time for this brand (JSON); null for a rule that remembers nothing. */
  state: unknown;
}

/** The mentions behind a finding, and which of them a message should show first. */
export interface Explanation {
  mentions: WindowMention[];
  order: 'most-negative' | 'highest-reach';
}

export interface RuleBehaviour {
  evaluate(context: RuleContext, savedState: unknown): Promise<RuleEvaluation>;
  explain(context: RuleContext, finding: RuleFinding): Promise<Explanation>;
}

export interface RuleEnvironment {
  bucketMs: number;
}

export interface RuleKind {
  /** "Negative buzz": the type in words, for titles and subjects. */
  title: string;
  /** Keys this type reads besides the common ones: those it requires, then those with defaults or optional. */
  requiredFields: string[];
  optionalFields: string[];
  /** Common keys plus this type's, nothing else. */
  configSchema: TObject;
  /** resolve_after when the config gives none. */
  defaultResolveAfterMs(bucketMs: number): number;
  create(config: RuleConfig, environment: RuleEnvironment): RuleBehaviour;
}

/** Resolve after this many buckets of calm, at least: one quiet bucket inside a storm must not end the episode. */
const DEFAULT_RESOLVE_AFTER_BUCKETS = 3;

/**
 * Registers a rule type with a typed `create`: the loader has validated the entry against `configSchema` (and
 * applied its defaults) before `create` is called, which is what makes the one cast here sound.
 */
export function defineRuleKind<Fields extends TProperties>(definition: {
  title: string;
  fields: Fields;
  defaultResolveAfterMs?: (bucketMs: number) => number;
  create: (config: RuleConfig & StaticDecode<TObject<Fields>>, environment: RuleEnvironment) => RuleBehaviour;
}): RuleKind {
  const fields: TProperties = definition.fields;
  // Required: neither optional nor given a default (a default fills the key in before validation).
  const required = Object.keys(fields).filter((field) => {
    const schema: TSchema = fields[field] as TSchema;
    return schema[OptionalKind] !== 'Optional' && schema.default === undefined;
  });
  return {
    title: definition.title,
    requiredFields: required,
    optionalFields: Object.keys(fields).filter((field) => !required.includes(field)),
    configSchema: Type.Object({ ...commonRuleFields, ...fields }, { additionalProperties: false }),
    defaultResolveAfterMs: definition.defaultResolveAfterMs ?? ((bucketMs) => DEFAULT_RESOLVE_AFTER_BUCKETS * bucketMs),
    create: (config, environment) => definition.create(config as RuleConfig & StaticDecode<TObject<Fields>>, environment),
  };
}
