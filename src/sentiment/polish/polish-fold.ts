// Polish words as the Polish scorer compares them: lower-case without diacritics, so that "źle" and "zle",
// "okropny" and "okropny" written on a phone without Polish letters, are one word.
const FOLDED: Readonly<Record<string, string>> = {
  ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z',
};
const POLISH_LETTER = /[ąćęłńóśźż]/g;

export function foldPolish(lower: string): string {
  return lower.replace(POLISH_LETTER, (letter) => FOLDED[letter] ?? letter);
}

// Inflectional endings, longest first: what is left is the stem the model learns from ("okropnego" → "okropn").
const ENDINGS = [
  'ujacego', 'owanego', 'owanych', 'owanymi', 'iejszy', 'iejsza', 'iejsze', 'ejszych',
  'ujacy', 'ujaca', 'ujace', 'owany', 'owana', 'owane', 'owali', 'owala', 'owalo', 'owal',
  'anego', 'onego', 'iego', 'iemu', 'ymi', 'imi', 'ych', 'ich', 'ego', 'emu', 'owi', 'ami', 'ach', 'ow',
  'liscie', 'lismy', 'lam', 'lem', 'las', 'les', 'lam', 'lo', 'li', 'ly', 'la', 'l',
  'cie', 'my', 'am', 'em', 'om', 'ie', 'ia', 'iu', 'ej', 'ym', 'im', 'a', 'e', 'i', 'o', 'u', 'y', 'ę',
];
const MIN_STEM = 3;

/** A light stemmer: strips one inflectional ending, keeping at least MIN_STEM letters. */
export function polishStem(folded: string): string {
  for (const ending of ENDINGS) {
    if (folded.length - ending.length >= MIN_STEM && folded.endsWith(ending)) return folded.slice(0, -ending.length);
  }
  return folded;
}
