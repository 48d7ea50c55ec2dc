// The time parameters every statistics route shares: since, until, tz and include_backfill.
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { canonicalTimeZone, isTimeZone } from '../analytics/buckets.js';
import type { Config } from '../config/schema.js';
import { ApiError, ErrorCode } from './errors.js';
import { parseTimeParameter } from './time-parameter.js';

export const TimeScopeParameters = {
  since: Type.Optional(Type.String({ description: 'ISO 8601 time, a date (midnight in tz), or a span back from now: 24h, 7d, 12w, 6mo' })),
  until: Type.Optional(Type.String({ description: 'as since; exclusive; default now' })),
  tz: Type.Optional(Type.String({ description: 'IANA time zone of the buckets and of dates; default reports.timezone' })),
  include_backfill: Type.Boolean({ default: false, description: "count mentions found by a source's first poll" }),
};

export interface TimeScopeQuery {
  since?: string;
  until?: string;
  tz?: string;
  include_backfill: boolean;
}

export interface TimeScope {
  since: Date;
  until: Date;
  zone: string;
  includeBackfill: boolean;
}

/** The zone of `tz`, or the configured one. */
export function zoneOf(tz: string | undefined, config: Config): string {
  if (tz === undefined) return config.reports.timezone;
  if (!isTimeZone(tz)) throw new ApiError(ErrorCode.validation, `tz: "${tz}" is not an IANA time zone (e.g. Europe/Warsaw, UTC)`);
  return canonicalTimeZone(tz);
}

/** since/until/tz read and checked; without since, the range starts `defaultSpanDays` calendar days before until. */
export function readTimeScope(query: TimeScopeQuery, config: Config, defaultSpanDays: number, now = new Date()): TimeScope {
  const zone = zoneOf(query.tz, config);
  const until = parseTimeParameter('until', query.until, { now, zone }) ?? now;
  const since =
    parseTimeParameter('since', query.since, { now, zone }) ?? DateTime.fromJSDate(until, { zone }).minus({ days: defaultSpanDays }).toJSDate();
  if (since >= until) throw new ApiError(ErrorCode.validation, `since (${since.toISOString()}) must be before until (${until.toISOString()})`);
  return { since, until, zone, includeBackfill: query.include_backfill };
}

/** Runs `work`, turning "too many buckets" into a 400. */
export async function withinBucketLimit<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(ErrorCode.validation, error.message);
    throw error;
  }
}
