// The brand query language: a table of matches (operators, precedence, NEAR, wildcards, site:, lang:, diacritics,
// #tags), a table of syntax errors with their positions, and the translation into search-API syntax.
import { detect } from 'tinyld';
import { describe, expect, it } from 'vitest';
import {
  compileBrandQuery,
  parseQuery,
  QuerySyntaxError,
  SEARCH_DIALECTS,
  toApiQueries,
  toQueryDocument,
  toSearchTerms,
  type QueryDocument,
  type SearchDialect,
} from '../../src/mentions/brand-query.js';

interface QueryCase {
  query: string;
  text: string;
  title?: string;
  url?: string | null;
  /** The source-given language; null (the default) makes lang: detect it from the text. */
  lang?: string | null;
  matches: boolean;
}

const ISSUE_QUERY = '("acme corp" OR acme OR #acme) AND NOT ("acme fruit" OR site:acme-fruit.example) lang:en';
const POLISH_TEXT = 'Acme otworzyła nowy sklep w Łodzi, a klienci są bardzo zadowoleni z obsługi.';
const ENGLISH_TEXT = 'Acme opened a new store in Lodz and the customers are very happy with the service.';
const NESTED = '((acme OR globex) (skates OR anvil)) OR initech';

const MATCH_TABLE: Array<[string, QueryCase]> = [
  // Terms and implicit AND.
  ['a term matches its whole word', { query: 'acme', text: 'We love Acme skates', matches: true }],
  ['a term does not match a longer word', { query: 'acme', text: 'Acmeology is a field', matches: false }],
  ['adjacent terms must all occur (implicit AND)', { query: 'acme skates', text: 'Acme makes great skates', matches: true }],
  ['implicit AND fails when one term is missing', { query: 'acme skates', text: 'Acme makes anvils', matches: false }],
  ['explicit AND in any order of the text', { query: 'acme AND skates', text: 'skates made by acme', matches: true }],
  ['OR matches either side', { query: 'acme OR globex', text: 'Globex news today', matches: true }],
  ['OR matches neither side', { query: 'acme OR globex', text: 'Initech news today', matches: false }],
  ['NOT excludes', { query: 'acme NOT fruit', text: 'The Acme fruit harvest', matches: false }],
  ['NOT passes when the excluded term is absent', { query: 'acme NOT fruit', text: 'The Acme skates', matches: true }],
  ['-term excludes', { query: 'acme -fruit', text: 'acme fruit', matches: false }],
  ['-"phrase" excludes the phrase', { query: 'acme -"acme fruit"', text: 'Acme fruit basket', matches: false }],
  ['-"phrase" keeps text with its words apart', { query: 'acme -"acme fruit"', text: 'Acme and fruit', matches: true }],
  ['AND NOT excludes', { query: 'acme AND NOT fruit', text: 'fruit of acme', matches: false }],
  ['a hyphen inside a word is not a negation', { query: '7-eleven', text: 'the 7 Eleven on Main St', matches: true }],

  // Precedence: NOT > AND > OR.
  ['AND binds tighter than OR: the lone OR side matches', { query: 'acme OR globex skates', text: 'Acme only', matches: true }],
  ['AND binds tighter than OR: the AND side needs both', { query: 'acme OR globex skates', text: 'Globex only', matches: false }],
  ['AND binds tighter than OR: the AND side with both', { query: 'acme OR globex skates', text: 'Globex skates', matches: true }],
  ['parentheses group an OR under AND: one missing', { query: '(acme OR globex) skates', text: 'Acme only', matches: false }],
  ['parentheses group an OR under AND: both present', { query: '(acme OR globex) skates', text: 'globex skates', matches: true }],
  ['explicit AND binds tighter than OR', { query: 'acme AND skates OR globex', text: 'globex', matches: true }],
  ['explicit AND binds tighter than OR: the AND side alone', { query: 'acme AND skates OR globex', text: 'acme', matches: false }],
  ['NOT binds tighter than AND', { query: 'NOT fruit acme', text: 'acme', matches: true }],
  ['NOT binds tighter than AND: excluded', { query: 'NOT fruit acme', text: 'acme fruit', matches: false }],
  ['NOT applies to its OR side only: the other side matches', { query: 'acme OR globex NOT fruit', text: 'acme fruit', matches: true }],
  ['NOT applies to its OR side only: that side is excluded', { query: 'acme OR globex NOT fruit', text: 'globex fruit', matches: false }],
  ['NOT of a group excludes any of it', { query: 'acme NOT (fruit OR bricks)', text: 'acme bricks', matches: false }],
  ['-(group) passes when none of it occurs', { query: 'acme -(fruit OR bricks)', text: 'acme skates', matches: true }],
  ['nested parentheses: inner AND of ORs', { query: NESTED, text: 'globex anvil', matches: true }],
  ['nested parentheses: inner AND incomplete', { query: NESTED, text: 'acme', matches: false }],
  ['nested parentheses: outer OR', { query: NESTED, text: 'Initech', matches: true }],

  // Lower-case and/or/not are words to look for.
  ['lower-case "or" is a term, so both words are needed', { query: 'acme or globex', text: 'globex', matches: false }],
  ['lower-case "or" is a term that matches the word or', { query: 'acme or globex', text: 'acme or globex', matches: true }],
  ['lower-case "not" is a term, not a negation', { query: 'acme not fruit', text: 'acme is not fruit', matches: true }],

  // Phrases.
  ['a phrase matches across case, spaces and punctuation', { query: '"acme corp"', text: 'ACME  Corp. rose', matches: true }],
  ['a phrase does not match its words reversed', { query: '"acme corp"', text: 'corp acme', matches: false }],
  ['a phrase does not match with a word between', { query: '"acme corp"', text: 'acme and corp', matches: false }],
  ['a quoted operator word is a term', { query: 'acme "OR"', text: 'acme or not', matches: true }],

  // NEAR.
  ['NEAR within the distance', { query: 'acme NEAR/3 bad', text: 'Acme service was bad', matches: true }],
  ['NEAR in the other order at the limit', { query: 'acme NEAR/3 bad', text: 'bad experience with the acme', matches: true }],
  ['NEAR in the other order past the limit', { query: 'acme NEAR/3 bad', text: 'bad experience with the new acme', matches: false }],
  ['NEAR with exactly n words between', { query: 'acme NEAR/3 bad', text: 'acme one two three bad', matches: true }],
  ['NEAR with n + 1 words between', { query: 'acme NEAR/3 bad', text: 'acme one two three four bad', matches: false }],
  ['NEAR with the words adjacent', { query: 'acme NEAR/3 bad', text: 'acme bad', matches: true }],
  ['NEAR needs both', { query: 'acme NEAR/3 bad', text: 'acme is great', matches: false }],
  ['NEAR counts from the end of a phrase', { query: '"acme corp" NEAR/2 lawsuit', text: 'Acme Corp faces a lawsuit', matches: true }],
  ['NEAR counts to the start of a phrase', { query: '"acme corp" NEAR/1 lawsuit', text: 'lawsuit against Acme Corp', matches: true }],
  ['NEAR uses the closest pair', { query: 'acme NEAR/1 bad', text: 'acme is fine. Later: bad, bad acme', matches: true }],
  ['NEAR binds tighter than AND: close enough', { query: 'skates acme NEAR/2 bad', text: 'acme is bad; skates too', matches: true }],
  ['NEAR binds tighter than AND: too far', { query: 'skates acme NEAR/2 bad', text: 'acme skates are not that bad', matches: false }],
  ['NEAR binds tighter than OR', { query: 'globex OR acme NEAR/1 bad', text: 'globex', matches: true }],
  ['NEAR with a wildcard operand', { query: 'acm* NEAR/2 bad', text: 'Acmeco was bad', matches: true }],
  ['NOT NEAR excludes the near pair only', { query: 'acme NOT acme NEAR/1 fruit', text: 'acme sells no fruit', matches: true }],

  // Wildcards.
  ['a wildcard matches a longer word', { query: 'acm*', text: 'Acmeology rocks', matches: true }],
  ['a wildcard matches the word itself', { query: 'acm*', text: 'Acme', matches: true }],
  ['a wildcard matches only word starts', { query: 'acm*', text: 'subacme', matches: false }],
  ['a #tag wildcard matches a longer tag', { query: '#acm*', text: '#AcmeFans unite', matches: true }],
  ['a #tag wildcard does not match the plain word', { query: '#acm*', text: 'acmefans unite', matches: false }],
  ['a wildcard on the last word of a phrase', { query: '"acme cor*"', text: 'Acme Corporation', matches: true }],
  ['a phrase wildcard keeps the words adjacent', { query: '"acme cor*"', text: 'Acme big corporation', matches: false }],
  ['a wildcard folds diacritics', { query: 'łódz*', text: 'LODZKIE news', matches: true }],

  // site:
  ['site: matches the domain', { query: 'acme site:acme.example', text: 'acme', url: 'https://acme.example/news', matches: true }],
  ['site: matches a subdomain', { query: 'acme site:acme.example', text: 'acme', url: 'https://www.acme.example/n', matches: true }],
  ['site: does not match a longer name', { query: 'acme site:acme.example', text: 'acme', url: 'https://notacme.example/', matches: false }],
  ['site: does not match a prefix domain', { query: 'acme site:acme.example', text: 'acme', url: 'https://acme.example.test/', matches: false }],
  ['site: does not match without a URL', { query: 'acme site:acme.example', text: 'acme', url: null, matches: false }],
  ['site: ignores case and a trailing dot', { query: 'acme site:ACME.Example', text: 'acme', url: 'https://WWW.ACME.EXAMPLE./', matches: true }],
  ['site: with an internationalised domain', { query: 'acme site:łódź.example', text: 'acme', url: 'https://www.łódź.example/a', matches: true }],
  ['-site: excludes a subdomain', { query: 'acme -site:acme.example', text: 'acme', url: 'https://blog.acme.example/x', matches: false }],
  ['-site: keeps other sites', { query: 'acme -site:acme.example', text: 'acme', url: 'https://news.example/', matches: true }],
  ['-site: keeps items without a URL', { query: 'acme -site:acme.example', text: 'acme', url: null, matches: true }],

  // lang:
  ['lang: with the source-given language', { query: 'acme lang:en', text: 'acme', lang: 'en', matches: true }],
  ['lang: with a source-given region tag', { query: 'acme lang:en', text: 'acme', lang: 'en-GB', matches: true }],
  ['lang: rejects another source-given language', { query: 'acme lang:en', text: 'acme', lang: 'pl', matches: false }],
  ['lang: detects Polish', { query: 'acme lang:pl', text: POLISH_TEXT, matches: true }],
  ['lang: detects Polish as not English', { query: 'acme lang:en', text: POLISH_TEXT, matches: false }],
  ['lang: detects English', { query: 'acme lang:en', text: ENGLISH_TEXT, matches: true }],
  ['-lang: excludes a detected language', { query: 'acme -lang:pl', text: POLISH_TEXT, matches: false }],
  ['lang: alternatives with an underscore tag', { query: 'acme (lang:en OR lang:pl)', text: 'acme', lang: 'pl_PL', matches: true }],
  ['the source-given language wins over detection', { query: 'acme lang:en', text: POLISH_TEXT, lang: 'EN', matches: true }],

  // Diacritics.
  ['a term with diacritics matches the text without', { query: 'łódź', text: 'LODZ fashion week', matches: true }],
  ['a term without diacritics matches the text with', { query: 'lodz', text: 'Nowy sklep w Łódź', matches: true }],
  ['a Polish phrase folds', { query: '"zażółć gęślą"', text: 'ZAZOLC GESLA jazn', matches: true }],
  ['NEAR with a Polish place name', { query: 'Kraków NEAR/2 acme', text: 'Acme otwiera sklep: KRAKOW', matches: true }],
  ['a declined form is another word', { query: 'Kraków acme', text: 'Acme w Krakowie', matches: false }],

  // Hashtags and handles.
  ['a #tag term matches the tag', { query: '#acme', text: 'big day #Acme', matches: true }],
  ['a #tag term does not match the word', { query: '#acme', text: 'big day acme', matches: false }],
  ['a plain term matches the #tag', { query: 'acme', text: 'big day #acme', matches: true }],
  ['an @handle term in an OR', { query: '@acmecorp OR #acme', text: 'cc @AcmeCorp', matches: true }],
  ['a -@handle excludes only the handle', { query: '#acme -@acme', text: '#acme thanks @acme', matches: false }],

  // Title, and the issue's example.
  ['terms may be split between title and text', { query: 'acme skates', title: 'Acme news', text: 'new skates', matches: true }],
  ['the issue example matches', { query: ISSUE_QUERY, text: 'Acme Corp launches skates', url: 'https://news.example/a', lang: 'en', matches: true }],
  ['the issue example excludes the phrase', { query: ISSUE_QUERY, text: 'Acme fruit is ripe', url: 'https://news.example/a', lang: 'en', matches: false }],
  ['the issue example excludes the site', { query: ISSUE_QUERY, text: '#acme', url: 'https://shop.acme-fruit.example/', lang: 'en', matches: false }],
  ['the issue example excludes other languages', { query: ISSUE_QUERY, text: 'Acme Corp', url: 'https://news.example/a', lang: 'de', matches: false }],
];

function documentOf({ title, text, url, lang }: QueryCase): QueryDocument {
  return toQueryDocument({ title: title ?? null, text, url: url ?? 'https://news.example/story', lang: lang ?? null });
}

describe('brand query matching table', () => {
  it('has at least 60 cases', () => {
    expect(MATCH_TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(MATCH_TABLE)('%s', (_name, queryCase) => {
    expect(compileBrandQuery(queryCase.query).matches(documentOf(queryCase))).toBe(queryCase.matches);
  });
});

const ERROR_TABLE: Array<[query: string, message: string]> = [
  ['', 'empty query'],
  ['   ', 'empty query'],
  ['"acme', 'unclosed quote starting at position 1'],
  ['acme "corp', 'unclosed quote starting at position 6'],
  ['(acme OR globex', 'unclosed "(" at position 1'],
  ['acme (globex))', 'unexpected ")" at position 14'],
  ['()', 'unexpected ")" at position 2'],
  ['acme AND', 'expected a term after "AND" at position 6'],
  ['acme OR', 'expected a term after "OR" at position 6'],
  ['acme NOT', 'expected a term after "NOT" at position 6'],
  ['acme (', 'expected a term after "(" at position 6'],
  ['acme -', 'expected a term after "-" at position 6'],
  ['acme - fruit', 'expected a term after "-" at position 6'],
  ['OR acme', 'unexpected "OR" at position 1'],
  ['acme AND OR globex', 'unexpected "OR" at position 10'],
  ['acme NEAR globex', 'NEAR/n needs a number from 1 to 50 at position 6'],
  ['acme NEAR/0 globex', 'NEAR/n needs a number from 1 to 50 at position 6'],
  ['acme NEAR/51 globex', 'NEAR/n needs a number from 1 to 50 at position 6'],
  ['acme NEAR/x globex', 'NEAR/n needs a number from 1 to 50 at position 6'],
  ['NEAR/3 acme', 'unexpected "NEAR/3" at position 1'],
  ['acme NEAR/3', 'expected a term after "NEAR/3" at position 6'],
  ['acme NEAR/3 (globex)', 'NEAR/3 needs a term or phrase on each side at position 6'],
  ['(acme OR globex) NEAR/3 bad', 'NEAR/3 needs a term or phrase on each side at position 18'],
  ['acme NEAR/3 -bad', 'NEAR/3 needs a term or phrase on each side at position 6'],
  ['acme NEAR/3 site:bad.example', 'NEAR/3 needs a term or phrase on each side at position 6'],
  ['acme NEAR/2 bad NEAR/2 service', 'NEAR/2 needs a term or phrase on each side at position 17'],
  ['ac*me', 'a wildcard * is only allowed at the end of a word at position 3'],
  ['"acme * corp"', 'a wildcard * is only allowed at the end of a word at position 7'],
  ['acme a*', 'a wildcard needs at least 2 letters or digits before "*" at position 7'],
  ['acme-*', 'a wildcard * must follow a letter or digit at position 6'],
  ['*', 'a wildcard * must follow a letter or digit at position 1'],
  ['!!!', '"!!!" has no letters or digits to match at position 1'],
  ['acme ""', '"" has no letters or digits to match at position 6'],
  ['site: acme', 'site: needs a domain like acme.example at position 1'],
  ['acme site:https://acme.example', 'site: needs a domain like acme.example at position 6'],
  ['acme lang:english', 'lang: needs a language code like en or pl at position 6'],
  ['NOT acme', 'a query needs at least one positive term'],
  ['-acme', 'a query needs at least one positive term'],
  ['-"acme corp"', 'a query needs at least one positive term'],
  ['site:acme.example', 'a query needs at least one positive term'],
  ['lang:en -site:acme.example', 'a query needs at least one positive term'],
  ['acme OR -globex', 'an OR alternative needs at least one positive term: missing in the one starting at position 9'],
  ['acme OR (lang:pl site:a.example)', 'an OR alternative needs at least one positive term: missing in the one starting at position 10'],
  ['Łódź OR "!"', '"!" has no letters or digits to match at position 9'],
];

describe('brand query syntax errors', () => {
  it.each(ERROR_TABLE)('%j → %s', (query, message) => {
    expect(() => parseQuery(query)).toThrow(new QuerySyntaxError(message.replace(/ at position \d+$/, ''), positionIn(message)));
    expect(() => compileBrandQuery(query)).toThrow(message);
  });

  it('counts positions in characters, not UTF-16 units', () => {
    expect(() => parseQuery('"🚀🚀 acme")')).toThrow('unexpected ")" at position 10');
  });

  it('keeps the reason and the position apart', () => {
    let caught: unknown;
    try {
      parseQuery('acme (globex))');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuerySyntaxError);
    expect(caught).toMatchObject({ name: 'QuerySyntaxError', reason: 'unexpected ")"', position: 14 });
  });

  it.each(['acme OR (lang:pl skates)', 'NOT fruit acme', '(acme OR globex) -site:acme.example lang:pl', 'acme NOT NOT skates'])(
    'accepts %j, which needs a positive term to match',
    (query) => {
      expect(() => parseQuery(query)).not.toThrow();
    },
  );
});

function positionIn(message: string): number | null {
  const digits = / at position (\d+)$/.exec(message)?.[1];
  return digits === undefined ? null : Number(digits);
}

describe('language detection', () => {
  function countingDetector() {
    const texts: string[] = [];
    return {
      texts,
      detectLanguage: (text: string) => {
        texts.push(text);
        return detect(text);
      },
    };
  }

  it('detects once per document, however many queries ask', () => {
    const detector = countingDetector();
    const document = toQueryDocument({ title: 'Acme w Łodzi', text: POLISH_TEXT, url: null, lang: null }, detector.detectLanguage);
    const queries = ['acme lang:pl', 'acme lang:en', 'acme -lang:de'].map(compileBrandQuery);
    expect(queries.map((query) => query.matches(document))).toEqual([true, false, true]);
    expect(detector.texts).toEqual([`Acme w Łodzi\n${POLISH_TEXT}`]);
  });

  it('does not detect for queries without lang:', () => {
    const detector = countingDetector();
    const document = toQueryDocument({ title: null, text: POLISH_TEXT, url: null, lang: null }, detector.detectLanguage);
    expect(compileBrandQuery('acme OR globex').matches(document)).toBe(true);
    expect(detector.texts).toEqual([]);
  });

  it('does not detect when the source gave a language', () => {
    const detector = countingDetector();
    const document = toQueryDocument({ title: null, text: POLISH_TEXT, url: null, lang: 'pl-PL' }, detector.detectLanguage);
    expect(compileBrandQuery('acme lang:pl').matches(document)).toBe(true);
    expect(detector.texts).toEqual([]);
  });

  it('treats an undetectable text as having no language, and remembers that', () => {
    const detector = countingDetector();
    const document = toQueryDocument({ title: null, text: '', url: null, lang: '  ' }, detector.detectLanguage);
    expect(document.language()).toBeNull();
    expect(document.language()).toBeNull();
    expect(detector.texts).toEqual(['\n']);
  });

  it('samples only the start of a long text', () => {
    const detector = countingDetector();
    const document = toQueryDocument({ title: null, text: ENGLISH_TEXT.repeat(200), url: null }, detector.detectLanguage);
    expect(document.language()).toBe('en');
    expect(detector.texts[0]).toHaveLength(2_000);
  });
});

const TRANSLATION_TABLE: Array<[query: string, dialect: SearchDialect, expected: string[] | null]> = [
  [ISSUE_QUERY, 'google-news', ['("acme corp" OR acme)']],
  [ISSUE_QUERY, 'gdelt', ['("acme corp" OR acme)']],
  [ISSUE_QUERY, 'reddit', ['("acme corp" OR acme)']],
  [ISSUE_QUERY, 'stackexchange', ['"acme corp"', 'acme']],
  [ISSUE_QUERY, 'mastodon', ['"acme corp"', 'acme']],
  [ISSUE_QUERY, 'bluesky', ['"acme corp"', 'acme']],
  [ISSUE_QUERY, 'algolia', ['acme corp', 'acme']],
  ['acme site:acme.example', 'google-news', ['acme site:acme.example']],
  ['acme site:acme.example', 'reddit', ['acme']],
  ['acme site:acme.example', 'gdelt', ['acme']],
  ['acme OR globex', 'gdelt', ['(acme OR globex)']],
  ['acme OR globex', 'algolia', ['acme', 'globex']],
  ['acme', 'gdelt', ['acme']],
  ['"acme corp" skates', 'google-news', ['"acme corp" skates']],
  ['"acme corp" skates', 'algolia', ['acme corp skates']],
  ['Łódź acme', 'reddit', ['(Łódź OR lodz) acme']],
  ['Łódź acme', 'bluesky', ['Łódź acme', 'lodz acme']],
  ['acme NEAR/3 "bad service"', 'google-news', ['acme "bad service"']],
  ['acme NEAR/3 "bad service"', 'algolia', ['acme bad service']],
  ['acm* OR globex', 'google-news', null],
  ['acm* OR globex', 'algolia', null],
  ['acme acm*', 'reddit', ['acme']],
  ['acme lang:pl -fruit', 'google-news', ['acme']],
  ['(acme corp) OR globex', 'google-news', ['(acme OR globex)']],
  ['(acme OR globex) (skates OR anvils OR bikes)', 'google-news', ['(acme OR globex) (skates OR anvils OR bikes)']],
  ['(acme OR globex) (skates OR anvils OR bikes)', 'mastodon', ['acme', 'globex']],
  ['skates (acme OR globex)', 'stackexchange', ['skates acme', 'skates globex']],
  ['#acme OR @acmecorp', 'mastodon', ['acme', 'acmecorp']],
  ['node.js', 'google-news', ['(node.js OR "node js")']],
  ['node.js', 'algolia', ['node js']],
  ['(acme site:acme.example) OR globex', 'google-news', ['(acme OR globex)']],
];

describe('translation into search-API syntax', () => {
  it.each(TRANSLATION_TABLE)('%j for %s → %j', (query, dialect, expected) => {
    expect(toApiQueries(parseQuery(query), dialect)).toEqual(expected);
  });

  it('lists the positive terms and phrases as written', () => {
    expect(toSearchTerms(parseQuery(ISSUE_QUERY))).toEqual(['acme corp', 'acme', '#acme']);
    expect(toSearchTerms(parseQuery('Łódź NEAR/2 "Acme Corp" acm* -globex acme'))).toEqual(['Łódź', 'Acme Corp', 'acme']);
  });

  // Our own matcher stands in for the API: every translated query is itself valid query syntax. Whatever the local
  // query matches, one of its searches must match too (or there is no search filter at all).
  describe('widening never narrows', () => {
    const queries = [...new Set(MATCH_TABLE.map(([, queryCase]) => queryCase.query))];
    const documents = MATCH_TABLE.map(([, queryCase]) => documentOf(queryCase));

    it.each(SEARCH_DIALECTS)('for %s', (dialect) => {
      let localMatches = 0;
      let filtered = 0;
      for (const query of queries) {
        const local = compileBrandQuery(query);
        const searches = toApiQueries(local.ast, dialect);
        if (searches !== null) filtered++;
        // Algolia has no operators: an upper-case OR in its search is a word, as in our lower-case syntax.
        const asOurSyntax = (search: string) => (dialect === 'algolia' ? search.toLowerCase() : search);
        const compiledSearches = searches?.map((search) => compileBrandQuery(asOurSyntax(search))) ?? null;
        for (const document of documents) {
          if (!local.matches(document)) continue;
          localMatches++;
          const found = compiledSearches === null || compiledSearches.some((search) => search.matches(document));
          expect(found, `${query} → ${JSON.stringify(searches)} misses a document it matches`).toBe(true);
        }
      }
      // Not a vacuous check: most queries are translated, and they match many documents.
      expect(filtered).toBeGreaterThan(queries.length - 10);
      expect(localMatches).toBeGreaterThan(200);
    });
  });
});
