// A brand's `query:` compiled once: its parse tree (for translation into search-API syntax) and its predicate (the
// final word on every mention from every source). The syntax is described in brand-query-parser.ts.
import type { QueryNode } from './brand-query-ast.js';
import { compileQuery, type QueryPredicate } from './brand-query-eval.js';
import { parseQuery } from './brand-query-parser.js';

export interface BrandQuery {
  /** The query as configured. */
  text: string;
  ast: QueryNode;
  matches: QueryPredicate;
}

/** Parses and compiles a query; throws QuerySyntaxError (with the 1-based position) when it is malformed. */
export function compileBrandQuery(text: string): BrandQuery {
  const ast = parseQuery(text);
  return { text, ast, matches: compileQuery(ast) };
}

export type { QueryNode } from './brand-query-ast.js';
export { QuerySyntaxError } from './brand-query-error.js';
export type { QueryPredicate } from './brand-query-eval.js';
export { parseQuery } from './brand-query-parser.js';
export { SEARCH_DIALECTS, toApiQueries, toSearchTerms, type SearchDialect } from './brand-query-translate.js';
export { toQueryDocument, type LanguageDetector, type QueryDocument, type QueryDocumentItem } from './query-document.js';
