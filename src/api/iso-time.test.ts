import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';

describe('isoTime', () => {
  it('writes what toISOString writes, at the edges of years, months, leap days and the four-digit range', () => {
    const edges = [
      0, -1, 1, 951_782_400_000, 951_868_799_999, 951_868_800_000, 4_107_542_399_999, 4_107_542_400_000, 1_798_675_200_000,
      -62_167_219_200_000, -62_167_219_199_999, 253_402_300_799_999, -30_610_224_000_000, -2_208_988_800_001,
    ];
    for (const time of edges) expect(isoTime(new Date(time))).toBe(new Date(time).toISOString());
  });

  it('writes what toISOString writes for 300,000 times across years 0 to 9999', () => {
    const random = seededRandom(11);
    for (let sample = 0; sample < 300_000; sample++) {
      const date = new Date(Math.floor(-62_167_219_200_000 + random() * (253_402_300_800_000 + 62_167_219_200_000)));
      if (isoTime(date) !== date.toISOString()) expect(isoTime(date)).toBe(date.toISOString());
    }
  });

  it('leaves years outside 0 to 9999 to toISOString, and throws as it does for an invalid date', () => {
    for (const time of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15]) {
      expect(isoTime(new Date(time))).toBe(new Date(time).toISOString());
    }
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
