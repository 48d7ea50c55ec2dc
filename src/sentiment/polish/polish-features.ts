// What the Polish model reads of a text: the rule-based score's parts as numbers, and word stems (marked when "nie",
// "bez" or "nigdy" governs them) so that it learns what the lexicon does not know. Stems and folding make the
// features the same for "okropny"/"okropnej" and for text written without Polish letters.
import type { ModelFeatures } from '../linear-model.js';
import type { RuleScore } from '../rule-scorer.js';
import type { TokenizedText } from '../text-tokens.js';
import { foldPolish, polishStem } from './polish-fold.js';
import { POLISH_CONTRAST_AFTER, POLISH_NEGATORS } from './polish-words.js';

const WORD = /^[a-z][a-z-]{0,23}$/;
const NEGATED_SCOPE = 2;

export function polishFeatures(tokenized: TokenizedText, score: RuleScore, masked: ReadonlySet<number>): ModelFeatures {
  const words: string[] = [];
  let negator: string | null = null;
  let negatedUntil = -1;
  const folded = tokenized.tokens.map((token) => foldPolish(token.lower));
  tokenized.tokens.forEach((token, index) => {
    const word = folded[index] as string;
    if (POLISH_NEGATORS.has(word)) {
      negator = word;
      negatedUntil = index + NEGATED_SCOPE;
    }
    if (masked.has(index)) return;
    if (token.emoji) words.push(token.lower);
    else if (WORD.test(word)) {
      const stem = polishStem(word);
      words.push(index <= negatedUntil && negator !== word ? `${negator}_${stem}` : stem);
    }
    if (token.clauseEnd || token.sentenceEnd || POLISH_CONTRAST_AFTER.has(word)) negatedUntil = -1;
  });
  const total = score.positive - score.negative;
  return {
    numeric: [
      score.compound,
      Math.min(score.positive, 12) / 4,
      Math.max(score.negative, -12) / 4,
      total === 0 ? 0 : (score.positive + score.negative) / total,
      Math.min(score.sentimentTokens, 10) / 5,
      Math.log1p(score.words) / 3,
      Math.min(tokenized.exclamations, 4) / 4,
      Math.min(tokenized.questions, 3) / 3,
      score.strongestPositive / 4,
      score.strongestNegative / 4,
    ],
    words,
  };
}
