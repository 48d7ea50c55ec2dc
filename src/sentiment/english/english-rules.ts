// English for the rule scorer: VADER's lexicon (plus complaint words), its negators and degree adverbs, "fails to"
// as a negation, "never so good" as an intensifier.
import type { SentimentRules } from '../rule-scorer.js';
import {
  BOOSTERS,
  CONTRAST_AFTER,
  CONTRAST_CONCESSIVE,
  EXTRA_VALENCES,
  NEGATING_VERBS,
  NEGATORS,
  PHRASE_VALENCES,
  SARCASM_OPENERS,
} from './english-words.js';
import { VADER_LEXICON } from './vader-lexicon.js';

const LEXICON: ReadonlyMap<string, number> = new Map([...VADER_LEXICON, ...EXTRA_VALENCES]);
// VADER's "never so good", "never this happy": an intensifier, by how far "never" stands before the word.
const SO_THIS: ReadonlySet<string> = new Set(['so', 'this']);
const NEVER_SO_WEIGHT: readonly number[] = [1, 1, 1.5, 1.25];

export const ENGLISH_RULES: SentimentRules = {
  key: (token) => token.lower,
  valence(keys, index) {
    const word = keys[index] as string;
    // Most words are in no list: one lookup tells.
    const valence = LEXICON.get(word);
    if (valence === undefined || BOOSTERS.has(word) || NEGATORS.has(word)) return undefined;
    // "fails to impress" negates what follows instead of being a complaint of its own; "failed to bask" stays one.
    if (NEGATING_VERBS.has(word) && keys[index + 1] === 'to' && LEXICON.has(keys[index + 2] ?? '')) return undefined;
    return valence;
  },
  phrases: PHRASE_VALENCES,
  longestPhrase: Math.max(...[...PHRASE_VALENCES.keys()].map((phrase) => phrase.split(' ').length)),
  negates(keys, index) {
    const word = keys[index] as string;
    return NEGATORS.has(word) || word.endsWith("n't") || (NEGATING_VERBS.has(word) && keys[index + 1] === 'to');
  },
  intensifyingNegation(keys, negatorAt, sentimentAt) {
    const distance = sentimentAt - negatorAt;
    if (keys[negatorAt] !== 'never' || distance < 2) return undefined;
    const soOrThis = SO_THIS.has(keys[negatorAt + 1] ?? '') || SO_THIS.has(keys[sentimentAt - 1] ?? '');
    return soOrThis ? NEVER_SO_WEIGHT[distance] ?? 1 : undefined;
  },
  boosters: BOOSTERS,
  contrastAfter: CONTRAST_AFTER,
  concessive: CONTRAST_CONCESSIVE,
  sarcasmOpeners: SARCASM_OPENERS,
  negationScope: 3,
};
