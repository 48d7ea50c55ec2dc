// Splits a brand query into lexemes: parentheses, "quoted phrases", a negating "-" and bare words (operators, fields
// and terms alike; the parser tells them apart). Positions are 1-based columns counted in characters.
import { QuerySyntaxError } from './brand-query-error.js';

export interface Lexeme {
  kind: 'open' | 'close' | 'minus' | 'word' | 'phrase';
  position: number;
  /** The characters as written; for a phrase, what is between the quotes. */
  text: string;
}

const WHITESPACE = /\s/u;
const QUOTE = '"';
const WORD_END = new Set(['(', ')', QUOTE]);

const isWhitespace = (char: string | undefined) => char !== undefined && WHITESPACE.test(char);

export function lexQuery(query: string): Lexeme[] {
  const chars = Array.from(query);
  const lexemes: Lexeme[] = [];
  let index = 0;
  while (index < chars.length) {
    const char = chars[index] as string;
    const position = index + 1;
    if (isWhitespace(char)) {
      index++;
    } else if (char === '(' || char === ')') {
      lexemes.push({ kind: char === '(' ? 'open' : 'close', position, text: char });
      index++;
    } else if (char === QUOTE) {
      const end = chars.indexOf(QUOTE, index + 1);
      if (end === -1) throw new QuerySyntaxError('unclosed quote starting', position);
      lexemes.push({ kind: 'phrase', position, text: chars.slice(index + 1, end).join('') });
      index = end + 1;
    } else if (char === '-') {
      // Only reached where a word starts: a "-" inside a word (7-eleven) is consumed with the word below.
      const next = chars[index + 1];
      if (next === undefined || isWhitespace(next) || next === ')') {
        throw new QuerySyntaxError('expected a term after "-"', position);
      }
      lexemes.push({ kind: 'minus', position, text: '-' });
      index++;
    } else {
      let end = index;
      while (end < chars.length && !isWhitespace(chars[end]) && !WORD_END.has(chars[end] as string)) end++;
      lexemes.push({ kind: 'word', position, text: chars.slice(index, end).join('') });
      index = end;
    }
  }
  return lexemes;
}
