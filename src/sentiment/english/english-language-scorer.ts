// English: VADER-style rules give the numbers, the shipped model (english-model.ts) weighs them with the words.
import type { LanguageScorer } from '../language-scorer.js';
import { predict } from '../linear-model.js';
import { loadModel } from '../serialized-model.js';
import { englishFeatures } from './english-features.js';
import { ENGLISH_MODEL } from './english-model.js';
import { scoreByRules } from '../rule-scorer.js';
import { ENGLISH_RULES } from './english-rules.js';

const model = loadModel(ENGLISH_MODEL);

export const englishScorer: LanguageScorer = {
  language: 'en',
  score(tokenized, masked) {
    return predict(model, englishFeatures(tokenized, scoreByRules(tokenized, ENGLISH_RULES, masked), masked));
  },
};
