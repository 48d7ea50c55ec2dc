import { describe, expect, it } from 'vitest';
import { isoTimeOfTimestamptz, parseTimestamptz, parseTimestamptzAsPg } from './timestamptz.js';
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

/** What answers wrote before isoTimeOfTimestamptz: pg's own Date, then V8's toISOString. */
const isoAsBefore = (text: string) => (parseTimestamptzAsPg(text) as Date).toISOString();

describe('isoTimeOfTimestamptz', () => {
  it("writes the ISO string of pg's own Date for timestamptz text as PostgreSQL writes it, in UTC or not", () => {
    const random = seededRandom(17);
    const pick = (below: number) => Math.floor(random() * below);
    // Mostly UTC, as the API's pools ask for: the path that copies the text.
    const zones = ['+00', '+00', '+00', '+00', '-05', '+05:30', '+14', '-12', '+01:02:03', '-00:19:32'];
    const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
    let copied = 0;
    for (let sample = 0; sample < 50_000; sample++) {
      // Years 1-99 (Date.UTC's special years), 100-999, 1000-9999, and a few 5-digit ones.
      const year = pick(10) === 0 ? 1 + pick(999) : pick(50) === 0 ? 10_000 + pick(200_000) : 1_000 + pick(9_000);
      const month = 1 + pick(12);
      const fractionDigits = pick(8);
      const fraction = fractionDigits === 0 ? '' : `.${Array.from({ length: fractionDigits }, () => pick(10)).join('')}`;
      const zone = zones[pick(zones.length)] as string;
      const text = `${pad(year, 4)}-${pad(month)}-${pad(1 + pick(daysIn(year, month)))} ${pad(pick(24))}:${pad(pick(60))}:${pad(pick(60))}` +
        `${fraction}${zone}${pick(20) === 0 ? ' BC' : ''}`;
      if (zone === '+00' && !text.endsWith('BC') && year >= 100 && year <= 9_999 && fractionDigits <= 6) copied++;
      expect([text, isoTimeOfTimestamptz(text)]).toEqual([text, isoAsBefore(text)]);
    }
    expect(copied).toBeGreaterThan(10_000);
  });

  it('writes every millisecond and microsecond fraction as the Date of it does, and the edges of the four-digit years', () => {
    for (let micros = 0; micros < 1_000_000; micros += 1) {
      const digits = String(micros).padStart(6, '0').replace(/0+$/, '');
      const text = `2026-11-05 12:34:56${digits === '' ? '' : `.${digits}`}+00`;
      const iso = isoTimeOfTimestamptz(text);
      if (iso !== isoAsBefore(text)) expect([text, iso]).toEqual([text, isoAsBefore(text)]);
    }
    for (const text of ['0100-01-01 00:00:00+00', '0999-12-31 23:59:59.999999+00', '9999-12-31 23:59:59.999999+00', '0001-01-01 00:00:00+00',
      '0099-12-31 23:59:59.5+00', '10000-01-01 00:00:00+00', '0044-03-15 12:00:00+00 BC', '2026-11-05 12:34:56.1234567+00',
      '2026-11-05 12:34:56.+00', '2026-11-05 12:34:56+00:30', '2026-11-05 12:34:56-00']) {
      expect([text, isoTimeOfTimestamptz(text)]).toEqual([text, isoAsBefore(text)]);
    }
    expect(isoTimeOfTimestamptz('2026-11-05 12:34:56.07+00')).toBe('2026-11-05T12:34:56.070Z');
    expect(isoTimeOfTimestamptz('0999-01-02 03:04:05+00')).toBe('0999-01-02T03:04:05.000Z');
    expect(() => isoTimeOfTimestamptz('infinity')).toThrow(RangeError);
  });
});
