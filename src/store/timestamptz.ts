// timestamptz values as PostgreSQL sends them (DateStyle ISO: `2026-11-05 12:34:56.789123+00`) into Dates, without
// the three regular expressions pg's own parser (postgres-date) runs on each: a mention page reads 150 of them, and
// parsing them was ≈ 3 % of the api process's CPU per page (bench:api profile). The same Date as postgres-date, bit
// for bit (its millisecond expression included); anything off the common shape (years before 100 or after 9999, BC,
// infinity, other date styles) goes to postgres-date itself.
import pg from 'pg';

/** pg's own parser for timestamptz (postgres-date), taken before database.ts replaces it. */
export const parseTimestamptzAsPg = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (value: string) => Date | number | null;

const ZERO = 48;

/** Two ASCII digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

export function parseTimestamptz(text: string): Date | number | null {
  // YYYY-MM-DD HH:MM:SS, then an optional fraction and the zone offset (+HH, +HH:MM or +HH:MM:SS).
  if (text.length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return parseTimestamptzAsPg(text);
  }
  const century = twoDigits(text, 0);
  const yearInCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // Years 0-99 are special to Date.UTC (and postgres-date corrects for it): left to postgres-date.
  if (century < 1 || yearInCentury < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return parseTimestamptzAsPg(text);
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    let end = at + 1;
    for (let code = text.charCodeAt(end); code >= ZERO && code <= ZERO + 9; code = text.charCodeAt(end)) end++;
    if (end === at + 1) return parseTimestamptzAsPg(text);
    // postgres-date's own expression, so that the rounding is its own.
    ms = 1000 * parseFloat(text.slice(at, end));
    at = end;
  }
  const sign = text.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return parseTimestamptzAsPg(text);
  const zoneHours = twoDigits(text, at + 1);
  let zoneMinutes = 0;
  let zoneSeconds = 0;
  at += 3;
  if (zoneHours < 0) return parseTimestamptzAsPg(text);
  if (at < text.length) {
    if (text.charCodeAt(at) !== 58) return parseTimestamptzAsPg(text);
    zoneMinutes = twoDigits(text, at + 1);
    at += 3;
    if (zoneMinutes < 0) return parseTimestamptzAsPg(text);
    if (at < text.length) {
      if (text.charCodeAt(at) !== 58) return parseTimestamptzAsPg(text);
      zoneSeconds = twoDigits(text, at + 1);
      at += 3;
      if (zoneSeconds < 0) return parseTimestamptzAsPg(text);
    }
  }
  if (at !== text.length) return parseTimestamptzAsPg(text);
  const offsetMs = (sign === 45 ? -1 : 1) * (zoneHours * 3600 + zoneMinutes * 60 + zoneSeconds) * 1000;
  return new Date(Date.UTC(century * 100 + yearInCentury, month - 1, day, hour, minute, second, ms) - offsetMs);
}

/**
 * timestamptz text as PostgreSQL sends it, as the ISO string `parseTimestamptz(text).toISOString()` gives
 * (`2026-11-05T12:34:56.789Z`), without making a Date: what the API writes for the three times of each mention (150
 * per page). Taken straight from the text when it is in UTC (`+00`, as the API's pools ask for: database.ts) and in
 * years 0100-9999, the milliseconds truncated from the fraction as postgres-date and Date.UTC do; anything else (another
 * zone, BC, five-digit years, infinity) goes through parseTimestamptz and toISOString, throwing where they throw.
 */
export function isoTimeOfTimestamptz(text: string): string {
  const end = text.length - 3;
  if (end >= 19 && text.charCodeAt(end) === 43 && text.charCodeAt(end + 1) === ZERO && text.charCodeAt(end + 2) === ZERO &&
    text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58) {
    const century = twoDigits(text, 0);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (century >= 1 && twoDigits(text, 2) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 &&
      minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      let ms = 0;
      if (end > 19) {
        // A fraction: a point and 1-6 digits.
        let digits = end > 20 && end <= 26 && text.charCodeAt(19) === 46;
        for (let at = 20; digits && at < end; at++) digits = text.charCodeAt(at) >= ZERO && text.charCodeAt(at) <= ZERO + 9;
        // postgres-date's own expression, truncated as Date.UTC truncates it, so that the milliseconds are its own.
        ms = digits ? Math.trunc(1000 * parseFloat(text.slice(19, end))) : -1;
      }
      if (ms >= 0) {
        // One flat string (a concatenation would leave a rope for the serialiser to flatten); digits are 48 + d.
        return String.fromCharCode(
          text.charCodeAt(0), text.charCodeAt(1), text.charCodeAt(2), text.charCodeAt(3), 45, text.charCodeAt(5),
          text.charCodeAt(6), 45, text.charCodeAt(8), text.charCodeAt(9), 84, text.charCodeAt(11), text.charCodeAt(12), 58,
          text.charCodeAt(14), text.charCodeAt(15), 58, text.charCodeAt(17), text.charCodeAt(18), 46,
          ZERO + Math.floor(ms / 100), ZERO + (Math.floor(ms / 10) % 10), ZERO + (ms % 10), 90,
        );
      }
    }
  }
  const parsed = parseTimestamptz(text);
  if (!(parsed instanceof Date)) throw new RangeError(`timestamptz ${text} is not a time an ISO string can hold`);
  return parsed.toISOString();
}
