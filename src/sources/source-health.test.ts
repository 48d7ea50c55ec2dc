// Stale: a polled source whose last poll is over twice its interval old (counting from its back-off's retry time
// when that is later); a webhook source is never stale.
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../store/source-store.js';
import { isStale, sourceHealth } from './source-health.js';

const MINUTE_MS = 60_000;
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 27, 12, 0) + minutes * MINUTE_MS);

function record(fields: Partial<SourceRecord>): SourceRecord {
  return {
    id: 'news',
    type: 'rss',
    state: {},
    configFingerprint: 'f',
    firstOkAt: at(0),
    lastPolledAt: at(0),
    lastOkAt: at(0),
    consecutiveFailures: 0,
    lastError: null,
    lastErrorKind: null,
    lastWarning: null,
    retryAt: null,
    mentionsTotal: 0,
    lastMentionSeenAt: null,
    ...fields,
  };
}

describe('stale sources', () => {
  const rss = { type: 'rss', every: 10 * MINUTE_MS };

  it('is ok up to twice the interval after the last poll, stale after', () => {
    expect(sourceHealth(record({}), rss, at(20)).status).toBe('ok');
    expect(sourceHealth(record({}), rss, at(20.01)).status).toBe('stale');
  });

  it('counts from the retry time of a source backing off, and wins over failing', () => {
    const failing = record({ consecutiveFailures: 3, lastErrorKind: 'http', lastOkAt: null, retryAt: at(40) });
    expect(isStale(failing, rss.every, at(50))).toBe(false);
    expect(sourceHealth(failing, rss, at(50)).status).toBe('failing');
    expect(sourceHealth(failing, rss, at(51)).status).toBe('stale');
  });

  it('wins over silent: a quiet source nobody polls is not known to be quiet', () => {
    const quiet = { ...rss, expect_every: 60 * MINUTE_MS };
    expect(sourceHealth(record({}), quiet, at(61))).toEqual({ status: 'stale', silentForMs: null });
  });

  it('never applies to a webhook source, nor to one never polled', () => {
    expect(sourceHealth(record({}), { type: 'webhook', every: 10 * MINUTE_MS }, at(600)).status).toBe('ok');
    expect(sourceHealth(null, rss, at(600)).status).toBe('new');
  });
});
