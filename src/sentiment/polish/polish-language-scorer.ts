// Polish: the rule scorer's numbers and word stems, weighed by the shipped model (polish-model.ts, CC BY-SA 4.0).
import type { LanguageScorer } from '../language-scorer.js';
import { predict } from '../linear-model.js';
import { scoreByRules } from '../rule-scorer.js';
import { loadModel } from '../serialized-model.js';
import { polishFeatures } from './polish-features.js';
import { POLISH_MODEL } from './polish-model.js';
import { POLISH_RULES } from './polish-rules.js';

const model = loadModel(POLISH_MODEL);

export const polishScorer: LanguageScorer = {
  language: 'pl',
  score(tokenized, masked) {
    return predict(model, polishFeatures(tokenized, scoreByRules(tokenized, POLISH_RULES, masked), masked));
  },
};
