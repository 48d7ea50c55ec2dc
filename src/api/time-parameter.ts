// Parses times from query strings: an ISO 8601 timestamp with a zone, a date (its midnight in the request's time
// zone, UTC unless given), or a span back from now ("24h", "7d", "12w", "6mo", "1y").
import { DateTime } from 'luxon';
import { ApiError, ErrorCode } from './errors.js';
import { isStorableTime } from './storable-time.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
// An offset's '+' sent unencoded in a query string (?since=2026-11-01T10:30:00+01:00, as the README writes it) arrives
// as a space, and "10:30:00 01:00" can only mean +01:00.
const UNENCODED_PLUS_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/i;
const RELATIVE_SPAN = /^(\d{1,6})(h|d|w|mo|y)$/;
const SPAN_UNITS = { h: 'hours', d: 'days', w: 'weeks', mo: 'months', y: 'years' } as const;

export interface TimeParameterOptions {
  /** What a relative span counts back from (default: the wall clock). */
  now?: Date;
  /** The zone a date without a time and calendar spans (days, months) are read in (default UTC). */
  zone?: string;
}

export function parseTimeParameter(name: string, value: string | undefined, options: TimeParameterOptions = {}): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().replace(UNENCODED_PLUS_OFFSET, '$1+$2');
  const zone = options.zone ?? 'UTC';
  const span = RELATIVE_SPAN.exec(text);
  let time = Number.NaN;
  if (span !== null) {
    const unit = SPAN_UNITS[span[2] as keyof typeof SPAN_UNITS];
    time = DateTime.fromJSDate(options.now ?? new Date(), { zone }).minus({ [unit]: Number(span[1]) }).toMillis();
  } else if (DATE_ONLY.test(text)) {
    time = DateTime.fromISO(text, { zone }).toMillis();
  } else if (TIMESTAMP.test(text)) {
    time = Date.parse(text);
  }
  // Year 275760, or a span of 99999y back, parse, but are no time a mention can have (and PostgreSQL refuses them).
  if (!isStorableTime(time)) {
    throw new ApiError(
      ErrorCode.validation,
      `${name} must be an ISO 8601 time with a zone (2026-11-01T09:30:00Z), a date (2026-11-01) or a span back from ` +
        `now (24h, 7d, 12w, 6mo, 1y) (got "${value}")`,
    );
  }
  return new Date(time);
}
