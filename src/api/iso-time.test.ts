import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

/** mulberry32: the same samples every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
