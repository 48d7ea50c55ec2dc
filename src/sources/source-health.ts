// A source's health as users see it, derived from what the poller recorded.
import type { SourceRecord } from '../store/source-store.js';

export type SourceStatus = 'new' | 'ok' | 'failing';

export function sourceStatus(record: SourceRecord | null | undefined): SourceStatus {
  if (record == null || (record.lastOkAt === null && record.consecutiveFailures === 0)) return 'new';
  return record.consecutiveFailures > 0 ? 'failing' : 'ok';
}
