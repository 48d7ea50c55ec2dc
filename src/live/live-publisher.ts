// Adds events to the live event log after the work they announce is committed. Best effort by design: a failure is
// counted and logged (once per outage), never thrown, so that storing mentions or alerts never fails or retries
// because the live stream could not be told; clients that missed events still find them in the API's history.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { liveEventsLost, liveEventsPublished } from '../runtime/metrics.js';
import { appendLiveEvents, liveEventsKey, type LiveEvent, type LiveEventKind } from './live-event-log.js';

export interface LivePublisher {
  /** Never rejects. */
  publish(events: readonly LiveEvent[]): Promise<void>;
}

/** A job waits this long at most for Redis to take its events: the producer connection fails fast, a hung one would not. */
const PUBLISH_TIMEOUT_MS = 2_000;

export function createLivePublisher(options: { redis: Redis; keyPrefix: string; logger: Logger }): LivePublisher {
  const key = liveEventsKey(options.keyPrefix);
  let failing = false;
  return {
    async publish(events) {
      if (events.length === 0) return;
      try {
        await withTimeout(appendLiveEvents(options.redis, key, events), PUBLISH_TIMEOUT_MS);
        for (const [kind, count] of countsByKind(events)) liveEventsPublished.inc({ kind }, count);
        if (failing) {
          failing = false;
          options.logger.info('live events are published again');
        }
      } catch (error) {
        for (const [kind, count] of countsByKind(events)) liveEventsLost.inc({ kind }, count);
        if (!failing) {
          failing = true;
          options.logger.warn({ err: (error as Error).message }, 'could not publish live events (live streams miss them until Redis answers; history is unaffected)');
        }
      }
    },
  };
}

/** One event per mention, naming the brands it was newly linked to; in the order the links came. */
export function mentionEventsOf(newLinks: ReadonlyArray<{ mentionId: string; brandId: string }>): LiveEvent[] {
  const brandsByMention = new Map<string, string[]>();
  for (const link of newLinks) {
    const brandIds = brandsByMention.get(link.mentionId);
    if (brandIds === undefined) brandsByMention.set(link.mentionId, [link.brandId]);
    else if (!brandIds.includes(link.brandId)) brandIds.push(link.brandId);
  }
  return [...brandsByMention].map(([mentionId, brandIds]) => ({ kind: 'mention', subjectId: mentionId, brandIds: brandIds.sort() }));
}

/** One event per alert, once however many of its parts changed. */
export function alertEventsOf(alerts: ReadonlyArray<{ alertId: string; brandId: string }>): LiveEvent[] {
  const brandByAlert = new Map(alerts.map((alert) => [alert.alertId, alert.brandId] as const));
  return [...brandByAlert].map(([alertId, brandId]) => ({ kind: 'alert', subjectId: alertId, brandIds: [brandId] }));
}

function countsByKind(events: readonly LiveEvent[]): Map<LiveEventKind, number> {
  const counts = new Map<LiveEventKind, number>();
  for (const event of events) counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
  return counts;
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
