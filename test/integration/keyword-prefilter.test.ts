// The keyword rule's prefilter never loses a match: over generated texts and terms (punctuation, hyphens,
// apostrophes, digits, Polish and other diacritics, ligatures, emoji, #tags and @handles, words too long to index, a
// phrase past the positions to_tsvector keeps), the candidates of the live history (the text index) and of the
// in-memory one, confirmed by the brand matcher, are exactly the mentions a plain scan of every mention matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandHistory, WindowMention } from '../../src/alerts/brand-history.js';
import { memoryBrandHistory } from '../../src/alerts/memory-brand-history.js';
import { mentionTokens } from '../../src/alerts/mention-tokens.js';
import { compilePhrase, containsPhrase } from '../../src/mentions/brand-matcher.js';
import type { WordToken } from '../../src/mentions/word-tokens.js';
import { sqlBrandHistory } from '../../src/store/sql-brand-history.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const START_MS = Date.UTC(2026, 10, 2);
const TEXTS = 2_000;
// Terms taken through the histories end to end (each reads its candidates' rows), and terms whose every match is
// checked against its text-search query in one statement.
const TERMS = 60;
const CHECKED_TERMS = 1_000;
const ALL = 1_000_000;

// Pieces texts are made of: what PostgreSQL's own parser would read otherwise (hosts, e-mails, URLs, versions, paths,
// signed numbers, underscores), what folding changes (case, Polish letters, ß, ligatures, fullwidth, superscripts,
// Greek final sigma, dotted I), what is no word at all (emoji, symbols) and words longer than a lexeme may be.
const VOCABULARY = [
  'acme', 'Acme', 'ACME', 'corp', 'the', 'a', 'node', 'js', 'node.js', 'Node.JS', 'e-mail', 'email', 'e', 'mail',
  "Acme's", "acme's", 's', "rock'n'roll", 'rock', 'n', 'roll', 'foo_bar', 'foo', 'bar', '_', 'c++', 'x/y', 'a@b.com',
  'press@acme.com', 'https://acme.example/path?q=1', 'acme.example', '#acme', '@acme', '#Acme_Corp', '@acmecorp', '-5',
  '3.14', '1e5', 'v2.0.1', '2026', '007', '42nd', '12:30', 'Łódź', 'lodz', 'ŁÓDŹ', 'zażółć', 'gęślą', 'jaźń', 'Zażółć',
  'straße', 'strasse', 'Ærø', 'İstanbul', 'ΣΟΦΙΑΣ', 'σοφίας', '中文', '日本語', 'naïve', 'naive', 'ﬁne', 'fine', 'ＡＣＭＥ',
  'x²', 'x2', '½', 'Ⅻ', 'a٣', '🚀', '👍🏽', 'acme🚀corp', '❤️', '™', 'café', 'cafe\u0301', 'rock&roll', '&amp;', '<b>',
];
// Words longer than a lexeme may be (2,047 bytes), in a few texts only: every text reads back whole with its
// candidates.
const LONG_WORDS = ['x'.repeat(2_100), 'ł'.repeat(1_100), 'word'.repeat(600)];
const SEPARATORS = [' ', ' ', ' ', '\n', ', ', '. ', ' — ', '-', "'", '"', '', '/', '#', '@', '_'];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function generatedText(random: () => number): string {
  const pieces = Array.from({ length: 2 + Math.floor(random() * 24) }, () => pick(random, random() < 0.005 ? LONG_WORDS : VOCABULARY));
  return pieces.map((piece, index) => (index === 0 ? piece : `${pick(random, SEPARATORS)}${piece}`)).join('');
}

/** A term: a stretch of one text's words (so that most terms match something) or pieces drawn anew, re-cased. */
function generatedTerm(random: () => number, texts: readonly string[]): string {
  const text = pick(random, texts);
  const words = text.split(/\s+/).filter((word) => word !== '');
  const start = Math.floor(random() * words.length);
  const term =
    random() < 0.7
      ? words.slice(start, start + 1 + Math.floor(random() * 3)).join(' ')
      : Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(random, random() < 0.02 ? LONG_WORDS : VOCABULARY)).join(
          pick(random, [' ', '-', '.', '']),
        );
  return random() < 0.3 ? term.toUpperCase() : term;
}

function compiled(term: string): WordToken[] | null {
  try {
    return compilePhrase(term);
  } catch {
    return null;
  }
}

describe('the keyword prefilter', () => {
  let db: TestDatabase;
  let live: BrandHistory;
  // The same history taking its candidates from the text index at once (it first walks the window's newest mentions,
  // and this window is shorter than its walk).
  let indexed: BrandHistory;
  let memory: BrandHistory;
  let mentions: WindowMention[];
  const texts: string[] = [];
  // Each mention's words, read once: the plain scan and the confirmation read them for every term.
  const tokensById = new Map<string, WordToken[]>();
  const tokensOf = (mention: WindowMention): WordToken[] => {
    let tokens = tokensById.get(mention.id);
    if (tokens === undefined) {
      tokens = mentionTokens(mention);
      tokensById.set(mention.id, tokens);
    }
    return tokens;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const random = seededRandom(20261205);
    for (let index = 0; index < TEXTS; index++) texts.push(generatedText(random));
    // A phrase far past the 16,383rd word, where to_tsvector keeps no position (a phrase query would miss it), and a
    // word repeated past the 256 positions a lexeme keeps.
    texts.push(`${'filler '.repeat(20_000)}Zephyr Battery`, `${'acme '.repeat(300)}recall`);
    const stored = texts.map((text, index) =>
      scoredMention({
        key: `gen-${String(index).padStart(5, '0')}`,
        at: new Date(START_MS + index * 1_000).toISOString(),
        // Half of them with a title: a term may start in the title and end in the text.
        title: index % 2 === 0 ? null : pick(random, VOCABULARY),
        text,
      }),
    );
    for (let start = 0; start < stored.length; start += 500) await storeMentions(db.database, stored.slice(start, start + 500));
    live = sqlBrandHistory(db.database);
    indexed = sqlBrandHistory(db.database, { keywordWalkRows: 0 });
    mentions = await live.windowMentions('acme', START_MS, START_MS + 2 * TEXTS * 1_000, {}, ALL);
    expect(mentions).toHaveLength(texts.length);
    memory = memoryBrandHistory(mentions);
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Ids of the candidates for the phrases, confirmed: those containing one of them. */
  async function confirmed(history: BrandHistory, phrases: WordToken[][]): Promise<{ candidates: Set<string>; matches: string[] }> {
    const words = phrases.map((phrase) => phrase.map((token) => token.word));
    const candidates = await history.keywordCandidates('acme', START_MS, START_MS + 2 * TEXTS * 1_000, {}, words, ALL);
    const matches = candidates.filter((mention) => phrases.some((phrase) => containsPhrase(tokensOf(mention), phrase)));
    return { candidates: new Set(candidates.map((mention) => mention.id)), matches: matches.map((mention) => mention.id) };
  }

  it('keeps every mention a plain scan matches, for generated terms and pairs of terms, walked or from the index', async () => {
    const random = seededRandom(8);
    const terms = [
      'zephyr battery',
      'acme recall',
      ...Array.from({ length: TERMS }, () => generatedTerm(random, texts)),
    ];
    let matched = 0;
    for (let index = 0; index < terms.length; index++) {
      const term = terms[index] as string;
      const phrase = compiled(term);
      if (phrase === null) continue;
      // Every other case asks for two terms at once, as a rule with several terms does.
      const other = index % 2 === 0 ? compiled(generatedTerm(random, texts)) : null;
      const phrases = other === null ? [phrase] : [phrase, other];
      const expected = mentions
        .filter((mention) => phrases.some((candidate) => containsPhrase(tokensOf(mention), candidate)))
        .map((mention) => mention.id);
      matched += expected.length;
      const seen: Set<string>[] = [];
      for (const history of [live, indexed, memory]) {
        const { candidates, matches } = await confirmed(history, phrases);
        expect({ term, missing: expected.filter((id) => !candidates.has(id)) }).toEqual({ term, missing: [] });
        expect({ term, matches }).toEqual({ term, matches: expected });
        seen.push(candidates);
      }
      // Walked or taken from the index, the live candidates are the same.
      expect({ term, indexed: [...(seen[1] ?? [])] }).toEqual({ term, indexed: [...(seen[0] ?? [])] });
    }
    // The terms found something, or the comparison would prove nothing.
    expect(matched).toBeGreaterThan(50 * TERMS);
  });

  it('finds every match of a thousand more terms with its text-search query, the words of each term AND\'ed', async () => {
    const random = seededRandom(9);
    const ids: string[] = [];
    const queries: string[] = [];
    for (let index = 0; index < CHECKED_TERMS; index++) {
      const phrase = compiled(generatedTerm(random, texts));
      if (phrase === null) continue;
      for (const mention of mentions) {
        if (!containsPhrase(tokensOf(mention), phrase)) continue;
        ids.push(mention.id);
        queries.push(phrase.map((token) => token.word).join(' '));
      }
    }
    expect(ids.length).toBeGreaterThan(100 * CHECKED_TERMS);
    // A term left with no lexeme (only words too long to index) has no query: the history reads the window instead.
    const { rows } = await db.database.query<{ id: string; words: string }>(
      `SELECT x.id, x.words FROM unnest($1::text[], $2::text[]) AS x (id, words) JOIN mentions m ON m.id = x.id
        WHERE numnode(plainto_tsquery('simple', x.words)) > 0 AND NOT m.search @@ plainto_tsquery('simple', x.words)`,
      [ids, queries],
    );
    expect(rows).toEqual([]);
  });

  it('gives the newest candidates first, up to the limit, whichever way it takes', async () => {
    const words = [['acme']];
    const all = (await live.keywordCandidates('acme', START_MS, START_MS + 2 * TEXTS * 1_000, {}, words, ALL)).map((mention) => mention.id);
    expect(all.length).toBeGreaterThan(1_000);
    for (const [history, walkRows] of [[live, 'default'], [indexed, 0], [sqlBrandHistory(db.database, { keywordWalkRows: 500 }), 500]] as const) {
      const newest = await history.keywordCandidates('acme', START_MS, START_MS + 2 * TEXTS * 1_000, {}, words, 50);
      expect({ walkRows, ids: newest.map((mention) => mention.id) }).toEqual({ walkRows, ids: all.slice(0, 50) });
    }
  });

  it('finds the phrase past the positions to_tsvector keeps, and a term whose words leave no lexeme', async () => {
    for (const history of [live, indexed]) {
      const far = await confirmed(history, [compilePhrase('Zephyr Battery')]);
      expect(far.matches).toHaveLength(1);
    }
    // A word of 2,100 letters is too long for a lexeme: no text-search query can ask for it, so it is looked for
    // without the index, in every mention of the window.
    const long = await confirmed(live, [compilePhrase('x'.repeat(2_100))]);
    expect(long.candidates.size).toBe(texts.length);
    expect(long.matches.length).toBeGreaterThan(0);
    expect(long.matches).toEqual(
      mentions.filter((mention) => containsPhrase(tokensOf(mention), compilePhrase('x'.repeat(2_100)))).map((mention) => mention.id),
    );
  });
});
