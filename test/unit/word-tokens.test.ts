// Word tokens: # and @ mark tags and handles only at a word start; a dot between words separates them.
import { describe, expect, it } from 'vitest';
import { foldByCharacter, foldText, foldWhole, wordTokens, type WordToken } from '../../src/mentions/word-tokens.js';

/** Tokens written compactly: "#acme" for a tag, "@acme" for a handle, "acme" for a plain word. */
const spelled = (tokens: WordToken[]) => tokens.map((token) => `${token.marker}${token.word}`);

describe('wordTokens markers', () => {
  it.each([
    ['press@acmecorp.com', ['press', 'acmecorp', 'com']],
    ['x @y', ['x', '@y']],
    ['a#b', ['a', 'b']],
    ['#acme!', ['#acme']],
    ['(@acme)', ['@acme']],
    ['thanks,@acme', ['thanks', '@acme']],
    ['see acme.#launch', ['see', 'acme', 'launch']],
    ['3#4', ['3', '4']],
    ['under_#score', ['under_', 'score']],
    ['#Acme @Globex', ['#acme', '@globex']],
  ])('reads %j as %j', (text, expected) => {
    expect(spelled(wordTokens(text))).toEqual(expected);
  });
});

describe('wordTokens after a dot', () => {
  it.each([
    ['release.Acme', ['release', 'acme']],
    ['node.js', ['node', 'js']],
    ['www.acme.com', ['www', 'acme', 'com']],
    ['v1.2.3', ['v1', '2', '3']],
  ])('splits %j into %j', (text, expected) => {
    expect(spelled(wordTokens(text))).toEqual(expected);
  });
});

describe('foldText character by character', () => {
  // Every character foldByCharacter folds alone: U+0000–U+017F and U+2010–U+203F.
  const alone = [
    ...Array.from({ length: 0x180 }, (_, code) => String.fromCharCode(code)),
    ...Array.from({ length: 0x30 }, (_, at) => String.fromCharCode(0x2010 + at)),
  ];

  it('gives what folding the whole text gives, for every pair of the characters it folds alone', () => {
    const differing: string[] = [];
    for (const first of alone) {
      for (const second of alone) {
        const text = first + second;
        if (foldByCharacter(text) !== foldWhole(text)) differing.push(text);
      }
    }
    expect(differing).toEqual([]);
  });

  it('gives what folding the whole text gives on random text of them, and folds the rest whole', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = [...alone, 'Word', 'ŁÓDŹ', ' ', '\n'];
    for (let round = 0; round < 3_000; round++) {
      const text = Array.from({ length: Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(foldByCharacter(text), JSON.stringify(text)).toBe(foldWhole(text));
      expect(foldText(text), JSON.stringify(text)).toBe(foldWhole(text));
    }
    expect(foldText('Łódź “quoted” – ½ … ŉ ſ Ĳ İ')).toBe('lodz “quoted” – 1⁄2 ... ʼn s ij i');
  });

  it('leaves to whole-text folding what does not fold alone: combining marks, Greek sigma, emoji, other scripts', () => {
    for (const text of ['e\u0301', 'ΟΔΟΣ Σ', 'great😀', '２０２４', 'Ⅻ', '\uD800', 'ǅemal']) {
      expect(foldByCharacter(text), text).toBeUndefined();
      expect(foldText(text), text).toBe(foldWhole(text));
    }
    expect(foldText('ΟΔΟΣ')).toBe('οδος');
  });
});

describe('wordTokens by scanning', () => {
  // The regular expression it replaced (match objects for every word were most of the scorer's garbage): the
  // reference the scan must equal.
  const TOKEN = /([#@]?)([\p{L}\p{N}_]+)/gu;
  const GLUED = /[\p{L}\p{N}_.@#]/u;
  const byExpression = (text: string): WordToken[] => {
    const folded = foldText(text);
    return [...folded.matchAll(TOKEN)].map((match) => {
      const marker = match[1] as WordToken['marker'];
      const before = match.index > 0 ? (folded[match.index - 1] as string) : '';
      return { word: match[2] as string, marker: marker !== '' && !GLUED.test(before) ? marker : '' };
    });
  };

  it('folds plain ASCII by lower-casing, as the full folding does', () => {
    expect(foldText('Acme #Launch @Globex, v1.2_x\tTAB\nline')).toBe('acme #launch @globex, v1.2_x\ttab\nline');
    expect(foldText('Łódź ŻÓŁW Ærø ß')).toBe('lodz zolw aero ss');
  });

  it('gives the words and markers of the regular expression on random text of the characters that matter', () => {
    const alphabet = ['a', 'B', '1', '_', '#', '@', '.', ' ', '-', 'ł', 'Ł', 'é', '😀', '\uD800', '\uDC00', 'ß', '２', 'Ⅻ', '\u0301', '’', ',', '\n', 'ǅ', 'İ', '𝐀'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 20_000; round++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(wordTokens(text), JSON.stringify(text)).toEqual(byExpression(text));
    }
  });
});
