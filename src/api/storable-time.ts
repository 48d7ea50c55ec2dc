// The times a request may name: years 0001 to 9999, which PostgreSQL's timestamptz and ISO 8601's four-digit form
// both hold. JavaScript dates reach ±275,760 years, and PostgreSQL refuses (a 500, were it asked) anything before
// 4713 BC, so a span such as `99999y` or a forged cursor must be stopped here as the client's error.
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** True for a time in milliseconds that PostgreSQL can store and compare. */
export function isStorableTime(timeMs: number): boolean {
  return timeMs >= MIN_TIME && timeMs <= MAX_TIME;
}
