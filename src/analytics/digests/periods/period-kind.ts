// The digest period plug-in interface: a kind (daily, weekly, monthly) is one file saying which calendar period it
// covers and how it is named; periods/registry.ts maps `every:` to it.
import type { DateTime } from 'luxon';
import type { Figure, FigureName, MonthCounts } from '../../report-figures.js';
import type { PeriodInterval } from '../../period-figures.js';

export interface DigestPeriodKind {
  /** The calendar period of the digest's time zone (weeks start on Monday). */
  interval: PeriodInterval;
  /** "Daily", for titles. */
  title: string;
  /** The period in words: "Sunday 25 October 2026", "Week of 19 October 2026", "November 2026". */
  label(periodStart: DateTime): string;
  /** The period it is compared with, in words: "Saturday 24 October", "the week of 12 October", "October". */
  previousLabel(previousStart: DateTime): string;
  /** Flags in words the digest leads with (a monthly digest: the report's); the periods oldest first. */
  flags(periods: readonly MonthCounts[], figures: Record<FigureName, Figure>): string[];
}
