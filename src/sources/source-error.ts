// A poll failure with a kind the health model understands and a message specific enough for ops to act on. The
// message reaches the logs and GET /v1/sources (any read key), so any URL quoted in it is redacted.
import { OutboundError } from '../net/outbound-error.js';
import { redactUrlsInText } from '../net/redact-url.js';

export type SourceErrorKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'too_large'
  | 'redirects'
  | 'invalid_url'
  | 'parse'
  | 'not_a_feed'
  | 'auth_failed'
  | 'rate_limited'
  | 'internal';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    /** When the remote side said how long to wait (Retry-After and friends). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(redactUrlsInText(message));
  }
}

/** Any error thrown while polling, as a SourceError; never a stack trace. */
export function toSourceError(error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof OutboundError) return new SourceError(error.kind, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError('internal', `unexpected error: ${message.split('\n')[0]}`);
}

/** The error for a non-success HTTP status, classified so that auth and rate limits show as such. */
export function httpStatusError(status: number, url: string, retryAfter: string | null, now: Date): SourceError {
  const parsed = new URL(url);
  const host = parsed.host;
  // Never the query string: feed URLs carry tokens and signatures, and this message reaches the API and the logs.
  const location = `${parsed.origin}${parsed.pathname}`;
  if (status === 401 || status === 403) {
    return new SourceError('auth_failed', `HTTP ${status} from ${host}: access denied; check the source's credentials`);
  }
  if (status === 429 || status === 503) {
    const waitMs = parseRetryAfter(retryAfter, now);
    if (status === 429 || waitMs !== null) {
      const wait = waitMs === null ? '' : `; retrying after ${Math.ceil(waitMs / 1000)} s`;
      return new SourceError('rate_limited', `HTTP ${status} from ${host}: rate limited${wait}`, waitMs);
    }
  }
  if (status === 404 || status === 410) {
    return new SourceError('http', `HTTP ${status} from ${host}: the feed is not at ${location} (moved or deleted?)`);
  }
  return new SourceError('http', `HTTP ${status} from ${host}`);
}

/** A server asking to be left alone for a year is asking too much: a source retries within a day at the latest. */
export const MAX_REQUESTED_WAIT_MS = 24 * 3_600_000;

/**
 * Milliseconds to wait from a Retry-After header (seconds or an HTTP date), at most MAX_REQUESTED_WAIT_MS, or null
 * when absent or unreadable. Capped here, so the wait a message states is the one kept (it said "retrying after
 * 2299755006 s" while retry_at was a day away).
 */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  const requestedMs = requestedWaitMs(value, now);
  return requestedMs === null ? null : Math.min(requestedMs, MAX_REQUESTED_WAIT_MS);
}

function requestedWaitMs(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  // Otherwise only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would also accept "-5" or "1.5".
  if (!/^[A-Za-z]{3},? /.test(value.trim())) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
