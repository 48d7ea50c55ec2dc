// text[] values as PostgreSQL writes them (array_out: `{acme,globex}`, `{NULL,0123…}`) into arrays of strings, for
// the links of every mention on a page (one array per mention: its brands, then their story ids). pg's own parser
// (postgres-array) reads them a character at a time, making an object per character and joining them again: 61 KB of
// garbage per 50-mention page, the largest single part of what reading a page leaves for the collector (bench:api,
// 1M; measured when brands and story ids were two arrays). The common shape is read by slicing between commas;
// anything that may be quoted, escaped, nested or carry bounds goes to pg's parser.
import pg from 'pg';

/** The type oid of text[] (pg's builtins name only scalar types). */
export const TEXT_ARRAY_OID = 1009;

/** pg's own parser for text[], for the shapes parseTextArray leaves to it (and for tests). */
// pg's typings list only the scalar oids.
const pgTypeParser = pg.types.getTypeParser as (oid: number, format: 'text') => unknown;
export const parseTextArrayAsPg = pgTypeParser(TEXT_ARRAY_OID, 'text') as (value: string) => Array<string | null>;

const OPEN = 123; // {
const CLOSE = 125; // }
const COMMA = 44; // ,
const QUOTE = 34; // "
const BACKSLASH = 92; // \

/**
 * The same array as pg's parser gives. PostgreSQL quotes every element that is empty, is NULL in any case, or holds
 * a brace, comma, quote, backslash or white space, so an array without a quote or backslash has only plain elements
 * (and the unquoted word NULL for a null).
 */
export function parseTextArray(text: string): Array<string | null> {
  const end = text.length - 1;
  if (end < 1 || text.charCodeAt(0) !== OPEN || text.charCodeAt(end) !== CLOSE) return parseTextArrayAsPg(text);
  if (end === 1) return [];
  const elements: Array<string | null> = [];
  let start = 1;
  for (let at = 1; at <= end; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE || code === BACKSLASH || code === OPEN || (code === CLOSE && at !== end)) return parseTextArrayAsPg(text);
    if (code === COMMA || at === end) {
      // An empty element is always quoted; unquoted it is no array PostgreSQL writes.
      if (at === start) return parseTextArrayAsPg(text);
      const element = text.slice(start, at);
      elements.push(element === 'NULL' ? null : element);
      start = at + 1;
    }
  }
  return elements;
}
