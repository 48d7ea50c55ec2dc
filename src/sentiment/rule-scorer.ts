// Lexicon-and-rules scoring in VADER's manner, for any language that supplies its word lists (SentimentRules):
// valences, phrases scored as one unit, degree adverbs, negation within a clause, capitals and "!" emphasis,
// contrast ("but") and concession ("although"), and sarcasm openers. One linear pass over the capped tokens.
import { EMOJI_VALENCES } from './emoji-valences.js';
import type { TextToken, TokenizedText } from './text-tokens.js';

export interface SentimentRules {
  /** The form words are looked up in (lower-case; folded where the language writes without diacritics). */
  key(token: TextToken): string;
  /** Valence of the word at `index` on VADER's -4..4 scale, or undefined when it carries none. */
  valence(keys: readonly string[], index: number): number | undefined;
  /** Multi-word units ("no response", "nie polecam"), keyed by their words joined with one space. */
  phrases: ReadonlyMap<string, number>;
  longestPhrase: number;
  /** Whether the word at `index` negates a sentiment word `distance` words after it. */
  negates(keys: readonly string[], index: number, distance: number): boolean;
  /** "never so good": a negator that intensifies instead; the factor, or undefined. */
  intensifyingNegation?(keys: readonly string[], negatorAt: number, sentimentAt: number): number | undefined;
  /** Degree adverbs (one word, or two joined with a space): +0.293 stronger, -0.293 weaker. */
  boosters: ReadonlyMap<string, number>;
  contrastAfter: ReadonlySet<string>;
  concessive: ReadonlySet<string>;
  sarcasmOpeners: ReadonlySet<string>;
  /** How many words back a negator still reaches, within its clause. */
  negationScope: number;
}

export interface RuleScore {
  /** VADER's compound score in (-1, 1). */
  compound: number;
  /** Sum of positive and of negative valences (after rules), before normalisation. */
  positive: number;
  negative: number;
  /** Tokens that carried sentiment, and the strongest valence of each sign. */
  sentimentTokens: number;
  strongestPositive: number;
  strongestNegative: number;
  words: number;
  /** Loop steps the scoring took: what proves it linear in the tokens (tests count these, never the clock). */
  steps: number;
}

// VADER's constants: capitals add 0.733, a negation multiplies by -0.74, each "!" (up to 4) adds 0.292.
const CAPS_INCREMENT = 0.733;
const NEGATION_SCALAR = -0.74;
const EXCLAMATION_INCREMENT = 0.292;
const MAX_EXCLAMATIONS = 4;
const BOOSTER_DISTANCE_DAMPING = [1, 0.95, 0.9];
const BEFORE_CONTRAST_WEIGHT = 0.5;
const AFTER_CONTRAST_WEIGHT = 1.5;
/** VADER's normalisation: sum / sqrt(sum² + alpha) maps any sum into (-1, 1). */
const NORMALISATION_ALPHA = 15;
const HAS_TWO_LETTERS = /\p{L}{2}/u;
const EMPTY: ReadonlySet<number> = new Set();

interface Work {
  steps: number;
}

// Per rule set, its phrases as a tree of words and the words that end a two-word booster: a phrase is found word by
// word, with no phrase string built ("the", "a" and "no" open phrases and are in most texts), and most tokens end no
// booster pair.
/** The phrases that start with the words on the way here: the valence of the one that ends here, and what follows. */
export interface PhraseNode {
  valence: number | undefined;
  next: Map<string, PhraseNode>;
}
const phraseTrees = new WeakMap<SentimentRules, PhraseNode>();
const boosterEnds = new WeakMap<SentimentRules, ReadonlySet<string>>();

/** rules.phrases as a tree; a token's key holds no space, so the words of a phrase are its parts between spaces. */
export function phraseTree(rules: SentimentRules): PhraseNode {
  let root = phraseTrees.get(rules);
  if (root === undefined) {
    root = { valence: undefined, next: new Map() };
    for (const [phrase, valence] of rules.phrases) {
      let node = root;
      for (const word of phrase.split(' ')) {
        let child = node.next.get(word);
        if (child === undefined) {
          child = { valence: undefined, next: new Map() };
          node.next.set(word, child);
        }
        node = child;
      }
      node.valence = valence;
    }
    phraseTrees.set(rules, root);
  }
  return root;
}

function lastWordsOfBoosterPairs(rules: SentimentRules): ReadonlySet<string> {
  let words = boosterEnds.get(rules);
  if (words === undefined) {
    words = new Set([...rules.boosters.keys()].filter((booster) => booster.includes(' ')).map((booster) => booster.split(' ').at(-1) as string));
    boosterEnds.set(rules, words);
  }
  return words;
}

/** Scores tokenised text with a language's rules; `masked` tokens (brand names) carry no sentiment. */
export function scoreByRules(tokenized: TokenizedText, rules: SentimentRules, masked: ReadonlySet<number> = EMPTY): RuleScore {
  const { tokens } = tokenized;
  const keys = tokens.map((token) => rules.key(token));
  const valences = new Float64Array(tokens.length);
  const consumed = new Uint8Array(tokens.length);
  const work: Work = { steps: 0 };
  markPhrases(tokens, keys, rules, valences, consumed, masked, work);
  for (let index = 0; index < tokens.length; index++) {
    work.steps += 1;
    if (consumed[index] === 1 || masked.has(index)) continue;
    const token = tokens[index] as TextToken;
    const base = token.emoji ? EMOJI_VALENCES.get(token.lower) : rules.valence(keys, index);
    if (base === undefined || base === 0) continue;
    let valence = base;
    if (token.shouted && tokenized.mixedCase) valence += valence > 0 ? CAPS_INCREMENT : -CAPS_INCREMENT;
    // Emoticons and emoji say what they say: "Nope :-)" is not a frown.
    if (!token.emoji && HAS_TWO_LETTERS.test(token.lower)) {
      valence = modifiedByPrecedingWords(tokens, keys, rules, index, valence, tokenized.mixedCase, work);
    }
    valences[index] = valence;
  }
  applySarcasm(keys, rules, valences, work);
  applyContrast(tokens, keys, rules, valences, work);
  let positive = 0;
  let negative = 0;
  let sentimentTokens = 0;
  let strongestPositive = 0;
  let strongestNegative = 0;
  for (const valence of valences) {
    work.steps += 1;
    if (valence > 0) positive += valence;
    else if (valence < 0) negative += valence;
    strongestPositive = Math.max(strongestPositive, valence);
    strongestNegative = Math.min(strongestNegative, valence);
    if (valence !== 0) sentimentTokens += 1;
  }
  let sum = positive + negative;
  const emphasis = Math.min(tokenized.exclamations, MAX_EXCLAMATIONS) * EXCLAMATION_INCREMENT + questionEmphasis(tokenized.questions);
  if (sum > 0) sum += emphasis;
  else if (sum < 0) sum -= emphasis;
  const compound = sum / Math.sqrt(sum * sum + NORMALISATION_ALPHA);
  return { compound, positive, negative, sentimentTokens, strongestPositive, strongestNegative, words: tokens.length, steps: work.steps };
}

// A multi-word phrase scores as one unit at its last word; its words are then consumed.
function markPhrases(
  tokens: readonly TextToken[],
  keys: readonly string[],
  rules: SentimentRules,
  valences: Float64Array,
  consumed: Uint8Array,
  masked: ReadonlySet<number>,
  work: Work,
): void {
  const root = phraseTree(rules);
  for (let start = 0; start < tokens.length; start++) {
    work.steps += 1;
    let node = root.next.get(keys[start] as string);
    if (node === undefined || masked.has(start)) continue;
    for (let length = 2; length <= rules.longestPhrase && start + length <= tokens.length; length++) {
      work.steps += 1;
      const previous = tokens[start + length - 2] as TextToken;
      if (previous.sentenceEnd || previous.clauseEnd) break;
      node = node.next.get(keys[start + length - 1] as string);
      // No phrase goes on with these words.
      if (node === undefined) break;
      const { valence } = node;
      if (valence === undefined) continue;
      for (let offset = 0; offset < length; offset++) consumed[start + offset] = 1;
      valences[start + length - 1] = valence;
    }
  }
}

// Degree adverbs up to three words back, negators within the rules' scope in the same clause.
function modifiedByPrecedingWords(
  tokens: readonly TextToken[],
  keys: readonly string[],
  rules: SentimentRules,
  index: number,
  base: number,
  mixedCase: boolean,
  work: Work,
): number {
  let valence = base;
  let negations = 0;
  const pairEnds = lastWordsOfBoosterPairs(rules);
  for (let distance = 1; distance <= rules.negationScope && index - distance >= 0; distance++) {
    work.steps += 1;
    const at = index - distance;
    const previous = tokens[at] as TextToken;
    if (previous.sentenceEnd || previous.clauseEnd) break;
    const key = keys[at] as string;
    if (distance <= BOOSTER_DISTANCE_DAMPING.length) {
      const boost = rules.boosters.get(key) ?? (at > 0 && pairEnds.has(key) ? rules.boosters.get(`${keys[at - 1] as string} ${key}`) : undefined);
      if (boost !== undefined) {
        let scalar = boost * (BOOSTER_DISTANCE_DAMPING[distance - 1] as number);
        if (previous.shouted && mixedCase) scalar += CAPS_INCREMENT * Math.sign(boost);
        valence += base > 0 ? scalar : -scalar;
      }
    }
    const intensifies = rules.intensifyingNegation?.(keys, at, index);
    if (intensifies !== undefined) valence *= intensifies;
    else if (rules.negates(keys, at, distance)) negations += 1;
    if (rules.contrastAfter.has(key)) break;
  }
  if (negations % 2 === 1) valence *= NEGATION_SCALAR;
  return valence;
}

// "Oh great, another outage": praise right after an opener such as "oh"/"just", in a text that is otherwise
// negative, is read as the complaint it is.
function applySarcasm(keys: readonly string[], rules: SentimentRules, valences: Float64Array, work: Work): void {
  if (rules.sarcasmOpeners.size === 0) return;
  let negativeElsewhere = false;
  for (const valence of valences) if (valence < 0) negativeElsewhere = true;
  if (!negativeElsewhere) return;
  for (let index = 1; index < keys.length; index++) {
    work.steps += 1;
    const valence = valences[index] as number;
    if (valence > 0 && rules.sarcasmOpeners.has(keys[index - 1] as string)) valences[index] = -valence;
  }
}

// Within a sentence, "but" (and its kin) halves what came before and raises what follows by half; a concessive
// clause ("although it is cheap, ...") is halved up to the end of its clause.
function applyContrast(tokens: readonly TextToken[], keys: readonly string[], rules: SentimentRules, valences: Float64Array, work: Work): void {
  let sentenceStart = 0;
  for (let index = 0; index < tokens.length; index++) {
    work.steps += 1;
    if ((tokens[index] as TextToken).sentenceEnd || index === tokens.length - 1) {
      weighSentence(tokens, keys, rules, valences, sentenceStart, index + 1, work);
      sentenceStart = index + 1;
    }
  }
}

function weighSentence(
  tokens: readonly TextToken[],
  keys: readonly string[],
  rules: SentimentRules,
  valences: Float64Array,
  start: number,
  end: number,
  work: Work,
): void {
  let contrastAt = -1;
  for (let index = start; index < end; index++) {
    work.steps += 1;
    const key = keys[index] as string;
    if (rules.contrastAfter.has(key)) {
      contrastAt = index;
      break;
    }
    if (rules.concessive.has(key)) {
      let clauseEnd = index;
      while (clauseEnd < end - 1 && !(tokens[clauseEnd] as TextToken).clauseEnd) {
        clauseEnd += 1;
        work.steps += 1;
      }
      if (clauseEnd >= end - 1) break; // no clause end ahead in this sentence: nothing to weigh, nothing to scan again
      for (let inClause = index; inClause <= clauseEnd; inClause++) {
        valences[inClause] = (valences[inClause] as number) * BEFORE_CONTRAST_WEIGHT;
      }
      index = clauseEnd;
    }
  }
  if (contrastAt < 0) return;
  for (let index = start; index < end; index++) {
    work.steps += 1;
    if (index < contrastAt) valences[index] = (valences[index] as number) * BEFORE_CONTRAST_WEIGHT;
    else if (index > contrastAt) valences[index] = (valences[index] as number) * AFTER_CONTRAST_WEIGHT;
  }
}

function questionEmphasis(questions: number): number {
  if (questions <= 1) return 0;
  return questions <= 3 ? questions * 0.18 : 0.96;
}
