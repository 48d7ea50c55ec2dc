// Sentiment of one text in its language: tokenised once (bounded: see text-tokens.ts), the matched brands' own
// names masked ("Best Buy", "Happy Socks"), then scored by that language's scorer, or `unknown` without one.
import type { WordToken } from '../mentions/word-tokens.js';
import { maskedTokenIndexes } from './brand-mask.js';
import { scorerFor } from './language-scorers.js';
import { mentionLanguage } from './mention-language.js';
import type { Sentiment } from './sentiment-label.js';

export type { ScoredLabel, Sentiment, SentimentLabel } from './sentiment-label.js';
import { tokenizeText } from './text-tokens.js';

/** Time one text may take to read; scoring is linear and capped, so only a starved machine ever reaches it. */
export const SCORING_BUDGET_MS = 50;

export interface SentimentOptions {
  /** The text's language (ISO 639-1), `auto` to detect it from the text, or null when it is unknown. */
  language?: string | null | 'auto';
  /** The matched brands' keywords as phrases (compilePhrase): they carry no sentiment. */
  maskedPhrases?: readonly WordToken[][];
}

export interface TextSentiment extends Sentiment {
  /** The language it was read as; null when it could not be told (then read as English). */
  lang: string | null;
}

export function scoreSentiment(text: string, options: SentimentOptions = {}): TextSentiment {
  const lang = options.language === 'auto' || options.language === undefined ? mentionLanguage(null, text) : options.language;
  const scorer = scorerFor(lang);
  if (scorer === null) return { label: 'unknown', score: null, lang };
  const deadline = performance.now() + SCORING_BUDGET_MS;
  const tokenized = tokenizeText(text, () => performance.now() > deadline);
  const masked = maskedTokenIndexes(tokenized.tokens, options.maskedPhrases ?? []);
  const prediction = scorer.score(tokenized, masked);
  return { label: prediction.label, score: roundedScore(prediction.label, prediction.score), lang };
}

// Four decimals are plenty, but rounding must not turn a barely positive score of a positive label into 0.
function roundedScore(label: string, score: number): number {
  const rounded = Math.round(score * 1e4) / 1e4;
  if (label === 'positive' && rounded <= 0) return 1e-4;
  if (label === 'negative' && rounded >= 0) return -1e-4;
  return rounded === 0 ? 0 : rounded;
}
