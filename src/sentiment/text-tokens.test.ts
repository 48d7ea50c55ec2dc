// The tokenizer reads any text in one bounded pass: capped length, no over-long token, emoji apart, a time budget.
import { describe, expect, it } from 'vitest';
import { MAX_SCORED_CHARS, MAX_TOKEN_CHARS, tokenizeText } from './text-tokens.js';

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
