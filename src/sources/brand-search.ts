// What a search source asks its API for: each brand's query (or keywords) translated into the API's own syntax as a
// broad pre-filter. The local brand matching after the poll stays the final word, so every kind has one semantics.
import type { BrandConfig } from '../config/schema.js';
import { parseQuery, toApiQueries, toSearchTerms, type QueryNode, type SearchDialect } from '../mentions/brand-query.js';

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
 * The searches for every brand a source feeds. A brand whose query the API cannot be asked without narrowing it
 * (a wildcard, say: `acm*`) is searched for each of its positive terms, wildcards by their stem, one search each:
 * as broad as the API allows, though an API without prefix matching may still miss what only the wildcard matches.
 */
export function brandSearches(brands: readonly BrandConfig[], dialect: SearchDialect): BrandSearch[] {
  return brands.map((brand) => {
    const query = parseQuery(brand.query ?? keywordsAsQuery(brand.keywords ?? []));
    const queries = toApiQueries(query, dialect) ?? fallbackSearches(query, brand.name);
    return { brandId: brand.id, queries };
  });
}

function fallbackSearches(query: QueryNode, brandName: string): string[] {
  const terms = [...toSearchTerms(query), ...wildcardStems(query)].map((term) => (/\s/.test(term) ? `"${term}"` : term));
  return terms.length > 0 ? [...new Set(terms)] : [brandName];
}

/** `acm*` → `acm`: the part of each wildcard term an API can search for. */
function wildcardStems(root: QueryNode): string[] {
  const stems: string[] = [];
  const visit = (node: QueryNode): void => {
    if (node.kind === 'text' && node.pattern.prefixLast) stems.push(node.text.replace(/\*$/, '').replace(/^#/, ''));
    else if (node.kind === 'near') [node.left, node.right].forEach(visit);
    else if (node.kind === 'and' || node.kind === 'or') node.children.forEach(visit);
  };
  visit(root);
  return stems.filter((stem) => stem.trim() !== '');
}

/** Every distinct search across brands, in order: two brands sharing a term are asked for once. */
export function distinctSearches(searches: readonly BrandSearch[]): string[] {
  return [...new Set(searches.flatMap((search) => search.queries))];
}
