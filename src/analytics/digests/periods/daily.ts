// `every: daily`: yesterday (a local calendar day: 23 or 25 hours across a DST change), against the day before.
import type { DigestPeriodKind } from './period-kind.js';

export const dailyDigestPeriod: DigestPeriodKind = {
  interval: 'day',
  title: 'Daily',
  label: (start) => start.setLocale('en-GB').toFormat('cccc d LLLL yyyy'),
  previousLabel: (start) => start.setLocale('en-GB').toFormat('cccc d LLLL'),
  flags: () => [],
};
