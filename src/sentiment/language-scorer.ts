// What a language's scorer does: label tokenised text (brand tokens masked) with one of three labels and a score.
import type { ModelPrediction } from './linear-model.js';
import type { TokenizedText } from './text-tokens.js';

export interface LanguageScorer {
  /** ISO 639-1 code. */
  language: string;
  score(tokenized: TokenizedText, masked: ReadonlySet<number>): ModelPrediction;
}
