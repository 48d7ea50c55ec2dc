import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { parseTextArray, parseTextArrayAsPg } from './text-array-parser.js';

// Characters array_out treats specially (quoting, escaping), white space, non-ASCII, and the letters of NULL.
const PIECES = ['a', 'acme', '0123456789abcdef01234567', '-', '_', ' ', '\t', '\n', ',', '{', '}', '"', '\\', 'NULL', 'null', 'N', 'é', '😀', '[', ']', ':', '='];

/** An element as PostgreSQL's array_out writes it: quoted when empty, NULL in any case, or holding a special character. */
function arrayOutElement(value: string | null): string {
  if (value === null) return 'NULL';
  const quote = value === '' || value.toUpperCase() === 'NULL' || /[{}",\\\s]/.test(value);
  return quote ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

/** What a parser gives for `text`, or the error it throws. */
function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    return { text, value: parse(text) };
  } catch (error) {
    return { text, error: (error as Error).message };
  }
}

describe('parseTextArray', () => {
  it("gives pg's own array for text[] values as PostgreSQL writes them", () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let sample = 0; sample < 20_000; sample++) {
      const elements = Array.from({ length: Math.floor(random() * 4) }, () => {
        if (random() < 0.2) return null;
        let value = '';
        const pieces = Math.floor(random() * 4);
        for (let at = 0; at < pieces; at++) value += random() < 0.6 ? pick(PIECES.slice(0, 5)) : pick(PIECES);
        return value;
      });
      const text = `{${elements.map(arrayOutElement).join(',')}}`;
      expect([text, parseTextArray(text)]).toEqual([text, parseTextArrayAsPg(text)]);
      expect(parseTextArray(text)).toEqual(elements);
    }
  });

  it('reads the shapes of a page plainly: brand ids, story ids and nulls', () => {
    expect(parseTextArray('{acme}')).toEqual(['acme']);
    expect(parseTextArray('{acme,globex}')).toEqual(['acme', 'globex']);
    expect(parseTextArray('{NULL}')).toEqual([null]);
    expect(parseTextArray('{NULL,0123456789abcdef01234567}')).toEqual([null, '0123456789abcdef01234567']);
    expect(parseTextArray('{}')).toEqual([]);
  });

  it('leaves what is not a plain one-dimensional array to pg, with the same result', () => {
    for (const text of ['', '{', '}', '{a,}', '{,a}', '{a,,b}', '{{a,b},{c,d}}', '[1:2]={a,b}', '{"NULL",NULL}', '{"a,b",c}', '{a\\,b}', '{ a , b }', '{a}}', '{a b}']) {
      expect(outcome(parseTextArray, text)).toEqual(outcome(parseTextArrayAsPg, text));
    }
  });
});
