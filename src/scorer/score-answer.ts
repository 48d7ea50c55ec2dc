// A score thread's answer in packed form (see score-threads.ts): numbers in typed arrays whose buffers are transferred,
// the search texts joined into one string, and every repeated string (story terms, languages, labels) sent once per
// thread and named by its index afterwards. Sent as objects, a 500-mention chunk was ≈ 25,000 small objects and
// strings that the thread wrote one by one and the scorer's main thread rebuilt one by one, then collected as garbage
// (≈ 4 µs per mention on the thread, 6 on the main thread, bench:score-thread), while a mention's ≈ 35 story terms
// mostly repeat words the thread has sent before.
import type { SentimentLabel } from '../sentiment/sentiment-label.js';
import type { TermList } from '../stories/story-terms.js';
import type { ScoreAnswer, TextScores } from './score-mention.js';

/** What a thread works out for one mention (answerScoreRequest), before packing and after unpacking. */
export interface ScoredText {
  scores: TextScores;
  searchText: string;
  storyTerms: TermList;
}

/**
 * One chunk's answer. `strings` are the strings the thread's StringNumbering gained for it, numbered from `stringsFrom`
 * on (0: the numbering started again, the receiver forgets what it knew); every other field is per mention, in order.
 */
export interface PackedScores {
  id: number;
  stringsFrom: number;
  strings: string[];
  count: number;
  /** The number of the language (-1: none), of the label. */
  langs: Int32Array;
  labels: Int32Array;
  /** The sentiment score, NaN for none. */
  sentimentScores: Float64Array;
  /** The scorer version, -1 for none. */
  sentimentVersions: Int32Array;
  /** The search texts one after the other, and where each ends. */
  searchTexts: string;
  searchTextEnds: Uint32Array;
  /** The story terms' numbers and weights of every mention one after the other, and where each mention's terms end. */
  termNumbers: Uint32Array;
  termWeights: Float64Array;
  termEnds: Uint32Array;
}

/**
 * The numbers a thread gives strings, kept between its answers. At `capacity` strings it starts again from 0 (a
 * vocabulary grows with every new headline): memory stays bounded on both sides.
 */
export class StringNumbering {
  private readonly numbers = new Map<string, number>();
  private sent = 0;

  constructor(private readonly capacity = 50_000) {}

  /** Numbers `value`, new strings appended to `added`. */
  numberOf(value: string, added: string[]): number {
    let number = this.numbers.get(value);
    if (number === undefined) {
      number = this.numbers.size;
      this.numbers.set(value, number);
      added.push(value);
    }
    return number;
  }

  /** Where the next answer's new strings start (0 after a restart, or once full). */
  beginAnswer(): number {
    if (this.numbers.size >= this.capacity) this.restart();
    this.sent = this.numbers.size;
    return this.sent;
  }

  /** Forgets every number: an answer that could not be sent would leave the receiver behind otherwise. */
  restart(): void {
    this.numbers.clear();
    this.sent = 0;
  }
}

/** Packs `scored` for the main thread; the transfer list holds the typed arrays' buffers. */
export function packScores(id: number, scored: readonly ScoredText[], numbering: StringNumbering): { packed: PackedScores; transfer: ArrayBuffer[] } {
  const stringsFrom = numbering.beginAnswer();
  try {
    const strings: string[] = [];
    const count = scored.length;
    const langs = new Int32Array(count);
    const labels = new Int32Array(count);
    const sentimentScores = new Float64Array(count);
    const sentimentVersions = new Int32Array(count);
    const searchTextEnds = new Uint32Array(count);
    const termEnds = new Uint32Array(count);
    let termCount = 0;
    for (const { storyTerms } of scored) termCount += storyTerms.terms.length;
    const termNumbers = new Uint32Array(termCount);
    const termWeights = new Float64Array(termCount);
    const searchTexts: string[] = [];
    let textEnd = 0;
    let termAt = 0;
    for (let at = 0; at < count; at += 1) {
      const { scores, searchText, storyTerms } = scored[at] as ScoredText;
      langs[at] = scores.lang === null ? -1 : numbering.numberOf(scores.lang, strings);
      labels[at] = numbering.numberOf(scores.sentiment.label, strings);
      sentimentScores[at] = scores.sentiment.score ?? Number.NaN;
      sentimentVersions[at] = scores.sentimentVersion ?? -1;
      searchTexts.push(searchText);
      textEnd += searchText.length;
      searchTextEnds[at] = textEnd;
      const { terms, weights } = storyTerms;
      for (let term = 0; term < terms.length; term += 1) {
        termNumbers[termAt] = numbering.numberOf(terms[term] as string, strings);
        termWeights[termAt] = weights[term] as number;
        termAt += 1;
      }
      termEnds[at] = termAt;
    }
    const packed: PackedScores = {
      id,
      stringsFrom,
      strings,
      count,
      langs,
      labels,
      sentimentScores,
      sentimentVersions,
      searchTexts: searchTexts.join(''),
      searchTextEnds,
      termNumbers,
      termWeights,
      termEnds,
    };
    const transfer = [langs, labels, sentimentScores, sentimentVersions, searchTextEnds, termNumbers, termWeights, termEnds].map((array) => array.buffer as ArrayBuffer);
    return { packed, transfer };
  } catch (error) {
    numbering.restart();
    throw error;
  }
}

/** The receiving side of one thread's StringNumbering: the strings by number, as they came. */
export class StringTable {
  private readonly strings: string[] = [];

  /**
   * Takes in an answer's new strings; false when they do not follow what this table holds (an answer lost: the thread
   * and this table no longer agree, and neither can be trusted).
   */
  receive(packed: Pick<PackedScores, 'stringsFrom' | 'strings'>): boolean {
    if (packed.stringsFrom === 0) this.strings.length = 0;
    if (packed.stringsFrom !== this.strings.length) return false;
    for (const value of packed.strings) this.strings.push(value);
    return true;
  }

  at(number: number): string {
    const value = this.strings[number];
    if (value === undefined) throw new RangeError(`score answer: no string numbered ${number}`);
    return value;
  }
}

/** The answers of a chunk packed by packScores, once `table` has received its strings. */
export function unpackScores(packed: PackedScores, table: StringTable): ScoredText[] {
  const scored: ScoredText[] = new Array(packed.count);
  let textStart = 0;
  let termStart = 0;
  for (let at = 0; at < packed.count; at += 1) {
    const lang = packed.langs[at] as number;
    const score = packed.sentimentScores[at] as number;
    const textEnd = packed.searchTextEnds[at] as number;
    const termEnd = packed.termEnds[at] as number;
    const terms: string[] = new Array(termEnd - termStart);
    for (let term = termStart; term < termEnd; term += 1) terms[term - termStart] = table.at(packed.termNumbers[term] as number);
    scored[at] = {
      scores: {
        lang: lang === -1 ? null : table.at(lang),
        sentiment: { label: table.at(packed.labels[at] as number) as SentimentLabel, score: Number.isNaN(score) ? null : score },
        sentimentVersion: packed.sentimentVersions[at] === -1 ? undefined : packed.sentimentVersions[at],
      },
      searchText: packed.searchTexts.slice(textStart, textEnd),
      // A view of the chunk's weights: read in order by story assignment, never kept past the batch.
      storyTerms: { terms, weights: packed.termWeights.subarray(termStart, termEnd) },
    };
    textStart = textEnd;
    termStart = termEnd;
  }
  return scored;
}

/** What a thread posts for `answer` (answerScoreRequest's): its packed form, or the error as it is. */
export function packedAnswer(answer: ScoreAnswer, numbering: StringNumbering): { message: PackedScores | ScoreFailure; transfer: ArrayBuffer[] } {
  if (answer.error !== undefined) return { message: { id: answer.id, error: answer.error }, transfer: [] };
  try {
    const { packed, transfer } = packScores(answer.id, answer.scored, numbering);
    return { message: packed, transfer };
  } catch (error) {
    return { message: { id: answer.id, error: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

/** A chunk the thread could not score. */
export interface ScoreFailure {
  id: number;
  error: string;
}
