// What the scorer works out from a mention's own text, with no I/O: its language, its sentiment, its search text and
// its story terms. Pure, so it runs the same on the scorer's main thread or on one of its score threads
// (score-threads.ts).
import type { Mention } from '../mentions/mention.js';
import { searchableWords } from '../mentions/search-text.js';
import { wordTokens, type WordToken } from '../mentions/word-tokens.js';
import { mentionLanguage } from '../sentiment/mention-language.js';
import { scoreSentiment } from '../sentiment/score-sentiment.js';
import { SCORER_VERSION } from '../sentiment/scorer-version.js';
import type { PreparedMention, ScoredMention } from '../store/mention-store.js';
import { storyMentionOf } from '../stories/story-mention.js';
import type { StoryOptions } from '../stories/story-options.js';
import { storyTerms, type TermList } from '../stories/story-terms.js';

/** Tells the mention's language once (the source's declaration wins) and scores it in that language. */
export function scoreMention(mention: Mention, brandPhrases: ReadonlyMap<string, WordToken[][]>): ScoredMention {
  return { ...mention, ...textScores(mention, brandPhrases) };
}

/** The fields of a mention that scoreMention reads. */
export type ScoredFields = Pick<Mention, 'id' | 'title' | 'text' | 'url' | 'lang' | 'brands'>;

/** What scoreMention adds to a mention. */
export type TextScores = Pick<ScoredMention, 'lang' | 'sentiment' | 'sentimentVersion'>;

export function textScores(mention: ScoredFields, brandPhrases: ReadonlyMap<string, WordToken[][]>): TextScores {
  const maskedPhrases = mention.brands.flatMap((brandId) => brandPhrases.get(brandId) ?? []);
  const text = `${mention.title ?? ''}\n${mention.text}`;
  const lang = mentionLanguage(mention.lang, text);
  const { label, score } = scoreSentiment(text, { language: lang, maskedPhrases });
  return { lang, sentiment: { label, score }, sentimentVersion: SCORER_VERSION };
}

/** What storing derives from the mention's text alone (see PreparedMention): its search text and story terms. */
export function prepareMention(mention: Pick<Mention, 'id' | 'title' | 'text' | 'url'>, storyWeights: StoryOptions['weights']): PreparedMention {
  // The title and the text are split into words once, for search and for story terms.
  const textTokens = wordTokens(mention.text);
  const titleTokens = wordTokens(mention.title ?? '');
  // The time is left out of the terms.
  const storyMention = storyMentionOf(mention, new Date(0));
  return {
    searchText: searchableWords(titleTokens, textTokens),
    storyTerms: storyTerms(
      storyMention,
      storyWeights,
      storyMention.text === mention.text ? textTokens : undefined,
      storyMention.title === mention.title ? titleTokens : undefined,
    ),
    storyWeights,
  };
}

/** What a score thread is sent (see score-threads.ts): the fields scoring reads, not the whole mention. */
export interface ScoreRequest {
  id: number;
  mentions: ScoredFields[];
  brandPhrases: ReadonlyMap<string, WordToken[][]>;
  storyWeights: StoryOptions['weights'];
}

export type ScoreAnswer =
  | { id: number; scored: Array<{ scores: TextScores; searchText: string; storyTerms: TermList }>; error?: undefined }
  | { id: number; error: string; scored?: undefined };

/** A score thread's work on one request: textScores and prepareMention of each mention, or why it failed. */
export function answerScoreRequest(request: ScoreRequest): ScoreAnswer {
  try {
    const scored = request.mentions.map((mention) => {
      const { searchText, storyTerms } = prepareMention(mention, request.storyWeights);
      return { scores: textScores(mention, request.brandPhrases), searchText, storyTerms };
    });
    return { id: request.id, scored };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
