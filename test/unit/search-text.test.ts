// Full-text search sees the same folded words as brand matching, both in what it indexes and in what it is asked.
import { describe, expect, it } from 'vitest';
import { searchQuery, searchableText, searchableWords } from '../../src/mentions/search-text.js';
import { wordTokens } from '../../src/mentions/word-tokens.js';

describe('searchableText', () => {
  it('folds and splits text into the words brand matching sees', () => {
    expect(searchableText('Node.js rocks: e-mail @acme #Łódź')).toBe('node js rocks e mail acme lodz');
  });

  it.each([
    'Release.Acme at press@acmecorp.com',
    'Zażółć GĘŚLĄ jaźń — Straße, ＡＣＭＥ',
    "Acme's 7-Eleven deal (node_modules)",
  ])('gives exactly the words of wordTokens for %j', (text) => {
    expect(searchableText(text)).toBe(wordTokens(text).map((token) => token.word).join(' '));
  });

  it('gives the empty string for text without words', () => {
    expect(searchableText(' -- !! ')).toBe('');
  });
});

describe('searchableWords', () => {
  // The scorer splits a title and a text into words apart and indexes them as searchableText of the two joined by a
  // space: the space must keep folding (final sigma, combining marks) and #tag/@handle markers from reaching across.
  const same = (title: string, text: string) =>
    expect(searchableWords(wordTokens(title), wordTokens(text))).toBe(searchableText(`${title} ${text}`));

  it.each([
    ['', 'Acme #launch'],
    ['   ', '@acme rocks'],
    ['ΟΔΥΣΣΕΥΣ', 'Σ'],
    ['news.', '#acme'],
    ['press@', '@acme'],
    ['e', '\u0301x ǅ'],
    ['İstanbul İ', 'ΣΑΣ. Σ'],
    ['tag#', '#tag_1 ＡＣＭＥ'],
  ])('gives the words of %j and %j joined by a space', same);

  it('gives them for random text of awkward characters', () => {
    const alphabet = ['a', 'Z', 'Σ', 'σ', 'ς', '\u0301', '\u0345', 'İ', 'ß', 'ł', '#', '@', '.', '_', '-', ' ', '1', '²', 'Ａ', "'", '\u00a0', '\n', '😀'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const text = () => Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let round = 0; round < 5_000; round++) same(text(), text());
  });
});

describe('searchQuery', () => {
  it.each([
    // Punctuation separates words, as in searchableText.
    ['node.js', 'node js'],
    ['e-mail', 'e mail'],
    ['#acme', ' acme'],
    ['@acme', ' acme'],
    ["Acme's", 'acme s'],
    // Folding, as in searchableText.
    ['Łódź', 'lodz'],
    ['ACME Corp', 'acme corp'],
    // websearch_to_tsquery syntax keeps its meaning: quotes, OR (it reads "or" as OR too) and a leading "-".
    ['"acme corp" OR globex', '"acme corp" or globex'],
    ['acme -spam', 'acme -spam'],
    ['-spam acme', '-spam acme'],
    ['"-spam"', '"-spam"'],
    ['(-spam)', ' -spam '],
    ['acme\t-spam', 'acme\t-spam'],
    // A dash that starts no word is punctuation.
    ['acme - spam', 'acme   spam'],
    ['acme-', 'acme '],
  ])('turns %j into %j', (query, expected) => {
    expect(searchQuery(query)).toBe(expected);
  });

  // websearch_to_tsquery('simple', 'acme -"acme fruit"') is 'acme' & !('acme' <-> 'fruit'): a negated phrase.
  it('keeps the "-" of a negated quoted phrase', () => {
    expect(searchQuery('acme -"acme fruit"')).toBe('acme -"acme fruit"');
  });
});
