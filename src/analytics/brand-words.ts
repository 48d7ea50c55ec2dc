// The words a brand is found by (its keywords or query terms, and its name), folded: terms leave them out.
import type { BrandConfig } from '../config/schema.js';
import { brandKeywordPhrases } from '../mentions/brand-rules.js';
import { wordTokens } from '../mentions/word-tokens.js';

export function brandWordsOf(brands: readonly BrandConfig[], brandId: string): Set<string> {
  const brand = brands.find((candidate) => candidate.id === brandId);
  if (brand === undefined) return new Set();
  const phrases = brandKeywordPhrases([brand]).get(brandId) ?? [];
  return new Set([...phrases.flat().map((token) => token.word), ...wordTokens(brand.name).map((token) => token.word)]);
}
