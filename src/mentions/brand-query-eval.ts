// Compiles a parsed brand query into a predicate over a QueryDocument, with the same whole-word, case- and
// diacritic-insensitive matching as keywords (a plain word also matches its #tag and @handle).
import type { NearNode, QueryNode, TextPattern } from './brand-query-ast.js';
import { containsPhrase } from './brand-matcher.js';
import type { QueryDocument } from './query-document.js';
import type { WordToken } from './word-tokens.js';

export type QueryPredicate = (document: QueryDocument) => boolean;

export function compileQuery(node: QueryNode): QueryPredicate {
  switch (node.kind) {
    case 'text':
      return textPredicate(node.pattern);
    case 'site': {
      const subdomainSuffix = `.${node.domain}`;
      return ({ host }) => host !== null && (host === node.domain || host.endsWith(subdomainSuffix));
    }
    case 'lang':
      return (document) => document.language() === node.language;
    case 'near':
      return nearPredicate(node);
    case 'and': {
      const children = node.children.map(compileQuery);
      return (document) => children.every((child) => child(document));
    }
    case 'or': {
      const children = node.children.map(compileQuery);
      return (document) => children.some((child) => child(document));
    }
    case 'not': {
      const child = compileQuery(node.child);
      return (document) => !child(document);
    }
  }
}

function textPredicate(pattern: TextPattern): QueryPredicate {
  if (!pattern.prefixLast) return ({ tokens }) => containsPhrase(tokens, pattern.tokens);
  return ({ tokens }) => patternStarts(tokens, pattern).length > 0;
}

// "Within n words": at most n other words between the end of one occurrence and the start of the other, in either
// order; the two occurrences may not overlap (acme NEAR/2 acme needs two of them).
function nearPredicate(node: NearNode): QueryPredicate {
  const { left, right, distance } = node;
  const leftLength = left.pattern.tokens.length;
  const rightLength = right.pattern.tokens.length;
  return ({ tokens }) => {
    const rightStarts = patternStarts(tokens, right.pattern);
    if (rightStarts.length === 0) return false;
    return patternStarts(tokens, left.pattern).some((leftStart) =>
      rightStarts.some((rightStart) => {
        const gap =
          rightStart >= leftStart + leftLength ? rightStart - (leftStart + leftLength) : leftStart - (rightStart + rightLength);
        return gap >= 0 && gap <= distance;
      }),
    );
  };
}

/** Indexes in `tokens` where the pattern occurs as consecutive whole words (the last one a prefix when so marked). */
export function patternStarts(tokens: readonly WordToken[], pattern: TextPattern): number[] {
  const starts: number[] = [];
  for (let start = 0; start <= tokens.length - pattern.tokens.length; start++) {
    if (patternAt(tokens, start, pattern)) starts.push(start);
  }
  return starts;
}

function patternAt(tokens: readonly WordToken[], start: number, pattern: TextPattern): boolean {
  const lastOffset = pattern.tokens.length - 1;
  return pattern.tokens.every((expected, offset) => {
    const actual = tokens[start + offset] as WordToken;
    const isPrefix = pattern.prefixLast && offset === lastOffset;
    const wordMatches = isPrefix ? actual.word.startsWith(expected.word) : actual.word === expected.word;
    return wordMatches && (expected.marker === '' || actual.marker === expected.marker);
  });
}
