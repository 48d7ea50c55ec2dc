// What each channel is told as rules start and stop holding for one brand: one alert per incident, group_wait,
// updates when a rule joins, reminders, inhibition, silences and acknowledgement. Rules' findings are given; the
// decisions are the alerter's own (planBrandTick), tick by tick.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { groupingSettings } from './alerter.js';
import { planBrandTick, type AlertRecord, type PlannedMessage, type EpisodeRecord, type GroupingSettings, type SilenceRecord } from './brand-tick.js';
import { buildRule } from './built-rule.js';
import type { RuleFinding } from './rules/rule-kind.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2026, 5, 1, 9, 0);

function configYaml(settings: string): string {
  return `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
alerts:
  group_interval: 5m${settings.includes('group_wait') ? '' : '\n  group_wait: 30s'}${settings}
  rules:
    - { id: buzz, type: negative_buzz, repeat_interval: 1h, channels: [slack, email] }
    - { id: volume, type: volume_spike, repeat_interval: 1h, channels: [slack] }
    - { id: threshold, type: threshold, min_mentions: 10, repeat_interval: 2h, channels: [slack, email] }
    - { id: words, type: keyword, terms: [boycott], repeat_interval: 1h, channels: [slack] }
  channels:
    - { id: slack, type: slack, url: "https://hooks.slack.example/services/T/B/x" }
    - { id: email, type: email, smtp: "smtp://127.0.0.1:2525", from: "a@acme.example", to: ["pr@acme.example"] }
`;
}

function finding(ruleId: string, holds: boolean, atMs: number, matching = 12): RuleFinding {
  return {
    subject: '',
    holds,
    fresh: true,
    signalStartMs: holds ? atMs - 10 * MINUTE : null,
    counts: { mentions: 20, negative: 12, negativeShare: 0.6, usualNegativeShare: null, matching, baseline: null, ratio: null, sites: 4, authors: 4 },
    summary: `${ruleId} ${holds ? 'holds' : 'calm'}`,
    figures: [],
    headline: ruleId,
  };
}

interface Tick {
  atMs: number;
  holding: string[];
  silences?: SilenceRecord[];
  ack?: boolean;
  /** What the holding rules count this tick (12 unless given). */
  matching?: number;
}

/** Runs the ticks and answers every message as `kind channel: rule[:status][:new]`, and the last episodes. */
function run(ticks: Tick[], settings = '') {
  const config = parseConfig(configYaml(settings), {});
  const rules = config.alerts.rules.map((rule) => buildRule(rule, config.alerts.bucket));
  const grouping: GroupingSettings = groupingSettings(config);
  let episodes: EpisodeRecord[] = [];
  let alerts: AlertRecord[] = [];
  const told: { atMs: number; line: string; message: PlannedMessage }[] = [];
  const ended: { alertId: string; resolvedAtMs: number }[] = [];
  for (const tick of ticks) {
    if (tick.ack === true) alerts = alerts.map((alert) => ({ ...alert, acked: true }));
    const findings = new Map(rules.map((rule) => [rule.id, [finding(rule.id, tick.holding.includes(rule.id), tick.atMs, tick.matching)]]));
    const plan = planBrandTick({ nowMs: tick.atMs, brandId: 'acme', rules, findings, episodes, alerts, silences: tick.silences ?? [], grouping });
    for (const message of plan.messages) {
      const names = message.rules.map((named) => `${named.rule.id}${named.status === 'resolved' ? ':calm' : ''}${named.isNew ? ':new' : ''}`);
      told.push({ atMs: tick.atMs, message, line: `${message.kind}${message.silencedBy === null ? '' : ' (silenced)'} ${message.channelId}: ${names.join(', ')}` });
    }
    const resolved = new Set(plan.alertUpdates.filter((update) => update.resolvedAtMs !== null).map((update) => update.alert.id));
    for (const update of plan.alertUpdates) if (update.resolvedAtMs !== null) ended.push({ alertId: update.alert.id, resolvedAtMs: update.resolvedAtMs });
    alerts = plan.alertUpdates.map((update) => update.alert).filter((alert) => !resolved.has(alert.id));
    const changed = new Map([...plan.openedEpisodes, ...plan.changedEpisodes].map((episode) => [episode.id, episode]));
    episodes = [...episodes.map((episode) => changed.get(episode.id) ?? episode), ...plan.openedEpisodes].filter((episode) => !resolved.has(episode.groupId));
  }
  return { told, lines: told.map((entry) => `+${(entry.atMs - T0) / SECOND}s ${entry.line}`), episodes, alerts, ended };
}

/** Ticks every minute from `fromMinute` to `toMinute` with the same rules holding. */
const minutes = (fromMinute: number, toMinute: number, holding: string[], extra: Partial<Tick> = {}): Tick[] =>
  Array.from({ length: toMinute - fromMinute + 1 }, (_, index) => ({ atMs: T0 + (fromMinute + index) * MINUTE, holding, ...extra }));

describe('one alert per incident', () => {
  it('waits group_wait, then sends each channel one firing naming every rule routed to it, and one resolved once all are calm', () => {
    const { lines, alerts } = run([
      { atMs: T0, holding: ['buzz', 'threshold', 'words'] },
      { atMs: T0 + 20 * SECOND, holding: ['buzz', 'threshold', 'words'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold', 'words'] },
      ...minutes(1, 9, ['buzz', 'threshold', 'words']),
      // Calm from minute 10; resolve_after is three buckets (15 minutes).
      ...minutes(10, 30, []),
    ]);
    expect(lines).toEqual([
      '+30s firing email: buzz, threshold',
      '+30s firing slack: buzz, threshold, words',
      '+1500s resolved email: buzz:calm, threshold:calm',
      '+1500s resolved slack: buzz:calm, threshold:calm, words:calm',
    ]);
    expect(alerts).toEqual([]);
  });

  it('tells of a rule joining an open alert with an update after group_interval, not a new firing', () => {
    const { lines } = run([
      { atMs: T0, holding: ['buzz'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz'] },
      ...minutes(2, 7, ['buzz', 'words']),
    ]);
    // words is routed to slack only; the update waits for five minutes after the firing (the next tick after).
    expect(lines).toEqual(['+30s firing email: buzz', '+30s firing slack: buzz', '+360s update slack: buzz, words:new']);
  });

  it('reminds every repeat_interval of the rules still firing, names the calm ones at their peak, and not once acknowledged', () => {
    const { lines } = run([
      { atMs: T0, holding: ['buzz', 'threshold'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold'] },
      ...minutes(1, 20, ['buzz', 'threshold']),
      ...minutes(21, 61, ['threshold']),
      { atMs: T0 + 62 * MINUTE, holding: ['threshold'], ack: true },
      ...minutes(63, 200, ['threshold']),
    ]);
    // Acknowledged at 62 minutes: no reminder (unacknowledged, see below, one was due at two hours).
    expect(lines).toEqual(['+30s firing email: buzz, threshold', '+30s firing slack: buzz, threshold']);
    const unacked = run([
      { atMs: T0, holding: ['buzz', 'threshold'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold'] },
      ...minutes(1, 20, ['buzz', 'threshold']),
      ...minutes(21, 200, ['threshold']),
    ]);
    // buzz repeats hourly, threshold every two hours; buzz calmed at 21 minutes and was over at 36, before its hour
    // came, so threshold's two hours count.
    expect(unacked.lines.slice(2)).toEqual(['+7260s reminder email: buzz:calm, threshold', '+7260s reminder slack: buzz:calm, threshold']);
    const buzzLonger = run([
      { atMs: T0, holding: ['buzz', 'threshold'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold'] },
      ...minutes(1, 70, ['buzz', 'threshold']),
    ]);
    expect(buzzLonger.lines.slice(2)).toEqual(['+3660s reminder email: buzz, threshold', '+3660s reminder slack: buzz, threshold']);
  });

  it('names a rule that fires again in its open alert once per message: its new episode, its larger peak when calm', () => {
    const { told } = run([
      { atMs: T0, holding: ['buzz', 'threshold'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold'] },
      ...minutes(1, 20, ['buzz', 'threshold'], { matching: 30 }),
      // buzz is calm from minute 21 and over at 36, while threshold holds the alert open; buzz fires again at 60,
      // smaller than the first time.
      ...minutes(21, 59, ['threshold']),
      ...minutes(60, 80, ['buzz', 'threshold']),
      ...minutes(81, 120, []),
    ]);
    const lines = told.filter((entry) => entry.line.includes('email')).map((entry) => `+${(entry.atMs - T0) / MINUTE}m ${entry.line}`);
    // One "Negative buzz" in the update and in the resolved message (it was named twice: its calm first episode at
    // its peak beside the new one, "Resolved: Negative buzz, Negative buzz and Mention threshold").
    expect(lines).toEqual([
      '+0.5m firing email: buzz, threshold',
      '+60m update email: buzz:new, threshold',
      '+96m resolved email: buzz:calm, threshold:calm',
    ]);
    const resolved = told.find((entry) => entry.message.kind === 'resolved')?.message;
    const buzz = resolved?.rules.find((named) => named.rule.id === 'buzz');
    // Told at the larger of its two peaks; the alert started with its first episode, and ended with its second.
    expect(buzz?.episode.peak.counts.matching).toBe(30);
    expect(buzz?.episode.calmSinceMs).toBe(T0 + 81 * MINUTE);
    expect(resolved?.startedAtMs).toBe(T0 - 10 * MINUTE);
  });

  it('records an alert as ended when its last rule calmed down, the time its resolved message gives', () => {
    const { ended, told } = run([
      { atMs: T0, holding: ['buzz', 'threshold'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'threshold'] },
      ...minutes(1, 20, ['buzz', 'threshold']),
      ...minutes(21, 30, ['buzz']),
      // Calm from minute 31; over (resolve_after, three 5-minute buckets) at 46.
      ...minutes(31, 50, []),
    ]);
    expect(told.filter((entry) => entry.message.kind === 'resolved').map((entry) => entry.atMs)).toEqual([T0 + 46 * MINUTE, T0 + 46 * MINUTE]);
    // It was closed at 46 minutes, but it ended at 31 (it read 46 in /v1/alerts while its messages said 31).
    expect(ended.map((entry) => entry.resolvedAtMs)).toEqual([T0 + 31 * MINUTE]);
  });

  it('says "still firing" only while a rule holds, not while it calms down before resolving', () => {
    const { lines } = run([
      { atMs: T0, holding: ['buzz'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz'] },
      ...minutes(1, 50, ['buzz']),
      // Calm from minute 51; the hourly reminder would be due at 60.5 minutes; resolved at 66.
      ...minutes(51, 70, []),
    ]);
    expect(lines).toEqual(['+30s firing email: buzz', '+30s firing slack: buzz', '+3960s resolved email: buzz:calm', '+3960s resolved slack: buzz:calm']);
  });

  it('opens one alert per rule with group_by [brand, rule]', () => {
    const { lines, alerts } = run([{ atMs: T0, holding: ['buzz', 'threshold'] }], '\n  group_by: [brand, rule]\n  group_wait: 0s');
    expect(lines).toEqual(['+0s firing email: buzz', '+0s firing slack: buzz', '+0s firing email: threshold', '+0s firing slack: threshold']);
    expect(alerts.map((alert) => alert.key)).toEqual(['brand=acme,rule=buzz', 'brand=acme,rule=threshold']);
  });
});

describe('rules watching several things per brand (stories)', () => {
  it('opens an episode per subject in the one alert, and calms a subject that no finding mentions any more', () => {
    const config = parseConfig(configYaml('\n  group_wait: 0s'), {});
    const rules = config.alerts.rules.map((rule) => buildRule(rule, config.alerts.bucket)).filter((rule) => rule.id === 'words');
    const grouping = groupingSettings(config);
    const story = (subject: string): RuleFinding => ({ ...finding('words', true, T0), subject, summary: `story ${subject} spreads` });
    const first = planBrandTick({ nowMs: T0, brandId: 'acme', rules, findings: new Map([['words', [story('s1'), story('s2')]]]), episodes: [], alerts: [], silences: [], grouping });
    expect(first.openedEpisodes.map((episode) => [episode.ruleId, episode.subject])).toEqual([['words', 's1'], ['words', 's2']]);
    expect(first.openedAlerts).toHaveLength(1);
    expect(first.messages.map((message) => message.rules.map((named) => named.episode.subject))).toEqual([['s1', 's2']]);
    // s2 has left the window: no finding about it; its episode calms (and resolves after resolve_after).
    const alerts = first.alertUpdates.map((update) => update.alert);
    const later = planBrandTick({ nowMs: T0 + MINUTE, brandId: 'acme', rules, findings: new Map([['words', [story('s1')]]]), episodes: first.openedEpisodes, alerts, silences: [], grouping });
    expect(later.changedEpisodes.map((episode) => [episode.subject, episode.calmSinceMs])).toEqual([
      ['s1', null],
      ['s2', T0 + MINUTE],
    ]);
    const resolved = planBrandTick({ nowMs: T0 + 20 * MINUTE, brandId: 'acme', rules, findings: new Map([['words', [story('s1')]]]), episodes: later.changedEpisodes, alerts, silences: [], grouping });
    expect(resolved.episodeTransitions).toEqual([{ ruleId: 'words', kind: 'resolved', episodeId: first.openedEpisodes[1]?.id }]);
  });
});

describe('inhibition', () => {
  it('leaves a volume spike out while a negative buzz fires for the brand, and tells of it once the buzz is over', () => {
    const { lines, episodes } = run([
      { atMs: T0, holding: ['buzz', 'volume'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'volume'] },
      ...minutes(1, 9, ['buzz', 'volume']),
    ]);
    expect(lines).toEqual(['+30s firing email: buzz', '+30s firing slack: buzz']);
    expect(episodes.map((episode) => [episode.ruleId, episode.inhibitedBy])).toEqual([
      ['buzz', null],
      ['volume', 'buzz'],
    ]);
    const after = run([
      { atMs: T0, holding: ['buzz', 'volume'] },
      { atMs: T0 + 30 * SECOND, holding: ['buzz', 'volume'] },
      ...minutes(1, 9, ['buzz', 'volume']),
      ...minutes(10, 30, ['volume']),
    ]);
    // buzz calm at minute 10, resolved at 25 (its episode); volume is then no longer covered: an update.
    expect(after.lines.slice(2)).toEqual(['+1500s update slack: buzz:calm, volume:new']);
  });

  it('mutes by rule id as well as by type, as configured', () => {
    const { lines } = run(
      [{ atMs: T0, holding: ['threshold', 'words'] }],
      '\n  group_wait: 0s\n  inhibit:\n    - { source: [threshold], target: [words] }',
    );
    expect(lines).toEqual(['+0s firing email: threshold', '+0s firing slack: threshold']);
  });
});

describe('silences', () => {
  const silence: SilenceRecord = { id: 'sil_1', brandId: 'acme', ruleId: null };

  it('records a silenced firing, tells the channel with a firing (never "still firing") once the silence is over', () => {
    const { lines } = run([
      ...minutes(0, 10, ['buzz'], { silences: [silence] }),
      ...minutes(11, 12, ['buzz']),
      ...minutes(13, 40, []),
    ]);
    expect(lines).toEqual([
      '+60s firing (silenced) email: buzz',
      '+60s firing (silenced) slack: buzz',
      '+660s firing email: buzz',
      '+660s firing slack: buzz',
      '+1680s resolved email: buzz:calm',
      '+1680s resolved slack: buzz:calm',
    ]);
  });

  it('sends no resolved message about an alert nobody heard of', () => {
    const { lines } = run([...minutes(0, 10, ['buzz'], { silences: [silence] }), ...minutes(11, 40, [], { silences: [silence] })]);
    expect(lines).toEqual(['+60s firing (silenced) email: buzz', '+60s firing (silenced) slack: buzz']);
  });

  it('leaves a silenced rule out of the message of an alert that is told', () => {
    const { lines } = run(minutes(0, 2, ['buzz', 'threshold'], { silences: [{ id: 'sil_2', brandId: null, ruleId: 'threshold' }] }));
    expect(lines).toEqual(['+60s firing email: buzz', '+60s firing slack: buzz']);
  });
});
