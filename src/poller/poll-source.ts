// One poll of one source: honour its back-off, fetch what is new, queue the matching mentions, record its health.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BrandRule } from '../mentions/brand-matcher.js';
import { rulesForSource } from '../mentions/brand-rules.js';
import type { HttpClient } from '../net/http-client.js';
import type { Queues } from '../queue/queues.js';
import { tryLock } from '../queue/redis-lock.js';
import { fetchFingerprint } from '../sources/source-config.js';
import { SkippedResults } from '../sources/skipped-results.js';
import type { PollContext, Source } from '../sources/source.js';
import { MAX_REQUESTED_WAIT_MS, SourceError, toSourceError } from '../sources/source-error.js';
import type { Database } from '../store/database.js';
import { findSourceRecord, recordPollFailure, recordPollSuccess } from '../store/source-store.js';
import { enqueueMentions } from './enqueue-mentions.js';
import { toMentionsInTurns } from './match-items.js';
import { pollWarning } from './poll-warning.js';
import { sourceHttpClient } from './source-http.js';

export interface PollDeps {
  sources: ReadonlyMap<string, Source>;
  brandRules: readonly BrandRule[];
  database: Database;
  queues: Pick<Queues, 'mentions'>;
  /** For the per-source lock, under `lockPrefix`. */
  redis: Redis;
  lockPrefix: string;
  http: HttpClient;
  logger: Logger;
  /** Keeps API paces across pollers (see PollContext.throttle). */
  throttle: PollContext['throttle'];
  now?: () => Date;
  /** How a source waits within a poll (see PollContext.sleep). */
  sleep?: PollContext['sleep'];
}

export type PollOutcome =
  | { status: 'ok'; items: number; mentions: number; backfill: boolean; jobIds: string[] }
  | { status: 'failed'; error: { kind: string; message: string }; retryAt: string }
  | { status: 'skipped'; reason: 'backing_off'; retryAt: string }
  | { status: 'skipped'; reason: 'already_polling' }
  | { status: 'skipped'; reason: 'unknown_source' };

// Longer than the longest poll (a search source paging through its caps at its API's pace, waiting its turn on a
// shared throttle for up to 5 minutes); short enough that a poller that died holding it delays the source's next
// poll by no more than this.
const POLL_LOCK_TTL_MS = 10 * 60_000;

// After n consecutive failures a source waits every·2^(n-1), at most an hour (or its own interval when that is longer).
const MAX_BACKOFF_MS = 3_600_000;

export function retryDelayMs(everyMs: number, consecutiveFailures: number, requestedMs: number | null): number {
  if (requestedMs !== null) return Math.min(requestedMs, Math.max(everyMs, MAX_REQUESTED_WAIT_MS));
  return Math.min(everyMs * 2 ** Math.max(0, consecutiveFailures - 1), Math.max(everyMs, MAX_BACKOFF_MS));
}

// Scheduled polls arrive a little early or late; a retry time this close to a tick counts as reached.
function schedulingSlackMs(everyMs: number): number {
  return Math.min(everyMs / 4, 5_000);
}

export async function pollSource(sourceId: string, deps: PollDeps, options: { force?: boolean } = {}): Promise<PollOutcome> {
  const source = deps.sources.get(sourceId);
  if (source === undefined) return { status: 'skipped', reason: 'unknown_source' };
  // One poll of a source at a time, across every poller: a scheduled poll that outlasts its interval, or a manual
  // poll arriving during a scheduled one, must not fetch twice and record its health twice.
  const lock = await tryLock(deps.redis, `${deps.lockPrefix}:poll-lock:${sourceId}`, POLL_LOCK_TTL_MS);
  if (lock === null) return { status: 'skipped', reason: 'already_polling' };
  try {
    return await pollLockedSource(source, deps, options);
  } finally {
    await lock.release();
  }
}

async function pollLockedSource(source: Source, deps: PollDeps, options: { force?: boolean }): Promise<PollOutcome> {
  const sourceId = source.config.id;
  const { config } = source;
  const logger = deps.logger.child({ source: sourceId });
  const now = deps.now?.() ?? new Date();
  const record = await findSourceRecord(deps.database, sourceId);
  const retryAt = record?.retryAt ?? null;
  const backingOff = retryAt !== null && retryAt.getTime() - schedulingSlackMs(config.every) > now.getTime();
  if (backingOff && options.force !== true) {
    return { status: 'skipped', reason: 'backing_off', retryAt: retryAt.toISOString() };
  }
  // A source pointed somewhere else (new URL, new query) starts over: old ETags and cursors mean nothing there, and
  // what it finds first predates watching it.
  const fingerprint = fetchFingerprint(config, source.searchKey);
  const sameSetup = record !== null && record.configFingerprint === fingerprint;
  const skipped = new SkippedResults();
  let result;
  try {
    const http = sourceHttpClient(deps.http, config);
    result = await source.poll(sameSetup ? record.state : {}, { http, logger, now, throttle: deps.throttle, sleep: deps.sleep, skipped });
  } catch (error) {
    return recordFailure(source, toSourceError(error), (record?.consecutiveFailures ?? 0) + 1, now, deps, logger);
  }
  if (skipped.allSkipped) {
    // Not one bad result but all of them: the API changed under us, which is a failure to see, not a warning.
    const reason = `every result the API sent is off (${skipped.firstReasons[0]}); the API may have changed`;
    return recordFailure(source, new SourceError('parse', reason), (record?.consecutiveFailures ?? 0) + 1, now, deps, logger);
  }
  const backfill = !sameSetup || record.firstOkAt === null;
  const mentions = await toMentionsInTurns(result.items, rulesForSource(deps.brandRules, config.brands), {
    sourceId,
    sourceType: config.type,
    seenAt: now,
    backfill,
  });
  // Queue first, then save the new cursor: a crash in between re-fetches items (deduplicated), never skips them.
  const jobIds = await enqueueMentions(deps.queues.mentions, mentions);
  const warning = pollWarning(skipped, result);
  await recordPollSuccess(deps.database, config, fingerprint, result.nextState, now, warning);
  // One line per poll however many results were skipped, with the first reasons (the summary has them all).
  if (skipped.count > 0) logger.warn({ skipped: skipped.count, reasons: skipped.firstReasons }, 'poll skipped results not in the shape the API documents');
  if (result.warning !== undefined) logger.warn({ warning: result.warning }, 'poll left out part of what the source sent');
  logger.info({ items: result.items.length, mentions: mentions.length, backfill }, 'polled');
  return { status: 'ok', items: result.items.length, mentions: mentions.length, backfill, jobIds };
}

async function recordFailure(
  source: Source,
  error: SourceError,
  consecutiveFailures: number,
  now: Date,
  deps: PollDeps,
  logger: Logger,
): Promise<PollOutcome> {
  const delayMs = retryDelayMs(source.config.every, consecutiveFailures, error.retryAfterMs);
  const retryAt = new Date(now.getTime() + delayMs);
  await recordPollFailure(deps.database, source.config, error, now, retryAt);
  logger.warn({ kind: error.kind, reason: error.message, consecutiveFailures, retryAt }, 'poll failed');
  return { status: 'failed', error: { kind: error.kind, message: error.message }, retryAt: retryAt.toISOString() };
}
