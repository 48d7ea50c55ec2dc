// Turns one message's decision (which alert, which rules, what kind) and the findings behind it into the AlertEvent
// every notifier formats. Reads only through the rules' own explanations, so it runs on any BrandHistory.
import type { AlertEvent, AlertEventKind, AlertSampleMention, RuleReport } from './alert-event.js';
import type { WindowMention } from './brand-history.js';
import type { BuiltRule } from './built-rule.js';
import type { Explanation, RuleContext, RuleFinding } from './rules/rule-kind.js';

const SAMPLE_COUNT = 3;
const SNIPPET_LENGTH = 280;
const TOP_COUNT = 5;

/** One rule as a message names it. */
export interface NamedRule {
  rule: BuiltRule;
  /** The finding to tell: the latest one while it fires, the one at its peak once calm. */
  finding: RuleFinding;
  status: 'firing' | 'resolved';
  isNew: boolean;
  startedAtMs: number;
  resolvedAtMs: number | null;
}

export interface EventInput {
  eventId: string;
  alertId: string;
  kind: AlertEventKind;
  /** The tick's context for the brand: its clock and history explain the firing rules. */
  context: RuleContext;
  /** When the buzz started (the earliest signal of the alert's rules). */
  startedAtMs: number;
  rules: NamedRule[];
  inReplyTo: string | null;
}

export async function buildAlertEvent(input: EventInput): Promise<AlertEvent> {
  const { context, kind } = input;
  const resolved = kind === 'resolved';
  const rules = [...input.rules].sort((a, b) => statusRank(a) - statusRank(b));
  // A resolved message tells how it went, not what is happening now: no samples from a calm window.
  const explanations = resolved
    ? []
    : await Promise.all(
        rules.filter((named) => named.status === 'firing').map((named) => named.rule.behaviour.explain(context, named.finding)),
      );
  const explained = distinctMentions(explanations);
  // It ended when its last rule calmed down, not when the calm had lasted long enough to be sure (resolve_after).
  const resolvedAtMs = resolved ? Math.max(...rules.map((named) => named.resolvedAtMs ?? context.nowMs)) : null;
  return {
    eventId: input.eventId,
    alertId: input.alertId,
    kind,
    at: new Date(context.nowMs).toISOString(),
    brand: { id: context.brand.id, name: context.brand.name },
    startedAt: new Date(input.startedAtMs).toISOString(),
    resolvedAt: resolvedAtMs === null ? null : new Date(resolvedAtMs).toISOString(),
    durationMs: resolvedAtMs === null ? null : Math.max(0, resolvedAtMs - input.startedAtMs),
    rules: rules.map(ruleReport),
    topSites: topBy(explained, (mention) => mention.site),
    topAuthors: topBy(explained.filter((mention) => mention.author !== null), (mention) => mention.author ?? ''),
    samples: pickSamples(explanations).map(toSample),
    inReplyTo: input.inReplyTo,
  };
}

const statusRank = (named: NamedRule) => (named.status === 'firing' ? 0 : 1);

function ruleReport(named: NamedRule): RuleReport {
  const { rule, finding } = named;
  return {
    ruleId: rule.id,
    ruleType: rule.type,
    title: rule.title,
    status: named.status,
    isNew: named.isNew,
    summary: finding.summary,
    figures: finding.figures,
    counts: finding.counts,
    headline: finding.headline,
    windowMs: rule.windowMs,
    startedAt: new Date(named.startedAtMs).toISOString(),
    resolvedAt: named.resolvedAtMs === null ? null : new Date(named.resolvedAtMs).toISOString(),
  };
}

function distinctMentions(explanations: Explanation[]): WindowMention[] {
  const byId = new Map<string, WindowMention>();
  for (const explanation of explanations) for (const mention of explanation.mentions) byId.set(mention.id, mention);
  return [...byId.values()];
}

// A mention without a score (no scorer for its language) ranks as neutral.
const scoreOf = (mention: WindowMention) => mention.sentimentScore ?? 0;
const byReach = (a: WindowMention, b: WindowMention) =>
  (b.reach ?? 0) - (a.reach ?? 0) || scoreOf(a) - scoreOf(b) || a.id.localeCompare(b.id);
const mostNegative = (a: WindowMention, b: WindowMention) =>
  scoreOf(a) - scoreOf(b) || (b.reach ?? 0) - (a.reach ?? 0) || a.id.localeCompare(b.id);

/** The most telling mentions: the most negative ones when a rule is about negative talk, else the widest read. */
function pickSamples(explanations: Explanation[]): WindowMention[] {
  const order = explanations.some((explanation) => explanation.order === 'most-negative') ? mostNegative : byReach;
  return distinctMentions(explanations).sort(order).slice(0, SAMPLE_COUNT);
}

function topBy(mentions: WindowMention[], keyOf: (mention: WindowMention) => string) {
  const counts = new Map<string, number>();
  for (const mention of mentions) counts.set(keyOf(mention), (counts.get(keyOf(mention)) ?? 0) + 1);
  return [...counts]
    .sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB))
    .slice(0, TOP_COUNT)
    .map(([name, count]) => ({ name, count }));
}

function toSample(mention: WindowMention): AlertSampleMention {
  // By code points, so an emoji is never cut in half.
  const text = Array.from(mention.content.replace(/\s+/g, ' ').trim());
  return {
    mentionId: mention.id,
    url: mention.url,
    title: mention.title,
    snippet: text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH - 1).join('').trimEnd()}…` : text.join(''),
    author: mention.author,
    sourceId: mention.sourceId,
    site: mention.site,
    sentiment: mention.sentimentLabel,
    sentimentScore: mention.sentimentScore,
    reach: mention.reach,
    publishedAt: mention.publishedAt?.toISOString() ?? null,
  };
}
