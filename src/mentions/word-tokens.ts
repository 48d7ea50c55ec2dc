// Folds text to lower-case ASCII-ish letters and splits it into word tokens, so that matching is case-, diacritic-
// and punctuation-insensitive ("Łódź" → "lodz", "Acme's" → "acme" + "s") while #tags and @handles stay recognisable.

/** A word of folded text; `marker` is "#" for a hashtag, "@" for a handle, "" otherwise. */
export interface WordToken {
  word: string;
  marker: '' | '#' | '@';
}

// Letters that Unicode does not decompose into a base letter plus a combining mark.
const UNDECOMPOSABLE: Record<string, string> = {
  ł: 'l', đ: 'd', ð: 'd', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't',
};
const UNDECOMPOSABLE_PATTERN = new RegExp(`[${Object.keys(UNDECOMPOSABLE).join('')}]`, 'g');
const COMBINING_MARKS = /\p{M}+/gu;
const WORD_CODE_POINT = /[\p{L}\p{N}_]/u;
// A # or @ marks a tag or handle only where a word starts: the @ in press@acme.com is not a handle.
const GLUED_TO_PREVIOUS = /[\p{L}\p{N}_.@#]/u;
// Anything but printable ASCII, tabs and line breaks (other control characters take the general way, as safe).
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;

export function foldText(text: string): string {
  // ASCII has nothing to decompose, no combining marks and no undecomposable letters: lower-casing is all folding
  // does to it, and most text is ASCII (the scorer folds every mention's title and text).
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(UNDECOMPOSABLE_PATTERN, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

/**
 * The words of the folded text: maximal runs of letters, digits and "_" (by code point), each with the "#" or "@"
 * right before it as its marker unless that sign is glued to what precedes it. Read with a scan rather than a regular
 * expression's match objects: the scorer splits every mention into words, and the garbage was a fifth of its time.
 */
export function wordTokens(text: string): WordToken[] {
  const folded = foldText(text);
  const tokens: WordToken[] = [];
  const length = folded.length;
  let index = 0;
  while (index < length) {
    const codePoint = folded.codePointAt(index) as number;
    if (!isWordCodePoint(codePoint)) {
      index += codePoint > 0xffff ? 2 : 1;
      continue;
    }
    const start = index;
    index += codePoint > 0xffff ? 2 : 1;
    while (index < length) {
      const next = folded.codePointAt(index) as number;
      if (!isWordCodePoint(next)) break;
      index += next > 0xffff ? 2 : 1;
    }
    tokens.push({ word: folded.slice(start, index), marker: markerBefore(folded, start) });
  }
  return tokens;
}

function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 128) {
    return (codePoint >= 97 && codePoint <= 122) || (codePoint >= 48 && codePoint <= 57) || codePoint === 95 || (codePoint >= 65 && codePoint <= 90);
  }
  return WORD_CODE_POINT.test(String.fromCodePoint(codePoint));
}

function markerBefore(folded: string, wordStart: number): WordToken['marker'] {
  const sign = wordStart > 0 ? folded.charCodeAt(wordStart - 1) : 0;
  if (sign !== 35 && sign !== 64) return '';
  const before = wordStart > 1 ? (folded[wordStart - 2] as string) : '';
  if (GLUED_TO_PREVIOUS.test(before)) return '';
  return sign === 35 ? '#' : '@';
}
