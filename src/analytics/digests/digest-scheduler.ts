// Each alert tick: for every configured digest, the latest period whose send time has come gets one delivery row
// per channel in PostgreSQL (written once, whoever writes first) and one job per row with a deterministic id. A
// restart, a second alerter or a completed job removed from Redis cannot send a period twice: the rows say it was
// scheduled. Rows whose job was lost (Redis flushed, the enqueue never happened) are queued again.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { digestJobId, type DigestJobData } from '../../queue/queues.js';
import type { Database } from '../../store/database.js';
import { abandonDigestDelivery, claimDigestDeliveries, unfinishedDigestDeliveries, type DigestDeliveryKey } from '../../store/digest-store.js';
import { periodKey } from '../period-figures.js';
import { digestZone } from './digest-summary.js';
import { duePeriod } from './due-period.js';
import { digestPeriodKinds } from './periods/registry.js';

/** A delivery still pending this long after it was scheduled is queued again (its first enqueue may have been lost). */
const REQUEUE_PENDING_AFTER_MS = 60_000;
/** A digest not delivered within a day is stale: it is marked failed instead. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;

export interface DigestTickReport {
  /** Deliveries this tick scheduled (written and queued). */
  scheduled: DigestDeliveryKey[];
  /** Deliveries written earlier but still unfinished, queued again. */
  requeued: number;
}

export interface DigestScheduler {
  tick(now: Date): Promise<DigestTickReport>;
}

/** Each digest's due (digest, period, channel) keys at `now`. */
export function dueDeliveries(config: Config, now: Date): DigestDeliveryKey[] {
  return config.digests.flatMap((digest) => {
    const { interval } = digestPeriodKinds[digest.every];
    const zone = digestZone(digest, config);
    const period = periodKey(duePeriod(now, interval, zone, digest.at).start, interval, zone);
    return digest.channels.map((channelId) => ({ digestId: digest.id, period, channelId }));
  });
}

export function createDigestScheduler(deps: { config: Config; database: Database; digestQueue: Queue<DigestJobData>; logger: Logger }): DigestScheduler {
  const { config, database, digestQueue, logger } = deps;

  async function enqueue(deliveries: readonly DigestDeliveryKey[]): Promise<void> {
    if (deliveries.length === 0) return;
    const jobs = deliveries.map(({ digestId, period, channelId }) => {
      const data = { digestId, period, channelId };
      return { name: 'digest', data, opts: { jobId: digestJobId(data) } };
    });
    // The job id makes this idempotent while the job exists; once done, the row is no longer pending.
    await digestQueue.addBulk(jobs);
  }

  async function requeueUnfinished(now: Date): Promise<number> {
    const unfinished = await unfinishedDigestDeliveries(database, new Date(now.getTime() - REQUEUE_PENDING_AFTER_MS));
    const retry: DigestDeliveryKey[] = [];
    for (const delivery of unfinished) {
      if (now.getTime() - delivery.createdAt.getTime() > GIVE_UP_AFTER_MS) {
        await abandonDigestDelivery(database, delivery, `not delivered within ${GIVE_UP_AFTER_MS / 3_600_000} h; given up`);
        continue;
      }
      // A job that is done (or ran out of attempts before PostgreSQL could record why) keeps its id: adding that id
      // again would be a no-op, so the old one goes first. An active or waiting job is left alone.
      const job = await digestQueue.getJob(digestJobId(delivery));
      const state = job === undefined ? null : await job.getState();
      if (job !== undefined && (state === 'failed' || state === 'completed')) await job.remove();
      retry.push(delivery);
    }
    await enqueue(retry);
    return retry.length;
  }

  return {
    async tick(now) {
      const scheduled = await claimDigestDeliveries(database, dueDeliveries(config, now), now);
      await enqueue(scheduled);
      for (const delivery of scheduled) logger.info({ digest: delivery.digestId, period: delivery.period, channel: delivery.channelId }, `digest due: ${delivery.digestId} for ${delivery.period}`);
      return { scheduled, requeued: await requeueUnfinished(now) };
    },
  };
}
