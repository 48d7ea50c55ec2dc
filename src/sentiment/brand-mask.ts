// Which tokens of a text spell one of the matched brands' keywords ("Best Buy", "Happy Socks"): they are names, not
// opinions, so no scorer counts them.
import { foldText, type WordToken } from '../mentions/word-tokens.js';
import type { TextToken } from './text-tokens.js';

const NON_ASCII = /[^ -~]/;

export function maskedTokenIndexes(tokens: readonly TextToken[], phrases: readonly WordToken[][]): Set<number> {
  const masked = new Set<number>();
  if (phrases.length === 0 || tokens.length === 0) return masked;
  const folded = tokens.map(foldedWord);
  for (let start = 0; start < folded.length; start++) {
    // A brand has a few phrases: comparing their first words is cheaper than a set built for each text. Indexed
    // loops: an iterator over the phrases at each token was most of what masking allocated.
    for (let at = 0; at < phrases.length; at++) {
      const phrase = phrases[at] as WordToken[];
      if (phrase[0]?.word !== folded[start] || start + phrase.length > folded.length) continue;
      if (spells(folded, start, phrase)) {
        for (let offset = 0; offset < phrase.length; offset++) masked.add(start + offset);
      }
    }
  }
  return masked;
}

function spells(folded: readonly string[], start: number, phrase: readonly WordToken[]): boolean {
  for (let offset = 0; offset < phrase.length; offset++) if (folded[start + offset] !== (phrase[offset] as WordToken).word) return false;
  return true;
}

// As brand matching folds words: case and diacritics gone, a possessive "'s" dropped ("Acme's" is Acme). Most words
// are plain ASCII without "'s": they are their own folded form, with nothing allocated.
function foldedWord(token: TextToken): string {
  const word = token.lower.endsWith("'s") ? token.lower.slice(0, -2) : token.lower;
  return NON_ASCII.test(word) ? foldText(word) : word;
}
