// `every: weekly`: last week, Monday to Sunday in the digest's time zone, against the week before.
import type { DigestPeriodKind } from './period-kind.js';

export const weeklyDigestPeriod: DigestPeriodKind = {
  interval: 'week',
  title: 'Weekly',
  label: (start) => {
    const end = start.plus({ days: 6 });
    const from = start.setLocale('en-GB').toFormat(start.month === end.month ? 'd' : start.year === end.year ? 'd LLL' : 'd LLL yyyy');
    return `Week of ${from}–${end.setLocale('en-GB').toFormat('d LLL yyyy')}`;
  },
  previousLabel: (start) => `the week of ${start.setLocale('en-GB').toFormat('d LLLL')}`,
  flags: () => [],
};
