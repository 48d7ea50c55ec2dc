// The `reports:` config section: how statistics and reports read calendar time.
import { FormatRegistry, Type } from '@sinclair/typebox';
import { isTimeZone } from './buckets.js';

FormatRegistry.Set('time-zone', isTimeZone);

/** An IANA time zone name such as Europe/Warsaw. */
export const TimeZoneName = (options: { default?: string } = {}) =>
  Type.String({ format: 'time-zone', errorMessage: '{value} is not an IANA time zone (e.g. Europe/Warsaw, UTC)', ...options });

export const ReportsSchema = Type.Object(
  {
    // Days, weeks and months of /v1/stats, reports and digests begin at midnight here unless a request says `tz`.
    timezone: TimeZoneName({ default: 'UTC' }),
  },
  { additionalProperties: false, default: {} },
);
