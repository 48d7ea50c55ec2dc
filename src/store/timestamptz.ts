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
