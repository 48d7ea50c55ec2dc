// What a search source asks its API for: each brand's query (or keywords) translated into the API's own syntax as a
// broad pre-filter. The local brand matching after the poll stays the final word, so every kind has one semantics.
import type { BrandConfig } from '../config/schema.js';
import { parseQuery, toApiQueries, type SearchDialect } from '../mentions/brand-query.js';

export interface BrandSearch {
  brandId: string;
  /** The searches to run for this brand (one for APIs with OR, several for those without). */
  queries: string[];
}

/** A keyword brand as the query it means: any of its keywords (its excludes only narrow, so they are left out). */
function keywordsAsQuery(keywords: readonly string[]): string {
  return keywords.map((keyword) => `"${keyword.replace(/"/g, ' ').trim()}"`).join(' OR ');
}

/**
 * The searches for every brand a source feeds. A brand whose query cannot be expressed without narrowing it (only
 * negations and lang:, say) falls back to its positive terms; the loader has already refused queries with none.
 */
export function brandSearches(brands: readonly BrandConfig[], dialect: SearchDialect): BrandSearch[] {
  return brands.map((brand) => {
    const text = brand.query ?? keywordsAsQuery(brand.keywords ?? []);
    const queries = toApiQueries(parseQuery(text), dialect) ?? [brand.name];
    return { brandId: brand.id, queries };
  });
}

/** Every distinct search across brands, in order: two brands sharing a term are asked for once. */
export function distinctSearches(searches: readonly BrandSearch[]): string[] {
  return [...new Set(searches.flatMap((search) => search.queries))];
}
