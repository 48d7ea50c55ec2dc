import { describe, expect, it } from 'vitest';
import { packedAnswer, packScores, StringNumbering, StringTable, unpackScores, type ScoredText } from './score-answer.js';

function scoredText(index: number, terms: string[]): ScoredText {
  return {
    scores: {
      lang: index % 3 === 0 ? null : index % 3 === 1 ? 'en' : 'pl',
      sentiment: index % 3 === 0 ? { label: 'unknown', score: null } : { label: index % 2 === 0 ? 'negative' : 'positive', score: (index - 5) / 7 },
      sentimentVersion: 4,
    },
    searchText: index === 2 ? '' : `acme launch ${index} łódź café`,
    storyTerms: { terms, weights: Float64Array.from(terms, (_, at) => 0.25 * (at + 1) + index / 3) },
  };
}

const CHUNK = [
  scoredText(0, ['acme', 'launch', 'acme launch']),
  scoredText(1, []),
  scoredText(2, ['launch', 'łódź', 'acme']),
  scoredText(3, ['new', 'acme', 'new acme']),
  scoredText(4, ['acme']),
];

/** Through the packed form and a structured clone, as a worker's message is. */
function sent(numbering: StringNumbering, table: StringTable, id: number, scored: ScoredText[]): ScoredText[] | 'out of step' {
  const { packed, transfer } = packScores(id, scored, numbering);
  const received = structuredClone(packed, { transfer });
  return table.receive(received) ? unpackScores(received, table) : 'out of step';
}

describe('packed score answers', () => {
  it('unpack to the same scores, search texts and story terms, each repeated string sent once', () => {
    const numbering = new StringNumbering();
    const table = new StringTable();
    expect(sent(numbering, table, 1, CHUNK)).toEqual(CHUNK);
    const { packed } = packScores(2, CHUNK, numbering);
    // The second chunk repeats every string of the first: none is sent again.
    expect(packed.stringsFrom).toBe(11);
    expect(packed.strings).toEqual([]);
    expect(table.receive(packed)).toBe(true);
    expect(unpackScores(packed, table)).toEqual(CHUNK);
  });

  it('keep a mention without a version, language or score so', () => {
    const bare: ScoredText = { scores: { lang: null, sentiment: { label: 'unknown', score: null } }, searchText: 'x', storyTerms: { terms: [], weights: new Float64Array(0) } };
    expect(sent(new StringNumbering(), new StringTable(), 1, [bare])).toEqual([bare]);
  });

  it('number from 0 again once the numbering holds `capacity` strings, and the receiver follows', () => {
    const numbering = new StringNumbering(5);
    const table = new StringTable();
    expect(sent(numbering, table, 1, CHUNK.slice(0, 1))).toEqual(CHUNK.slice(0, 1));
    expect(sent(numbering, table, 2, CHUNK.slice(2, 3))).toEqual(CHUNK.slice(2, 3));
    const { packed } = packScores(3, CHUNK.slice(3, 4), numbering);
    expect(packed.stringsFrom).toBe(0);
    expect(table.receive(packed)).toBe(true);
    expect(unpackScores(packed, table)).toEqual(CHUNK.slice(3, 4));
  });

  it('tell an answer that does not follow the last one received (one was lost)', () => {
    const numbering = new StringNumbering();
    const table = new StringTable();
    packScores(1, CHUNK.slice(0, 1), numbering);
    expect(sent(numbering, table, 2, CHUNK.slice(2, 3))).toBe('out of step');
  });

  it('start the numbering again after a chunk that could not be packed, so that the receiver never misses a string', () => {
    const numbering = new StringNumbering();
    const table = new StringTable();
    const broken = { ...scoredText(5, ['never', 'sent']), storyTerms: { terms: ['never', 'sent'], weights: null } } as unknown as ScoredText;
    const answer = packedAnswer({ id: 1, scored: [broken] }, numbering);
    expect(answer.message).toEqual({ id: 1, error: expect.stringContaining('null') });
    expect(sent(numbering, table, 2, CHUNK)).toEqual(CHUNK);
  });

  it('pass a failed chunk on as its error', () => {
    expect(packedAnswer({ id: 7, error: 'boom' }, new StringNumbering())).toEqual({ message: { id: 7, error: 'boom' }, transfer: [] });
  });
});
