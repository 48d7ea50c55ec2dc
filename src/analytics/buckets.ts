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
  for (let start = bucketStartOf(since, interval, zone); start < until; start = nextBucketStart(start, interval, zone)) {
    if (starts.length === MAX_BUCKETS) {
      throw new RangeError(`more than ${MAX_BUCKETS} ${interval} buckets between since and until; use a longer interval`);
    }
    starts.push(start);
  }
  return starts;
}

/** A bucket's start as the API writes it: ISO 8601 with the zone's offset then ("2026-11-01T00:00:00+01:00"). */
export function formatBucket(bucketStart: Date, zone: string): string {
  return DateTime.fromJSDate(bucketStart, { zone }).toISO({ suppressMilliseconds: true }) ?? bucketStart.toISOString();
}

/**
 * Whether rollup rows of `grainMs` (aligned to the Unix epoch) can be summed into these buckets: every boundary
 * between two buckets must fall on a grain boundary, or a grain row would belong to two buckets.
 */
export function bucketsAlignWithGrain(bucketStartTimes: readonly Date[], grainMs: number): boolean {
  return bucketStartTimes.slice(1).every((start) => start.getTime() % grainMs === 0);
}
