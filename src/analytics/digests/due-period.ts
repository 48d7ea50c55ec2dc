// When a digest is due and which period it covers: at `at` local time on the day a period ends (the day after a
// daily period, the Monday after a week, the 1st after a month), in the digest's time zone. Pure, DST-safe: periods
// are calendar periods of the zone (a day may last 23 or 25 hours) and `at` is a wall-clock time.
import { DateTime } from 'luxon';
import type { PeriodInterval } from '../period-figures.js';

export interface DigestPeriod {
  start: Date;
  /** Exclusive. */
  end: Date;
  /** When its digest is sent. */
  sendAt: Date;
}

const AT = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isDigestTime(text: string): boolean {
  return AT.test(text);
}

/** `at` ("09:00") on the local day that begins at `dayStart`; a time skipped by DST moves forward, as clocks do. */
function sendTimeOn(dayStart: DateTime, at: string): DateTime {
  const [, hour, minute] = AT.exec(at) ?? [];
  return dayStart.set({ hour: Number(hour), minute: Number(minute), second: 0, millisecond: 0 });
}

function periodStartingAt(start: DateTime, interval: PeriodInterval, at: string): DigestPeriod {
  const end = start.plus({ [`${interval}s`]: 1 });
  return { start: start.toJSDate(), end: end.toJSDate(), sendAt: sendTimeOn(end, at).toJSDate() };
}

/** The latest period whose digest is due at `now` (its send time has come). */
export function duePeriod(now: Date, interval: PeriodInterval, zone: string, at: string): DigestPeriod {
  const current = DateTime.fromJSDate(now, { zone }).startOf(interval, { useLocaleWeeks: false });
  const justEnded = periodStartingAt(current.minus({ [`${interval}s`]: 1 }), interval, at);
  if (now >= justEnded.sendAt) return justEnded;
  return periodStartingAt(current.minus({ [`${interval}s`]: 2 }), interval, at);
}

/** The period that starts on the local date or month `key` names (2026-10-25, 2026-11), or null if it names none. */
export function periodOfKey(key: string, interval: PeriodInterval, zone: string, at: string): DigestPeriod | null {
  const parsed = DateTime.fromFormat(key, interval === 'month' ? 'yyyy-MM' : 'yyyy-MM-dd', { zone });
  if (!parsed.isValid) return null;
  return periodStartingAt(parsed.startOf(interval, { useLocaleWeeks: false }), interval, at);
}
