// The dashboard's time ranges as API parameters: the presets and a custom span of dates, each with the bucket size
// its charts use and the period just before it (for "change against the previous period"). Dates are calendar dates
// in the viewer's time zone and go to the API as dates (`2026-11-01` = local midnight in `tz`), so every bucket is a
// whole local hour, day or month. Pure: no DOM, no clock of its own.

export type Preset = '24h' | '7d' | '30d' | '12mo' | 'custom';
export type Interval = 'hour' | 'day' | 'week' | 'month';

export const PRESETS: ReadonlyArray<{ value: Preset; label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '12mo', label: 'Last 12 months' },
  { value: 'custom', label: 'Custom dates' },
];

export interface Period {
  since: string;
  until: string;
}

export interface RangeParameters extends Period {
  interval: Interval;
  previous: Period;
  /** In words, for headings: "Last 30 days". */
  label: string;
}

/** A date YYYY-MM-DD as it is in `timeZone` at `now`. */
export function localDate(now: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `date` (YYYY-MM-DD) moved by whole days, on the calendar (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The first day of the month `months` away from `date`'s month. */
export function monthStart(date: string, months = 0): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
}

/** Days from `since` (inclusive) to `until` (exclusive), both YYYY-MM-DD. */
export function daysBetween(since: string, until: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / 86_400_000);
}

export const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/** The bucket size that gives a readable chart for a span of `days`. */
export function intervalForDays(days: number): Interval {
  if (days <= 3) return 'hour';
  if (days <= 120) return 'day';
  if (days <= 730) return 'week';
  return 'month';
}

/**
 * The API parameters of a range. `custom` takes `from` and `to` (inclusive dates); it throws a message for a person
 * when they are missing or reversed.
 */
export function rangeParameters(preset: Preset, now: Date, timeZone: string, custom: { from?: string; to?: string } = {}): RangeParameters {
  const label = PRESETS.find((each) => each.value === preset)?.label ?? preset;
  switch (preset) {
    case '24h': {
      // The 24 whole hours up to the end of the current one (UTC hours are local hours in all but a few zones).
      const end = Math.ceil((now.getTime() + 1) / 3_600_000) * 3_600_000;
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      return { since: iso(end - 86_400_000), until: iso(end), interval: 'hour', previous: { since: iso(end - 2 * 86_400_000), until: iso(end - 86_400_000) }, label };
    }
    case '7d':
    case '30d': {
      const days = preset === '7d' ? 7 : 30;
      const until = addDays(localDate(now, timeZone), 1);
      const since = addDays(until, -days);
      return { since, until, interval: 'day', previous: { since: addDays(since, -days), until: since }, label };
    }
    case '12mo': {
      const until = monthStart(localDate(now, timeZone), 1);
      const since = monthStart(until, -12);
      return { since, until, interval: 'month', previous: { since: monthStart(since, -12), until: since }, label };
    }
    case 'custom': {
      const { from, to } = custom;
      if (from === undefined || to === undefined || !isDate(from) || !isDate(to)) throw new RangeError('Choose both dates of the custom range.');
      if (to < from) throw new RangeError('The custom range ends before it starts.');
      const until = addDays(to, 1);
      const days = daysBetween(from, until);
      return { since: from, until, interval: intervalForDays(days), previous: { since: addDays(from, -days), until: from }, label: `${from} to ${to}` };
    }
  }
}

/** Change of a count against the previous period, relative (−0.25 = −25 %); null when there was nothing before. */
export function relativeChange(value: number, previous: number): number | null {
  if (previous === 0) return value === 0 ? 0 : null;
  return (value - previous) / previous;
}

/** Minutes `timeZone` is ahead of UTC at `at`. */
function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((each) => each.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * A range bound as an instant (ISO 8601 UTC): a date is its midnight in `timeZone`, for the routes that take no `tz`
 * (alerts, stories). An instant passes through.
 */
export function boundInstant(value: string, timeZone: string): string {
  if (!isDate(value)) return value;
  const guess = Date.parse(`${value}T00:00:00Z`);
  // Twice: the offset at the guess can differ from the offset at the real midnight across a DST change.
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/**
 * Whether a mention's time (`occurred_at`) falls in the range, `since` inclusive and `until` exclusive, as the API's
 * filters take it: what a live mention must satisfy to join a view of that range. New mentions are not all recent:
 * a feed item dated last year, found now, occurs last year.
 */
export function rangeHolds(range: Period, timeZone: string, occurredAt: string): boolean {
  const at = Date.parse(occurredAt);
  return at >= Date.parse(boundInstant(range.since, timeZone)) && at < Date.parse(boundInstant(range.until, timeZone));
}
