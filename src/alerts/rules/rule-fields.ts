// Config keys several rule types read, as schema pieces with their error messages; each type sets its own defaults.
import { Type, type SchemaOptions } from '@sinclair/typebox';
import { Id, NonEmptyString } from '../../config/schema-types.js';
import { SENSITIVITY_HELP } from '../../spikes/spike-detector.js';

/** The score an alert needs, as the spike detector measures it (a surprise of at least 1, at most 1 in 10^30). */
export const Sensitivity = (options: SchemaOptions = {}) =>
  Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Number({ minimum: 1, maximum: 30 })], {
    errorMessage: `{value} is not a sensitivity (use ${SENSITIVITY_HELP})`,
    ...options,
  });

export const Count = (options: SchemaOptions = {}) =>
  Type.Integer({ minimum: 1, errorMessage: 'must be a whole number of at least 1', ...options });

export const Share = (options: SchemaOptions = {}) =>
  Type.Number({ minimum: 0, maximum: 1, errorMessage: 'must be a share from 0 to 1 (0.35 is 35 %)', ...options });

export const SentimentField = () =>
  Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')], {
    errorMessage: '{value} is not a sentiment (use positive, neutral or negative)',
  });

export const Terms = () => Type.Array(NonEmptyString(), { minItems: 1, errorMessage: 'needs at least one term' });

export const SourceIds = () => Type.Array(Id(), { minItems: 1 });

/** The distinct sites and authors a rule's counted mentions must come from (`min_sources` counts sites). */
export interface SpreadFloors {
  minSites: number;
  minAuthors: number;
}

export function spreadPasses(spread: { sites: number; authors: number }, floors: SpreadFloors): boolean {
  return spread.sites >= floors.minSites && spread.authors >= floors.minAuthors;
}
