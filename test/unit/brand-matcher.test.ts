// The brand-matching table: whole words, phrases, case, diacritics, #tags, @handles, exclusions, punctuation, numbers.
import { describe, expect, it } from 'vitest';
import {
  compilePhrase,
  keywordPredicate,
  matchBrands,
  toMatchDocument,
  type BrandRule,
} from '../../src/mentions/brand-matcher.js';

interface MatchCase {
  keywords: string[];
  exclude?: string[];
  title?: string | null;
  text: string;
  matches: boolean;
}

function documentFor(text: string, title: string | null = null) {
  return toMatchDocument({ title, text });
}

const MATCH_TABLE: Array<[string, MatchCase]> = [
  // Whole words.
  ['a plain keyword matches its word in a sentence', { keywords: ['acme'], text: 'We tried the Acme anvil today.', matches: true }],
  ['a plain keyword matches before a possessive', { keywords: ['acme'], text: "Acme's launch went well", matches: true }],
  ['a plain keyword matches before a typographic possessive', { keywords: ['acme'], text: 'Acme’s launch went well', matches: true }],
  ['a plain keyword matches its #tag', { keywords: ['acme'], text: 'Loving it #acme', matches: true }],
  ['a plain keyword matches its @handle', { keywords: ['acme'], text: 'thanks @acme for the fast reply', matches: true }],
  ['a plain keyword matches inside hyphenated words', { keywords: ['acme'], text: 'the acme-branded skates', matches: true }],
  ['a plain keyword does not match a longer word it starts', { keywords: ['acme'], text: 'Acmeology is a new field', matches: false }],
  ['a plain keyword does not match a longer word it ends', { keywords: ['acme'], text: 'a subacme variant', matches: false }],
  ['a plain keyword does not match a word joined by an underscore', { keywords: ['acme'], text: 'file acme_report.pdf', matches: false }],
  ['a plain keyword does not match unrelated text', { keywords: ['acme'], text: 'Globex reports results', matches: false }],

  // Phrases.
  ['a phrase matches across several spaces and other case', { keywords: ['acme corp'], text: 'shares of ACME  Corp rose', matches: true }],
  ['a phrase matches across a line break', { keywords: ['acme corp'], text: 'shares of Acme\nCorp rose', matches: true }],
  ['a phrase matches across punctuation', { keywords: ['acme corp'], text: 'the Acme-Corp. deal', matches: true }],
  ['a phrase does not match when another word sits between its words', { keywords: ['acme corp'], text: 'acme and corp', matches: false }],
  ['a phrase does not match its words in the other order', { keywords: ['acme corp'], text: 'corp acme', matches: false }],
  ['a phrase does not match when only its first word is present', { keywords: ['acme corp'], text: 'acme corporation', matches: false }],

  // Case and diacritics.
  ['matching ignores case', { keywords: ['Acme'], text: 'ACME SKATES', matches: true }],
  ['a plain-ASCII keyword matches a Polish place name', { keywords: ['lodz'], text: 'Nowy sklep w Łódź już otwarty', matches: true }],
  ['a keyword with diacritics matches text without them', { keywords: ['Łódź'], text: 'LODZ FASHION WEEK', matches: true }],
  ['an accented keyword matches the unaccented word', { keywords: ['café'], text: 'the cafe on the corner', matches: true }],
  ['an unaccented keyword matches the accented word', { keywords: ['cafe'], text: 'le Café de Flore', matches: true }],
  ['German ß matches ss', { keywords: ['strasse'], text: 'Die Hauptstraße ist gesperrt, Straße frei', matches: true }],
  ['ss in a keyword matches German ß', { keywords: ['Straße'], text: 'STRASSE', matches: true }],
  ['a keyword with Polish diacritics matches upper-case text', { keywords: ['Zażółć'], text: 'ZAŻÓŁĆ GĘŚLĄ JAŹŃ', matches: true }],
  ['a folded keyword matches Polish text with diacritics', { keywords: ['zazolc gesla jazn'], text: 'Zażółć gęślą jaźń', matches: true }],
  ['full-width letters match their ASCII keyword', { keywords: ['acme'], text: 'ＡＣＭＥ sale', matches: true }],
  ['ø folds to o', { keywords: ['orsted'], text: 'Ørsted wind farm', matches: true }],

  // Hashtags.
  ['a #tag keyword matches the tag in any case', { keywords: ['#acme'], text: 'big day #Acme', matches: true }],
  ['a #tag keyword does not match the plain word', { keywords: ['#acme'], text: 'big day for acme', matches: false }],
  ['a #tag keyword does not match the @handle', { keywords: ['#acme'], text: 'big day @acme', matches: false }],
  ['a #tag keyword does not match a longer tag', { keywords: ['#acme'], text: 'big day #acmefans', matches: false }],

  // Handles.
  ['an @handle keyword matches the handle in any case', { keywords: ['@acmecorp'], text: 'cc @AcmeCorp please', matches: true }],
  ['an @handle keyword does not match the plain word', { keywords: ['@acmecorp'], text: 'acmecorp is slow', matches: false }],
  ['an @handle keyword does not match the #tag', { keywords: ['@acmecorp'], text: 'so slow #acmecorp', matches: false }],
  // An e-mail address is not a handle: "@acmecorp" inside it is the domain, not someone tagging the account.
  ['an @handle keyword does not match inside an e-mail address', { keywords: ['@acmecorp'], text: 'write to press@acmecorp.com', matches: false }],

  // Exclusions.
  ['an excluded phrase rejects the item', { keywords: ['acme'], exclude: ['acme fruit'], text: 'The Acme fruit harvest begins', matches: false }],
  [
    'an excluded phrase rejects the item even when the keyword also occurs elsewhere',
    { keywords: ['acme'], exclude: ['acme fruit'], text: 'Acme skates are great. Also: acme fruit is ripe.', matches: false },
  ],
  ['an exclusion matches whole words only', { keywords: ['acme'], exclude: ['acme fruit'], text: 'Acme fruitcake recall', matches: true }],
  ['an exclusion in the title rejects the item', { keywords: ['acme'], exclude: ['acme fruit'], title: 'Acme Fruit news', text: 'acme', matches: false }],
  ['any keyword may match', { keywords: ['globex', '#acme'], text: 'news about #acme', matches: true }],

  // Keywords with punctuation.
  ['a dotted keyword matches its spelling', { keywords: ['node.js'], text: 'Released: Node.js 22', matches: true }],
  ['a dotted keyword matches the words with a space', { keywords: ['node.js'], text: 'a node js tutorial', matches: true }],
  ['a dotted keyword does not match the run-together word', { keywords: ['node.js'], text: 'nodejs tutorial', matches: false }],
  ['a dotted keyword does not match its first word alone', { keywords: ['node.js'], text: 'each graph node has edges', matches: false }],
  ['a domain keyword does not match its first word alone', { keywords: ['bun.sh'], text: 'a sesame bun for lunch', matches: false }],
  ['a domain keyword matches the domain', { keywords: ['bun.sh'], text: 'install from bun.sh today', matches: true }],
  ['a word right after a full stop without a space matches', { keywords: ['acme'], text: 'new release.Acme rocks', matches: true }],
  ['a word inside a web address matches', { keywords: ['acme'], text: 'see www.acme.com for details', matches: true }],
  ['a hyphenated keyword matches the spaced spelling', { keywords: ['7-eleven'], text: 'the 7 Eleven on Main St', matches: true }],

  // Title-only matches.
  ['a keyword only in the title matches', { keywords: ['acme'], title: 'Acme opens an office', text: 'The office opens on Monday.', matches: true }],
  ['a keyword in neither title nor text does not match', { keywords: ['acme'], title: 'Globex opens an office', text: 'Monday.', matches: false }],

  // Numbers.
  ['a keyword with digits matches', { keywords: ['3m'], text: '3M reports earnings', matches: true }],
  ['a phrase with a number matches', { keywords: ['windows 11'], text: 'Windows 11 update', matches: true }],
  ['a phrase with a number does not match a longer number', { keywords: ['windows 11'], text: 'Windows 110 update', matches: false }],
  ['a numeric keyword does not match a longer number', { keywords: ['1984'], text: 'in 19840 days', matches: false }],
];

describe('brand matching table', () => {
  it('has at least 30 cases', () => {
    expect(MATCH_TABLE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(MATCH_TABLE)('%s', (_name, { keywords, exclude, title, text, matches }) => {
    const predicate = keywordPredicate(keywords, exclude ?? []);
    expect(predicate(documentFor(text, title ?? null))).toBe(matches);
  });
});

describe('compilePhrase', () => {
  it.each(['!!!', '#', '@', '   ', '-', ''])('rejects %j, which has no letters or digits', (keyword) => {
    expect(() => compilePhrase(keyword)).toThrow(`"${keyword}" has no letters or digits to match`);
  });

  it('folds a keyword into word tokens with their markers', () => {
    expect(compilePhrase('Łódź Café')).toEqual([
      { word: 'lodz', marker: '' },
      { word: 'cafe', marker: '' },
    ]);
    expect(compilePhrase('#Acme')).toEqual([{ word: 'acme', marker: '#' }]);
    expect(compilePhrase('@AcmeCorp')).toEqual([{ word: 'acmecorp', marker: '@' }]);
  });

  it('makes keywordPredicate reject a keyword list containing such a keyword', () => {
    expect(() => keywordPredicate(['acme', '!!!'])).toThrow('"!!!" has no letters or digits to match');
  });
});

describe('matchBrands', () => {
  const rules: BrandRule[] = [
    { id: 'globex', matches: keywordPredicate(['globex']) },
    { id: 'acme', matches: keywordPredicate(['acme', 'acme corp'], ['acme fruit']) },
    { id: 'initech', matches: keywordPredicate(['initech']) },
    { id: 'hooli', matches: keywordPredicate(['@hooli']) },
  ];

  it('returns the ids of every brand the document mentions, in rule order', () => {
    const document = documentFor('Acme Corp beats Globex; Hooli (@hooli) stays quiet.', 'Initech? No.');
    expect(matchBrands(document, rules)).toEqual(['globex', 'acme', 'initech', 'hooli']);
  });

  it('keeps rule order, not the order of appearance in the text', () => {
    expect(matchBrands(documentFor('initech, then acme, then globex'), rules)).toEqual(['globex', 'acme', 'initech']);
  });

  it('leaves out a brand whose exclusion matches while keeping the others', () => {
    expect(matchBrands(documentFor('Globex buys the Acme fruit farm'), rules)).toEqual(['globex']);
  });

  it('returns no ids for a document that mentions no brand', () => {
    expect(matchBrands(documentFor('Sunny with some clouds.'), rules)).toEqual([]);
  });
});
