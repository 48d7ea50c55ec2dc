// The language a mention is in: the source's own declaration when it has one, else detected once from the text.
// tinyld is sure of itself on a sentence or more; on a few words it guesses (often Turkish or Afrikaans for short
// Polish), so an unsure guess only counts where cue words agree, and otherwise the language stays unknown (null).
import { detectAll } from 'tinyld';

export type LanguageDetector = (text: string) => string | null;

// Detection needs a few sentences, not a whole article; this keeps it fast and bounded on long texts.
const DETECTION_SAMPLE_LENGTH = 2_000;
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

export function detectLanguage(text: string): string | null {
  const cues = cueVotes(text);
  // Plenty of one language's cue words and none of the other's: no need for the (20× slower) detector.
  if (cues.winner !== null && cues.winnerVotes >= DECISIVE_CUES && cues.otherVotes === 0) return cues.winner;
  const [best] = detectAll(text);
  if (best !== undefined && best.accuracy >= CONFIDENT && ISO_639_1.test(best.lang)) return best.lang;
  return cues.winnerVotes > cues.otherVotes ? cues.winner : null;
}

/** Cue words that settle the language without the detector, when the other language has none. */
const DECISIVE_CUES = 3;

function cueVotes(text: string): { winner: string | null; winnerVotes: number; otherVotes: number } {
  const words = text.toLowerCase().split(/[^\p{L}]+/u);
  const votes = CUES.map(([language, cues]) => {
    // Polish letters count once: a Polish place name in English text ("opens in Łódź") is no Polish sentence.
    let count = language === 'pl' && POLISH_LETTERS.test(text) ? 1 : 0;
    for (const word of words) if (cues.has(word)) count += 1;
    return [language, count] as const;
  }).sort((a, b) => b[1] - a[1]);
  const [first, second] = votes;
  return { winner: first !== undefined && first[1] > 0 ? first[0] : null, winnerVotes: first?.[1] ?? 0, otherVotes: second?.[1] ?? 0 };
}
