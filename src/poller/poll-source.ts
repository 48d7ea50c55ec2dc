// One poll of one source: honour its back-off, fetch what is new, queue the matching mentions, record its health.
import type { Logger } from 'pino';
import type { BrandRule } from '../mentions/brand-matcher.js';
import { rulesForSource } from '../mentions/brand-rules.js';
import type { HttpClient } from '../net/http-client.js';
import type { Queues } from '../queue/queues.js';
import type { Source } from '../sources/source.js';
import { toSourceError, type SourceError } from '../sources/source-error.js';
import type { Database } from '../store/database.js';
import { findSourceRecord, recordPollFailure, recordPollSuccess } from '../store/source-store.js';
import { enqueueMentions } from './enqueue-mentions.js';
import { toMentions } from './match-items.js';

export interface PollDeps {
  sources: ReadonlyMap<string, Source>;
  brandRules: readonly BrandRule[];
  database: Database;
  queues: Pick<Queues, 'mentions'>;
  http: HttpClient;
  logger: Logger;
  now?: () => Date;
}

export type PollOutcome =
  | { status: 'ok'; items: number; mentions: number; backfill: boolean; jobIds: string[] }
  | { status: 'failed'; error: { kind: string; message: string }; retryAt: string }
  | { status: 'skipped'; reason: 'backing_off'; retryAt: string }
  | { status: 'skipped'; reason: 'unknown_source' };

// After n consecutive failures a source waits every·2^(n-1), at most an hour (or its own interval when that is longer).
const MAX_BACKOFF_MS = 3_600_000;

export function retryDelayMs(everyMs: number, consecutiveFailures: number, requestedMs: number | null): number {
  if (requestedMs !== null) return requestedMs;
  return Math.min(everyMs * 2 ** Math.max(0, consecutiveFailures - 1), Math.max(everyMs, MAX_BACKOFF_MS));
}

// Scheduled polls arrive a little early or late; a retry time this close to a tick counts as reached.
function schedulingSlackMs(everyMs: number): number {
  return Math.min(everyMs / 4, 5_000);
}

export async function pollSource(sourceId: string, deps: PollDeps, options: { force?: boolean } = {}): Promise<PollOutcome> {
  const source = deps.sources.get(sourceId);
  if (source === undefined) return { status: 'skipped', reason: 'unknown_source' };
  const { config } = source;
  const logger = deps.logger.child({ source: sourceId });
  const now = deps.now?.() ?? new Date();
  const record = await findSourceRecord(deps.database, sourceId);
  const retryAt = record?.retryAt ?? null;
  const backingOff = retryAt !== null && retryAt.getTime() - schedulingSlackMs(config.every) > now.getTime();
  if (backingOff && options.force !== true) {
    return { status: 'skipped', reason: 'backing_off', retryAt: retryAt.toISOString() };
  }
  let result;
  try {
    result = await source.poll(record?.state ?? {}, { http: deps.http, logger, now });
  } catch (error) {
    return recordFailure(source, toSourceError(error), (record?.consecutiveFailures ?? 0) + 1, now, deps, logger);
  }
  const backfill = record?.firstOkAt == null;
  const mentions = toMentions(result.items, rulesForSource(deps.brandRules, config.brands), {
    sourceId,
    sourceType: config.type,
    seenAt: now,
    backfill,
  });
  // Queue first, then save the new cursor: a crash in between re-fetches items (deduplicated), never skips them.
  const jobIds = await enqueueMentions(deps.queues.mentions, mentions);
  await recordPollSuccess(deps.database, config, result.nextState, now);
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
