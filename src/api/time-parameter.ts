// Parses ISO 8601 times from query strings: a full timestamp with a zone, or a date meaning its UTC midnight.
import { ApiError, ErrorCode } from './errors.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function parseTimeParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const time = DATE_ONLY.test(text) ? Date.parse(`${text}T00:00:00Z`) : TIMESTAMP.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) {
    throw new ApiError(
      ErrorCode.validation,
      `${name} must be an ISO 8601 time with a zone, e.g. 2026-11-01T09:30:00Z or 2026-11-01 (got "${value}")`,
    );
  }
  return new Date(time);
}
