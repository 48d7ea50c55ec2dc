// How the Polish model is trained (scripts/train-sentiment-models.ts) and cross-validated (bench:sentiment): on
// PolEmo 2.0 sentences (CC BY-SA 4.0), detokenised first so that it learns from text as people write it.
import type { ModelClass, ModelFeatures } from '../linear-model.js';
import { scoreByRules } from '../rule-scorer.js';
import { tokenizeText } from '../text-tokens.js';
import type { TrainingExample, TrainingOptions } from '../train-linear-model.js';
import { detokenizePolish } from './detokenize.js';
import { polishFeatures } from './polish-features.js';
import { POLISH_RULES } from './polish-rules.js';

export const POLISH_TRAINING: TrainingOptions = {
  epochs: 300,
  learningRate: 0.3,
  numericPenalty: 1e-4,
  wordPenalty: 3e-3,
  minWordCount: 3,
};

export interface LabelledSentence {
  label: ModelClass;
  text: string;
}

const LABELS: ReadonlySet<string> = new Set(['negative', 'neutral', 'positive']);

/** PolEmo's `label<TAB>text` lines, detokenised unless `asTokenised`. */
export function parsePolEmo(content: string, asTokenised = false): { sentences: LabelledSentence[]; skipped: number } {
  const sentences: LabelledSentence[] = [];
  let skipped = 0;
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const tab = line.indexOf('\t');
    const label = line.slice(0, tab);
    if (tab < 0 || !LABELS.has(label)) {
      skipped += 1;
      continue;
    }
    const text = line.slice(tab + 1);
    sentences.push({ label: label as ModelClass, text: asTokenised ? text : detokenizePolish(text) });
  }
  return { sentences, skipped };
}

export function polishTextFeatures(text: string): ModelFeatures {
  const tokenized = tokenizeText(text);
  const none = new Set<number>();
  return polishFeatures(tokenized, scoreByRules(tokenized, POLISH_RULES, none), none);
}

/** Each class weighs as much in total: reviews elsewhere are less often neutral than PolEmo's sentences. */
export function polishExamples(sentences: readonly LabelledSentence[]): TrainingExample[] {
  const perClass = new Map<ModelClass, number>();
  for (const sentence of sentences) perClass.set(sentence.label, (perClass.get(sentence.label) ?? 0) + 1);
  return sentences.map((sentence) => ({
    features: polishTextFeatures(sentence.text),
    label: sentence.label,
    weight: sentences.length / 3 / (perClass.get(sentence.label) ?? 1),
  }));
}
