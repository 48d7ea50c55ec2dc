// PostgreSQL's text form of a one-dimensional array of scalars ('{"a","b",NULL}'), for a `$n::text[]`-style
// parameter. It is what pg itself sends for a JavaScript array, built in one pass: pg escapes every element with two
// replacements and grows the literal piece by piece, which then has to be flattened to be measured and sent (about a
// twentieth of the scorer's time on 17 columns of 500 mentions).

/** What a scalar array element may be; null and undefined are SQL NULL, as pg has them. */
export type ArrayElement = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

export function arrayLiteral(values: readonly ArrayElement[]): string {
  const elements = new Array<string>(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    elements[index] = value === null || value === undefined ? 'NULL' : quoted(String(value));
  }
  return `{${elements.join(',')}}`;
}

function quoted(text: string): string {
  return `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, '\\$&') : text}"`;
}
