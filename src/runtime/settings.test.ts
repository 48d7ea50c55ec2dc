import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from './settings.js';

describe('settings from the environment', () => {
  it('reads LOG_LEVEL, info when unset or empty', () => {
    expect(settingsFromEnv({}).logLevel).toBe('info');
    expect(settingsFromEnv({ LOG_LEVEL: '' }).logLevel).toBe('info');
    expect(settingsFromEnv({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('names LOG_LEVEL and its levels when the value is none of them (pino said "default level:loud must be included in custom levels")', () => {
    expect(() => settingsFromEnv({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"');
    expect(() => settingsFromEnv({ LOG_LEVEL: 'INFO' })).toThrow(/^LOG_LEVEL must be one of/);
  });

  it('names the variable of a bad port or window', () => {
    expect(() => settingsFromEnv({ PORT: '70000' })).toThrow('PORT must be a port number, not "70000"');
    expect(() => settingsFromEnv({ HEALTH_PORT: '-1' })).toThrow('HEALTH_PORT must be a port number, not "-1"');
    expect(() => settingsFromEnv({ LOG_REPEAT_WINDOW: 'soon' })).toThrow('LOG_REPEAT_WINDOW must be a duration such as 60s or 5m, not "soon"');
    expect(() => settingsFromEnv({ LOG_REPEAT_WINDOW: '30d' })).toThrow('LOG_REPEAT_WINDOW must be at most 24d, not "30d"');
    expect(settingsFromEnv({ LOG_REPEAT_WINDOW: '24d' }).logRepeatWindowMs).toBe(24 * 86_400_000);
  });

  it('names the URL variable that does not parse or has the wrong scheme, without quoting its password (was pg\'s bare "Invalid URL")', () => {
    const unencoded = () => settingsFromEnv({ DATABASE_URL: 'postgres://bw:top#secret@db:5432/buzzwatch' });
    expect(unencoded).toThrow(
      'DATABASE_URL must be a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (percent-encode a password\'s special characters, e.g. # as %23, / as %2F, @ as %40); the value does not parse (not shown: it may hold a password)',
    );
    expect(unencoded).not.toThrow(/secret/);
    expect(() => settingsFromEnv({ DATABASE_READ_URL: 'mysql://replica/buzzwatch' })).toThrow(/^DATABASE_READ_URL must be a URL such as postgres:.*; not mysql:\/\/ \(/);
    expect(() => settingsFromEnv({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/^REDIS_URL must be a URL such as redis:\/\/:PASSWORD@HOST:6379 .*; not http:\/\/ \(/);
    expect(() => settingsFromEnv({ REDIS_URL: 'redis://:pw/x#y@cache:6379' })).toThrow(/^REDIS_URL must be .*the value does not parse/);
  });

  it('takes PostgreSQL and Redis URLs as given', () => {
    const settings = settingsFromEnv({ DATABASE_URL: 'postgresql://bw:p%23w@db/buzzwatch', DATABASE_READ_URL: 'postgres://replica/buzzwatch', REDIS_URL: 'rediss://:pw@cache:6380' });
    expect([settings.databaseUrl, settings.databaseReadUrl, settings.redisUrl]).toEqual(['postgresql://bw:p%23w@db/buzzwatch', 'postgres://replica/buzzwatch', 'rediss://:pw@cache:6380']);
    expect([settingsFromEnv({}).databaseUrl, settingsFromEnv({}).redisUrl]).toEqual(['postgres://postgres@127.0.0.1:5432/buzzwatch', 'redis://127.0.0.1:6379']);
  });
});
