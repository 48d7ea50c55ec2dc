// Translates a brand query into search-API syntax as a broad pre-filter. The rule: a translation may only widen,
// never narrow, because the local evaluation is the final word and cannot see what the API never returned. So:
// - NOT, -term and -site: are dropped (the API may see the whole article while we see a snippet: excluding there
//   could drop a mention whose snippet we would match); lang: and wildcards are dropped (no common API syntax);
// - NEAR becomes AND of its two operands; site: is kept only where the API's site: means the mention's host;
// - the result is a conjunction of clauses, each an OR of terms: inside an OR, an AND keeps just one of its clauses
//   (A AND B implies A); dialects without OR get one search per alternative of one clause (the other OR clauses
//   are dropped); a term written with diacritics is also searched for without them (Łódź OR lodz).
import type { NearNode, QueryNode, TextNode } from './brand-query-ast.js';

export type SearchDialect = 'google-news' | 'gdelt' | 'reddit' | 'stackexchange' | 'mastodon' | 'bluesky' | 'algolia';

interface DialectSyntax {
  /** Supports `(a OR b)`; GDELT requires exactly this form, parentheses only around OR'ed terms. */
  or: boolean;
  quotes: boolean;
  /** Its `site:` keeps results whose URL host is the domain or a subdomain, like the local site:. */
  site: boolean;
}

const DIALECTS: Record<SearchDialect, DialectSyntax> = {
  'google-news': { or: true, quotes: true, site: true },
  gdelt: { or: true, quotes: true, site: false },
  // reddit's site: is the linked domain of a link post, not the URL of the mention (a reddit permalink).
  reddit: { or: true, quotes: true, site: false },
  stackexchange: { or: false, quotes: true, site: false },
  mastodon: { or: false, quotes: true, site: false },
  bluesky: { or: false, quotes: true, site: false },
  algolia: { or: false, quotes: false, site: false },
};

export const SEARCH_DIALECTS = Object.keys(DIALECTS) as SearchDialect[];

type Alternative = { kind: 'text'; node: TextNode } | { kind: 'site'; domain: string };
/** OR of alternatives. */
type Clause = Alternative[];
/** AND of clauses; ANYTHING when nothing expressible narrows the search. */
type Conjunction = Clause[] | typeof ANYTHING;
const ANYTHING = 'anything';

/**
 * The searches to run on an API for a query: every mention the query matches locally is found by at least one of
 * them (as far as the API matches at least what our whole-word matching would on the same text). One search for
 * dialects with OR; null when nothing in the query can be expressed without narrowing it (search unfiltered).
 */
export function toApiQueries(root: QueryNode, dialect: SearchDialect): string[] | null {
  const syntax = DIALECTS[dialect];
  const conjunction = widen(root, syntax);
  if (conjunction === ANYTHING) return null;
  const clauses = conjunction.map((clause) => dedupe(clause.flatMap((alternative) => spellings(alternative, syntax))));
  if (syntax.or) return [clauses.map((clause) => (clause.length === 1 ? clause[0] : `(${clause.join(' OR ')})`)).join(' ')];
  return searchesWithoutOr(clauses);
}

/** The positive terms and phrases as written (not negated ones, wildcards, site: or lang:), each once. */
export function toSearchTerms(root: QueryNode): string[] {
  const terms: string[] = [];
  const visit = (node: QueryNode): void => {
    if (node.kind === 'text' && !node.pattern.prefixLast) terms.push(node.text);
    else if (node.kind === 'near') [node.left, node.right].forEach(visit);
    else if (node.kind === 'and' || node.kind === 'or') node.children.forEach(visit);
  };
  visit(root);
  return [...new Set(terms)];
}

function widen(node: QueryNode, syntax: DialectSyntax): Conjunction {
  switch (node.kind) {
    case 'text':
      return node.pattern.prefixLast ? ANYTHING : [[{ kind: 'text', node }]];
    case 'site':
      return syntax.site ? [[{ kind: 'site', domain: node.domain }]] : ANYTHING;
    case 'lang':
    case 'not':
      return ANYTHING;
    case 'near':
      return widenNear(node, syntax);
    case 'and': {
      const clauses = node.children.flatMap((child) => {
        const widened = widen(child, syntax);
        return widened === ANYTHING ? [] : widened;
      });
      return clauses.length === 0 ? ANYTHING : clauses;
    }
    case 'or': {
      const alternatives: Alternative[] = [];
      for (const child of node.children) {
        const clause = mostSelectiveTextClause(widen(child, syntax));
        if (clause === null) return ANYTHING;
        alternatives.push(...clause);
      }
      return [alternatives];
    }
  }
}

// Both operands occur wherever NEAR matches, so AND of the two is wider.
function widenNear(node: NearNode, syntax: DialectSyntax): Conjunction {
  return widen({ kind: 'and', position: node.position, children: [node.left, node.right] }, syntax);
}

// Inside an OR, one clause of an AND stands for all of it (wider). site: is not combined with OR'ed terms: APIs
// that know site: do not reliably accept it as an OR alternative.
function mostSelectiveTextClause(conjunction: Conjunction): Clause | null {
  if (conjunction === ANYTHING) return null;
  const textClauses = conjunction.filter((clause) => clause.every((alternative) => alternative.kind === 'text'));
  if (textClauses.length === 0) return null;
  return textClauses.reduce((best, clause) => (clause.length < best.length ? clause : best));
}

function spellings(alternative: Alternative, syntax: DialectSyntax): string[] {
  if (alternative.kind === 'site') return [`site:${alternative.domain}`];
  const { node } = alternative;
  const asWritten = syntax.quotes ? withoutMarkers(node.text).trim().replace(/\s+/g, ' ') : wordsOf(node.text);
  const folded = node.pattern.tokens.map((token) => token.word).join(' ');
  const needsQuotes = (spelling: string) => syntax.quotes && (node.quoted || spelling.includes(' '));
  return dedupe([asWritten, folded]).map((spelling) => (needsQuotes(spelling) ? `"${spelling}"` : spelling));
}

// A #tag or @handle is searched for as the plain word: engines match the word in tags too, not always vice versa.
const withoutMarkers = (text: string) => text.replace(/(^|[^\p{L}\p{N}_])[#@]+/gu, '$1');
const wordsOf = (text: string) => (text.match(/[\p{L}\p{N}_]+/gu) ?? []).join(' ');

function dedupe(spellings: string[]): string[] {
  const seen = new Set<string>();
  return spellings.filter((spelling) => {
    const key = spelling.toLowerCase();
    if (spelling === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Without OR, one clause with alternatives becomes one search per alternative (the one with fewest, to keep the
// number of searches down); the other clauses with alternatives are left out, which only widens.
function searchesWithoutOr(clauses: string[][]): string[] {
  const withAlternatives = clauses.filter((clause) => clause.length > 1);
  const expanded = withAlternatives.reduce<string[] | null>(
    (best, clause) => (best === null || clause.length < best.length ? clause : best),
    null,
  );
  const fixed = (alternative: string) =>
    clauses.flatMap((clause) => (clause === expanded ? [alternative] : clause.length === 1 ? clause : [])).join(' ');
  return expanded === null ? [fixed('')] : expanded.map(fixed);
}
