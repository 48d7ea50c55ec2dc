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
  });
});
