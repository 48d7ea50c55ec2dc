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
  return foldByCharacter(text) ?? foldWhole(text);
}

/** Folding as defined: decomposed, combining marks removed, lower-cased, undecomposable letters replaced. */
export function foldWhole(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(UNDECOMPOSABLE_PATTERN, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

// Characters that fold on their own, whatever stands beside them: ASCII, Latin-1 and Latin Extended-A (U+0000–U+017F:
// "Łódź", "é", "ß", no combining mark among them, none lower-cased by context as Greek sigma is) and the general
// punctuation block's dashes, quotes and dots (U+2010–U+203F). A text of only these folds character by character to
// what foldWhole gives (word-tokens.test.ts compares them), without decomposing, searching and lower-casing all of it.
const FOLDS_ALONE_BELOW = 0x180;
const PUNCTUATION_FROM = 0x2010;
const PUNCTUATION_TO = 0x203f;
const FOLDED_ALONE: string[] = [];
for (let code = 0; code < FOLDS_ALONE_BELOW; code++) FOLDED_ALONE[code] = foldWhole(String.fromCharCode(code));
const FOLDED_PUNCTUATION: string[] = [];
for (let code = PUNCTUATION_FROM; code <= PUNCTUATION_TO; code++) FOLDED_PUNCTUATION[code - PUNCTUATION_FROM] = foldWhole(String.fromCharCode(code));

/** foldWhole of a text whose characters all fold on their own, or undefined when one does not. */
export function foldByCharacter(text: string): string | undefined {
  const parts: string[] = [];
  let plainStart = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code >= 32 && code <= 126) || code === 9 || code === 10 || code === 13) continue;
    let folded: string | undefined;
    if (code < FOLDS_ALONE_BELOW) folded = FOLDED_ALONE[code];
    else if (code >= PUNCTUATION_FROM && code <= PUNCTUATION_TO) folded = FOLDED_PUNCTUATION[code - PUNCTUATION_FROM];
    if (folded === undefined) return undefined;
    // Runs of plain ASCII between them are lower-cased as runs.
    if (index > plainStart) parts.push(text.slice(plainStart, index).toLowerCase());
    parts.push(folded);
    plainStart = index + 1;
  }
  if (plainStart < text.length) parts.push(text.slice(plainStart).toLowerCase());
  return parts.join('');
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
