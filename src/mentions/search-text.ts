// What full-text search indexes and asks for: the same folded words that brand matching sees, so that q=node finds
// "Node.js" and q=lodz finds "Łódź" (PostgreSQL's own parser would keep "node.js" as one host-name token).
import { foldText, wordTokens, type WordToken } from './word-tokens.js';

/** The words of a title and text, folded and space-separated, for to_tsvector('simple', …). */
export function searchableText(text: string): string {
  return searchableWords(wordTokens(text));
}

/**
 * searchableText of `${title} ${text}` from the word tokens of each: a space splits words, folding and the tag and
 * handle markers alike (search-text.test.ts), so the words of the two apart are the words of the two joined.
 */
export function searchableWords(...tokenLists: ReadonlyArray<readonly WordToken[]>): string {
  // Joined once: a string grown word by word is a chain of as many pieces, rebuilt whole before it is sent.
  const words: string[] = [];
  for (const tokens of tokenLists) {
    for (const token of tokens) words.push(token.word);
  }
  return words.join(' ');
}

// Stands in for a negating "-" while other punctuation is removed (a private-use character no text contains).
const NEGATION = '\uE000';

/**
 * A user's query for websearch_to_tsquery('simple', …), folded like searchableText: quotes, OR and a leading "-"
 * keep their meaning, other punctuation separates words ("node.js" → node js, "e-mail" → e mail).
 */
export function searchQuery(query: string): string {
  return foldText(query)
    .replace(/(^|[\s"(])-(?=[\p{L}\p{N}_"])/gu, `$1${NEGATION}`)
    .replace(/[^\p{L}\p{N}_\s"\uE000]/gu, ' ')
    .replaceAll(NEGATION, '-');
}
