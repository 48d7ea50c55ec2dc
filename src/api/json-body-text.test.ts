import { describe, expect, it } from 'vitest';
import { declaredCharset, decodeJsonBody } from './json-body-text.js';

const JSON_TEXT = '{"text":"Łódź ☕ 😀"}';
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const BOM_LE = Buffer.from([0xff, 0xfe]);
const BOM_BE = Buffer.from([0xfe, 0xff]);

describe('declaredCharset', () => {
  it('reads the charset parameter, quoted or not, in any case', () => {
    expect(declaredCharset('application/json')).toBeNull();
    expect(declaredCharset(undefined)).toBeNull();
    expect(declaredCharset('application/json; charset=UTF-16LE')).toBe('utf-16le');
    expect(declaredCharset('application/json;charset="utf-8"; foo=bar')).toBe('utf-8');
  });
});

describe('decodeJsonBody', () => {
  it('reads UTF-8 by default, with or without a byte-order mark', () => {
    expect(decodeJsonBody(Buffer.from(JSON_TEXT), 'application/json')).toBe(JSON_TEXT);
    expect(decodeJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_TEXT)]), undefined)).toBe(JSON_TEXT);
  });

  it('reads UTF-16 in either byte order, with or without a byte-order mark', () => {
    const le = Buffer.from(JSON_TEXT, 'utf16le');
    const be = utf16be(JSON_TEXT);
    const cases: Array<[Buffer, string]> = [
      [le, 'utf-16le'],
      [be, 'utf-16be'],
      [Buffer.concat([BOM_LE, le]), 'utf-16le'],
      [Buffer.concat([BOM_BE, be]), 'utf-16be'],
      [Buffer.concat([BOM_LE, le]), 'utf-16'],
      [Buffer.concat([BOM_BE, be]), 'utf-16'],
      [le, 'utf-16'],
      [be, 'utf-16'],
    ];
    for (const [body, charset] of cases) {
      expect(decodeJsonBody(body, `application/json; charset=${charset}`), `${charset} ${body.subarray(0, 4).toString('hex')}`).toBe(JSON_TEXT);
    }
  });

  it('reads a legacy charset the Encoding standard knows', () => {
    expect(decodeJsonBody(Buffer.from('{"text":"caf\xe9"}', 'latin1'), 'application/json; charset=iso-8859-1')).toBe('{"text":"café"}');
  });

  it('refuses a charset it cannot read with a 415, and bytes invalid in the declared one with a 400', () => {
    expect(() => decodeJsonBody(Buffer.from('{}'), 'application/json; charset=utf-32')).toThrow(
      expect.objectContaining({ statusCode: 415, message: 'charset "utf-32" is not one this API can read; send UTF-8 (or UTF-16)' }),
    );
    expect(() => decodeJsonBody(Buffer.from([0x7b, 0xff, 0x7d]), 'application/json')).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'the body is not valid UTF-8' }),
    );
    // An odd number of bytes cannot be UTF-16.
    expect(() => decodeJsonBody(Buffer.from([0x7b, 0x00, 0x7d]), 'application/json; charset=utf-16le')).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'the body is not valid utf-16le' }),
    );
  });
});
