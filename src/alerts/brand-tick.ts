// One tick for one brand, decided without I/O: the rules' findings step their episodes, inhibition mutes what is
// covered, episodes gather into alerts (one per brand by default: `alerts.group_by`), and each channel of each alert
// gets at most one message. The alerter loads the records, calls this, and writes the plan in one transaction.
import { createHash } from 'node:crypto';
import type { AlertEventKind } from './alert-event.js';
import type { BuiltRule } from './built-rule.js';
import { afterChannelStep, nextChannelStep, NEW_CHANNEL_STATE, type ChannelState } from './channel-step.js';
import { nextEpisodeStep } from './episode-step.js';
import { inhibitedRules, type InhibitRule } from './inhibition.js';
import type { RuleFinding } from './rules/rule-kind.js';

export interface EpisodeRecord {
  id: string;
  ruleId: string;
  ruleType: string;
  brandId: string;
  /** '' for the brand as a whole; a story id for rules watching stories. */
  subject: string;
  groupId: string;
  status: 'firing' | 'resolved';
  firedAtMs: number;
  /** When the signal began, from the data; what "since" means in a message. */
  signalStartedAtMs: number;
  calmSinceMs: number | null;
  resolvedAtMs: number | null;
  inhibitedBy: string | null;
  latest: RuleFinding;
  /** The finding with the most counted mentions while it held: what a calm rule is remembered by. */
  peak: RuleFinding;
}

export interface AlertRecord {
  id: string;
  /** What the episodes of one alert share: `brand=acme`, or `brand=acme,rule=x` when grouped by rule too. */
  key: string;
  brandId: string;
  openedAtMs: number;
  /** The earliest signal of its episodes. */
  startedAtMs: number;
  acked: boolean;
  channels: Map<string, ChannelState>;
}

export interface SilenceRecord {
  id: string;
  brandId: string | null;
  ruleId: string | null;
}

export type GroupLabel = 'brand' | 'rule';

export interface GroupingSettings {
  groupBy: GroupLabel[];
  groupWaitMs: number;
  groupIntervalMs: number;
  inhibit: InhibitRule[];
}

export interface BrandTickInput {
  nowMs: number;
  brandId: string;
  /** The configured rules covering the brand, in config order. */
  rules: BuiltRule[];
  /** This tick's findings per rule id. */
  findings: Map<string, RuleFinding[]>;
  /** The brand's open episodes and every member of its open alerts. */
  episodes: EpisodeRecord[];
  /** The brand's open alerts. */
  alerts: AlertRecord[];
  /** Silences running now. */
  silences: SilenceRecord[];
  grouping: GroupingSettings;
}

/** A rule of a message: the episode, the configured rule (for its wording and explanation), and how it is told. */
export interface MessageRule {
  episode: EpisodeRecord;
  rule: BuiltRule;
  status: 'firing' | 'resolved';
  isNew: boolean;
}

export interface PlannedMessage {
  eventId: string;
  alertId: string;
  channelId: string;
  kind: AlertEventKind;
  /** Recorded but not sent: the silence that muted it. */
  silencedBy: string | null;
  rules: MessageRule[];
  startedAtMs: number;
  inReplyTo: string | null;
}

export interface BrandTickPlan {
  openedEpisodes: EpisodeRecord[];
  /** Open episodes whose record changed (calm, figures, muting, resolution). */
  changedEpisodes: EpisodeRecord[];
  openedAlerts: AlertRecord[];
  /** Open alerts after the tick, with their new start; resolvedAtMs set when every episode is calm. */
  alertUpdates: { alert: AlertRecord; resolvedAtMs: number | null }[];
  messages: PlannedMessage[];
  channelStates: { alertId: string; channelId: string; state: ChannelState }[];
  episodeTransitions: { ruleId: string; kind: 'firing' | 'resolved'; episodeId: string }[];
}

/** Stable per (rule, brand, subject, start): the same episode gets the same id whichever alerter opens it. */
export function episodeIdFor(ruleId: string, brandId: string, subject: string, firedAtMs: number): string {
  const digest = createHash('sha256').update(`${ruleId}\u0000${brandId}\u0000${firedAtMs}\u0000${subject}`).digest('hex');
  return `ep_${digest.slice(0, 20)}`;
}

export function alertIdFor(key: string, openedAtMs: number): string {
  const digest = createHash('sha256').update(`${key}\u0000${openedAtMs}`).digest('hex');
  return `al_${digest.slice(0, 20)}`;
}

/** The n-th message of an alert to a channel; the same on every attempt and in every alerter. */
export function eventIdFor(alertId: string, channelId: string, number: number, kind: AlertEventKind): string {
  return `${alertId}-${channelId}-${number}-${kind}`;
}

export function alertKeyFor(groupBy: GroupLabel[], brandId: string, ruleId: string): string {
  return groupBy.includes('rule') ? `brand=${brandId},rule=${ruleId}` : `brand=${brandId}`;
}

/** A finding worth remembering as the peak: it holds, and counts at least as many mentions as the one before. */
function isNewPeak(finding: RuleFinding, peak: RuleFinding): boolean {
  return finding.holds && (!peak.holds || finding.counts.matching >= peak.counts.matching);
}

export function planBrandTick(input: BrandTickInput): BrandTickPlan {
  const { nowMs, brandId, grouping } = input;
  const plan: BrandTickPlan = {
    openedEpisodes: [],
    changedEpisodes: [],
    openedAlerts: [],
    alertUpdates: [],
    messages: [],
    channelStates: [],
    episodeTransitions: [],
  };
  const rulesById = new Map(input.rules.map((rule) => [rule.id, rule]));
  const episodes = input.episodes.map((episode) => ({ ...episode }));
  const changed = new Set<EpisodeRecord>();
  const alerts = input.alerts.map((alert) => ({ ...alert, channels: new Map(alert.channels) }));
  const openAlertByKey = new Map(alerts.map((alert) => [alert.key, alert]));

  // 1. Each rule's findings step its episodes, one per subject.
  for (const rule of input.rules) {
    const findings = input.findings.get(rule.id) ?? [];
    const open = episodes.filter((episode) => episode.ruleId === rule.id && episode.status === 'firing');
    const subjects = new Set([...findings.map((finding) => finding.subject), ...open.map((episode) => episode.subject)]);
    for (const subject of subjects) {
      const episode = open.find((candidate) => candidate.subject === subject) ?? null;
      const finding = findings.find((candidate) => candidate.subject === subject) ?? calmAgain(episode);
      const step = nextEpisodeStep(episode, finding, rule.resolveAfterMs, nowMs);
      if (step.kind === 'firing') {
        const signalStartedAtMs = Math.min(finding.signalStartMs ?? nowMs, nowMs);
        const key = alertKeyFor(grouping.groupBy, brandId, rule.id);
        let alert = openAlertByKey.get(key);
        if (alert === undefined) {
          alert = { id: alertIdFor(key, nowMs), key, brandId, openedAtMs: nowMs, startedAtMs: signalStartedAtMs, acked: false, channels: new Map() };
          alerts.push(alert);
          openAlertByKey.set(key, alert);
          plan.openedAlerts.push(alert);
        }
        const opened: EpisodeRecord = {
          id: episodeIdFor(rule.id, brandId, subject, nowMs),
          ruleId: rule.id,
          ruleType: rule.type,
          brandId,
          subject,
          groupId: alert.id,
          status: 'firing',
          firedAtMs: nowMs,
          signalStartedAtMs,
          calmSinceMs: null,
          resolvedAtMs: null,
          inhibitedBy: null,
          latest: finding,
          peak: finding,
        };
        episodes.push(opened);
        plan.openedEpisodes.push(opened);
        plan.episodeTransitions.push({ ruleId: rule.id, kind: 'firing', episodeId: opened.id });
      } else if (episode !== null && (step.kind === 'hold' || step.kind === 'resolved')) {
        episode.latest = finding;
        if (isNewPeak(finding, episode.peak)) episode.peak = finding;
        if (step.kind === 'hold') {
          episode.calmSinceMs = step.calmSinceMs;
        } else {
          episode.status = 'resolved';
          episode.resolvedAtMs = nowMs;
          episode.calmSinceMs = episode.calmSinceMs ?? nowMs;
          plan.episodeTransitions.push({ ruleId: rule.id, kind: 'resolved', episodeId: episode.id });
        }
        changed.add(episode);
      }
    }
  }

  // 2. Inhibition among the brand's open episodes.
  const open = episodes.filter((episode) => episode.status === 'firing');
  const muted = inhibitedRules(open, grouping.inhibit);
  for (const episode of open) {
    const inhibitedBy = muted.get(episode.ruleId) ?? null;
    if (episode.inhibitedBy !== inhibitedBy) {
      episode.inhibitedBy = inhibitedBy;
      changed.add(episode);
    }
  }

  // 3. Each alert: its start, whether it is over, and what each channel is told.
  for (const alert of alerts) {
    const members = episodes.filter((episode) => episode.groupId === alert.id);
    const openMembers = members.filter((episode) => episode.status === 'firing');
    alert.startedAtMs = Math.min(alert.startedAtMs, ...members.map((episode) => episode.signalStartedAtMs));
    const resolved = openMembers.length === 0;
    plan.alertUpdates.push({ alert, resolvedAtMs: resolved ? endedAtMs(members, nowMs) : null });
    const channelIds = [...new Set(members.flatMap((episode) => rulesById.get(episode.ruleId)?.channelIds ?? []))].sort();
    for (const channelId of channelIds) {
      const routed = openMembers.filter(
        (episode) => episode.inhibitedBy === null && (rulesById.get(episode.ruleId)?.channelIds.includes(channelId) ?? false),
      );
      const silenceOf = (episode: EpisodeRecord) =>
        input.silences.find((silence) => (silence.brandId ?? brandId) === brandId && (silence.ruleId ?? episode.ruleId) === episode.ruleId)?.id ?? null;
      const audible = routed.filter((episode) => silenceOf(episode) === null);
      const state = alert.channels.get(channelId) ?? NEW_CHANNEL_STATE;
      const step = nextChannelStep(
        state,
        {
          audible: audible.map((episode) => ({
            episodeId: episode.id,
            repeatIntervalMs: rulesById.get(episode.ruleId)?.repeatIntervalMs ?? Infinity,
            holds: episode.latest.holds,
          })),
          silencedBy: audible.length === 0 && routed.length > 0 ? silenceOf(routed[0] as EpisodeRecord) : null,
          alertResolved: resolved,
          acked: alert.acked,
        },
        { openedAtMs: alert.openedAtMs, groupWaitMs: grouping.groupWaitMs, groupIntervalMs: grouping.groupIntervalMs },
        nowMs,
      );
      if (step.kind === 'none') continue;
      // A silenced firing names what would have been told, so the API shows what the silence held back.
      const named = step.silencedBy !== null ? routed : members.filter((episode) => step.namedEpisodeIds.includes(episode.id));
      const told = messageRules(named, step.silencedBy !== null ? routed : audible, state.namedEpisodeIds, step.kind, input.rules);
      // A rule no longer configured cannot be worded; with none left there is nothing to say.
      if (told.length === 0) continue;
      const rules = oneEntryPerRule(told);
      const eventId = eventIdFor(alert.id, channelId, state.messages + 1, step.kind);
      plan.messages.push({
        eventId,
        alertId: alert.id,
        channelId,
        kind: step.kind,
        silencedBy: step.silencedBy,
        rules,
        // From every episode told, so a rule that fired again does not move the start of the alert.
        startedAtMs: Math.min(...told.map((named) => named.episode.signalStartedAtMs)),
        inReplyTo: step.kind === 'firing' ? null : state.firingEventId,
      });
      const next = afterChannelStep(state, step, eventId, nowMs);
      alert.channels.set(channelId, next);
      plan.channelStates.push({ alertId: alert.id, channelId, state: next });
    }
  }
  plan.changedEpisodes = [...changed].filter((episode) => !plan.openedEpisodes.includes(episode));
  return plan;
}

/**
 * When an alert whose episodes are all over ended: when its last rule calmed down, not when that calm had lasted
 * resolve_after. Its resolved message says this time ("Resolved: 14:43"); /v1/alerts must not say another.
 */
function endedAtMs(members: EpisodeRecord[], nowMs: number): number {
  return Math.max(...members.map((episode) => episode.calmSinceMs ?? episode.resolvedAtMs ?? nowMs));
}

/** An open episode whose subject no finding mentions any more (a story that left the window) is calm. */
function calmAgain(episode: EpisodeRecord | null): RuleFinding {
  const base = episode?.latest;
  return {
    subject: episode?.subject ?? '',
    holds: false,
    fresh: true,
    signalStartMs: null,
    counts: base?.counts ?? { mentions: 0, negative: 0, negativeShare: null, usualNegativeShare: null, matching: 0, baseline: null, ratio: null, sites: 0, authors: 0 },
    summary: base?.summary ?? '',
    figures: base?.figures ?? [],
    headline: base?.headline ?? '',
  };
}

/** The rules a message names, in config order: firing ones audible now, the others remembered at their peak. */
function messageRules(
  named: EpisodeRecord[],
  audible: EpisodeRecord[],
  heardBefore: string[],
  kind: AlertEventKind,
  rules: BuiltRule[],
): MessageRule[] {
  const order = (episode: EpisodeRecord) => rules.findIndex((rule) => rule.id === episode.ruleId);
  const told: MessageRule[] = [];
  for (const episode of [...named].sort((a, b) => order(a) - order(b) || a.subject.localeCompare(b.subject))) {
    const rule = rules.find((candidate) => candidate.id === episode.ruleId);
    if (rule === undefined) continue;
    const firing = kind !== 'resolved' && audible.includes(episode);
    // Muted now (silenced or inhibited) but not over: leave it out rather than call it calm.
    if (!firing && episode.status === 'firing' && kind !== 'resolved') continue;
    told.push({ episode, rule, status: firing ? 'firing' : 'resolved', isNew: kind === 'update' && !heardBefore.includes(episode.id) });
  }
  return told;
}

/**
 * A rule that calmed and fired again within one open alert has two episodes; a message names the rule once (it read
 * "Resolved: Negative buzz, Negative buzz and …", one of them firing and the other "calm since"). Told is its newest
 * episode (the firing one, if any: its times, its latest figures), and once calm, at the larger of its peaks.
 */
function oneEntryPerRule(told: MessageRule[]): MessageRule[] {
  const byRule = new Map<string, MessageRule[]>();
  for (const entry of told) {
    const key = `${entry.rule.id}\u0000${entry.episode.subject}`;
    byRule.set(key, [...(byRule.get(key) ?? []), entry]);
  }
  return [...byRule.values()].map((entries) => {
    if (entries.length === 1) return entries[0] as MessageRule;
    const newest = entries.reduce((latest, entry) => (entry.episode.firedAtMs > latest.episode.firedAtMs ? entry : latest));
    if (newest.status === 'firing') return newest;
    const peak = entries.reduce((largest, entry) => (entry.episode.peak.counts.matching > largest.counts.matching ? entry.episode.peak : largest), newest.episode.peak);
    return { ...newest, episode: { ...newest.episode, peak } };
  });
}
