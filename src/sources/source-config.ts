// Config fields every source has, whatever its type; each kind's schema spreads these into its own.
import { createHash } from 'node:crypto';
import { Type, type StaticDecode, type TObject, type TProperties } from '@sinclair/typebox';
import { Duration, Id } from '../config/schema-types.js';
import type { Source, SourceKind } from './source.js';

/** No source is polled more often than this: a typo such as "5ms" for "5m" must not hammer someone's server. */
export const MIN_POLL_INTERVAL = '30s';

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

/**
 * A hash of the fields that decide what a source fetches (its URL, query, credentials…), leaving out those that only
 * decide when it polls and which brands it feeds: a source pointed somewhere else starts over, with a first poll
 * that is backfill again, while a new interval changes nothing.
 */
export function fetchFingerprint(config: SourceConfig): string {
  const { id: _id, every: _every, brands: _brands, ...fetchFields } = config;
  return createHash('sha256').update(stableJson(fetchFields)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every depth, so equal configs hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
