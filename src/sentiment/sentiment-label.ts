// The labels a mention's sentiment can carry: one of the model's three, or `unknown` when its language has no scorer.
import type { ModelClass } from './linear-model.js';

export type ScoredLabel = ModelClass;
export type SentimentLabel = ScoredLabel | 'unknown';

export const SCORED_LABELS: readonly ScoredLabel[] = ['positive', 'neutral', 'negative'];
export const SENTIMENT_LABELS: readonly SentimentLabel[] = [...SCORED_LABELS, 'unknown'];

export interface Sentiment {
  label: SentimentLabel;
  /** P(positive) − P(negative) in [-1, 1]; null when the label is `unknown`. */
  score: number | null;
}
