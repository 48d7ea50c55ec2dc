// Compiles the configured brands into matching rules once per process.
import type { BrandConfig } from '../config/schema.js';
import { compilePhrase, keywordPredicate, type BrandRule } from './brand-matcher.js';
import type { WordToken } from './word-tokens.js';

export function compileBrandRules(brands: readonly BrandConfig[]): BrandRule[] {
  return brands.map((brand) => ({ id: brand.id, matches: keywordPredicate(brand.keywords, brand.exclude) }));
}

/** Rules for the brands a source is limited to (all brands when it names none). */
export function rulesForSource(rules: readonly BrandRule[], brandIds: readonly string[] | undefined): BrandRule[] {
  return brandIds === undefined ? [...rules] : rules.filter((rule) => brandIds.includes(rule.id));
}

/** Each brand's keywords as token phrases: what sentiment scoring masks so a brand's name is not an opinion. */
export function brandKeywordPhrases(brands: readonly BrandConfig[]): Map<string, WordToken[][]> {
  return new Map(brands.map((brand) => [brand.id, brand.keywords.map(compilePhrase)]));
}
