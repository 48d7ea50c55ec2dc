// Fits a LinearModel by full-batch gradient descent (AdaGrad steps, L2 penalty): the training behind the shipped
// English and Polish models (scripts/train-sentiment-models.ts) and the cross-validation in bench:sentiment.
import { MODEL_CLASSES, softmax, type ClassWeights, type LinearModel, type ModelClass, type ModelFeatures } from './linear-model.js';

export interface TrainingExample {
  features: ModelFeatures;
  label: ModelClass;
  /** How much the example counts (balances sets of different sizes); 1 when absent. */
  weight?: number;
}

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty on numeric weights and on word weights (words need more: there are many and each is rare). */
  numericPenalty: number;
  wordPenalty: number;
  /** Words seen in fewer training examples are left out of the model. */
  minWordCount: number;
}

export const DEFAULT_TRAINING: TrainingOptions = {
  epochs: 300,
  learningRate: 0.3,
  numericPenalty: 1e-4,
  wordPenalty: 3e-3,
  minWordCount: 3,
};

interface EncodedExample {
  numeric: readonly number[];
  words: Int32Array;
  label: number;
  weight: number;
}

export function trainLinearModel(examples: readonly TrainingExample[], options: TrainingOptions = DEFAULT_TRAINING): LinearModel {
  const vocabulary = buildVocabulary(examples, options.minWordCount);
  const numericCount = Math.max(0, ...examples.map((example) => example.features.numeric.length));
  const encoded = examples.map((example) => encode(example, vocabulary));
  const totalWeight = encoded.reduce((sum, example) => sum + example.weight, 0) || 1;
  const parameterCount = 3 * (1 + numericCount + vocabulary.size);
  const weights = new Float64Array(parameterCount);
  const squaredGradients = new Float64Array(parameterCount).fill(1e-8);
  const gradient = new Float64Array(parameterCount);
  const numericOffset = 3;
  const wordOffset = 3 * (1 + numericCount);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    gradient.fill(0);
    for (const example of encoded) {
      const logits = new Float64Array([weights[0] as number, weights[1] as number, weights[2] as number]);
      example.numeric.forEach((value, feature) => {
        for (let label = 0; label < 3; label++) logits[label] = (logits[label] as number) + (weights[numericOffset + feature * 3 + label] as number) * value;
      });
      for (const word of example.words) {
        for (let label = 0; label < 3; label++) logits[label] = (logits[label] as number) + (weights[wordOffset + word * 3 + label] as number);
      }
      const probabilities = softmax([logits[0] as number, logits[1] as number, logits[2] as number]);
      for (let label = 0; label < 3; label++) {
        const probability = probabilities[label] as number;
        const error = (example.weight * (probability - (label === example.label ? 1 : 0))) / totalWeight;
        gradient[label] = (gradient[label] as number) + error;
        example.numeric.forEach((value, feature) => {
          const at = numericOffset + feature * 3 + label;
          gradient[at] = (gradient[at] as number) + error * value;
        });
        for (const word of example.words) {
          const at = wordOffset + word * 3 + label;
          gradient[at] = (gradient[at] as number) + error;
        }
      }
    }
    for (let at = 0; at < parameterCount; at++) {
      const penalty = at < numericOffset ? 0 : at < wordOffset ? options.numericPenalty : options.wordPenalty;
      const step = (gradient[at] as number) + penalty * (weights[at] as number);
      squaredGradients[at] = (squaredGradients[at] as number) + step * step;
      weights[at] = (weights[at] as number) - (options.learningRate * step) / Math.sqrt(squaredGradients[at] as number);
    }
  }
  const triple = (at: number): ClassWeights => [weights[at] as number, weights[at + 1] as number, weights[at + 2] as number];
  return {
    bias: triple(0),
    numeric: Array.from({ length: numericCount }, (_, feature) => triple(numericOffset + feature * 3)),
    words: new Map([...vocabulary].map(([word, index]) => [word, triple(wordOffset + index * 3)])),
  };
}

function buildVocabulary(examples: readonly TrainingExample[], minCount: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const example of examples) {
    for (const word of new Set(example.features.words)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const vocabulary = new Map<string, number>();
  for (const [word, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (count >= minCount) vocabulary.set(word, vocabulary.size);
  }
  return vocabulary;
}

function encode(example: TrainingExample, vocabulary: ReadonlyMap<string, number>): EncodedExample {
  const words = example.features.words.map((word) => vocabulary.get(word)).filter((index) => index !== undefined);
  return {
    numeric: example.features.numeric,
    words: Int32Array.from(words),
    label: MODEL_CLASSES.indexOf(example.label),
    weight: example.weight ?? 1,
  };
}
