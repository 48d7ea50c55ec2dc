import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { restartOnlyChanges, restartWarning } from './restart-only-settings.js';

const BRANDS = 'brands: [{ id: acme, name: Acme, keywords: [acme] }]\n';
const configOf = (extra: string) => parseConfig(`${BRANDS}${extra}`, {});

describe('restart-only settings', () => {
  it('names each setting read only at start whose value changed, in a fixed order', () => {
    const started = configOf('queue: { poll_concurrency: 4 }\n');
    const next = configOf(
      'queue: { poll_concurrency: 8, stalled_after: 45s, score_threads: 2 }\ndatabase: { pool_size: 20 }\napi: { query_timeout: 5s, request_timeout: 1m }\nalerts: { delivery: { attempts: 3 } }\n',
    );
    expect(restartOnlyChanges(started, next)).toEqual([
      'queue.stalled_after',
      'queue.score_threads',
      'alerts.delivery.attempts',
      'database.pool_size',
      'api.query_timeout',
      'api.request_timeout',
    ]);
  });

  it('names nothing when only settings a reload applies changed, or a default was written out', () => {
    expect(restartOnlyChanges(configOf(''), configOf('queue: { poll_concurrency: 8, stalled_after: 30s }\ndatabase: { pool_size: 10 }\n'))).toEqual([]);
    expect(restartWarning([])).toBeNull();
    expect(restartWarning(['database.pool_size'])).toBe('database.pool_size: changed in the file, in force only after a restart');
  });
});
