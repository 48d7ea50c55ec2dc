// Where each search of a search source stands between polls, and the rules every search kind shares: a cursor (how
// far the search has read, and the ids it read in the overlap behind that, since search indexes add items late and
// the next poll asks for the overlap again), and a catch-up when a poll's page cap stopped the search with more to
// read, so that the next poll goes on from there instead of dropping the rest. The kinds make the requests and keep
// their own stored shapes; this file (no I/O but a log line) decides what is new and where a search stands after a poll.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';

/** The ids a search remembers at most: far above what one poll's overlap holds, and a bound on the stored state. */
export const SEEN_IDS_BOUND = 2_000;

/** An item a search read, as the bookkeeping sees it: its id, and its time on the search's own scale (s or ms). */
export interface ReadItem {
  id: string;
  time: number;
}

export interface SearchCursor<Mark = number> {
  /** How far the search has read (a time, or an id): the next poll asks from here, less the overlap. */
  mark: Mark;
  /** The ids read in the overlap behind `mark`: the next poll is sent them again, and they are not new. */
  seen: string[];
}

/** Where a read stopped by the page cap goes on, and the ids read there already (they come again). */
export interface Boundary<Position> {
  /** What the next read starts below: a listing's `after`, an `until` time, a `max_id`. */
  from: Position;
  seen: string[];
}

/** A catch-up cut short by the page cap: the rest, from `from` down to the cursor, is read at the next polls. */
export interface CatchUp<Position, Mark = number> extends Boundary<Position> {
  /** The cursor the search takes once the catch-up has read down to its present one. */
  next: SearchCursor<Mark>;
}

/** Where a search stands between polls (nothing before its first). */
export interface SearchStanding<Position, Mark = number> {
  cursor: SearchCursor<Mark>;
  catchUp?: CatchUp<Position, Mark> | undefined;
}

export type SearchOutcome =
  /** The read got down to the cursor: the cursor moves on. */
  | 'caught-up'
  /** The page cap stopped a catch-up: the cursor stays, and the next poll goes on below where this one stopped. */
  | 'catching-up'
  /** The page cap stopped a first poll's backfill: the cursor moves on, the oldest part of the backfill is left out. */
  | 'backfill-capped'
  /** The page cap stopped a catch-up with nowhere further down to go on from: the cursor moves on, the rest is left out. */
  | 'stalled';

export interface SearchProgress<Position, Mark = number> {
  outcome: SearchOutcome;
  standing: SearchStanding<Position, Mark>;
}

export interface SearchPoll<Position, Mark = number> {
  /** What the poll started from (undefined: a first poll, which backfills). */
  standing: SearchStanding<Position, Mark> | undefined;
  /** The cursor once everything down to the present one is read. */
  next: SearchCursor<Mark>;
  /** The page cap stopped the read with more to read (else it got down to the cursor, or to the results' end). */
  stoppedAtPageCap: boolean;
  /** Where the rest begins when the page cap stopped the read (undefined: the read cannot tell). */
  goOnFrom?: Boundary<Position> | undefined;
  /**
   * Whether one position lies below another. Given, a catch-up whose read did not get below where it went on from
   * stops there (stalled) rather than asking for the same page at every poll.
   */
  isBelow?: (position: Position, previous: Position) => boolean;
}

/**
 * Where a search stands after a poll. The cursor moves up only once a read got down to it: one stopped by the page
 * cap keeps the cursor and records where to go on, and `next` waits in the catch-up until the rest is read. Only a
 * first poll's backfill (it has no cursor to keep) ends at the cap, leaving its oldest part out.
 */
export function settleSearch<Position, Mark>(poll: SearchPoll<Position, Mark>): SearchProgress<Position, Mark> {
  const { standing, next, goOnFrom } = poll;
  if (!poll.stoppedAtPageCap) return { outcome: 'caught-up', standing: { cursor: next } };
  if (standing === undefined) return { outcome: 'backfill-capped', standing: { cursor: next } };
  if (goOnFrom === undefined) return { outcome: 'stalled', standing: { cursor: next } };
  const previous = standing.catchUp?.from;
  if (previous !== undefined && poll.isBelow?.(goOnFrom.from, previous) === false) return { outcome: 'stalled', standing: { cursor: next } };
  return { outcome: 'catching-up', standing: { cursor: standing.cursor, catchUp: { ...goOnFrom, next } } };
}

/** Says in the log when a search's page cap made a difference, with `details` the kind knows (how far it got). */
export function reportProgress(
  logger: Logger,
  search: unknown,
  progress: SearchProgress<unknown, unknown>,
  pageCap: number,
  details: Record<string, unknown> = {},
): void {
  const fields = { search, pageCap, ...details };
  if (progress.outcome === 'catching-up') logger.info(fields, 'search stopped at its page cap; the next poll goes on from there');
  if (progress.outcome === 'backfill-capped') logger.warn(fields, 'search has more results than a first poll fetches; the oldest part of its backfill is left out');
  if (progress.outcome === 'stalled') {
    logger.warn(fields, 'search stopped at its page cap with nowhere further down to go on from; the rest of its window is left out');
  }
}

/** Every id a search remembers having read: what its next read returns again is not new. */
export function knownIds(standing: SearchStanding<unknown, unknown> | undefined): Set<string> {
  const catchUp = standing?.catchUp;
  return new Set([...(standing?.cursor.seen ?? []), ...(catchUp?.seen ?? []), ...(catchUp?.next.seen ?? [])]);
}

/**
 * The cursor a poll's read moves on from: the one a catch-up carries (with the ids it read in the overlap over earlier
 * polls), else one at `mark` without ids (the read is sent the whole overlap again, and its ids are taken anew).
 */
export function cursorToAdvance<Mark>(standing: SearchStanding<unknown, Mark> | undefined, mark: Mark): SearchCursor<Mark> {
  return standing?.catchUp?.next ?? { mark, seen: [] };
}

/**
 * For a cursor that marks when the search was made (the poll's time, or a catch-up's start): `base` with the ids read
 * from `repeatsFrom(mark)` on, the first time the next poll asks for again, added to those it has.
 */
export function cursorWithOverlap(base: SearchCursor, read: readonly ReadItem[], repeatsFrom: (mark: number) => number): SearchCursor {
  return { mark: base.mark, seen: rememberIds(base.seen, idsWithin(read, { from: repeatsFrom(base.mark) })) };
}

/**
 * For a cursor that marks the newest time read: `base` (undefined on a first poll) moved up to what a poll read, never
 * back, with the ids read in the overlap behind it added. Undefined when there is neither a base nor anything read.
 */
export function cursorAtNewestRead(base: SearchCursor, read: readonly ReadItem[], repeatsFrom: (mark: number) => number): SearchCursor;
export function cursorAtNewestRead(
  base: SearchCursor | undefined,
  read: readonly ReadItem[],
  repeatsFrom: (mark: number) => number,
): SearchCursor | undefined;
export function cursorAtNewestRead(
  base: SearchCursor | undefined,
  read: readonly ReadItem[],
  repeatsFrom: (mark: number) => number,
): SearchCursor | undefined {
  const mark = read.reduce((newest, item) => Math.max(newest, item.time), base?.mark ?? -Infinity);
  if (mark === -Infinity) return undefined;
  return cursorWithOverlap({ mark, seen: base?.seen ?? [] }, read, repeatsFrom);
}

/** The ids of the items read between `from` and `to` (both inclusive, either open), newest first, distinct, bounded. */
export function idsWithin(read: readonly ReadItem[], range: { from?: number; to?: number }): string[] {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  const inRange = read.filter((item) => item.time >= from && item.time <= to).sort((a, b) => b.time - a.time);
  return rememberIds([], inRange.map((item) => item.id));
}

/** The time of the oldest item read, where a read stopped by the page cap goes on (undefined: nothing read). */
export function oldestTime(read: readonly ReadItem[]): number | undefined {
  return read.length === 0 ? undefined : read.reduce((oldest, item) => Math.min(oldest, item.time), Infinity);
}

/** `earlier` then `later`, each id once, at most SEEN_IDS_BOUND. */
export function rememberIds(earlier: readonly string[], later: readonly string[]): string[] {
  return [...new Set([...earlier, ...later])].slice(0, SEEN_IDS_BOUND);
}

/**
 * The entries of a stored map (search → cursor) of the shape `schema` describes. Stored state is whatever an earlier
 * version wrote: an entry of another shape is left out, and its search starts over.
 */
export function storedEntries<T extends TSchema>(schema: T, stored: unknown): Record<string, Static<T>> {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, Static<T>] => Value.Check(schema, entry[1])));
}
