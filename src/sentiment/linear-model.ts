// A three-class linear model (multinomial logistic regression) over a few numeric features and a bag of word
// features: what turns a language's rule-based scores and words into a label and a score.

export const MODEL_CLASSES = ['negative', 'neutral', 'positive'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

/** Logit weights per class, in MODEL_CLASSES order. */
export type ClassWeights = readonly [number, number, number];

export interface LinearModel {
  bias: ClassWeights;
  /** One entry per numeric feature, in the order the feature extractor emits them. */
  numeric: readonly ClassWeights[];
  /** Word features; a word the model never saw weighs nothing. */
  words: ReadonlyMap<string, ClassWeights>;
}

export interface ModelFeatures {
  numeric: readonly number[];
  words: readonly string[];
}

export interface ModelPrediction {
  label: ModelClass;
  /** P(positive) − P(negative), in [-1, 1]: the sign agrees with the label whenever the label is not neutral. */
  score: number;
  probabilities: [number, number, number];
}

export function predict(model: LinearModel, features: ModelFeatures): ModelPrediction {
  const logits: [number, number, number] = [model.bias[0], model.bias[1], model.bias[2]];
  features.numeric.forEach((value, index) => {
    const weights = model.numeric[index];
    if (weights === undefined || value === 0) return;
    logits[0] += weights[0] * value;
    logits[1] += weights[1] * value;
    logits[2] += weights[2] * value;
  });
  for (const word of features.words) {
    const weights = model.words.get(word);
    if (weights === undefined) continue;
    logits[0] += weights[0];
    logits[1] += weights[1];
    logits[2] += weights[2];
  }
  const probabilities = softmax(logits);
  const [negative, neutral, positive] = probabilities;
  const label: ModelClass = positive > neutral && positive > negative ? 'positive' : negative > neutral && negative >= positive ? 'negative' : 'neutral';
  return { label, score: positive - negative, probabilities };
}

export function softmax(logits: readonly [number, number, number]): [number, number, number] {
  const top = Math.max(logits[0], logits[1], logits[2]);
  const exps = [Math.exp(logits[0] - top), Math.exp(logits[1] - top), Math.exp(logits[2] - top)] as const;
  const sum = exps[0] + exps[1] + exps[2];
  return [exps[0] / sum, exps[1] / sum, exps[2] / sum];
}
