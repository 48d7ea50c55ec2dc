// What a mention says, as weighted terms for story similarity: the cleaned headline's words and word pairs count
// most, the body's words and the URL's slug less (they repeat the headline or wander off it).
import { wordTokens, type WordToken } from '../mentions/word-tokens.js';
import { cleanHeadline } from './headline.js';
import { STOP_WORDS } from './stop-words.js';

export interface StoryText {
  title: string | null;
  text?: string | null;
  url?: string | null;
}

/**
 * A mention's terms and their weights, side by side, each term once and in the order first met; a pair of adjacent
 * headline words is one term "first second". Two arrays rather than a Map: a score thread sends them to the main
 * thread, where a Map of about 40 entries per mention was rebuilt from the message and left as garbage, and story
 * assignment only reads them in order.
 */
export interface TermList {
  terms: string[];
  weights: Float64Array;
}

export const TERM_WEIGHTS = {
  titleWord: 1,
  titlePair: 0.5,
  bodyWord: 0.25,
  slugWord: 0.25,
};

// Bodies can be whole articles: their first words are the lead, the rest adds cost rather than evidence.
const MAX_BODY_WORDS = 120;
const MAX_TITLE_WORDS = 40;

/**
 * `bodyTokens` and `titleTokens`, when given, are wordTokens(text.text) and wordTokens(text.title), already worked
 * out by the caller (the title's are used when cleaning leaves the headline as it is).
 */
export function storyTerms(text: StoryText, weights = TERM_WEIGHTS, bodyTokens?: readonly WordToken[], titleTokens?: readonly WordToken[]): TermList {
  const bag = new Map<string, number>();
  const add = (term: string, weight: number) => bag.set(term, (bag.get(term) ?? 0) + weight);
  const headline = cleanHeadline(text.title ?? '');
  const titleWords = contentWords(headline, titleTokens !== undefined && headline === text.title ? titleTokens : wordTokens(headline)).slice(0, MAX_TITLE_WORDS);
  for (const word of titleWords) add(word, weights.titleWord);
  for (let at = 1; at < titleWords.length; at += 1) add(`${titleWords[at - 1]} ${titleWords[at]}`, weights.titlePair);
  if (weights.bodyWord > 0 && text.text) {
    for (const word of contentWords(text.text, bodyTokens, MAX_BODY_WORDS)) add(word, weights.bodyWord);
  }
  if (weights.slugWord > 0 && text.url) {
    for (const word of slugWords(text.url)) add(word, weights.slugWord);
  }
  // Read out with forEach: spreading the keys and copying the values through iterators made a result object per term.
  const terms: string[] = [];
  const termWeights = new Float64Array(bag.size);
  bag.forEach((weight, term) => {
    termWeights[terms.length] = weight;
    terms.push(term);
  });
  return { terms, weights: termWeights };
}

/** The first `limit` content words of `text` (`tokens`: its wordTokens, when the caller has them). */
export function contentWords(text: string, tokens: readonly WordToken[] = wordTokens(text), limit = Number.POSITIVE_INFINITY): string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (words.length >= limit) break;
    const word = stem(token.word);
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    words.push(word);
  }
  return words;
}

/** Words of the URL's last path segment that reads like a headline ("mt-gox-files-for-bankruptcy"). */
function slugWords(url: string): string[] {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return [];
  }
  const segments = path.split('/').filter((segment) => /[a-z]{3,}[-_][a-z]{2,}[-_]/i.test(segment));
  const slug = segments.at(-1);
  return slug === undefined ? [] : contentWords(slug.replace(/\.[a-z]{2,5}$/i, '').replace(/[-_]+/g, ' '));
}

/** Plural and possessive endings only: enough to meet "recalls"/"recall", cheap, and never wrong by much. */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}
