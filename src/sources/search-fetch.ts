// One JSON request to a search API with the errors classified the way source health needs them: auth, rate limits
// (with how long to wait, from Retry-After or the API's X-Ratelimit-Reset), server trouble, and bodies that are not
// the JSON the API documents ("the API changed" is the usual reason a source dies silently elsewhere).
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { HttpRequest, HttpResponse } from '../net/http-client.js';
import { joinPath, pointerToPath } from '../config/schema-problems.js';
import type { SkippedResults } from './skipped-results.js';
import type { PollContext } from './source.js';
import { SourceError, httpStatusError } from './source-error.js';

export interface JsonAnswer {
  response: HttpResponse;
  body: unknown;
}

export interface FetchJsonOptions {
  /** Advice for a 401/403, e.g. "check BLUESKY_APP_PASSWORD". */
  authHint?: string;
}

export async function fetchJson(context: PollContext, request: HttpRequest, options: FetchJsonOptions = {}): Promise<JsonAnswer> {
  const response = await context.http.request({ ...request, headers: { accept: 'application/json', ...request.headers } });
  const host = new URL(response.url).host;
  if (response.status < 200 || response.status > 299) {
    const retryAfter = response.headers.get('retry-after') ?? resetAsRetryAfter(response);
    const error = httpStatusError(response.status, response.url, retryAfter, context.now);
    if (error.kind === 'auth_failed') {
      const reason = remoteMessage(response.body);
      const hint = options.authHint ?? "check the source's credentials";
      throw new SourceError('auth_failed', `HTTP ${response.status} from ${host}${reason ? `: ${reason}` : ''}; ${hint}`);
    }
    throw error;
  }
  return { response, body: parseJson(response.body, host) };
}

/** The body as JSON, or a parse SourceError that says what came back instead. */
export function parseJson(body: Buffer, host: string): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    const looksHtml = /^<(!doctype|html)/i.test(start);
    throw new SourceError(
      'parse',
      `${host} answered with ${looksHtml ? 'an HTML page' : 'something that is not JSON'} ("${start}${text.length > 40 ? '…' : ''}"); the API may be down or have changed`,
    );
  }
}

/**
 * Checks a parsed body against the schema of the fields a source reads, so the body's type is the schema's; the error
 * names the first field that is off.
 */
export function expectShape<T extends TSchema>(schema: T, body: unknown, host: string): Static<T> {
  const [first] = Value.Errors(schema, body);
  if (first === undefined) return body as Static<T>;
  const path = pointerToPath(first.path) || 'the body';
  throw new SourceError('parse', `unexpected answer from ${host}: ${path} ${first.message.toLowerCase()}; the API may have changed`);
}

/**
 * The results of an answer (`results`, found at `path` in it, e.g. `hits`) that have the shape `schema` describes;
 * each other one is left out and added to `skipped` with the first field that is off (`hits[3].title: expected
 * string`). The envelope around them is checked by expectShape: when it is off, the API has changed and the poll
 * fails; when a single result is off, only that result is lost.
 */
export function resultsInShape<T extends TSchema>(schema: T, results: readonly unknown[], path: string, skipped: SkippedResults): Static<T>[] {
  const kept: Static<T>[] = [];
  results.forEach((result, index) => {
    const [first] = Value.Errors(schema, result);
    if (first === undefined) kept.push(result as Static<T>);
    else skipped.add(`${joinPath(`${path}[${index}]`, pointerToPath(first.path))}: ${first.message.toLowerCase()}`);
  });
  skipped.kept(kept.length);
  return kept;
}

// reddit and others say when the window resets (in seconds) instead of sending Retry-After.
function resetAsRetryAfter(response: HttpResponse): string | null {
  if (response.status !== 429) return null;
  const reset = response.headers.get('x-ratelimit-reset');
  return reset !== null && /^\d+(\.\d+)?$/.test(reset.trim()) ? String(Math.ceil(Number(reset))) : null;
}

// APIs explain a refused credential in their JSON ({"error":"ExpiredToken","message":"Token has expired"}).
function remoteMessage(body: Buffer): string | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const parts = [parsed.error, parsed.message, parsed.error_message, parsed.error_description]
      .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
      .map((part) => part.trim().slice(0, 200));
    return parts.length > 0 ? [...new Set(parts)].join(': ') : null;
  } catch {
    return null;
  }
}

/** When the first poll of a search source reaches back to: `backfillMs` before now. */
export function backfillStart(now: Date, backfillMs: number): Date {
  return new Date(now.getTime() - backfillMs);
}
