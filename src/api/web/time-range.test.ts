import { describe, expect, it } from 'vitest';
import { addDays, boundInstant, intervalForDays, localDate, monthStart, rangeHolds, rangeParameters, relativeChange } from './time-range.js';

describe('dashboard time ranges', () => {
  const now = new Date('2026-12-04T23:30:00Z');

  it('reads the date in the viewer’s zone', () => {
    expect(localDate(now, 'UTC')).toBe('2026-12-04');
    expect(localDate(now, 'Europe/Warsaw')).toBe('2026-12-05');
    expect(localDate(now, 'America/New_York')).toBe('2026-12-04');
  });

  it('moves dates on the calendar across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(monthStart('2026-12-04', 1)).toBe('2027-01-01');
    expect(monthStart('2027-01-01', -12)).toBe('2026-01-01');
  });

  it('gives each preset its span, bucket and previous period', () => {
    expect(rangeParameters('24h', now, 'UTC')).toEqual({
      since: '2026-12-04T00:00:00Z',
      until: '2026-12-05T00:00:00Z',
      interval: 'hour',
      previous: { since: '2026-12-03T00:00:00Z', until: '2026-12-04T00:00:00Z' },
      label: 'Last 24 hours',
    });
    expect(rangeParameters('7d', now, 'Europe/Warsaw')).toEqual({
      since: '2026-11-29',
      until: '2026-12-06',
      interval: 'day',
      previous: { since: '2026-11-22', until: '2026-11-29' },
      label: 'Last 7 days',
    });
    expect(rangeParameters('30d', now, 'UTC')).toMatchObject({ since: '2026-11-05', until: '2026-12-05', previous: { since: '2026-10-06', until: '2026-11-05' } });
    expect(rangeParameters('12mo', now, 'UTC')).toEqual({
      since: '2026-01-01',
      until: '2027-01-01',
      interval: 'month',
      previous: { since: '2025-01-01', until: '2026-01-01' },
      label: 'Last 12 months',
    });
  });

  it('takes a custom span of inclusive dates, choosing its bucket by length', () => {
    expect(rangeParameters('custom', now, 'UTC', { from: '2026-11-01', to: '2026-11-30' })).toEqual({
      since: '2026-11-01',
      until: '2026-12-01',
      interval: 'day',
      previous: { since: '2026-10-02', until: '2026-11-01' },
      label: '2026-11-01 to 2026-11-30',
    });
    expect(rangeParameters('custom', now, 'UTC', { from: '2026-11-01', to: '2026-11-01' }).interval).toBe('hour');
    expect(() => rangeParameters('custom', now, 'UTC', { from: '2026-11-02', to: '2026-11-01' })).toThrow('The custom range ends before it starts.');
    expect(() => rangeParameters('custom', now, 'UTC', { from: '2026-11-02' })).toThrow('Choose both dates of the custom range.');
    expect([intervalForDays(3), intervalForDays(4), intervalForDays(121), intervalForDays(731)]).toEqual(['hour', 'day', 'week', 'month']);
  });

  it('says a change relative to the previous period, null when there was nothing before', () => {
    expect(relativeChange(150, 100)).toBe(0.5);
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(5, 0)).toBeNull();
  });

  it('turns a date bound into the instant of its midnight in the zone, across DST changes', () => {
    expect(boundInstant('2026-11-01', 'Europe/Warsaw')).toBe('2026-10-31T23:00:00.000Z');
    expect(boundInstant('2026-07-01', 'Europe/Warsaw')).toBe('2026-06-30T22:00:00.000Z');
    expect(boundInstant('2026-03-29', 'Europe/Warsaw')).toBe('2026-03-28T23:00:00.000Z');
    expect(boundInstant('2026-11-01', 'Asia/Kolkata')).toBe('2026-10-31T18:30:00.000Z');
    expect(boundInstant('2026-11-01', 'UTC')).toBe('2026-11-01T00:00:00.000Z');
    expect(boundInstant('2026-12-04T00:00:00Z', 'Europe/Warsaw')).toBe('2026-12-04T00:00:00Z');
  });

  it('holds a mention time from the range start (inclusive) to its end (exclusive), dates in the zone', () => {
    const november = { since: '2026-11-01', until: '2026-12-01' };
    expect(rangeHolds(november, 'Europe/Warsaw', '2026-10-31T23:00:00.000Z')).toBe(true);
    expect(rangeHolds(november, 'Europe/Warsaw', '2026-10-31T22:59:59.999Z')).toBe(false);
    expect(rangeHolds(november, 'Europe/Warsaw', '2026-11-30T22:59:59.999Z')).toBe(true);
    expect(rangeHolds(november, 'Europe/Warsaw', '2026-11-30T23:00:00.000Z')).toBe(false);
    expect(rangeHolds(november, 'UTC', '2026-11-30T23:00:00.000Z')).toBe(true);
    const lastDay = { since: '2026-12-04T10:00:00Z', until: '2026-12-05T10:00:00Z' };
    expect(rangeHolds(lastDay, 'Europe/Warsaw', '2026-12-05T09:59:59.999Z')).toBe(true);
    expect(rangeHolds(lastDay, 'Europe/Warsaw', '2025-12-05T09:00:00.000Z')).toBe(false);
  });
});
