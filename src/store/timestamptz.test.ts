import { describe, expect, it } from 'vitest';
import { parseTimestamptz, parseTimestamptzAsPg } from './timestamptz.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** What a Date (or postgres-date's number for infinity, or null) is, comparably: NaN and -0 included. */
const valueOf = (parsed: Date | number | null) => (parsed instanceof Date ? ['date', parsed.getTime()] : [typeof parsed, parsed]);

describe('parseTimestamptz', () => {
  it("gives pg's own Date for timestamptz text as PostgreSQL writes it", () => {
    const random = seededRandom(11);
    const pick = (below: number) => Math.floor(random() * below);
    const zones = ['+00', '-05', '+05:30', '-09:30', '+05:45', '+14', '-12', '+01:02:03', '-00:19:32'];
    for (let sample = 0; sample < 20_000; sample++) {
      const fractionDigits = pick(7);
      const fraction = fractionDigits === 0 ? '' : `.${Array.from({ length: fractionDigits }, () => pick(10)).join('')}`;
      const text = `${pad(100 + pick(9_900), 4)}-${pad(1 + pick(12))}-${pad(1 + pick(28))} ${pad(pick(24))}:${pad(pick(60))}:${pad(pick(60))}` +
        `${fraction}${zones[pick(zones.length)]}`;
      expect([text, ...valueOf(parseTimestamptz(text))]).toEqual([text, ...valueOf(parseTimestamptzAsPg(text))]);
    }
  });

  it('gives the same as pg for fractions whose milliseconds a float rounds down, and for the shapes it leaves to pg', () => {
    const texts = [
      '2026-11-05 12:34:56.289+00',
      '2026-11-05 12:34:56.035+00',
      '2026-11-05 12:34:56.999999+00',
      '2026-11-05 12:34:56.0000001+00',
      '2026-11-05 12:34:56+00',
      '2026-02-29 00:00:00+00',
      '0099-12-31 23:59:59.999+00',
      '0001-01-01 00:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      '1000-01-01 00:00:00+00 BC',
      '12026-11-05 12:34:56+00',
      'infinity',
      '-infinity',
      '2026-11-05',
      '2026-11-05 12:34:56',
      '2026-11-05 12:34:56.+00',
      '2026-11-05 12:34:56.5Z',
      '2026-11-05T12:34:56.5+00',
      '2026-11-05 12:34:56.5+0',
      '2026-11-05 12:34:56.5+00:3',
      '2026-11-05 12:34:56.5+00:30:1',
      '2026-11-05 12:34:56.5+00:30:15x',
      'not a time at all, no',
    ];
    for (const text of texts) expect([text, ...valueOf(parseTimestamptz(text))]).toEqual([text, ...valueOf(parseTimestamptzAsPg(text))]);
  });

  it('parses the common shape itself (the fast path is taken)', () => {
    expect(parseTimestamptz('2026-11-05 12:34:56.789123+05:30')).toEqual(new Date('2026-11-05T07:04:56.789Z'));
    expect(parseTimestamptz('2026-11-05 12:34:56-00:19:32')).toEqual(new Date('2026-11-05T12:54:28.000Z'));
  });
});
