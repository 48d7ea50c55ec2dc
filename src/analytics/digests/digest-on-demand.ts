// One digest built (and, if asked, sent) on demand, for `buzzwatch digest`: a user trying their config sees what the
// scheduled digest would say. Nothing is recorded, so the scheduled digest of the same period still goes out.
import type { Config, DigestConfig } from '../../config/schema.js';
import type { HttpClient } from '../../net/http-client.js';
import { DeliveryError } from '../../alerts/notifiers/notifier.js';
import type { Database } from '../../store/database.js';
import { buildDigestSummary, digestZone, type DigestSummary } from './digest-summary.js';
import { duePeriod, periodOfKey } from './due-period.js';
import { digestFormatFor } from './formats/registry.js';
import { digestPeriodKinds } from './periods/registry.js';

export class DigestInputError extends Error {
  override readonly name = 'DigestInputError';
}

export interface DigestOnDemand {
  digest: DigestConfig;
  summary: DigestSummary;
}

/** The digest `digestId` of the period `key` names (default: the latest due at `now`), from the stored mentions. */
export async function digestOnDemand(database: Database, config: Config, digestId: string, key: string | undefined, now: Date): Promise<DigestOnDemand> {
  const digest = config.digests.find((candidate) => candidate.id === digestId);
  if (digest === undefined) {
    const known = config.digests.map((each) => each.id).join(', ') || 'none';
    throw new DigestInputError(`digest "${digestId}" is not configured (known: ${known})`);
  }
  const { interval } = digestPeriodKinds[digest.every];
  const zone = digestZone(digest, config);
  const period = key === undefined ? duePeriod(now, interval, zone, digest.at) : periodOfKey(key, interval, zone, digest.at);
  if (period === null) {
    throw new DigestInputError(`--period ${key}: a ${digest.every} digest takes ${interval === 'month' ? 'a month such as 2026-11' : 'a date such as 2026-11-03'}`);
  }
  return { digest, summary: await buildDigestSummary(database, config, digest, period) };
}

/** Sends the digest to each of its channels now; answers, per channel, null when sent or why not. */
export async function sendDigestNow(config: Config, built: DigestOnDemand, http: HttpClient): Promise<Array<{ channelId: string; error: string | null }>> {
  const results: Array<{ channelId: string; error: string | null }> = [];
  const period = built.summary.period.key;
  for (const channelId of built.digest.channels) {
    const channel = config.alerts.channels.find((candidate) => candidate.id === channelId);
    const format = channel === undefined ? undefined : digestFormatFor(channel.type);
    if (channel === undefined || format === undefined) {
      results.push({ channelId, error: 'not a channel that can send digests' });
      continue;
    }
    try {
      // Its own id, so a receiver deduplicating on it does not drop the scheduled digest of the same period.
      await format.send(channel, { summary: built.summary, deliveryId: `digest-try.${built.digest.id}.${period}.${channelId}.${Date.now()}` }, { http, timeoutMs: config.http.timeout });
      results.push({ channelId, error: null });
    } catch (error) {
      results.push({ channelId, error: error instanceof DeliveryError ? error.message : (error as Error).message });
    }
  }
  return results;
}
