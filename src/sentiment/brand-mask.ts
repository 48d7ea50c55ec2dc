// Which tokens of a text spell one of the matched brands' keywords ("Best Buy", "Happy Socks"): they are names, not
// opinions, so no scorer counts them.
import { foldText, type WordToken } from '../mentions/word-tokens.js';
import type { TextToken } from './text-tokens.js';

const NON_ASCII = /[^ -~]/;

export function maskedTokenIndexes(tokens: readonly TextToken[], phrases: readonly WordToken[][]): Set<number> {
  const masked = new Set<number>();
  if (phrases.length === 0 || tokens.length === 0) return masked;
  const firstWords = new Set(phrases.map((phrase) => phrase[0]?.word));
  const folded = tokens.map(foldedWord);
  for (let start = 0; start < folded.length; start++) {
    if (!firstWords.has(folded[start] as string)) continue;
    for (const phrase of phrases) {
      if (start + phrase.length > folded.length) continue;
      if (phrase.every((part, offset) => folded[start + offset] === part.word)) {
        for (let offset = 0; offset < phrase.length; offset++) masked.add(start + offset);
      }
    }
  }
  return masked;
}

// As brand matching folds words: case and diacritics gone, a possessive "'s" dropped ("Acme's" is Acme).
function foldedWord(token: TextToken): string {
  const word = token.lower.replace(/'s$/, '');
  return NON_ASCII.test(word) ? foldText(word) : word;
}
