// What the English model reads of a text: the rule-based score's parts as numbers, and the words themselves (marked
// when a negator governs them) so that it can learn what the lexicon does not know.
import type { ModelFeatures } from '../linear-model.js';
import type { TextToken, TokenizedText } from '../text-tokens.js';
import type { RuleScore } from '../rule-scorer.js';
import { CONTRAST_AFTER, NEGATORS } from './english-words.js';

const WORD = /^[a-z][a-z'-]{0,23}$/;
const NEGATED_SCOPE = 3;
const PERSONAL: ReadonlySet<string> = new Set(['i', "i'm", 'me', 'my', 'mine', 'you', 'your', "you're", 'u', 'im', 'lol', 'we', 'our']);

export function englishFeatures(tokenized: TokenizedText, score: RuleScore, masked: ReadonlySet<number>): ModelFeatures {
  const words: string[] = [];
  let negatedUntil = -1;
  const outweighed = outweighedTokens(tokenized.tokens);
  tokenized.tokens.forEach((token: TextToken, index) => {
    if (NEGATORS.has(token.lower) || token.lower.endsWith("n't")) negatedUntil = index + NEGATED_SCOPE;
    if (masked.has(index) || outweighed[index] === 1) return;
    if (token.emoji) words.push(token.lower);
    else if (WORD.test(token.lower)) {
      words.push(index <= negatedUntil ? `not_${token.lower}` : token.lower);
    }
    if (token.clauseEnd || token.sentenceEnd) negatedUntil = -1;
  });
  const total = score.positive - score.negative;
  let personal = 0;
  for (const token of tokenized.tokens) if (PERSONAL.has(token.lower)) personal += 1;
  const social = tokenized.markers.handles + tokenized.markers.hashtags > 0 || personal > 0 ? 1 : 0;
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
      score.compound * Math.min(1, 12 / Math.max(1, score.words)),
      tokenized.markers.links > 0 ? 1 : 0,
      tokenized.markers.handles > 0 ? 1 : 0,
      tokenized.markers.hashtags > 0 ? 1 : 0,
      // Personal and social-media text shows its feelings; news and reviews state more than they feel.
      social * score.compound,
      Math.min(personal, 3) / 3,
      (social * score.strongestPositive) / 4,
      (social * score.strongestNegative) / 4,
    ],
    words,
  };
}

// Words before a "but" in its sentence: the rules already halve them, and as words of their own they would bring
// back the weight the contrast took away ("love the brand but support sucks").
function outweighedTokens(tokens: readonly TextToken[]): Uint8Array {
  const outweighed = new Uint8Array(tokens.length);
  let sentenceStart = 0;
  tokens.forEach((token, index) => {
    if (CONTRAST_AFTER.has(token.lower)) outweighed.fill(1, sentenceStart, index);
    if (token.sentenceEnd) sentenceStart = index + 1;
  });
  return outweighed;
}
