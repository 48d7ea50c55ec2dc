import { describe, expect, it } from 'vitest';
import { sqlLiteral, withCrlfRecordEnds } from './mention-csv-copy.js';

describe('CSV from COPY', () => {
  it('ends records with CRLF and leaves line breaks inside quoted cells as they are', () => {
    const copied = Buffer.from('id,text\na,"line one\nline ""two""\r\nthree"\nb,plain\n');
    expect(withCrlfRecordEnds(copied).toString()).toBe('id,text\r\na,"line one\nline ""two""\r\nthree"\r\nb,plain\r\n');
  });

  it('writes values as literals PostgreSQL reads back unchanged', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral('back\\slash')).toBe(" E'back\\\\slash'");
    expect(sqlLiteral(new Date('2026-11-01T10:00:00Z'))).toBe("'2026-11-01 10:00:00.000+00'::timestamptz");
    // ISO's year 0000 is 1 BC, and its six-digit years have a sign: neither is PostgreSQL's input.
    expect(sqlLiteral(new Date('0000-01-01T00:00:00Z'))).toBe("'0001-01-01 00:00:00.000+00 BC'::timestamptz");
    expect(sqlLiteral(new Date('-000044-03-15T12:00:00Z'))).toBe("'0045-03-15 12:00:00.000+00 BC'::timestamptz");
    expect(sqlLiteral(new Date('+010000-01-01T00:00:00Z'))).toBe("'10000-01-01 00:00:00.000+00'::timestamptz");
    expect(sqlLiteral(42)).toBe('42');
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
  });
});
