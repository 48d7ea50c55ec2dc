// Terms of mention texts for "what is being said": words and two-word phrases without the stop words of the
// mention's language, without numbers and without the brand's own keywords; #hashtags apart.
import stopwordLists from 'stopword';
import { foldText } from '../mentions/word-tokens.js';

// stopword names its lists by ISO 639-3; mentions carry ISO 639-1.
const LIST_OF_LANGUAGE: Record<string, string> = {
  en: 'eng', pl: 'pol', de: 'deu', fr: 'fra', es: 'spa', it: 'ita', pt: 'por', nl: 'nld', sv: 'swe', da: 'dan',
  nb: 'nob', no: 'nob', fi: 'fin', cs: 'ces', sk: 'slk', uk: 'ukr', ru: 'rus', hu: 'hun', ro: 'ron', tr: 'tur',
};
// Function words the English list lacks, and the halves of contractions a tokenizer leaves behind.
const MORE_ENGLISH = ['its', 'not', 'no', 'so', 'just', 'will', 'yet', 'though', 'us', 'one', 'also', 'via', 'amp',
  's', 't', 'll', 're', 've', 'd', 'm', 'don', 'didn', 'doesn', 'isn', 'wasn', 'won', 'can', 'cannot', 'new'];
const MORE_POLISH = ['się', 'nie', 'jest', 'są', 'też', 'już', 'tylko', 'oraz', 'przez', 'który', 'która', 'które'];

const stopWordsByLanguage = new Map<string, Set<string>>();

/** The stop words of a language (ISO 639-1); English ones for a language without a list or none given. */
export function stopWordsOf(lang: string | null): Set<string> {
  const language = lang !== null && LIST_OF_LANGUAGE[lang] !== undefined ? lang : 'en';
  let words = stopWordsByLanguage.get(language);
  if (words === undefined) {
    const extra = language === 'en' ? MORE_ENGLISH : language === 'pl' ? MORE_POLISH : [];
    words = new Set([...(stopwordLists[LIST_OF_LANGUAGE[language] ?? 'eng'] ?? []), ...extra].map((word) => word.toLowerCase()));
    stopWordsByLanguage.set(language, words);
  }
  return words;
}

// Folding (NFKD and friends) is the costly step; the vocabulary of a sample is small, so each word is folded once.
const FOLD_CACHE_LIMIT = 50_000;
const foldedWords = new Map<string, string>();

function folded(word: string): string {
  let result = foldedWords.get(word);
  if (result === undefined) {
    if (foldedWords.size >= FOLD_CACHE_LIMIT) foldedWords.clear();
    result = foldText(word);
    foldedWords.set(word, result);
  }
  return result;
}

const CLAUSE_BREAK = /[.!?;:,()[\]{}"“”„«»\n\r\t|–—]+|\s-\s/u;
const WORD = /#?[\p{L}][\p{L}\p{N}_'’-]*/gu;
const MIN_WORD_LETTERS = 3;

// The checks below run for every word of every text read (a report reads 2 000): the common case skips the regex.
const TRAILING_MARKS = /['’-]+$/u;
const POSSESSIVE = /['’]s$/u;

function withoutTrailingMarks(word: string): string {
  const last = word.at(-1);
  return last === "'" || last === '’' || last === '-' ? word.replace(TRAILING_MARKS, '') : word;
}

function withoutPossessive(word: string): string {
  return word.endsWith('s') && (word.at(-2) === "'" || word.at(-2) === '’') ? word.replace(POSSESSIVE, '') : word;
}

/** At least MIN_WORD_LETTERS code points (a letter outside the BMP takes two UTF-16 units). */
function hasMinLetters(word: string): boolean {
  if (word.length < MIN_WORD_LETTERS) return false;
  return word.length >= 2 * MIN_WORD_LETTERS || [...word].length >= MIN_WORD_LETTERS;
}

export interface MentionTerms {
  /** Words and two-word phrases, each once. */
  terms: string[];
  /** #hashtags, lower-case, each once. */
  hashtags: string[];
}

/**
 * The terms of one text. `excludedWords` are folded words (see foldText) never to count, such as the brand's
 * keywords: a brand's own name says nothing about what is said of it.
 */
export function termsOf(text: string, lang: string | null, excludedWords: ReadonlySet<string>): MentionTerms {
  const stopWords = stopWordsOf(lang);
  const terms = new Set<string>();
  const hashtags = new Set<string>();
  for (const clause of text.split(CLAUSE_BREAK)) {
    let previous: string | null = null;
    for (const match of clause.matchAll(WORD)) {
      const raw = withoutTrailingMarks(match[0]).toLowerCase();
      if (raw.startsWith('#')) {
        const tag = raw.slice(1);
        if (tag.length >= 2 && !excludedWords.has(folded(tag))) hashtags.add(`#${tag}`);
        previous = null;
        continue;
      }
      const word = withoutPossessive(raw);
      const meaningful =
        hasMinLetters(word) && !stopWords.has(word) && !excludedWords.has(folded(word)) && !/\d/u.test(word);
      if (!meaningful) {
        previous = null;
        continue;
      }
      terms.add(word);
      if (previous !== null) terms.add(`${previous} ${word}`);
      previous = word;
    }
  }
  return { terms: [...terms], hashtags: [...hashtags] };
}

export interface TermCount {
  key: string;
  mentions: number;
  negative: number;
  reach: number;
}

export interface TermSampleMention {
  title: string | null;
  text: string;
  lang: string | null;
  negative: boolean;
  reach: number;
}

// A phrase replaces its word when it accounts for most of the word's mentions ("customer support", not "customer").
const PHRASE_COVERS_WORD = 0.6;
// A phrase is worth showing when it comes up more than once.
const MIN_PHRASE_MENTIONS = 2;

/** Terms (or hashtags) ranked by the mentions they occur in, then by negative mentions, then alphabetically. */
export function rankTerms(
  mentions: readonly TermSampleMention[],
  kind: 'term' | 'hashtag',
  excludedWords: ReadonlySet<string>,
  limit: number,
): TermCount[] {
  const counts = new Map<string, TermCount>();
  for (const mention of mentions) {
    const found = termsOf(`${mention.title ?? ''}\n${mention.text}`, mention.lang, excludedWords);
    for (const key of kind === 'term' ? found.terms : found.hashtags) {
      const count = counts.get(key) ?? { key, mentions: 0, negative: 0, reach: 0 };
      count.mentions += 1;
      if (mention.negative) count.negative += 1;
      count.reach += mention.reach;
      counts.set(key, count);
    }
  }
  if (kind === 'term') {
    for (const [key, count] of counts) {
      if (!key.includes(' ')) continue;
      if (count.mentions < MIN_PHRASE_MENTIONS) {
        counts.delete(key);
        continue;
      }
      for (const word of key.split(' ')) {
        const single = counts.get(word);
        if (single !== undefined && count.mentions >= PHRASE_COVERS_WORD * single.mentions) counts.delete(word);
      }
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.mentions - a.mentions || b.negative - a.negative || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}
