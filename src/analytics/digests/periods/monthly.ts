// `every: monthly`: last month, the monthly report's figures shortened; it leads with the report's flags.
import { reportFlags } from '../../report-figures.js';
import type { DigestPeriodKind } from './period-kind.js';

export const monthlyDigestPeriod: DigestPeriodKind = {
  interval: 'month',
  title: 'Monthly',
  label: (start) => start.setLocale('en-GB').toFormat('LLLL yyyy'),
  previousLabel: (start) => start.setLocale('en-GB').toFormat('LLLL'),
  flags: (periods, figures) => reportFlags(periods, figures),
};
