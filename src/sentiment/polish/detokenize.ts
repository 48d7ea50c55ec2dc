// Undoes PolEmo's tokenisation ("Polecam , był em zadowolony ." → "Polecam, byłem zadowolony."), so that the model
// is trained and checked on text as people write it rather than on the corpus' tokens.
const ATTACHED_PUNCTUATION = /\s+([.,;:!?)\]}%…]|\.\.\.)/g;
const OPENING_PUNCTUATION = /([([{„])\s+/g;
// Person endings the corpus splits off past-tense verbs and "by": "był em", "chciał by m", "zrobił aś".
const CLITIC = /(\p{L})\s+(em|eś|es|śmy|smy|ście|scie|m|ś|s)(?=[\s.,;:!?]|$)/gu;
const CLITIC_HOST = /(?:ł|ła|ło|li|ły|l|la|lo|by)$/u;

export function detokenizePolish(text: string): string {
  const withClitics = text.replace(CLITIC, (whole, letter: string, clitic: string, offset: number, all: string) => {
    const before = all.slice(Math.max(0, offset - 6), offset + 1);
    return CLITIC_HOST.test(before) ? `${letter}${clitic}` : whole;
  });
  return withClitics.replace(ATTACHED_PUNCTUATION, '$1').replace(OPENING_PUNCTUATION, '$1').replace(/\s+"\s+/g, ' "').trim();
}
