import { describe, expect, it } from 'vitest';
import { decodeStoryCursor, encodeStoryCursor } from './story-cursor.js';

const forged = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
const ID = '557dbc98b695d234b66f6a3e';

describe('story page cursors', () => {
  it('round-trip the positions this API hands out', () => {
    const positions = [
      { sort: 'recent', value: Date.parse('2026-11-25T16:20:00.000Z'), id: ID },
      { sort: 'spread', value: 14, id: ID },
      { sort: 'size', value: 0, id: ID },
    ] as const;
    for (const position of positions) expect(decodeStoryCursor(encodeStoryCursor(position), position.sort)).toEqual(position);
  });

  it('refuses values and ids PostgreSQL could not take (each was a 500)', () => {
    const cases: [string, unknown[]][] = [
      ['recent', ['recent', -8.64e15, ID]],
      ['recent', ['recent', 1e300, ID]],
      ['recent', ['recent', -1e20, ID]],
      ['recent', ['recent', 1796491329205, `${ID}\u0000`]],
      ['spread', ['spread', 3_000_000_000, ID]],
      ['spread', ['spread', 1e300, ID]],
      ['size', ['size', 2.5, ID]],
      ['size', ['size', -1, ID]],
      ['recent', ['recent', 1796491329205, 'zz']],
      ['spread', ['recent', 1796491329205, ID]],
    ];
    for (const [sort, position] of cases) {
      expect(() => decodeStoryCursor(forged(position), sort as 'recent'), JSON.stringify(position)).toThrow(
        `cursor is not one this API returned for sort=${sort}; start again without it`,
      );
    }
  });
});
