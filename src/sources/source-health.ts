// A source's health as users see it, derived from what the poller recorded: not just up or down, but why, so the
// person reading it knows whether to wait (rate limited), fix a credential (auth failed) or look at the source.
import type { SourceRecord } from '../store/source-store.js';
import type { SourceConfig } from './source-config.js';

export type SourceStatus = 'new' | 'ok' | 'failing' | 'auth_failed' | 'rate_limited' | 'silent';

export interface SourceHealth {
  status: SourceStatus;
  /** For `silent`: milliseconds since the source last found a mention (or since it started, if it never did). */
  silentForMs: number | null;
}

export function sourceHealth(
  record: SourceRecord | null | undefined,
  config: Pick<SourceConfig, 'expect_every'>,
  now: Date,
): SourceHealth {
  if (record == null || (record.lastOkAt === null && record.consecutiveFailures === 0)) return { status: 'new', silentForMs: null };
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

/** Whether a source with this status delivers mentions right now. */
export function isDelivering(status: SourceStatus): boolean {
  return status === 'ok' || status === 'new' || status === 'silent';
}
