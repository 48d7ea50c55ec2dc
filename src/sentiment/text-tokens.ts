// Splits a text into the tokens sentiment scoring reads, in one linear pass whatever the input: at most
// MAX_SCORED_CHARS are read, no token is longer than MAX_TOKEN_CHARS (a longer run of letters is cut into pieces), and
// emoji become tokens of their own even when written against a word ("great😀").

/** What a scorer reads of one text; the rest of a longer text is left out (its opening carries its tone). */
export const MAX_SCORED_CHARS = 10_000;
/** No word in any lexicon is longer; a longer run (a URL, a hash, 100k repeated letters) is cut at this length. */
export const MAX_TOKEN_CHARS = 48;

export interface TextToken {
  /** The token as written, leading and trailing punctuation removed (emoticons keep theirs). */
  text: string;
  /** Lower-case, with typographic apostrophes made plain. */
  lower: string;
  /** Written in capitals: at least two letters and none of them lower-case ("GREAT", "WTF"). */
  shouted: boolean;
  emoji: boolean;
  /** Punctuation after the token closes a clause (, ; :) or a sentence (. ! ?). */
  clauseEnd: boolean;
  sentenceEnd: boolean;
}

export interface TokenizedText {
  tokens: TextToken[];
  exclamations: number;
  questions: number;
  /** Some but not all word tokens are shouted: only then do capitals add emphasis (VADER's rule). */
  mixedCase: boolean;
  /** How many @handles, #hashtags and links the text holds (social-media text, or a news link). */
  markers: { handles: number; hashtags: number; links: number };
  /** Characters left out by the MAX_SCORED_CHARS cap. */
  charsLeftOut: number;
}

const EMOJI = /\p{Extended_Pictographic}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
// Joiners, variation selectors and skin tones belong to the emoji before them.
function isEmojiModifier(codePoint: number): boolean {
  return codePoint === 0x200d || codePoint === 0xfe0f || (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff);
}

/** How often (in characters) the tokenizer asks whether its time budget is spent. */
const BUDGET_CHECK_CHARS = 1024;

/**
 * `outOfTime`, asked every BUDGET_CHECK_CHARS characters, ends tokenisation early (the text read so far is scored):
 * the per-mention time budget, for a machine so loaded that even the capped work takes too long.
 */
export function tokenizeText(input: string, outOfTime: () => boolean = () => false): TokenizedText {
  let text = input.length > MAX_SCORED_CHARS ? input.slice(0, MAX_SCORED_CHARS) : input;
  const tokens: TextToken[] = [];
  let exclamations = 0;
  let questions = 0;
  let chunkStart = -1;
  // Whether the chunk so far is plain: printable ASCII without capitals or "`" (see addChunk).
  let plain = true;
  const markers = { handles: 0, hashtags: 0, links: 0 };
  for (let index = 0; index <= text.length; index++) {
    if (index % BUDGET_CHECK_CHARS === BUDGET_CHECK_CHARS - 1 && index < text.length - 1 && outOfTime()) text = text.slice(0, index);
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (code === 33) exclamations += 1;
    else if (code === 63) questions += 1;
    const isSpace = code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000;
    if (!isSpace) {
      if (chunkStart < 0) {
        chunkStart = index;
        plain = true;
      }
      if (code > 126 || code < 32 || (code >= 65 && code <= 90) || code === 96) plain = false;
      continue;
    }
    if (chunkStart >= 0) {
      const first = text.charCodeAt(chunkStart);
      // Handles and links name things; they say nothing about them ("@happyfeet", ".../best-deals").
      if (first === 64) markers.handles += 1;
      else if (isLink(text, chunkStart)) markers.links += 1;
      else {
        if (first === 35) markers.hashtags += 1;
        if (plain) addPiece(text, chunkStart, index, tokens, true);
        else addChunk(text, chunkStart, index, tokens);
      }
    }
    chunkStart = -1;
  }
  let shouted = 0;
  let words = 0;
  for (const token of tokens) {
    if (token.emoji) continue;
    words += 1;
    if (token.shouted) shouted += 1;
  }
  return {
    tokens,
    exclamations,
    questions,
    mixedCase: shouted > 0 && shouted < words,
    markers,
    charsLeftOut: input.length - text.length,
  };
}

function isLink(text: string, start: number): boolean {
  return text.startsWith('http://', start) || text.startsWith('https://', start) || text.startsWith('www.', start);
}

// Chunks and pieces are read as index ranges of the text: the scorer tokenises every mention, and slicing each chunk,
// piece and trailing punctuation (and a fresh regular expression per test) made most of its garbage. A plain chunk
// (printable ASCII with no capital and no "`", told in the same pass that finds the chunks: most words of most
// texts) holds no emoji and is its own lower-case form, never shouted: it skips the emoji scan, the lower-casing, the
// apostrophe replacement and the capitals count (text-tokens.test.ts checks both ways agree).

/** One whitespace-delimited chunk, text[start, end): emoji split out, punctuation stripped, over-long runs cut. */
function addChunk(text: string, start: number, end: number, tokens: TextToken[]): void {
  let pieceStart = start;
  let index = start;
  while (index < end) {
    const codePoint = text.codePointAt(index) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    if (codePoint >= 0x2000 && isEmoji(codePoint)) {
      addPiece(text, pieceStart, index, tokens);
      let emojiEnd = index + width;
      while (emojiEnd < end && isEmojiModifier(text.codePointAt(emojiEnd) as number)) {
        emojiEnd += (text.codePointAt(emojiEnd) as number) > 0xffff ? 2 : 1;
      }
      const emoji = String.fromCodePoint(codePoint);
      tokens.push({ text: emoji, lower: emoji, shouted: false, emoji: true, clauseEnd: false, sentenceEnd: false });
      index = emojiEnd;
      pieceStart = emojiEnd;
      continue;
    }
    index += width;
  }
  addPiece(text, pieceStart, end, tokens);
}

// Whether each code point of the Basic Multilingual Plane is an emoji, once asked (0: not yet, 1: yes, 2: no):
// typographic quotes and dashes (U+2000 and up) are in most texts.
const BMP_EMOJI = new Uint8Array(0x10000);

function isEmoji(codePoint: number): boolean {
  if (codePoint > 0xffff) return EMOJI.test(String.fromCodePoint(codePoint));
  if (BMP_EMOJI[codePoint] === 0) BMP_EMOJI[codePoint] = EMOJI.test(String.fromCharCode(codePoint)) ? 1 : 2;
  return BMP_EMOJI[codePoint] === 1;
}

/** The piece text[start, end) of a chunk, between emoji. */
function addPiece(text: string, start: number, end: number, tokens: TextToken[], plain = false): void {
  if (start === end) return;
  let wordStart = start;
  let wordEnd = end;
  while (wordStart < wordEnd && !isWordChar(text, wordStart)) wordStart += 1;
  while (wordEnd > wordStart && !isWordChar(text, wordEnd - 1)) wordEnd -= 1;
  if (wordEnd === wordStart) {
    // Punctuation only (":)", "...", "!!"): kept whole for the lexicon to judge.
    tokens.push(makeToken(text.slice(start, end), hasAny(text, start, end, CLAUSE_PUNCTUATION_ONLY), hasAny(text, start, end, SENTENCE_END), plain));
    return;
  }
  if (wordStart > start && wordEnd - wordStart <= 2 && end - start <= 4) {
    // An emoticon with letters in it: ":D", ";P", ":-o".
    tokens.push(makeToken(text.slice(start, end), false, false, plain));
    return;
  }
  const clauseEnd = hasAny(text, wordEnd, end, CLAUSE_END);
  const sentenceEnd = hasAny(text, wordEnd, end, SENTENCE_END);
  for (let cut = wordStart; cut < wordEnd; cut += MAX_TOKEN_CHARS) {
    const last = cut + MAX_TOKEN_CHARS >= wordEnd;
    tokens.push(makeToken(text.slice(cut, last ? wordEnd : cut + MAX_TOKEN_CHARS), last && clauseEnd, last && sentenceEnd, plain));
  }
}

// Punctuation after a word that ends its clause or its sentence; a piece of punctuation alone ends a clause only
// with a comma or semicolon.
const CLAUSE_END = new Set([',', ';', ':', ')', '—', '–', '-'].map((sign) => sign.charCodeAt(0)));
const CLAUSE_PUNCTUATION_ONLY = new Set([',', ';'].map((sign) => sign.charCodeAt(0)));
const SENTENCE_END = new Set(['.', '!', '?'].map((sign) => sign.charCodeAt(0)));

function hasAny(text: string, start: number, end: number, signs: ReadonlySet<number>): boolean {
  for (let index = start; index < end; index++) if (signs.has(text.charCodeAt(index))) return true;
  return false;
}

const TYPOGRAPHIC_APOSTROPHES = /[’‘`]/g;

/** `plain`: the token is printable ASCII without capitals or "`" (see tokenizeText). */
function makeToken(text: string, clauseEnd: boolean, sentenceEnd: boolean, plain: boolean): TextToken {
  if (plain) return { text, lower: text, shouted: false, emoji: false, clauseEnd, sentenceEnd };
  const lower = text.toLowerCase().replace(TYPOGRAPHIC_APOSTROPHES, "'");
  return { text, lower, shouted: isShouted(text), emoji: false, clauseEnd, sentenceEnd };
}

function isWordChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57)) return true;
  if (code < 128) return false;
  return LETTER_OR_DIGIT.test(text[index] as string);
}

function isShouted(text: string): boolean {
  let letters = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    const code = char.charCodeAt(0);
    if (code >= 97 && code <= 122) return false;
    if (code >= 65 && code <= 90) letters += 1;
    else if (code >= 128) {
      if (LOWER.test(char)) return false;
      if (UPPER.test(char)) letters += 1;
    }
  }
  return letters >= 2;
}
