// The language a mention is in: the source's own declaration when it has one, else detected once from the text.
// Cue words settle most texts; tinyld, 20-50× slower, decides the rest. tinyld is sure of itself on a sentence or
// more; on a few words it guesses (often Turkish or Afrikaans for short Polish), so an unsure guess only counts where
// cue words agree, and otherwise the language stays unknown (null).
import { detectAll } from 'tinyld';

export type LanguageDetector = (text: string) => string | null;
/** tinyld's ranked guesses (detectAll), passed in by tests that check when and on what it is asked. */
export type LanguageGuesser = (text: string) => ReadonlyArray<{ lang: string; accuracy: number }>;

// Cue words are counted over a few paragraphs, not a whole article: bounded work on long texts.
const DETECTION_SAMPLE_LENGTH = 2_000;
// tinyld's time grows with the text (every n-gram of every word against every language); two or three sentences
// tell it as well as a page does (the same answers on the English, Polish and news sets of bench:sentiment).
export const GUESS_SAMPLE_LENGTH = 400;
const ISO_639_1 = /^[a-z]{2}$/;
/** tinyld's accuracy at or above which its first guess is taken as it is. */
const CONFIDENT = 0.5;

// Frequent short words that give a language away in a text too short for a detector.
const CUES: ReadonlyArray<readonly [string, ReadonlySet<string>]> = [
  ['pl', new Set(['nie', 'jest', 'się', 'sie', 'że', 'ze', 'na', 'do', 'to', 'ale', 'jak', 'bardzo', 'polecam', 'mi', 'już', 'juz', 'tak', 'co', 'czy', 'był', 'byl', 'była', 'byla', 'tylko', 'dla', 'od', 'po', 'sklep', 'obsługa', 'obsluga', 'dobry', 'super', 'zle', 'źle'])],
  ['en', new Set(['the', 'is', 'and', 'not', 'it', 'this', 'that', 'was', 'my', 'i', 'you', 'for', 'with', 'but', 'are', 'have', 'of', 'to', 'so', 'just', 'great', 'very', 'love', 'hate', 'worst', 'best', 'in', 'on', 'at', 'by', 'from', 'its', 'has', 'will', 'an'])],
];
const POLISH_LETTERS = /[ąćęłńśźż]/i;

/** ISO 639-1 code (`en-US` → `en`), or null when neither the source nor the text tells. */
export function mentionLanguage(declared: string | null | undefined, text: string, detect: LanguageDetector = detectLanguage): string | null {
  const subtag = declared?.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  if (ISO_639_1.test(subtag)) return subtag;
  return detect(text.slice(0, DETECTION_SAMPLE_LENGTH));
}

export function detectLanguage(text: string, guess: LanguageGuesser = detectAll): string | null {
  const cues = cueVotes(text);
  // Plenty of one language's cue words and few of the other's: no need for the detector. A Polish place name or a
  // stray "nie" in English text is no reason to ask it (it reads "Łódź" as a whole sentence of Polish).
  if (cues.winner !== null && cues.winnerVotes >= DECISIVE_CUES && cues.winnerVotes >= DECISIVE_MARGIN * cues.otherVotes) {
    return cues.winner;
  }
  const [best] = guess(text.slice(0, GUESS_SAMPLE_LENGTH));
  if (best !== undefined && best.accuracy >= CONFIDENT && ISO_639_1.test(best.lang)) return best.lang;
  return cues.winnerVotes > cues.otherVotes ? cues.winner : null;
}

/** Cue words that settle the language without the detector… */
const DECISIVE_CUES = 3;
/** …when they outnumber the other language's this many times. */
const DECISIVE_MARGIN = 4;

// A word that is a cue of both languages ("to") tells neither.
const SHARED_CUES = new Set(
  [...(CUES[0]?.[1] ?? [])].filter((word) => CUES.every(([, cues]) => cues.has(word))),
);

// Each cue word that tells a language apart, with the places in CUES of the languages it is a cue of.
const CUE_LANGUAGES = new Map<string, number[]>();
CUES.forEach(([, cues], index) => {
  for (const word of cues) if (!SHARED_CUES.has(word)) CUE_LANGUAGES.set(word, [...(CUE_LANGUAGES.get(word) ?? []), index]);
});
const LETTER = /\p{L}/u;
/** The length (in UTF-16 units, as the text is sliced) of the longest cue word. */
const LONGEST_CUE = Math.max(...[...CUE_LANGUAGES.keys()].map((word) => word.length));
// Whether some cue word of a length starts, and some ends, with an ASCII letter: most words are no cue word, and a
// word that cannot be one by these is not sliced out to be looked up. A word with another letter at either end is.
const CUE_STARTS = new Uint8Array((LONGEST_CUE + 1) * 128);
const CUE_ENDS = new Uint8Array((LONGEST_CUE + 1) * 128);
for (const word of CUE_LANGUAGES.keys()) {
  const first = word.charCodeAt(0);
  const last = word.charCodeAt(word.length - 1);
  if (first < 128) CUE_STARTS[word.length * 128 + first] = 1;
  if (last < 128) CUE_ENDS[word.length * 128 + last] = 1;
}

/** Whether lower[start, end) may be a cue word, by its length and its first and last character. */
function mayBeCue(lower: string, start: number, end: number): boolean {
  const length = end - start;
  if (length > LONGEST_CUE) return false;
  const first = lower.charCodeAt(start);
  const last = lower.charCodeAt(end - 1);
  return (first >= 128 || CUE_STARTS[length * 128 + first] === 1) && (last >= 128 || CUE_ENDS[length * 128 + last] === 1);
}

function cueVotes(text: string): { winner: string | null; winnerVotes: number; otherVotes: number } {
  // Polish letters count once: a Polish place name in English text ("opens in Łódź") is no Polish sentence.
  const counts: number[] = CUES.map(([language]) => (language === 'pl' && POLISH_LETTERS.test(text) ? 1 : 0));
  // The words are the runs of letters of the lower-cased text, read in one pass without splitting it.
  const lower = text.toLowerCase();
  let wordStart = -1;
  for (let index = 0; index <= lower.length; ) {
    const code = index < lower.length ? (lower.codePointAt(index) as number) : 32;
    const width = code > 0xffff ? 2 : 1;
    const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 128 && LETTER.test(String.fromCodePoint(code)));
    if (letter) {
      if (wordStart < 0) wordStart = index;
    } else if (wordStart >= 0) {
      // A word longer than every cue word, or with no cue word's ends, is none of them: not sliced out to be looked up.
      const languages = mayBeCue(lower, wordStart, index) ? CUE_LANGUAGES.get(lower.slice(wordStart, index)) : undefined;
      if (languages !== undefined) for (const language of languages) counts[language] = (counts[language] ?? 0) + 1;
      wordStart = -1;
    }
    index += width;
  }
  // The language with the most votes (the first in CUES of those tied) and the most votes among the others: what a
  // stable sort by votes would put first and second, with no pair or array made per text.
  let first = -1;
  for (let index = 0; index < CUES.length; index++) if (first < 0 || (counts[index] ?? 0) > (counts[first] ?? 0)) first = index;
  let otherVotes = 0;
  for (let index = 0; index < CUES.length; index++) if (index !== first) otherVotes = Math.max(otherVotes, counts[index] ?? 0);
  const winnerVotes = first < 0 ? 0 : (counts[first] ?? 0);
  return { winner: winnerVotes > 0 ? (CUES[first]?.[0] ?? null) : null, winnerVotes, otherVotes };
}
