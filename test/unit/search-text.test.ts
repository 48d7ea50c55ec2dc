// Full-text search sees the same folded words as brand matching, both in what it indexes and in what it is asked.
import { describe, expect, it } from 'vitest';
import { searchQuery, searchableText } from '../../src/mentions/search-text.js';
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
