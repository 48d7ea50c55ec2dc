// Calendar buckets (hour, day, week, month) in an IANA time zone: DST-safe (a local day may last 23 or 25 hours),
// weeks start on Monday.
import { DateTime, IANAZone } from 'luxon';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Most buckets one request may ask for: a year of hours, more than a century of months. */
export const MAX_BUCKETS = 10_000;

export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** The zone's canonical spelling ("utc" → "UTC"); the name must be valid (see isTimeZone). */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
}

/** Start of the bucket of `interval` that holds `time`, in `zone`. */
export function bucketStartOf(time: Date, interval: Interval, zone: string): Date {
  return DateTime.fromJSDate(time, { zone }).startOf(interval, { useLocaleWeeks: false }).toJSDate();
}

/** The bucket after the one starting at `bucketStart`. */
export function nextBucketStart(bucketStart: Date, interval: Interval, zone: string): Date {
  return DateTime.fromJSDate(bucketStart, { zone }).plus({ [`${interval}s`]: 1 }).toJSDate();
}

/**
 * Starts of every bucket that overlaps [since, until): the first holds `since` (and may begin before it), the last
 * begins before `until`. Throws a RangeError past MAX_BUCKETS.
 */
export function bucketStarts(since: Date, until: Date, interval: Interval, zone: string): Date[] {
  const starts: Date[] = [];
  const untilMs = until.getTime();
  const step = { [`${interval}s`]: 1 };
  // One DateTime walked forward: converting each start back from a Date costs a zone lookup per bucket.
  let start = DateTime.fromJSDate(since, { zone }).startOf(interval, { useLocaleWeeks: false });
  for (; start.toMillis() < untilMs; start = start.plus(step)) {
    if (starts.length === MAX_BUCKETS) {
      throw new RangeError(`more than ${MAX_BUCKETS} ${interval} buckets between since and until; use a longer interval`);
    }
    starts.push(start.toJSDate());
  }
  return starts;
}

/** A bucket's start as the API writes it: ISO 8601 with the zone's offset then ("2026-11-01T00:00:00+01:00"). */
export function formatBucket(bucketStart: Date, zone: string): string {
  return DateTime.fromJSDate(bucketStart, { zone }).toISO({ suppressMilliseconds: true }) ?? bucketStart.toISOString();
}
