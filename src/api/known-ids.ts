// Filters name brands, sources and rules by id; an id that names nothing is a 400 that says so, never an empty 200.
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { isStoredSource } from '../store/source-store.js';
import { ApiError, ErrorCode } from './errors.js';

function unknown(parameter: string, kind: string, id: string, known: readonly string[]): ApiError {
  return new ApiError(ErrorCode.validation, `${parameter}: ${kind} "${id}" is not configured (known: ${known.join(', ') || 'none'})`);
}

/** The brand ids of a comma-separated list, each checked; duplicates dropped, order kept. */
export function knownBrandIds(parameter: string, list: string, config: Config): string[] {
  const known = config.brands.map((brand) => brand.id);
  const ids = [...new Set(list.split(',').map((id) => id.trim()))];
  for (const id of ids) {
    if (!known.includes(id)) throw unknown(parameter, 'brand', id, known);
  }
  return ids;
}

/** One brand id (not a list: a comma is part of the id, so it names no brand). */
export function assertKnownBrand(parameter: string, id: string, config: Config): void {
  const known = config.brands.map((brand) => brand.id);
  if (!known.includes(id)) throw unknown(parameter, 'brand', id, known);
}

/** A source id: configured now, or with stored history (a source dropped from the config keeps its mentions). */
export async function assertKnownSource(parameter: string, id: string, config: Config, database: Database): Promise<void> {
  const known = config.sources.map((source) => source.id);
  if (known.includes(id)) return;
  if (!(await isStoredSource(database, id))) throw unknown(parameter, 'source', id, known);
}

export function assertKnownRule(parameter: string, id: string, config: Config): void {
  const known = config.alerts.rules.map((rule) => rule.id);
  if (!known.includes(id)) throw unknown(parameter, 'rule', id, known);
}
