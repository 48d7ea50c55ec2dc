// Queue names, job payloads and the options every producer uses, so that Redis memory stays bounded.
import { Type, type Static } from '@sinclair/typebox';
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { MentionSchema } from '../mentions/mention.js';

export const QueueName = {
  poll: 'poll',
  mentions: 'mentions',
} as const;

export const PollJobSchema = Type.Object(
  {
    sourceId: Type.String({ minLength: 1 }),
    /** Set on polls someone asked for: they run even while the source is backing off. */
    force: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PollJobData = Static<typeof PollJobSchema>;

export const MentionsJobSchema = Type.Object(
  { mentions: Type.Array(MentionSchema, { minItems: 1 }) },
  { additionalProperties: false },
);
export type MentionsJobData = Static<typeof MentionsJobSchema>;

/** Name of the backoff strategy that workers register (see cappedBackoff). */
export const CAPPED_BACKOFF = 'capped-exponential';
const MAX_BACKOFF_MS = 5 * 60_000;

/** 1 s, 2 s, 4 s … capped at 5 min: a PostgreSQL outage of hours is waited out, not turned into lost mentions. */
export function cappedBackoff(attemptsMade: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
}

// A batch whose worker died is handed over this many times before it is parked as failed (kept for a week).
const MAX_STALLED_HANDOVERS = 10;

/** Worker options for the mentions queue: the capped back-off, and hand-over of batches whose worker died. */
export function mentionsWorkerSettings(stalledAfterMs: number) {
  return {
    lockDuration: stalledAfterMs,
    stalledInterval: stalledAfterMs,
    maxStalledCount: MAX_STALLED_HANDOVERS,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) => (type === CAPPED_BACKOFF ? cappedBackoff(attemptsMade) : 0),
    },
  };
}

const KEEP_FAILED_SECONDS = 7 * 24 * 3600;

const pollJobOptions: DefaultJobOptions = {
  // A failed poll is retried by the next scheduled one; the source's health records the failure.
  attempts: 1,
  removeOnComplete: { count: 200 },
  removeOnFail: { count: 1000 },
};

const mentionsJobOptions: DefaultJobOptions = {
  attempts: 200,
  backoff: { type: CAPPED_BACKOFF },
  removeOnComplete: { count: 1000 },
  // Failed batches stay a week for inspection and manual retry; they hold mentions someone has seen.
  removeOnFail: { age: KEEP_FAILED_SECONDS },
};

export interface Queues {
  poll: Queue<PollJobData>;
  mentions: Queue<MentionsJobData>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  return {
    poll: new Queue<PollJobData>(QueueName.poll, { connection, prefix, defaultJobOptions: pollJobOptions }),
    mentions: new Queue<MentionsJobData>(QueueName.mentions, { connection, prefix, defaultJobOptions: mentionsJobOptions }),
  };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue: Queue) => queue.close()));
}
