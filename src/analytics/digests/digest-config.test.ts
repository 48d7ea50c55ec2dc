// The `digests:` section: defaults (at 09:00, tz from reports.timezone at use), and every mistake named with its key
// path, unknown brands and channels included.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../config/config-error.js';
import { parseConfig } from '../../config/load-config.js';
import { digestZone } from './digest-summary.js';

const base = (digests: string) => `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
alerts:
  channels:
    - { id: pr-slack, type: slack, url: "https://hooks.slack.test/services/T/B/x" }
reports:
  timezone: Europe/Warsaw
digests:
${digests}`;

function problemsOf(yaml: string): ConfigProblem[] {
  try {
    parseConfig(yaml, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('digests config', () => {
  it('fills in at 09:00 and takes the zone of reports.timezone unless the digest gives tz', () => {
    const config = parseConfig(
      base(`  - { id: daily-pr, brands: [acme], every: daily, channels: [pr-slack] }
  - { id: monthly-pr, brands: [acme], every: monthly, at: "07:30", tz: America/New_York, channels: [pr-slack] }`),
      {},
    );
    expect(config.digests).toEqual([
      { id: 'daily-pr', brands: ['acme'], every: 'daily', at: '09:00', channels: ['pr-slack'] },
      { id: 'monthly-pr', brands: ['acme'], every: 'monthly', at: '07:30', tz: 'America/New_York', channels: ['pr-slack'] },
    ]);
    expect(config.digests.map((digest) => digestZone(digest, config))).toEqual(['Europe/Warsaw', 'America/New_York']);
  });

  it('names each bad key by its path', () => {
    expect(
      problemsOf(
        base(`  - { id: daily-pr, brands: [acme, initech], every: hourly, at: "9:00", tz: Mars/Olympus, channels: [pr-slack, ops-pager], cc: x }
  - { id: daily-pr, brands: [], every: weekly, channels: [pr-slack] }`),
      ),
    ).toEqual([
      { path: 'digests[0].at', message: '"9:00" is not a time of day (use HH:MM, e.g. 09:00)' },
      { path: 'digests[0].brands[1]', message: '"initech" is not a brand id (known: acme)' },
      { path: 'digests[0].cc', message: 'is not a known key (known: id, brands, every, at, tz, channels)' },
      { path: 'digests[0].channels[1]', message: '"ops-pager" is not a channel id (known: pr-slack)' },
      { path: 'digests[0].every', message: '"hourly" is not a digest period (use daily, weekly, monthly)' },
      { path: 'digests[0].tz', message: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Warsaw, UTC)' },
      { path: 'digests[1].brands', message: 'needs at least one brand id' },
      { path: 'digests[1].id', message: '"daily-pr" is already used by digests[0]' },
    ]);
  });
});
