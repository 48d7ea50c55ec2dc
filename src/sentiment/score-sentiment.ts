// Sentiment of a mention: wink-sentiment's lexicon scores, re-aggregated so that a brand's own name never counts
// ("Best Buy", "Happy Socks") and a "but" shifts the weight to the clause after it ("love the brand but support sucks").
import winkSentiment, { type WinkToken } from 'wink-sentiment';
import { foldText, type WordToken } from '../mentions/word-tokens.js';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface Sentiment {
  label: SentimentLabel;
  /** Normalised score in [-5, 5]; the sign is the polarity. */
  score: number;
}

/** |score| at or below this is neutral. 0.25 rather than 0.5: on all four VADER sets (bench:sentiment) it labels
 * more texts the way people did, mostly long mixed ones that the length damping pulls towards zero. */
export const NEUTRAL_BAND = 0.25;

// VADER's contrast rule: the clause before "but" matters half as much, the clause after it half as much again.
const BEFORE_CONTRAST_WEIGHT = 0.5;
const AFTER_CONTRAST_WEIGHT = 1.5;
const CONTRAST_WORDS = new Set(['but']);
const SENTENCE_END = new Set(['.', '!', '?', ';']);
// wink-sentiment's assumption of an average sentence length, used to damp long texts the same way it does.
const AVERAGE_SENTENCE_WORDS = 15;

/**
 * Scores `text`; token sequences equal to one of `maskedPhrases` (the matched brands' keywords, as produced by
 * compilePhrase) carry no sentiment.
 */
export function scoreSentiment(text: string, maskedPhrases: readonly WordToken[][] = []): Sentiment {
  const tokens = winkSentiment(text).tokenizedPhrase ?? [];
  const masked = maskedTokenIndexes(tokens, maskedPhrases);
  const weights = contrastWeights(tokens);
  let wordScore = 0;
  let hashtagScore = 0;
  let scoredWords = 0;
  let scoredHashtags = 0;
  let words = 0;
  tokens.forEach((token, index) => {
    const isWordLike = token.tag === 'word' || token.tag === 'emoji' || token.tag === 'emoticon';
    if (isWordLike) words += 1;
    if (token.score === undefined || token.score === 0 || masked.has(index)) return;
    if (token.tag === 'hashtag') {
      hashtagScore += token.score;
      scoredHashtags += 1;
    } else if (isWordLike) {
      wordScore += token.score * (weights[index] ?? 1);
      scoredWords += 1;
    }
  });
  const score = normalise(wordScore, scoredWords, hashtagScore, scoredHashtags, words);
  return { label: labelFor(score), score };
}

export function labelFor(score: number): SentimentLabel {
  if (score > NEUTRAL_BAND) return 'positive';
  if (score < -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

// Same normalisation as wink-sentiment: mean score per sentiment-bearing token, damped for long texts, clamped to ±5.
function normalise(wordScore: number, scoredWords: number, hashtagScore: number, scoredHashtags: number, words: number): number {
  const hashtagMean = scoredHashtags > 0 ? hashtagScore / scoredHashtags : 0;
  let wordMean = 0;
  if (scoredWords > 0) {
    wordMean = wordScore / scoredWords / Math.sqrt(Math.max(1, words / AVERAGE_SENTENCE_WORDS));
  }
  const combined = hashtagMean !== 0 && wordMean !== 0 ? (hashtagMean + wordMean) / 2 : wordMean || hashtagMean;
  return Math.round(Math.max(-5, Math.min(5, combined)) * 1e4) / 1e4;
}

function contrastWeights(tokens: WinkToken[]): number[] {
  const weights = new Array<number>(tokens.length).fill(1);
  let sentenceStart = 0;
  for (let index = 0; index <= tokens.length; index++) {
    const token = tokens[index];
    const atEnd = token === undefined || (token.tag === 'punctuation' && SENTENCE_END.has(token.value));
    if (!atEnd) continue;
    weighSentence(tokens, sentenceStart, index, weights);
    sentenceStart = index + 1;
  }
  return weights;
}

function weighSentence(tokens: WinkToken[], start: number, end: number, weights: number[]): void {
  let contrastAt = -1;
  for (let index = start; index < end; index++) {
    const token = tokens[index] as WinkToken;
    if (token.tag === 'word' && CONTRAST_WORDS.has(token.value.toLowerCase())) contrastAt = index;
  }
  if (contrastAt < 0) return;
  for (let index = start; index < end; index++) {
    if (index < contrastAt) weights[index] = BEFORE_CONTRAST_WEIGHT;
    else if (index > contrastAt) weights[index] = AFTER_CONTRAST_WEIGHT;
  }
}

function maskedTokenIndexes(tokens: WinkToken[], phrases: readonly WordToken[][]): Set<number> {
  const masked = new Set<number>();
  if (phrases.length === 0) return masked;
  const folded = tokens.map(foldedWord);
  for (const phrase of phrases) {
    for (let start = 0; start + phrase.length <= tokens.length; start++) {
      if (phrase.every((part, offset) => folded[start + offset] === part.word)) {
        for (let offset = 0; offset < phrase.length; offset++) masked.add(start + offset);
      }
    }
  }
  return masked;
}

function foldedWord(token: WinkToken): string | null {
  if (token.tag !== 'word' && token.tag !== 'hashtag' && token.tag !== 'mention') return null;
  return foldText(token.value.replace(/^[#@]/, ''));
}
