// The array literal is exactly what pg sends for the same JavaScript array, so PostgreSQL reads the same values.
import { describe, expect, it } from 'vitest';
// @ts-expect-error pg's own conversion, internal and untyped: the reference the literal must equal
import pgUtils from 'pg/lib/utils.js';
import { arrayLiteral, type ArrayElement } from './array-literal.js';

const pgLiteral = (values: readonly ArrayElement[]) => (pgUtils as { prepareValue(value: unknown): string }).prepareValue(values);

describe('arrayLiteral', () => {
  it.each<[string, ArrayElement[]]>([
    ['plain words', ['a', 'b c', '']],
    ['quotes and backslashes', ['say "hi"', 'C:\\path\\', '\\"', '"', '\\']],
    ['NULL for null and undefined, and the word NULL quoted', [null, undefined, 'NULL', 'null']],
    ['numbers, booleans', [0, -0, 1.5, -2e-7, Number.NaN, 12345678901234, true, false]],
    ['braces, commas, NUL, Unicode', ['{a,b}', 'x\u0000y', 'Łódź 😀', '\uD800', ' lead', 'trail ']],
    ['no elements', []],
  ])('%s', (_, values) => {
    expect(arrayLiteral(values)).toBe(pgLiteral(values));
  });

  it('equals pg on random strings of the characters that matter', () => {
    const alphabet = ['a', '"', '\\', ',', '{', '}', ' ', 'ł', '😀', '\n', 'N', 'U', 'L'];
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 2_000; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        random() < 0.1 ? null : Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
      );
      expect(arrayLiteral(values)).toBe(pgLiteral(values));
    }
  });
});
