import { describe, expect, it } from 'vitest';
import { findUnstorableInput, findUnstorableValue } from './storable-input.js';

const NUL_PROBLEM = 'contains a NUL character (\\u0000), which cannot be stored or searched';

describe('findUnstorableValue', () => {
  it('accepts ordinary text, numbers, nesting and emoji (a surrogate pair is one character)', () => {
    expect(findUnstorableValue({ q: 'Łódź 😀', limit: 50, tags: ['a', { b: true, c: null }] }, 'querystring')).toBeNull();
    expect(findUnstorableValue(Buffer.from([0, 0xd8]), 'body')).toBeNull();
    expect(findUnstorableValue(undefined, 'body')).toBeNull();
  });

  it('names the first bad value by its path', () => {
    expect(findUnstorableValue({ source: 'a\u0000' }, 'querystring')).toBe(`querystring.source ${NUL_PROBLEM}`);
    expect(findUnstorableValue({ mentions: [{ text: 'ok' }, { text: 'x\u0000' }] }, 'body')).toBe(`body.mentions[1].text ${NUL_PROBLEM}`);
    expect(findUnstorableValue({ 'odd key': '\u0000' }, 'body')).toBe(`body["odd key"] ${NUL_PROBLEM}`);
    expect(findUnstorableValue({ first: '\u0000', second: '\u0000' }, 'body')).toBe(`body.first ${NUL_PROBLEM}`);
  });

  it('refuses unpaired surrogates, non-finite numbers and bad names', () => {
    expect(findUnstorableValue({ comment: 'half \ud83d' }, 'body')).toBe('body.comment is not valid Unicode (it has an unpaired surrogate)');
    expect(findUnstorableValue({ comment: '\ude00 trailing' }, 'body')).toBe('body.comment is not valid Unicode (it has an unpaired surrogate)');
    expect(findUnstorableValue({ limit: Infinity }, 'querystring')).toBe('querystring.limit must be a finite number');
    expect(findUnstorableValue({ reach: NaN }, 'body')).toBe('body.reach must be a finite number');
    expect(findUnstorableValue({ 'a\u0000b': 'x' }, 'querystring')).toBe(`querystring has a name that ${NUL_PROBLEM}`);
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let nested: unknown = '\u0000';
    for (let depth = 0; depth < 200_000; depth++) nested = [nested];
    expect(findUnstorableValue(nested, 'body')).toMatch(/^body(\[0\]){200000} contains a NUL/);
  });
});

describe('findUnstorableInput', () => {
  it('checks params, then the query, then the body', () => {
    expect(findUnstorableInput({ params: { id: '\u0000' }, query: { q: '\u0000' }, body: null })).toBe(`params.id ${NUL_PROBLEM}`);
    expect(findUnstorableInput({ params: {}, query: { q: '\u0000' }, body: { x: '\u0000' } })).toBe(`querystring.q ${NUL_PROBLEM}`);
    expect(findUnstorableInput({ params: {}, query: {}, body: { x: '\u0000' } })).toBe(`body.x ${NUL_PROBLEM}`);
    expect(findUnstorableInput({ params: {}, query: {}, body: undefined })).toBeNull();
  });
});
