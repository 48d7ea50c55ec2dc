// Date.prototype.toISOString for the times answers are full of: a mention page writes three per mention, and V8's own
// took ≈ 0.4 µs each (a third of serialising the page; bench:api). Same string, computed from the time value.

const DAY_MS = 86_400_000;
// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years toISOString writes with four digits.
const FIRST_FOUR_DIGIT_MS = -62_167_219_200_000;
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

/** `date.toISOString()`, ≈ 5× faster; out of years 0–9999 (or invalid) it is toISOString itself, throwing as it does. */
export function isoTime(date: Date): string {
  const time = date.getTime();
  if (!(time >= FIRST_FOUR_DIGIT_MS && time <= LAST_FOUR_DIGIT_MS)) return date.toISOString();
  const days = Math.floor(time / DAY_MS);
  let rest = time - days * DAY_MS;
  // The civil date of a day number (days since 1970-01-01), in 400-year eras starting on 1 March: H. Hinnant,
  // "chrono-Compatible Low-Level Date Algorithms", days_from_civil's inverse.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  const ms = rest - seconds * 1_000;
  // One flat string (concatenation would leave a rope for every later copy to flatten): digits are 48 + d.
  return String.fromCharCode(
    48 + Math.floor(year / 1_000), 48 + (Math.floor(year / 100) % 10), 48 + (Math.floor(year / 10) % 10), 48 + (year % 10),
    45, 48 + Math.floor(month / 10), 48 + (month % 10),
    45, 48 + Math.floor(day / 10), 48 + (day % 10),
    84, 48 + Math.floor(hours / 10), 48 + (hours % 10),
    58, 48 + Math.floor(minutes / 10), 48 + (minutes % 10),
    58, 48 + Math.floor(seconds / 10), 48 + (seconds % 10),
    46, 48 + Math.floor(ms / 100), 48 + (Math.floor(ms / 10) % 10), 48 + (ms % 10),
    90,
  );
}
