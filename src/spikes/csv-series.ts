// Parses a NAB-format `timestamp,value` CSV into a time series and infers its bucket (the series' own spacing).

export interface SeriesRow {
  /** The timestamp exactly as written in the file. */
  timestamp: string;
  /** The timestamp as epoch milliseconds, UTC. */
  bucketStart: number;
  value: number;
  /** 1-based line number in the file, for messages. */
  lineNumber: number;
}

export interface CsvSeries {
  rows: SeriesRow[];
  /** The median spacing between consecutive rows. */
  bucketMs: number;
}

export class CsvSeriesError extends Error {
  constructor(
    message: string,
    readonly lineNumber: number,
  ) {
    super(`line ${lineNumber}: ${message}`);
    this.name = 'CsvSeriesError';
  }
}

/** Used when a series has fewer than two rows, so no spacing can be measured: the production bucket. */
export const DEFAULT_BUCKET_MS = 5 * 60_000;

// `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, with a space or `T`, optionally `Z` or a numeric offset (NAB writes none: UTC).
const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of a NAB timestamp (UTC unless it carries an offset), or null when it is not one. */
export function parseSeriesTimestamp(text: string): number | null {
  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const fields = [year, month, day, hour, minute, second ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const epochMs = Date.UTC(y, mo - 1, d, h, mi, s) + Math.round(Number(fraction ?? '0') * 1000);
  // Date.UTC rolls 2015-02-30 over to March; a round trip rejects such dates and 25:00-style times.
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  if (check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) return null;
  return epochMs - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** The median of the positive differences between consecutive bucket starts (DEFAULT_BUCKET_MS with none). */
export function inferBucketMs(bucketStarts: readonly number[]): number {
  const spacings: number[] = [];
  for (let index = 1; index < bucketStarts.length; index += 1) {
    const spacing = (bucketStarts[index] as number) - (bucketStarts[index - 1] as number);
    if (spacing > 0) spacings.push(spacing);
  }
  if (spacings.length === 0) return DEFAULT_BUCKET_MS;
  spacings.sort((a, b) => a - b);
  const middle = Math.floor(spacings.length / 2);
  return spacings.length % 2 === 1
    ? (spacings[middle] as number)
    : ((spacings[middle - 1] as number) + (spacings[middle] as number)) / 2;
}

function unquote(field: string): string {
  const trimmed = field.trim();
  const quoted = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"');
  return quoted ? trimmed.slice(1, -1).trim() : trimmed;
}

function parseValue(text: string, lineNumber: number): number {
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new CsvSeriesError(`value "${text}" is not a number`, lineNumber);
  return value;
}

/**
 * Parses `timestamp,value` rows. The first line is a header unless it already holds a valid row; blank lines are
 * skipped. Rows are kept in file order: real series (NAB's traffic files) repeat a timestamp now and then, and the
 * detector treats a row that is not after the previous one as a late bucket (scored, not learnt from).
 */
export function parseCsvSeries(csvText: string): CsvSeries {
  const lines = csvText.split(/\r?\n/);
  const rows: SeriesRow[] = [];
  let headerSeen = false;
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    const fields = line.split(',').map(unquote);
    const timestampText = fields[0] ?? '';
    const bucketStart = parseSeriesTimestamp(timestampText);
    if (!headerSeen && rows.length === 0) {
      headerSeen = true;
      if (bucketStart === null) continue;
    }
    if (fields.length < 2) throw new CsvSeriesError('expected "timestamp,value"', lineNumber);
    if (bucketStart === null) {
      throw new CsvSeriesError(`timestamp "${timestampText}" is not YYYY-MM-DD HH:MM:SS`, lineNumber);
    }
    const value = parseValue(fields[1] as string, lineNumber);
    rows.push({ timestamp: timestampText, bucketStart, value, lineNumber });
  }
  return { rows, bucketMs: inferBucketMs(rows.map((row) => row.bucketStart)) };
}
