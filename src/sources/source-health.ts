// A source's health as users see it, derived from what the poller recorded: not just up or down, but why, so the
// person reading it knows whether to wait (rate limited), fix a credential (auth failed), look at the source, or look
// at buzzwatch itself (stale: nothing is polling it).
import type { SourceRecord } from '../store/source-store.js';
import { sourceKindFor } from './registry.js';
import type { SourceConfig } from './source-config.js';

export type SourceStatus = 'new' | 'ok' | 'failing' | 'auth_failed' | 'rate_limited' | 'silent' | 'stale';

export interface SourceHealth {
  status: SourceStatus;
  /** For `silent`: milliseconds since the source last found a mention (or since it started, if it never did). */
  silentForMs: number | null;
}

export type HealthConfig = Pick<SourceConfig, 'expect_every' | 'every' | 'type'>;

export function sourceHealth(record: SourceRecord | null | undefined, config: HealthConfig, now: Date): SourceHealth {
  if (record == null || (record.lastOkAt === null && record.consecutiveFailures === 0)) return { status: 'new', silentForMs: null };
  if (isPolled(config) && isStale(record, config.every, now)) return { status: 'stale', silentForMs: null };
  if (record.consecutiveFailures > 0) {
    const status = record.lastErrorKind === 'auth_failed' ? 'auth_failed' : record.lastErrorKind === 'rate_limited' ? 'rate_limited' : 'failing';
    return { status, silentForMs: null };
  }
  const quietSince = record.lastMentionSeenAt ?? record.firstOkAt;
  if (config.expect_every !== undefined && quietSince !== null) {
    const silentForMs = now.getTime() - quietSince.getTime();
    if (silentForMs > config.expect_every) return { status: 'silent', silentForMs };
  }
  return { status: 'ok', silentForMs: null };
}

/**
 * Not polled within twice its interval: its next poll was due one interval after the last (or at its back-off's
 * retry time, when later), and another whole interval has passed since. Its scheduler is gone (Redis lost its data)
 * or no poller is running: a problem with buzzwatch, not with the source.
 */
export function isStale(record: Pick<SourceRecord, 'lastPolledAt' | 'retryAt'>, everyMs: number, now: Date): boolean {
  if (record.lastPolledAt === null) return false;
  const dueAt = Math.max(record.lastPolledAt.getTime() + everyMs, record.retryAt?.getTime() ?? 0);
  return now.getTime() - dueAt > everyMs;
}

// A webhook source is pushed to: a quiet sender is `silent` (given expect_every), never stale.
const isPolled = (config: HealthConfig) => sourceKindFor(config.type)?.inbound !== true;

/** Whether a source with this status delivers mentions right now. */
export function isDelivering(status: SourceStatus): boolean {
  return status === 'ok' || status === 'new' || status === 'silent';
}
