// Config fields every source has, whatever its type; each kind's schema spreads these into its own.
import { Type, type StaticDecode, type TObject, type TProperties } from '@sinclair/typebox';
import { Duration, Id } from '../config/schema-types.js';
import type { Source, SourceKind } from './source.js';

export const sourceBaseFields = {
  id: Id(),
  type: Type.String(),
  every: Type.Optional(Duration({ default: '5m' })),
  brands: Type.Optional(Type.Array(Id(), { minItems: 1 })),
};

/** A source's config entry after validation, with durations in milliseconds. */
export interface SourceConfig {
  id: string;
  type: string;
  every: number;
  brands?: string[];
  [field: string]: unknown;
}

export function sourceConfigSchema<Fields extends TProperties>(fields: Fields) {
  return Type.Object({ ...sourceBaseFields, ...fields }, { additionalProperties: false });
}

/**
 * Registers a kind with a typed `create`; the loader has validated the entry against `configSchema` (and applied
 * its defaults) before `create` is called, which is what makes the one cast here sound.
 */
export function defineSourceKind<Schema extends TObject>(kind: {
  configSchema: Schema;
  create: (config: StaticDecode<Schema> & SourceConfig) => Source;
}): SourceKind {
  return {
    configSchema: kind.configSchema,
    create: (config) => kind.create(config as StaticDecode<Schema> & SourceConfig),
  };
}
