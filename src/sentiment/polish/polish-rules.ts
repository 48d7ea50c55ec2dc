// Polish for the rule scorer: words folded (no diacritics), looked up whole or by their longest stem in the
// lexicon, "nie"/"bez"/"nigdy" negating the next words of the clause, a "nie-" prefix negating an adjective the
// lexicon knows ("niedobry"), degree adverbs ("bardzo", "strasznie") and contrast ("ale", "jednak").
import type { SentimentRules } from '../rule-scorer.js';
import { foldPolish } from './polish-fold.js';
import { POLISH_BOOSTERS, POLISH_CONCESSIVE, POLISH_CONTRAST_AFTER, POLISH_NEGATORS, POLISH_VALENCES } from './polish-words.js';

/** Lexicon entries this long or longer are stems; shorter ones match whole words only. */
const MIN_STEM_LENGTH = 5;
const MAX_STEM_LENGTH = 16;
const NEGATED_PREFIX = 'nie';
const NEGATION_SCALAR = -0.74;

const WORDS: ReadonlyMap<string, number> = new Map([...POLISH_VALENCES].filter(([entry]) => !entry.includes(' ')));
const PHRASES: ReadonlyMap<string, number> = new Map([...POLISH_VALENCES].filter(([entry]) => entry.includes(' ')));

/** A folded word's valence: whole word, else its longest lexicon stem, else a known word after "nie-". */
export function polishWordValence(word: string): number | undefined {
  const whole = WORDS.get(word);
  if (whole !== undefined) return whole;
  for (let length = Math.min(word.length - 1, MAX_STEM_LENGTH); length >= MIN_STEM_LENGTH; length--) {
    const stem = WORDS.get(word.slice(0, length));
    if (stem !== undefined) return stem;
  }
  if (word.startsWith(NEGATED_PREFIX) && word.length >= NEGATED_PREFIX.length + MIN_STEM_LENGTH) {
    const base = polishWordValence(word.slice(NEGATED_PREFIX.length));
    if (base !== undefined) return base * NEGATION_SCALAR;
  }
  return undefined;
}

export const POLISH_RULES: SentimentRules = {
  key: (token) => foldPolish(token.lower),
  valence(keys, index) {
    const word = keys[index] as string;
    if (POLISH_BOOSTERS.has(word) || POLISH_NEGATORS.has(word)) return undefined;
    return polishWordValence(word);
  },
  phrases: PHRASES,
  longestPhrase: 2,
  negates: (keys, index) => POLISH_NEGATORS.has(keys[index] as string),
  boosters: POLISH_BOOSTERS,
  contrastAfter: POLISH_CONTRAST_AFTER,
  concessive: POLISH_CONCESSIVE,
  sarcasmOpeners: new Set(),
  negationScope: 3,
};
