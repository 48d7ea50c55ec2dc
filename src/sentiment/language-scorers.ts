// The languages buzzwatch scores, one registry line each; a mention in any other language is labelled `unknown`.
import { englishScorer } from './english/english-language-scorer.js';
import type { LanguageScorer } from './language-scorer.js';
import { polishScorer } from './polish/polish-language-scorer.js';

export const LANGUAGE_SCORERS = {
  en: englishScorer,
  pl: polishScorer,
} as const satisfies Record<string, LanguageScorer>;

export type ScoredLanguage = keyof typeof LANGUAGE_SCORERS;

export const SCORED_LANGUAGES = Object.keys(LANGUAGE_SCORERS) as ScoredLanguage[];

/** Text whose language cannot be told (too short, mixed) is read as this one. */
export const FALLBACK_LANGUAGE: ScoredLanguage = 'en';

export function scorerFor(language: string | null): LanguageScorer | null {
  if (language === null) return LANGUAGE_SCORERS[FALLBACK_LANGUAGE];
  return Object.hasOwn(LANGUAGE_SCORERS, language) ? LANGUAGE_SCORERS[language as ScoredLanguage] : null;
}
