// The scorer sends its mentions' text columns as binary text[] parameters (text-array-binary.ts): PostgreSQL must read
// from them exactly the values it reads from the array literal pg would send, and refuse what it refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error pg's own conversion, internal and untyped: the reference the binary form must read the same as
import pgUtils from 'pg/lib/utils.js';
import { textArrayBinary } from '../../src/store/text-array-binary.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const pgLiteral = (values: ReadonlyArray<string | null>) => (pgUtils as { prepareValue(value: unknown): string }).prepareValue(values);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

/** What PostgreSQL reads from a parameter: each element as text (with its length in bytes) or null, in order. */
async function readBack(parameter: string | Buffer): Promise<Array<[string | null, number | null]>> {
  const { rows } = await db.database.query<{ element: string | null; bytes: number | null }>(
    'SELECT element, octet_length(element) AS bytes FROM unnest($1::text[]) WITH ORDINALITY AS input(element, position) ORDER BY position',
    [parameter],
  );
  return rows.map((row) => [row.element, row.bytes]);
}

describe('textArrayBinary', () => {
  // The values and what PostgreSQL reads: the same, but for lone surrogates (written as U+FFFD, by pg too).
  it.each<[string, Array<string | null>, Array<string | null>]>([
    ['plain words and the empty string', ['a', 'b c', ''], ['a', 'b c', '']],
    ['quotes, backslashes, braces, commas', ['say "hi"', 'C:\\p\\', '{a,b}', '"', '\\'], ['say "hi"', 'C:\\p\\', '{a,b}', '"', '\\']],
    ['NULL, and the word NULL', [null, 'NULL', 'null', null], [null, 'NULL', 'null', null]],
    ['Unicode beyond Latin-1, lone surrogates', ['Łódź 😀', '\uD800', 'a\uDC00b', 'ß ﬁ'], ['Łódź 😀', '\uFFFD', 'a\uFFFDb', 'ß ﬁ']],
    ['one element', ['only'], ['only']],
    ['no elements', [], []],
  ])('is read as the array literal is: %s', async (_, values, read) => {
    const binary = await readBack(textArrayBinary(values));
    expect(binary).toEqual(await readBack(pgLiteral(values)));
    expect(binary.map(([element]) => element)).toEqual(read);
  });

  it('is refused for a NUL byte as the literal is: the same SQLSTATE and message', async () => {
    const values = ['fine', 'x\u0000y'];
    const refusal = (parameter: string | Buffer) =>
      readBack(parameter).then(
        () => null,
        (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
      );
    const binary = await refusal(textArrayBinary(values));
    expect(binary).toEqual({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' });
    expect(binary).toEqual(await refusal(pgLiteral(values)));
  });
});
