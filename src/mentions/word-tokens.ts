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
const TOKEN = /([#@]?)([\p{L}\p{N}_]+)/gu;
// A # or @ marks a tag or handle only where a word starts: the @ in press@acme.com is not a handle.
const GLUED_TO_PREVIOUS = /[\p{L}\p{N}_.@#]/u;

export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(UNDECOMPOSABLE_PATTERN, (letter) => UNDECOMPOSABLE[letter] ?? letter);
}

export function wordTokens(text: string): WordToken[] {
  const folded = foldText(text);
  const tokens: WordToken[] = [];
  for (const match of folded.matchAll(TOKEN)) {
    const [, marker, word] = match;
    const before = match.index > 0 ? (folded[match.index - 1] as string) : '';
    const isMarker = marker !== '' && !GLUED_TO_PREVIOUS.test(before);
    tokens.push({ word: word as string, marker: isMarker ? (marker as WordToken['marker']) : '' });
  }
  return tokens;
}
