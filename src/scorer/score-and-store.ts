// The scorer's work on one batch: validate each mention, tag sentiment, store the batch in one transaction; a row
// PostgreSQL refuses is set aside (and reported) so that it cannot hold back the rest of its batch.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { MentionSchema, type Mention } from '../mentions/mention.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { MentionsJobData } from '../queue/queues.js';
import { inTransaction, type Database } from '../store/database.js';
import type { NewLink, ScoredMention } from '../store/mention-store.js';
import { DEFAULT_STORY_OPTIONS, type StoryOptions } from '../stories/story-options.js';
import { prepareMention, scoreMention } from './score-mention.js';
import type { ScoreThreads } from './score-threads.js';
import { mentionEventsOf, type LivePublisher } from '../live/live-publisher.js';
import { insertMentionsWithStories } from '../store/story-store.js';

export interface ScoreDeps {
  database: Database;
  /** Each brand's keywords as phrases, masked before scoring (see brandKeywordPhrases). */
  brandPhrases: ReadonlyMap<string, WordToken[][]>;
  /** Story assignment settings (config `stories:`); the defaults when absent. */
  stories?: Partial<StoryOptions>;
  /** Mentions older than this (config `retention.mentions`) are not stored; absent: all are. */
  mentionRetentionMs?: number | undefined;
  /** "Now" for retention; the wall clock when absent. */
  clock?: () => Date;
  /** Told about each mention newly stored for a brand, once its batch is committed (GET /v1/stream). */
  live?: LivePublisher;
}

export interface RejectedMention {
  /** Position in the batch. */
  index: number;
  id: string | null;
  reason: string;
}

export interface StoreReport {
  /** Ids of mentions that were new; the others were already stored. */
  insertedIds: string[];
  /** (mention, brand) links that were new: a new mention's brands, or a stored one's brand it had not been seen for. */
  newLinks: NewLink[];
  /** Mentions that can never be stored (invalid, or refused by PostgreSQL), with why. */
  rejected: RejectedMention[];
  /** Valid mentions not stored because they occurred before the retention (config `retention.mentions`). */
  expired: number;
}

/**
 * What a mentions job returns. BullMQ keeps it with each completed job and in the queue's event stream, so it holds
 * counts only: the ids of a 500-mention batch, kept for every job, filled Redis (371 MB after a million mentions).
 * The rejected mentions' ids and reasons are in the scorer's log.
 */
export interface BatchOutcome {
  /** Mentions in the job. */
  received: number;
  /** Stored now. */
  inserted: number;
  /** Already stored (a redelivery, the same story pushed twice), so nothing new. */
  duplicates: number;
  /** Set aside: invalid, or refused by PostgreSQL. */
  rejected: number;
  /** Not stored: they occurred before the retention. */
  expired: number;
}

export function batchOutcome(received: number, report: StoreReport): BatchOutcome {
  const inserted = report.insertedIds.length;
  const rejected = report.rejected.length;
  const { expired } = report;
  return { received, inserted, duplicates: Math.max(0, received - inserted - rejected - expired), rejected, expired };
}

export { prepareMention, scoreMention } from './score-mention.js';

/** The job's payload is not a mentions batch at all; retrying cannot help. */
export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
}

// Mentions scored between two turns of the event loop: the batch whose transaction holds the story locks goes on as
// soon as PostgreSQL answers, instead of after the whole of another batch's scoring (the locks are what batches queue
// for; scoring is not).
const SCORED_PER_TURN = 25;

async function scoreBatch(mentions: Mention[], deps: ScoreDeps, threads: ScoreThreads | undefined): Promise<ScoredMention[]> {
  const storyWeights = deps.stories?.weights ?? DEFAULT_STORY_OPTIONS.weights;
  if (threads !== undefined) return threads.score(mentions, deps.brandPhrases, storyWeights);
  const scored: ScoredMention[] = [];
  for (const [index, mention] of mentions.entries()) {
    if (index > 0 && index % SCORED_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    scored.push({ ...scoreMention(mention, deps.brandPhrases), prepared: prepareMention(mention, storyWeights) });
  }
  return scored;
}

/** `threads`: where the mentions are scored (config `queue.score_threads`); absent, in this thread. */
export async function scoreAndStore(data: unknown, deps: ScoreDeps, threads?: ScoreThreads): Promise<StoreReport> {
  const { valid: received, rejected } = validMentions(data);
  const valid = withinRetention(received, deps);
  const scored = await scoreBatch(valid.map(({ mention }) => mention), deps, threads);
  try {
    const { insertedIds, newLinks } = await inTransaction(deps.database, (client) => insertMentionsWithStories(client, scored, deps.stories));
    return { insertedIds, newLinks, rejected, expired: received.length - valid.length };
  } catch (error) {
    if (!isRowDataError(error)) throw error; // connection trouble and the like: the whole batch is retried
  }
  const insertedIds: string[] = [];
  const newLinks: NewLink[] = [];
  for (const [position, mention] of scored.entries()) {
    try {
      const report = await inTransaction(deps.database, (client) => insertMentionsWithStories(client, [mention], deps.stories));
      insertedIds.push(...report.insertedIds);
      newLinks.push(...report.newLinks);
    } catch (error) {
      if (!isRowDataError(error)) throw error;
      rejected.push({ index: valid[position]?.index ?? -1, id: mention.id, reason: `refused by PostgreSQL: ${(error as Error).message}` });
    }
  }
  return { insertedIds, newLinks, rejected, expired: received.length - valid.length };
}

/**
 * The mentions that occurred within the retention: an older one (a backfill reaching far back) would be deleted by the
 * next retention run, so it is not stored at all. Its time is the one it would be stored at (see insertMentions).
 */
function withinRetention<Entry extends { mention: Mention }>(entries: Entry[], deps: ScoreDeps): Entry[] {
  if (deps.mentionRetentionMs === undefined) return entries;
  const keepSinceMs = (deps.clock?.() ?? new Date()).getTime() - deps.mentionRetentionMs;
  return entries.filter(({ mention }) => {
    const seenMs = Date.parse(mention.seenAt);
    const publishedMs = mention.publishedAt === null ? seenMs : Date.parse(mention.publishedAt);
    return Math.min(publishedMs, seenMs) >= keepSinceMs;
  });
}

const isMention = TypeCompiler.Compile(MentionSchema);

function validMentions(data: unknown): { valid: Array<{ index: number; mention: Mention }>; rejected: RejectedMention[] } {
  const mentions = (data as Partial<MentionsJobData> | null)?.mentions;
  if (!Array.isArray(mentions)) throw new InvalidJobError('invalid mentions job: no mentions array');
  const valid: Array<{ index: number; mention: Mention }> = [];
  const rejected: RejectedMention[] = [];
  mentions.forEach((candidate: unknown, index) => {
    // The compiled check is several times faster than walking the schema for errors, which only a bad mention needs.
    const [firstError] = isMention.Check(candidate) ? [] : Value.Errors(MentionSchema, candidate);
    if (firstError === undefined) valid.push({ index, mention: candidate as Mention });
    else {
      const id = (candidate as { id?: unknown } | null)?.id;
      rejected.push({
        index,
        id: typeof id === 'string' ? id : null,
        reason: `invalid at mentions[${index}]${firstError.path.replace(/\//g, '.')}: ${describeError(firstError)}`,
      });
    }
  });
  return { valid, rejected };
}

function describeError(error: ValueError): string {
  return (error.schema as { errorMessage?: string }).errorMessage ?? error.message;
}

// SQLSTATE classes 22 (data exception: a NUL byte, a date out of range) and 54 (program limit exceeded: a text too
// long for tsvector) are about a row's content; anything else is about the database and worth retrying.
function isRowDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** The BullMQ processor for the mentions queue. */
export function mentionsProcessor(deps: ScoreDeps, logger: Logger, threads?: ScoreThreads): (job: Job<MentionsJobData>) => Promise<BatchOutcome> {
  return async (job) => {
    try {
      const report = await scoreAndStore(job.data, deps, threads);
      // After the commit, so a client never reads a mention that is not there yet; a redelivery links nothing new
      // and so announces nothing. Never throws: the live stream is best effort.
      await deps.live?.publish(mentionEventsOf(report.newLinks));
      if (report.rejected.length > 0) {
        logger.warn({ jobId: job.id, rejected: report.rejected }, 'mentions set aside: they can never be stored');
      }
      const outcome = batchOutcome(job.data.mentions.length, report);
      logger.debug({ jobId: job.id, ...outcome }, 'batch stored');
      return outcome;
    } catch (error) {
      // A payload that is not a batch will never succeed; retrying it would only delay the batches behind it.
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
