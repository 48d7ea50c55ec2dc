import { describe, expect, it } from 'vitest';
import { bucketStarts, canonicalTimeZone, formatBucket, isTimeZone, MAX_BUCKETS } from './buckets.js';

const WARSAW = 'Europe/Warsaw';
const iso = (dates: Date[], zone: string) => dates.map((date) => formatBucket(date, zone));

describe('calendar buckets in a time zone', () => {
  it('days across the spring DST change are 24, 23 and 24 hours long', () => {
    const starts = bucketStarts(new Date('2026-03-27T23:00:00Z'), new Date('2026-03-30T22:00:00Z'), 'day', WARSAW);
    expect(iso(starts, WARSAW)).toEqual([
      '2026-03-28T00:00:00+01:00',
      '2026-03-29T00:00:00+01:00',
      '2026-03-30T00:00:00+02:00',
    ]);
    expect(starts[2]!.getTime() - starts[1]!.getTime()).toBe(23 * 3_600_000);
  });

  it('the autumn change makes a 25-hour day, and hours repeat the local 02:00', () => {
    const days = bucketStarts(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-26T23:00:00Z'), 'day', WARSAW);
    expect(days[1]!.getTime() - days[0]!.getTime()).toBe(25 * 3_600_000);
    const hours = bucketStarts(new Date('2026-10-25T00:00:00Z'), new Date('2026-10-25T02:00:00Z'), 'hour', WARSAW);
    expect(iso(hours, WARSAW)).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00']);
  });

  it('weeks start on Monday, months on the first, and the first bucket holds since', () => {
    const weeks = bucketStarts(new Date('2026-11-05T12:00:00Z'), new Date('2026-11-17T00:00:00Z'), 'week', WARSAW);
    expect(iso(weeks, WARSAW)).toEqual(['2026-11-02T00:00:00+01:00', '2026-11-09T00:00:00+01:00', '2026-11-16T00:00:00+01:00']);
    const months = bucketStarts(new Date('2026-09-15T00:00:00Z'), new Date('2026-11-01T00:00:00Z'), 'month', 'UTC');
    expect(iso(months, 'UTC')).toEqual(['2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z']);
  });

  it('refuses more than MAX_BUCKETS', () => {
    expect(() => bucketStarts(new Date('2000-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'), 'hour', 'UTC')).toThrow(
      `more than ${MAX_BUCKETS} hour buckets`,
    );
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Warsaw')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(canonicalTimeZone('utc')).toBe('UTC');
  });
});
