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
    expect(sqlLiteral(new Date('2026-11-01T10:00:00Z'))).toBe("'2026-11-01T10:00:00.000Z'::timestamptz");
    expect(sqlLiteral(42)).toBe('42');
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
  });
});
