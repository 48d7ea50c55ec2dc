import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const forged = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
const REFUSED = 'cursor is not one this API returned; start again without it';

describe('page cursors', () => {
  it('round-trip the positions this API hands out', () => {
    const positions = [
      { occurredAt: new Date('2026-11-01T09:30:00.123Z'), id: '9c053eaffb93c3b8b24b9a338231d5b8' },
      { occurredAt: new Date('0001-01-01T00:00:00.000Z'), id: 'ep_86f4d43fde072706f99d' },
      { occurredAt: new Date('9999-12-31T23:59:59.999Z'), id: 'ep-1' },
    ];
    for (const position of positions) expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('refuses ids and times PostgreSQL could not take', () => {
    const cases = [
      ['2026-11-01T00:00:00.000Z', 'a\u0000b'],
      ['2026-11-01T00:00:00.000Z', 'x'.repeat(201)],
      ['2026-11-01T00:00:00.000Z', 'two words'],
      ['-271821-04-20T00:00:00.000Z', 'abc'],
      ['+275760-09-13T00:00:00.000Z', 'abc'],
      ['-000001-01-01T00:00:00.000Z', 'abc'],
      ['+010000-01-01T00:00:00.000Z', 'abc'],
      ['yesterday', 'abc'],
      [1_700_000_000_000, 'abc'],
    ];
    for (const position of cases) expect(() => decodeCursor(forged(position)), JSON.stringify(position)).toThrow(REFUSED);
    expect(() => decodeCursor('not-a-cursor')).toThrow(REFUSED);
  });
});
