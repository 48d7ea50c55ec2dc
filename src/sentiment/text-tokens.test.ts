// The tokenizer reads any text in one bounded pass: capped length, no over-long token, emoji apart, a time budget.
import { describe, expect, it } from 'vitest';
import { MAX_SCORED_CHARS, MAX_TOKEN_CHARS, tokenizeText, type TextToken } from './text-tokens.js';

describe('tokenizeText', () => {
  it('strips punctuation from words, keeps emoticons and contractions, and marks clause and sentence ends', () => {
    const { tokens, exclamations, questions } = tokenizeText("Well, I can't say it's good :) Really?! No.");
    expect(tokens.map((token) => token.text)).toEqual(['Well', 'I', "can't", 'say', "it's", 'good', ':)', 'Really', 'No']);
    expect(tokens.filter((token) => token.clauseEnd).map((token) => token.text)).toEqual(['Well']);
    expect(tokens.filter((token) => token.sentenceEnd).map((token) => token.text)).toEqual(['Really', 'No']);
    expect({ exclamations, questions }).toEqual({ exclamations: 1, questions: 1 });
  });

  it('splits emoji from the words they are written against', () => {
    const { tokens } = tokenizeText('great😀😀 bad👎🏽');
    expect(tokens.map((token) => [token.text, token.emoji])).toEqual([
      ['great', false],
      ['😀', true],
      ['😀', true],
      ['bad', false],
      ['👎', true],
    ]);
  });

  it('tells shouting apart only when some words are not shouted', () => {
    expect(tokenizeText('This is GREAT').mixedCase).toBe(true);
    expect(tokenizeText('THIS IS GREAT').mixedCase).toBe(false);
    expect(tokenizeText('This is GREAT').tokens.map((token) => token.shouted)).toEqual([false, false, true]);
  });

  it('leaves @handles and links out, counting them', () => {
    const { tokens, markers } = tokenizeText('@happyfeet see https://example.com/best-deals #win www.x.y');
    expect(tokens.map((token) => token.lower)).toEqual(['see', 'win']);
    expect(markers).toEqual({ handles: 1, hashtags: 1, links: 2 });
  });

  it('reads at most MAX_SCORED_CHARS and cuts a 100,000-letter run into tokens of at most MAX_TOKEN_CHARS', () => {
    const run = 'a'.repeat(100_000);
    const { tokens, charsLeftOut } = tokenizeText(run);
    expect(charsLeftOut).toBe(100_000 - MAX_SCORED_CHARS);
    expect(tokens).toHaveLength(Math.ceil(MAX_SCORED_CHARS / MAX_TOKEN_CHARS));
    expect(Math.max(...tokens.map((token) => token.text.length))).toBe(MAX_TOKEN_CHARS);
    expect(tokens.map((token) => token.text).join('')).toBe(run.slice(0, MAX_SCORED_CHARS));
  });

  it('stops where its time budget runs out and reads the rest as left out', () => {
    let asked = 0;
    const outOfTime = () => {
      asked += 1;
      return asked >= 3;
    };
    const text = 'word '.repeat(1_000); // 5,000 characters
    const { tokens, charsLeftOut } = tokenizeText(text, outOfTime);
    expect(asked).toBe(3);
    // Asked at characters 1023, 2047 and 3071: the third answer ends the text there.
    expect(charsLeftOut).toBe(5_000 - 3_071);
    expect(tokens).toHaveLength(Math.ceil(3_071 / 5));
  });
});

// The tokenizer as it was before it read index ranges instead of slices (it sliced each chunk, piece and trailing
// punctuation): the reference the faster one must equal token for token.
function slicingTokens(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let chunkStart = -1;
  for (let index = 0; index <= text.length; index++) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (!(code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000)) {
      if (chunkStart < 0) chunkStart = index;
      continue;
    }
    if (chunkStart >= 0 && text.charCodeAt(chunkStart) !== 64 && !/^(https?:\/\/|www\.)/.test(text.slice(chunkStart))) {
      const chunk = text.slice(chunkStart, index);
      let pieceStart = 0;
      let at = 0;
      while (at < chunk.length) {
        const codePoint = chunk.codePointAt(at) as number;
        const width = codePoint > 0xffff ? 2 : 1;
        if (codePoint >= 0x2000 && /\p{Extended_Pictographic}/u.test(String.fromCodePoint(codePoint))) {
          slicingPiece(chunk.slice(pieceStart, at), tokens);
          let end = at + width;
          while (end < chunk.length && isModifier(chunk.codePointAt(end) as number)) {
            end += (chunk.codePointAt(end) as number) > 0xffff ? 2 : 1;
          }
          const emoji = String.fromCodePoint(codePoint);
          tokens.push({ text: emoji, lower: emoji, shouted: false, emoji: true, clauseEnd: false, sentenceEnd: false });
          at = end;
          pieceStart = end;
          continue;
        }
        at += width;
      }
      slicingPiece(chunk.slice(pieceStart), tokens);
    }
    chunkStart = -1;
  }
  return tokens;
}

// Joiners, variation selectors and skin tones belong to the emoji before them.
function isModifier(codePoint: number): boolean {
  return codePoint === 0x200d || codePoint === 0xfe0f || (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff);
}

function slicingPiece(piece: string, tokens: TextToken[]): void {
  if (piece === '') return;
  const wordChar = (at: number) => /[\p{L}\p{N}]/u.test(piece[at] as string);
  let start = 0;
  let end = piece.length;
  while (start < end && !wordChar(start)) start += 1;
  while (end > start && !wordChar(end - 1)) end -= 1;
  const trailing = piece.slice(end);
  const token = (text: string, clauseEnd: boolean, sentenceEnd: boolean): TextToken => ({
    text,
    lower: text.toLowerCase().replace(/[’‘`]/g, "'"),
    // Capitals judged unit by unit, as the tokenizer does.
    shouted: !text.split('').some((unit) => /\p{Ll}/u.test(unit)) && text.split('').filter((unit) => /\p{Lu}/u.test(unit)).length >= 2,
    emoji: false,
    clauseEnd,
    sentenceEnd,
  });
  if (end === start) return void tokens.push(token(piece, /[,;]/.test(piece), /[.!?]/.test(piece)));
  if (start > 0 && end - start <= 2 && piece.length <= 4) return void tokens.push(token(piece, false, false));
  const word = piece.slice(start, end);
  for (let cut = 0; cut < word.length; cut += MAX_TOKEN_CHARS) {
    const last = cut + MAX_TOKEN_CHARS >= word.length;
    tokens.push(token(word.slice(cut, cut + MAX_TOKEN_CHARS), last && /[,;:)—–-]/.test(trailing), last && /[.!?]/.test(trailing)));
  }
}

describe('tokenizeText reads index ranges', () => {
  it.each([
    ['a run cut into pieces, punctuation after the last one only', `${'x'.repeat(100)}, next. ${'y'.repeat(48)}! end`],
    ['emoji against words and modifiers', 'great😀😀 bad👎🏽, ok👍🏻! fine…'],
    ['emoticons, punctuation alone, dashes', ':D ;P :-o ... !! — – - word— word–, (word) "quoted".'],
    ['typographic apostrophes and shouting', 'It’s GREAT ‘really’ `odd` CAN’T WON’T'],
    ['letters beyond ASCII and lone surrogates', 'Łódź ŻÓŁW źle \uD800x y\uDC00 ß ǅ'],
    // A plain chunk (printable ASCII, no capital, no "`") skips lower-casing and the capitals count; one character
    // off that makes the chunk take the general way.
    ['plain chunks beside nearly plain ones', "plain it's ok~ {x} odd`s caPs é-word word-é \u007fdel nul\u0000x a\u00a0b c\u3000d ok.. :) :P"],
    ['empty text', ''],
    ['whitespace only', ' \n\t\u00a0\u3000 '],
    ['plain and shouted runs past MAX_TOKEN_CHARS', `${'ab'.repeat(60)}; ${'AB'.repeat(60)}! ${'a1'.repeat(30)}é`],
  ])('%s: the same tokens as the slicing tokenizer', (_, text) => {
    expect(tokenizeText(text).tokens).toEqual(slicingTokens(text));
  });

  it('gives the same tokens as the slicing tokenizer on random text of the characters that matter', () => {
    const alphabet = ['a', 'B', 'ż', 'Ł', '1', ' ', '\n', ',', '.', '!', '?', ':', ')', '(', '-', '—', "'", '’', '😀', '🏽', '\u200d', '#', '@', 'D', 'x'.repeat(30), 'http://a.b', '`', '~', 'é', '\u007f', '\u0000', '\u00a0'];
    let seed = 3;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 5_000; round++) {
      const text = Array.from({ length: Math.floor(random() * 16) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(tokenizeText(text).tokens, JSON.stringify(text)).toEqual(slicingTokens(text));
    }
  });
});
