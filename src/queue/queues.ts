// Queue names, job payloads and the options every producer uses, so that Redis memory stays bounded.
import { Type, type Static } from '@sinclair/typebox';
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { MentionSchema } from '../mentions/mention.js';
import { EncodedDataQueue } from './encoded-data-queue.js';

export const QueueName = {
  poll: 'poll',
  mentions: 'mentions',
  alerts: 'alerts',
  notify: 'notify',
  digests: 'digests',
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

/** Evaluate the alert rules now (scheduled every `alerts.tick`, and soon after new mentions are stored). */
export const AlertsJobSchema = Type.Object({}, { additionalProperties: false });
export type AlertsJobData = Static<typeof AlertsJobSchema>;

/** Deliver one alert event to one channel; the event itself is read from PostgreSQL, so retries send the same. */
export const NotifyJobSchema = Type.Object(
  { eventId: Type.String({ minLength: 1 }), channelId: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type NotifyJobData = Static<typeof NotifyJobSchema>;

/** One job per (event, channel): adding it twice (a retried tick, a restarted alerter) queues it once. */
export function notifyJobId(job: NotifyJobData): string {
  // BullMQ job ids may not contain ":"; event ids and channel ids contain no ".".
  return `${job.eventId}.${job.channelId}`;
}

/** Send one period's digest to one channel; the summary is read from (or written once to) PostgreSQL. */
export const DigestJobSchema = Type.Object(
  { digestId: Type.String({ minLength: 1 }), period: Type.String({ minLength: 1 }), channelId: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type DigestJobData = Static<typeof DigestJobSchema>;

/** One job per (digest, period, channel): a second alerter or a restart adding it again queues it once. */
export function digestJobId(job: DigestJobData): string {
  // BullMQ job ids may not contain ":"; ids are [a-z0-9-] and periods 2026-11 or 2026-11-03.
  return `digest.${job.digestId}.${job.period}.${job.channelId}`;
}

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
  // A stored batch is in PostgreSQL; its payload (up to 4 MiB) is only worth keeping briefly, for inspection. A
  // thousand kept batches were most of 371 MB of Redis after a drained ingest of a million mentions.
  removeOnComplete: { age: 3600, count: 20 },
  // Failed batches stay a week for inspection and manual retry; they hold mentions someone has seen.
  removeOnFail: { age: KEEP_FAILED_SECONDS },
};

const alertsJobOptions: DefaultJobOptions = {
  // A failed evaluation is simply done again at the next tick.
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

/** Name of the notify backoff strategy: the configured first delay, doubling, capped at 10 minutes. */
export const NOTIFY_BACKOFF = 'notify-exponential';
const MAX_NOTIFY_BACKOFF_MS = 10 * 60_000;

export function notifyBackoff(attemptsMade: number, firstDelayMs: number): number {
  return Math.min(firstDelayMs * 2 ** Math.max(0, attemptsMade - 1), MAX_NOTIFY_BACKOFF_MS);
}

export function notifyJobOptions(attempts: number): DefaultJobOptions {
  return {
    attempts,
    backoff: { type: NOTIFY_BACKOFF },
    removeOnComplete: { count: 1000 },
    removeOnFail: { age: KEEP_FAILED_SECONDS },
  };
}

export interface Queues {
  poll: Queue<PollJobData>;
  mentions: Queue<MentionsJobData>;
  alerts: Queue<AlertsJobData>;
  notify: Queue<NotifyJobData>;
  digests: Queue<DigestJobData>;
}

// Each queue's event stream (what QueueEvents listeners read) keeps this many events; completed events carry the
// job's return value, so BullMQ's default of 10,000 would hold megabytes for nobody.
const EVENTS_KEPT = 1_000;

/** `onError` hears each queue's connection errors (without a listener BullMQ prints them to stderr). */
export function createQueues(connection: ConnectionOptions, prefix: string, notifyAttempts = 8, onError?: (error: Error) => void): Queues {
  const streams = { events: { maxLen: EVENTS_KEPT } };
  const queues: Queues = {
    poll: new Queue<PollJobData>(QueueName.poll, { connection, prefix, defaultJobOptions: pollJobOptions, streams }),
    // Batches of up to 500 mentions: their JSON is encoded once (see EncodedDataQueue).
    mentions: new EncodedDataQueue<MentionsJobData>(QueueName.mentions, { connection, prefix, defaultJobOptions: mentionsJobOptions, streams }),
    alerts: new Queue<AlertsJobData>(QueueName.alerts, { connection, prefix, defaultJobOptions: alertsJobOptions, streams }),
    notify: new Queue<NotifyJobData>(QueueName.notify, {
      connection,
      prefix,
      defaultJobOptions: notifyJobOptions(notifyAttempts),
      streams,
    }),
    // A digest retries as an alert message does.
    digests: new Queue<DigestJobData>(QueueName.digests, { connection, prefix, defaultJobOptions: notifyJobOptions(notifyAttempts), streams }),
  };
  if (onError !== undefined) for (const queue of Object.values(queues) as Queue[]) queue.on('error', onError);
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue: Queue) => queue.close()));
}
