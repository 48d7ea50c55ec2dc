import { describe, expect, it } from 'vitest';
import { coverRanges } from './rollup-cover.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const QUARTER = 15 * 60_000;
const at = (iso: string) => Date.parse(iso);

describe('covering ranges with rollup rows', () => {
  it('takes whole UTC days inside a Warsaw month, hours at its ends, and nothing twice', () => {
    // November 2026 in Warsaw: 2026-10-31T23:00Z to 2026-11-30T23:00Z.
    const cover = coverRanges([{ from: at('2026-10-31T23:00:00Z'), to: at('2026-11-30T23:00:00Z') }], [DAY, HOUR, QUARTER]);
    expect(cover.byGrain[0]).toEqual([{ range: 0, from: at('2026-11-01T00:00:00Z'), to: at('2026-11-30T00:00:00Z') }]);
    expect(cover.byGrain[1]).toEqual([
      { range: 0, from: at('2026-10-31T23:00:00Z'), to: at('2026-11-01T00:00:00Z') },
      { range: 0, from: at('2026-11-30T00:00:00Z'), to: at('2026-11-30T23:00:00Z') },
    ]);
    expect(cover.byGrain[2]).toEqual([]);
    expect(cover.raw).toEqual([]);
  });

  it('goes down to quarter hours for India and to raw rows for ends off the quarter hour', () => {
    // A Kolkata day from 18:30Z, asked from 10:07Z of the next day: no whole UTC day fits.
    const cover = coverRanges([{ from: at('2026-11-01T18:30:00Z'), to: at('2026-11-02T10:07:00Z') }], [DAY, HOUR, QUARTER]);
    expect(cover.byGrain[0]).toEqual([]);
    expect(cover.byGrain[1]).toEqual([{ range: 0, from: at('2026-11-01T19:00:00Z'), to: at('2026-11-02T10:00:00Z') }]);
    expect(cover.byGrain[2]).toEqual([{ range: 0, from: at('2026-11-01T18:30:00Z'), to: at('2026-11-01T19:00:00Z') }]);
    expect(cover.raw).toEqual([{ range: 0, from: at('2026-11-02T10:00:00Z'), to: at('2026-11-02T10:07:00Z') }]);
  });

  it('covers every millisecond of every range exactly once', () => {
    const ranges = [
      { from: at('2026-03-28T23:00:00Z'), to: at('2026-03-29T22:00:00Z') },
      { from: at('2026-03-29T22:00:00Z'), to: at('2026-04-30T22:00:00Z') },
      { from: at('2026-05-01T00:00:07Z'), to: at('2026-05-01T00:00:09Z') },
    ];
    const cover = coverRanges(ranges, [DAY, HOUR, QUARTER]);
    const pieces = [...cover.byGrain.flat(), ...cover.raw];
    ranges.forEach((range, index) => {
      const own = pieces.filter((piece) => piece.range === index).sort((a, b) => a.from - b.from);
      expect(own[0]?.from).toBe(range.from);
      expect(own.at(-1)?.to).toBe(range.to);
      own.slice(1).forEach((piece, at) => expect(piece.from).toBe(own[at]?.to));
    });
  });
});
