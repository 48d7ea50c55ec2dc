import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { parseTimeParameter } from './time-parameter.js';

const NOW = new Date('2026-11-15T10:30:00Z');

describe('time parameters', () => {
  it('reads timestamps with a zone, and dates as midnight in the zone', () => {
    expect(parseTimeParameter('since', '2026-11-01T10:30:00+01:00')?.toISOString()).toBe('2026-11-01T09:30:00.000Z');
    expect(parseTimeParameter('since', '2026-11-01')?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseTimeParameter('since', '2026-11-01', { zone: 'Europe/Warsaw' })?.toISOString()).toBe('2026-10-31T23:00:00.000Z');
  });

  it("reads an offset whose '+' came unencoded in the query string, and so as a space", () => {
    expect(parseTimeParameter('since', '2026-11-01T10:30:00 01:00')?.toISOString()).toBe('2026-11-01T09:30:00.000Z');
    expect(parseTimeParameter('since', '2026-11-01T10:30 0530')?.toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(() => parseTimeParameter('since', '2026-11-01 10:30:00')).toThrow(ApiError);
  });

  it('reads spans back from now', () => {
    const at = (value: string, zone?: string) => parseTimeParameter('since', value, { now: NOW, zone })?.toISOString();
    expect(at('24h')).toBe('2026-11-14T10:30:00.000Z');
    expect(at('7d')).toBe('2026-11-08T10:30:00.000Z');
    expect(at('12w')).toBe('2026-08-23T10:30:00.000Z');
    expect(at('6mo')).toBe('2026-05-15T10:30:00.000Z');
    // Seven calendar days back in Warsaw cross the end of summer time: 7 × 24 h + 1 h.
    expect(parseTimeParameter('since', '7d', { now: new Date('2026-10-27T12:00:00Z'), zone: 'Europe/Warsaw' })?.toISOString()).toBe(
      '2026-10-20T11:00:00.000Z',
    );
  });

  it('refuses a span reaching back before year 1, which PostgreSQL cannot compare (was a 500)', () => {
    expect(() => parseTimeParameter('since', '99999y', { now: NOW })).toThrow(/^since must be an ISO 8601 time.*\(got "99999y"\)$/);
    expect(() => parseTimeParameter('since', '2030y', { now: NOW })).toThrow(ApiError);
    expect(parseTimeParameter('since', '2025y', { now: NOW })?.toISOString()).toBe('0001-11-15T10:30:00.000Z');
  });

  it('leaves an absent parameter absent', () => {
    expect(parseTimeParameter('since', undefined)).toBeUndefined();
  });

  it('names the parameter when it cannot be read', () => {
    for (const bad of ['yesterday', '2026-11-01T10:30:00', '6m', '7 d', '', '+275760-09-13T00:00:00Z', '99999y', '999999mo']) {
      expect(() => parseTimeParameter('until', bad)).toThrow(ApiError);
      expect(() => parseTimeParameter('until', bad)).toThrow(/^until must be an ISO 8601 time/);
    }
  });
});
