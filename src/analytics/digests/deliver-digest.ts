// The digests worker's work on one job: send one period's digest to one channel once, and record every attempt. The
// period's summary is built once and stored, so every channel and every retry sends the same figures.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { DeliveryError, type NotifierDeps } from '../../alerts/notifiers/notifier.js';
import type { Config } from '../../config/schema.js';
import { digestJobId, type DigestJobData } from '../../queue/queues.js';
import type { Database } from '../../store/database.js';
import { digestDeliveryStatus, digestSummaryOnce, recordDigestAttempt } from '../../store/digest-store.js';
import { buildDigestSummary, digestZone } from './digest-summary.js';
import { periodOfKey } from './due-period.js';
import { digestFormatFor } from './formats/registry.js';
import { digestPeriodKinds } from './periods/registry.js';

export type DigestOutcome = 'sent' | 'already-done' | 'failed';

export interface DigestDeliveryDeps {
  config: Config;
  database: Database;
  notifierDeps: NotifierDeps;
  logger: Logger;
}

export function digestProcessor(deps: DigestDeliveryDeps) {
  const { config, database, logger } = deps;
  return async (job: Job<DigestJobData>): Promise<DigestOutcome> => {
    const key = job.data;
    const status = await digestDeliveryStatus(database, key);
    // Sent or given up on: a re-queued job must never send a second time.
    if (status !== 'pending' && status !== 'retrying') return 'already-done';
    const fail = async (reason: string): Promise<DigestOutcome> => {
      await recordDigestAttempt(database, key, 'failed', reason);
      logger.warn({ digest: key.digestId, period: key.period, channel: key.channelId, err: reason }, 'digest not sent');
      return 'failed';
    };
    const digest = config.digests.find((candidate) => candidate.id === key.digestId);
    if (digest === undefined) return fail(`digest "${key.digestId}" is no longer in the config`);
    const channel = config.alerts.channels.find((candidate) => candidate.id === key.channelId);
    if (channel === undefined || !digest.channels.includes(channel.id)) return fail(`channel "${key.channelId}" is no longer a channel of this digest`);
    const format = digestFormatFor(channel.type);
    if (format === undefined) return fail(`channel type "${channel.type}" cannot send digests`);
    const { interval } = digestPeriodKinds[digest.every];
    const period = periodOfKey(key.period, interval, digestZone(digest, config), digest.at);
    if (period === null) return fail(`"${key.period}" is not a ${digest.every} period`);
    const summary = await digestSummaryOnce(database, { digestId: digest.id, period: key.period, since: period.start, until: period.end }, () =>
      buildDigestSummary(database, config, digest, period),
    );
    try {
      await format.send(channel, { summary, deliveryId: digestJobId(key) }, deps.notifierDeps);
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message.split('\n')[0] ?? 'unknown error', true);
      const giveUp = !failure.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await recordDigestAttempt(database, key, giveUp ? 'failed' : 'retrying', failure.message);
      logger.warn({ digest: key.digestId, period: key.period, channel: key.channelId, attempt: job.attemptsMade + 1, err: failure.message }, 'digest delivery failed');
      if (!failure.retryable) throw new UnrecoverableError(failure.message);
      throw failure;
    }
    await recordDigestAttempt(database, key, 'sent', null);
    logger.info({ digest: key.digestId, period: key.period, channel: key.channelId }, `digest sent: ${digest.id} for ${key.period} to ${channel.id}`);
    return 'sent';
  };
}
