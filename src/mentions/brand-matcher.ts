// Decides which brands an item mentions: whole words and phrases, any keyword may match, no exclusion may.
import { toQueryDocument, type QueryDocument, type QueryDocumentItem } from './query-document.js';
import { wordTokens, type WordToken } from './word-tokens.js';

/** The parts of an item that brand rules look at (tokens; URL host and language for queries), prepared once and
 * shared by every brand. */
export type MatchDocument = QueryDocument;

export type BrandPredicate = (document: MatchDocument) => boolean;

export interface BrandRule {
  id: string;
  matches: BrandPredicate;
}

/** Pass the item's `url` and `lang` too when brands may use a query with site: or lang:. */
export function toMatchDocument(item: QueryDocumentItem): MatchDocument {
  return toQueryDocument(item);
}

/** A keyword or phrase as a token sequence; throws when it has no letters or digits to match on. */
export function compilePhrase(phrase: string): WordToken[] {
  const tokens = wordTokens(phrase);
  if (tokens.length === 0) throw new Error(`"${phrase}" has no letters or digits to match`);
  return tokens;
}

/** True when `phrase` occurs in `tokens` as consecutive whole words. A plain word also matches its #tag and @handle. */
export function containsPhrase(tokens: WordToken[], phrase: WordToken[]): boolean {
  const last = tokens.length - phrase.length;
  for (let start = 0; start <= last; start++) {
    if (phraseAt(tokens, start, phrase)) return true;
  }
  return false;
}

function phraseAt(tokens: WordToken[], start: number, phrase: WordToken[]): boolean {
  for (let offset = 0; offset < phrase.length; offset++) {
    const expected = phrase[offset] as WordToken;
    const actual = tokens[start + offset] as WordToken;
    if (actual.word !== expected.word) return false;
    if (expected.marker !== '' && actual.marker !== expected.marker) return false;
  }
  return true;
}

/** The predicate for a brand's `keywords` (any may match) and `exclude` (none may match). */
export function keywordPredicate(keywords: string[], exclude: string[] = []): BrandPredicate {
  const wanted = keywords.map(compilePhrase);
  const unwanted = exclude.map(compilePhrase);
  return (document) =>
    wanted.some((phrase) => containsPhrase(document.tokens, phrase)) &&
    !unwanted.some((phrase) => containsPhrase(document.tokens, phrase));
}

/** Ids of the brands (in rule order) that the document mentions. */
export function matchBrands(document: MatchDocument, rules: readonly BrandRule[]): string[] {
  return rules.filter((rule) => rule.matches(document)).map((rule) => rule.id);
}
