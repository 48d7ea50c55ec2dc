// How the English model is trained (scripts/train-sentiment-models.ts) and cross-validated (bench:sentiment): on
// VADER's four human-rated sets, each weighted so that short social and news texts, what buzzwatch mostly reads,
// count more than the long movie-review snippets.
import type { ModelClass, ModelFeatures } from '../linear-model.js';
import { tokenizeText } from '../text-tokens.js';
import type { TrainingExample, TrainingOptions } from '../train-linear-model.js';
import { englishFeatures } from './english-features.js';
import { scoreByRules } from '../rule-scorer.js';
import { ENGLISH_RULES } from './english-rules.js';

export const ENGLISH_TRAINING: TrainingOptions = {
  epochs: 300,
  learningRate: 0.3,
  numericPenalty: 1e-4,
  wordPenalty: 5e-3,
  minWordCount: 5,
};

/** Relative weight of each set (by file-name prefix); every set first counts as much as 2,000 texts. */
const SET_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['tweets', 4],
  ['nyt', 2],
  ['amazon', 1],
  ['movies', 0.5],
]);
const TEXTS_PER_SET = 2000;

export interface RatedText {
  set: string;
  label: ModelClass;
  humanMean: number;
  text: string;
}

export function englishTextFeatures(text: string): ModelFeatures {
  const tokenized = tokenizeText(text);
  const none = new Set<number>();
  return englishFeatures(tokenized, scoreByRules(tokenized, ENGLISH_RULES, none), none);
}

export function englishExamples(texts: readonly RatedText[]): TrainingExample[] {
  const setSizes = new Map<string, number>();
  for (const rated of texts) setSizes.set(rated.set, (setSizes.get(rated.set) ?? 0) + 1);
  return texts.map((rated) => ({
    features: englishTextFeatures(rated.text),
    label: rated.label,
    weight: ((SET_WEIGHTS.get(rated.set.split('.')[0] ?? '') ?? 1) * TEXTS_PER_SET) / (setSizes.get(rated.set) ?? 1),
  }));
}
