import { describe, expect, it } from 'vitest';
import { UsageError } from './command.js';
import { parseRoles } from './start.js';

describe('start --role', () => {
  it('runs every role by default and for all', () => {
    expect(parseRoles([])).toEqual(['api', 'poller', 'scorer', 'alerter']);
    expect(parseRoles(['--role', 'all'])).toEqual(['api', 'poller', 'scorer', 'alerter']);
  });

  it('runs each role named, in a list or by repeating the option (the last alone was run)', () => {
    expect(parseRoles(['--role', 'api,scorer'])).toEqual(['api', 'scorer']);
    expect(parseRoles(['--role', 'poller', '--role', 'scorer'])).toEqual(['poller', 'scorer']);
    expect(parseRoles(['--role', 'poller', '--role', 'poller, alerter'])).toEqual(['poller', 'alerter']);
  });

  it('refuses an unknown role as a usage error', () => {
    expect(() => parseRoles(['--role', 'api', '--role', 'web'])).toThrow(UsageError);
  });
});
