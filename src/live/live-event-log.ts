// The live event log: a capped Redis stream under the installation's key prefix, one entry per newly stored mention
// or changed alert, carrying ids only (the API reads the rows from PostgreSQL). Entry ids are the events' ids, so a
// client resumes by naming the last one it saw. It is a notice board, not history: history is in PostgreSQL.
import type { Redis } from 'ioredis';

export type LiveEventKind = 'mention' | 'alert';

export interface LiveEvent {
  kind: LiveEventKind;
  /** The mention's or the alert's id. */
  subjectId: string;
  /** The brands it concerns: a mention's newly linked brands, an alert's brand. */
  brandIds: string[];
}

export interface LoggedLiveEvent extends LiveEvent {
  /** The Redis stream entry id. */
  eventId: string;
}

/**
 * Entries kept (approximately: MAXLEN ~ trims whole nodes, cheaply). Enough for a client away for minutes in a busy
 * installation (hundreds of mentions a minute) to resume without a gap; each entry is under 100 bytes.
 */
export const LIVE_EVENTS_KEPT = 10_000;

/** Under the prefix's hash tag, so that on a Redis Cluster it sits in the same slot as the queues. */
export function liveEventsKey(keyPrefix: string): string {
  return `${keyPrefix}:live-events`;
}

/** Events appended by one script call at most (a script holds Redis while it runs: ≈ 2 ms for a thousand). */
export const LIVE_EVENTS_PER_CALL = 1_000;

// Each event is still its own entry, added and trimmed as `XADD key MAXLEN ~ n * kind … subject … brands …` adds it;
// one call per thousand events instead of one command each: a scorer batch's 500 pipelined XADDs cost its main
// thread ≈ 7.5 µs per event in ioredis (building, writing and answering each command), the script call ≈ 2, while
// Redis spends about the same either way (≈ 1.6 µs per event as commands, ≈ 1.8 in the script).
const APPEND_SCRIPT = `
for i = 2, #ARGV, 3 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'kind', ARGV[i], 'subject', ARGV[i + 1], 'brands', ARGV[i + 2])
end
return (#ARGV - 1) / 3`;

/** Appends the events in one round trip, in order (one script call per LIVE_EVENTS_PER_CALL events). */
export async function appendLiveEvents(redis: Redis, key: string, events: readonly LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (let start = 0; start < events.length; start += LIVE_EVENTS_PER_CALL) {
    const fields: Array<string | number> = [LIVE_EVENTS_KEPT];
    for (const event of events.slice(start, start + LIVE_EVENTS_PER_CALL)) fields.push(event.kind, event.subjectId, event.brandIds.join(','));
    pipeline.eval(APPEND_SCRIPT, 1, key, ...fields);
  }
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed !== undefined) throw failed[0] as Error;
}

/** The newest entry's id, or "0-0" for an empty log: where a reader starts so that it sees only what comes next. */
export async function lastLiveEventId(redis: Redis, key: string): Promise<string> {
  const [newest] = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as RawEntry[];
  return newest?.[0] ?? '0-0';
}

/** Up to `count` entries after `afterId` (exclusive), oldest first. */
export async function liveEventsAfter(redis: Redis, key: string, afterId: string, count: number): Promise<LoggedLiveEvent[]> {
  return parseLiveEntries((await redis.xrange(key, `(${afterId}`, '+', 'COUNT', count)) as RawEntry[]);
}

/**
 * Waits up to `blockMs` for entries after `afterId` (a blocking XREAD: give it a connection of its own) and answers
 * up to `count` of them, or none when the time ran out.
 */
export async function waitForLiveEvents(redis: Redis, key: string, afterId: string, count: number, blockMs: number): Promise<LoggedLiveEvent[]> {
  const answer = (await redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, afterId)) as Array<[string, RawEntry[]]> | null;
  return parseLiveEntries(answer?.[0]?.[1] ?? []);
}

/** An entry as ioredis answers it: [id, [field, value, field, value, ...]]. */
export type RawEntry = [string, string[]];

/** Entries as events; one that is not a live event (written by something else) is skipped. */
export function parseLiveEntries(entries: readonly RawEntry[]): LoggedLiveEvent[] {
  const events: LoggedLiveEvent[] = [];
  for (const [eventId, fields] of entries) {
    const values = new Map<string, string>();
    for (let at = 0; at + 1 < fields.length; at += 2) values.set(fields[at] as string, fields[at + 1] as string);
    const kind = values.get('kind');
    const subjectId = values.get('subject');
    if ((kind !== 'mention' && kind !== 'alert') || subjectId === undefined || subjectId === '') continue;
    const brandIds = (values.get('brands') ?? '').split(',').filter((brandId) => brandId !== '');
    events.push({ eventId, kind, subjectId, brandIds });
  }
  return events;
}
