// Rule entries checked against their type's schema as the config loader reports them: `count` (what a volume rule
// counts) and `cooldown` (how long after an episode no new one opens) are read by volume_spike only, and every refusal
// names its key path.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem } from '../config/config-error.js';
import { parseConfig } from '../config/load-config.js';

function configWithRule(rule: string): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
alerts:
  rules:
    - ${rule}
  channels:
    - { id: pr-hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }
`;
}

function problemsOf(rule: string): ConfigProblem[] {
  try {
    parseConfig(configWithRule(rule), {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('count on alert rules', () => {
  it('lets a volume_spike count stories, and counts mentions by default', () => {
    const stories = parseConfig(configWithRule('{ id: r, type: volume_spike, count: stories, channels: [pr-hook] }'), {});
    expect(stories.alerts.rules).toEqual([
      {
        id: 'r',
        type: 'volume_spike',
        channels: ['pr-hook'],
        window: 3_600_000,
        repeat_interval: 14_400_000,
        sensitivity: 'medium',
        count: 'stories',
        cooldown: 43_200_000,
      },
    ]);
    const plain = parseConfig(configWithRule('{ id: r, type: volume_spike, channels: [pr-hook] }'), {});
    expect(plain.alerts.rules[0]?.count).toBe('mentions');
  });

  it('names the key path of a count that is neither mentions nor stories', () => {
    expect(problemsOf('{ id: r, type: volume_spike, count: articles, channels: [pr-hook] }')).toEqual([
      { path: 'alerts.rules[0].count', message: '"articles" is not something a volume rule counts (use mentions or stories)' },
    ]);
  });

  it.each([
    ['threshold', 'min_mentions: 10, ', 'min_mentions, sentiment, min_sources, min_authors'],
    ['negative_buzz', '', 'sensitivity, min_mentions, min_sources, min_authors, min_negative_share'],
    ['keyword', 'terms: [recall], ', 'terms, sentiment'],
  ])('refuses count on a %s rule, naming its key path and the keys the type reads', (type, fields, reads) => {
    expect(problemsOf(`{ id: r, type: ${type}, ${fields}count: stories, channels: [pr-hook] }`)).toEqual([
      {
        path: 'alerts.rules[0].count',
        message: `is not used by ${type} rules (they read: id, type, brands, channels, window, repeat_interval, resolve_after, ${reads})`,
      },
    ]);
  });
});

describe('cooldown on volume_spike rules', () => {
  it('holds 12 hours by default, takes any duration, and 0 or 0s turns it off', () => {
    const cooldownOf = (fields: string) =>
      parseConfig(configWithRule(`{ id: r, type: volume_spike, ${fields}channels: [pr-hook] }`), {}).alerts.rules[0]?.cooldown;
    expect(cooldownOf('')).toBe(43_200_000);
    expect(cooldownOf('cooldown: 6h, ')).toBe(21_600_000);
    expect(cooldownOf('cooldown: 1h30m, ')).toBe(5_400_000);
    expect(cooldownOf('cooldown: 0s, ')).toBe(0);
    expect(cooldownOf('cooldown: 0, ')).toBe(0);
    expect(cooldownOf('cooldown: "0", ')).toBe(0);
  });

  it.each([
    ['soon', '"soon"'],
    ['12', '"12"'],
    ['-1h', '"-1h"'],
    ['12 hours', '"12 hours"'],
  ])('names the key path of a cooldown of %s', (value, shown) => {
    expect(problemsOf(`{ id: a, type: threshold, min_mentions: 5, channels: [pr-hook] }
    - { id: r, type: volume_spike, cooldown: ${value}, channels: [pr-hook] }`)).toEqual([
      { path: 'alerts.rules[1].cooldown', message: `${shown} is not a duration (use 0 for none, 30m, 12h)` },
    ]);
  });

  it('refuses cooldown on a negative_buzz rule, naming its key path', () => {
    expect(problemsOf('{ id: r, type: negative_buzz, cooldown: 0s, channels: [pr-hook] }')).toEqual([
      {
        path: 'alerts.rules[0].cooldown',
        message:
          'is not used by negative_buzz rules (they read: id, type, brands, channels, window, repeat_interval, resolve_after, sensitivity, min_mentions, min_sources, min_authors, min_negative_share)',
      },
    ]);
  });
});
