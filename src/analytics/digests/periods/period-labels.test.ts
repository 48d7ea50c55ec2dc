// How each period kind names its period and the one it is compared with, as digests print them.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { digestPeriodKinds } from './registry.js';

const local = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Warsaw' });

describe('digest period labels', () => {
  it('names days, weeks (within a month, across months and years) and months', () => {
    expect(digestPeriodKinds.daily.label(local('2026-10-25'))).toBe('Sunday 25 October 2026');
    expect(digestPeriodKinds.daily.previousLabel(local('2026-10-24'))).toBe('Saturday 24 October');
    expect(digestPeriodKinds.weekly.label(local('2026-10-19'))).toBe('Week of 19–25 Oct 2026');
    expect(digestPeriodKinds.weekly.label(local('2026-10-26'))).toBe('Week of 26 Oct–1 Nov 2026');
    expect(digestPeriodKinds.weekly.label(local('2026-12-28'))).toBe('Week of 28 Dec 2026–3 Jan 2027');
    expect(digestPeriodKinds.weekly.previousLabel(local('2026-10-12'))).toBe('the week of 12 October');
    expect(digestPeriodKinds.monthly.label(local('2026-11-01'))).toBe('November 2026');
    expect(digestPeriodKinds.monthly.previousLabel(local('2026-10-01'))).toBe('October');
  });
});
