// Compiles the configured brands into matching rules once per process.
import type { BrandConfig } from '../config/schema.js';
import { compilePhrase, keywordPredicate, type BrandPredicate, type BrandRule } from './brand-matcher.js';
import { compileBrandQuery, parseQuery, toSearchTerms } from './brand-query.js';
import type { WordToken } from './word-tokens.js';

export function compileBrandRules(brands: readonly BrandConfig[]): BrandRule[] {
  return brands.map((brand) => ({ id: brand.id, matches: brandPredicate(brand) }));
}

/** A brand's `query` when it has one (compiled here, once), else its `keywords` and `exclude`. */
function brandPredicate(brand: BrandConfig): BrandPredicate {
  if (brand.query !== undefined) return compileBrandQuery(brand.query).matches;
  if (brand.keywords === undefined) throw new Error(`brand "${brand.id}" has neither keywords nor a query`);
  return keywordPredicate(brand.keywords, brand.exclude);
}

/** Rules for the brands a source is limited to (all brands when it names none). */
export function rulesForSource(rules: readonly BrandRule[], brandIds: readonly string[] | undefined): BrandRule[] {
  return brandIds === undefined ? [...rules] : rules.filter((rule) => brandIds.includes(rule.id));
}

/** Each brand's keywords as token phrases (for a query brand: its positive terms and phrases, see toSearchTerms):
 * what sentiment scoring masks so a brand's name is not an opinion. */
export function brandKeywordPhrases(brands: readonly BrandConfig[]): Map<string, WordToken[][]> {
  return new Map(brands.map((brand) => [brand.id, brandNames(brand).map(compilePhrase)]));
}

function brandNames(brand: BrandConfig): string[] {
  return brand.query === undefined ? (brand.keywords ?? []) : toSearchTerms(parseQuery(brand.query));
}
