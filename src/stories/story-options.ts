// The settings of story assignment; the defaults are what bench:stories measures.
import { TERM_WEIGHTS } from './story-terms.js';

export interface StoryOptions {
  /** A story with no new mention for this long closes: later mentions start a new one. */
  quietPeriodMs: number;
  /** Least cosine similarity between a mention and a story's centroid for the mention to join it. */
  joinThreshold: number;
  /** Open stories kept per brand; past it the least recently seen close early (bounds memory and time). */
  maxOpenStories: number;
  /** Terms kept per story centroid (the heaviest). */
  maxStoryTerms: number;
  /** Smoothing of the story-frequency IDF: with few open stories every term weighs about the same. */
  idfSmoothing: number;
  weights: typeof TERM_WEIGHTS;
}

export const DEFAULT_STORY_OPTIONS: StoryOptions = {
  quietPeriodMs: 72 * 3600_000,
  joinThreshold: 0.2,
  maxOpenStories: 2000,
  maxStoryTerms: 150,
  idfSmoothing: 10,
  weights: TERM_WEIGHTS,
};
