import { describe, expect, it } from 'vitest';
import { databaseBusyReason } from './database-busy.js';
import { isDependencyOutage } from './dependency-outage.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('busy or down', () => {
  it('calls a full pool, a full server and a cancelled statement busy, not down', () => {
    const busy: Array<[Error, string]> = [
      [new Error('timeout exceeded when trying to connect'), 'pool_exhausted'],
      [withCode('sorry, too many clients already', '53300'), 'pool_exhausted'],
      [withCode('canceling statement due to statement timeout', '57014'), 'query_timeout'],
    ];
    for (const [error, reason] of busy) {
      expect(databaseBusyReason(error), error.message).toBe(reason);
      expect(isDependencyOutage(error), error.message).toBe(false);
    }
  });

  it('calls refused connections, a restarting server and a Redis command given up on down, not busy', () => {
    const redisGaveUp = new Error('Reached the max retries per request limit (which is 1).');
    Object.defineProperty(redisGaveUp, 'name', { value: 'MaxRetriesPerRequestError' });
    const down = [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      new Error('Connection terminated due to connection timeout'),
      redisGaveUp,
      new Error('query failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
    ];
    for (const error of down) {
      expect(isDependencyOutage(error), error.message).toBe(true);
      expect(databaseBusyReason(error), error.message).toBeNull();
    }
  });

  it('calls anything else neither', () => {
    for (const error of [new Error('syntax error'), withCode('duplicate key', '23505'), 'a string']) {
      expect(databaseBusyReason(error)).toBeNull();
      expect(isDependencyOutage(error)).toBe(false);
    }
  });
});
