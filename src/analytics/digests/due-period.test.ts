// When digests are due and what they cover: local calendar periods of the digest's zone (23- and 25-hour days across
// Warsaw's DST changes, weeks from Monday), sent at `at` wall-clock time on the day the period ends.
import { describe, expect, it } from 'vitest';
import { duePeriod, periodOfKey } from './due-period.js';

const WARSAW = 'Europe/Warsaw';
const iso = (period: { start: Date; end: Date; sendAt: Date }) => ({
  start: period.start.toISOString(),
  end: period.end.toISOString(),
  sendAt: period.sendAt.toISOString(),
});

describe('duePeriod', () => {
  it('covers the 25-hour day of the autumn change and sends it at 09:00 Warsaw time (08:00 UTC) the next day', () => {
    const sunday = { start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z', sendAt: '2026-10-26T08:00:00.000Z' };
    expect(iso(duePeriod(new Date('2026-10-26T08:00:00Z'), 'day', WARSAW, '09:00'))).toEqual(sunday);
    // A minute earlier the day before is still the latest due one.
    expect(iso(duePeriod(new Date('2026-10-26T07:59:00Z'), 'day', WARSAW, '09:00'))).toEqual({
      start: '2026-10-23T22:00:00.000Z',
      end: '2026-10-24T22:00:00.000Z',
      sendAt: '2026-10-25T08:00:00.000Z',
    });
    const { start, end } = duePeriod(new Date('2026-10-26T08:00:00Z'), 'day', WARSAW, '09:00');
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(25);
  });

  it('covers the 23-hour day of the spring change and sends it at 09:00 Warsaw time (07:00 UTC) the next day', () => {
    const period = duePeriod(new Date('2026-03-30T07:00:00Z'), 'day', WARSAW, '09:00');
    expect(iso(period)).toEqual({ start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z', sendAt: '2026-03-30T07:00:00.000Z' });
    expect((period.end.getTime() - period.start.getTime()) / 3_600_000).toBe(23);
    expect(duePeriod(new Date('2026-03-30T06:59:59Z'), 'day', WARSAW, '09:00').start.toISOString()).toBe('2026-03-27T23:00:00.000Z');
  });

  it('sends the Monday-to-Sunday week on Monday at `at`, across the autumn change (169 hours)', () => {
    const period = duePeriod(new Date('2026-10-26T08:00:00Z'), 'week', WARSAW, '09:00');
    expect(iso(period)).toEqual({ start: '2026-10-18T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z', sendAt: '2026-10-26T08:00:00.000Z' });
    expect(duePeriod(new Date('2026-10-26T07:59:00Z'), 'week', WARSAW, '09:00').start.toISOString()).toBe('2026-10-11T22:00:00.000Z');
  });

  it('sends the month on the 1st at `at`', () => {
    expect(iso(duePeriod(new Date('2026-12-01T08:00:00Z'), 'month', WARSAW, '09:00'))).toEqual({
      start: '2026-10-31T23:00:00.000Z',
      end: '2026-11-30T23:00:00.000Z',
      sendAt: '2026-12-01T08:00:00.000Z',
    });
    expect(duePeriod(new Date('2026-12-01T07:59:00Z'), 'month', WARSAW, '09:00').start.toISOString()).toBe('2026-09-30T22:00:00.000Z');
  });

  it('moves a send time that DST skips forward, as clocks do', () => {
    // 02:30 does not exist in Warsaw on 2026-03-29.
    expect(duePeriod(new Date('2026-03-29T01:30:00Z'), 'day', WARSAW, '02:30').sendAt.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('periodOfKey', () => {
  it('reads the period a key names, in the zone', () => {
    expect(iso(periodOfKey('2026-10-25', 'day', WARSAW, '09:00') as NonNullable<ReturnType<typeof periodOfKey>>)).toEqual({
      start: '2026-10-24T22:00:00.000Z',
      end: '2026-10-25T23:00:00.000Z',
      sendAt: '2026-10-26T08:00:00.000Z',
    });
    expect(periodOfKey('2026-11', 'month', WARSAW, '09:00')?.start.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    // Any day of a week names its week.
    expect(periodOfKey('2026-10-22', 'week', WARSAW, '09:00')?.start.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(periodOfKey('2026-13', 'month', WARSAW, '09:00')).toBeNull();
  });
});
