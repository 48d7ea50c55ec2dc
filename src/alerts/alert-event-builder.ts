// Turns an episode transition and the evaluation behind it into the AlertEvent every notifier formats.
import { createHash } from 'node:crypto';
import type { AlertEvent, AlertEventKind, AlertSampleMention } from './alert-event.js';
import type { BrandHistory, WindowMention } from './brand-history.js';
import type { BuiltRule } from './built-rule.js';
import { alertSummary, spokenDuration } from './alert-wording.js';
import { keywordMatches, type RuleEvaluation } from './rule-evaluator.js';

const SAMPLE_COUNT = 3;
const SNIPPET_LENGTH = 280;
const TOP_COUNT = 5;
/** Mentions read to rank sources, authors and samples for one message. */
const EXPLAIN_SCAN_LIMIT = 1000;

/** Stable per (rule, brand, start): the same episode gets the same id whichever alerter opens it. */
export function episodeIdFor(ruleId: string, brandId: string, startedAtMs: number): string {
  const digest = createHash('sha256').update(`${ruleId}\u0000${brandId}\u0000${startedAtMs}`).digest('hex');
  return `ep_${digest.slice(0, 20)}`;
}

export function eventIdFor(episodeId: string, kind: AlertEventKind, reminderNumber: number): string {
  return kind === 'reminder' ? `${episodeId}-reminder-${reminderNumber}` : `${episodeId}-${kind}`;
}

export interface EventInput {
  kind: AlertEventKind;
  episodeId: string;
  reminderNumber: number;
  nowMs: number;
  startedAtMs: number;
  rule: BuiltRule;
  brand: { id: string; name: string };
  evaluation: RuleEvaluation;
  history: BrandHistory;
}

export async function buildAlertEvent(input: EventInput): Promise<AlertEvent> {
  const { rule, evaluation, nowMs } = input;
  const explained = await explainingMentions(input);
  const resolved = input.kind === 'resolved';
  const durationMs = resolved ? nowMs - input.startedAtMs : null;
  const summary = alertSummary({
    type: rule.type,
    windowMs: rule.windowMs,
    counts: evaluation.counts,
    matching: evaluation.matching,
    terms: rule.terms.map((term) => term.text),
    minMentions: rule.minMentions,
    minReach: rule.minReach,
    topReach: explained.reduce<number | null>((top, mention) => Math.max(top ?? 0, mention.reach ?? 0), null),
    reasons: evaluation.reasons,
    sentiment: rule.sentiment,
  });
  return {
    eventId: eventIdFor(input.episodeId, input.kind, input.reminderNumber),
    episodeId: input.episodeId,
    kind: input.kind,
    at: new Date(nowMs).toISOString(),
    brand: input.brand,
    rule: { id: rule.id, type: rule.type },
    summary: resolved ? `Back to normal after ${spokenDuration(durationMs ?? 0)}: ${lowerFirst(summary)}` : summary,
    windowMs: rule.windowMs,
    counts: evaluation.counts,
    topSources: topBy(explained, (mention) => mention.site),
    topAuthors: topBy(explained.filter((mention) => mention.author !== null), (mention) => mention.author ?? ''),
    samples: pickSamples(rule, explained).map(toSample),
    startedAt: new Date(input.startedAtMs).toISOString(),
    resolvedAt: resolved ? new Date(nowMs).toISOString() : null,
    durationMs,
  };
}

async function explainingMentions(input: EventInput): Promise<WindowMention[]> {
  const { rule, brand, nowMs, history, evaluation } = input;
  if (rule.type === 'silence') return [];
  if (rule.type === 'keyword') return keywordMatches(rule, brand.id, nowMs, history);
  return history.windowMentions(brand.id, nowMs - rule.windowMs, nowMs + 1, evaluation.sampleFilter, EXPLAIN_SCAN_LIMIT);
}

function pickSamples(rule: BuiltRule, mentions: WindowMention[]): WindowMention[] {
  const byReach = (a: WindowMention, b: WindowMention) => (b.reach ?? 0) - (a.reach ?? 0) || a.sentimentScore - b.sentimentScore;
  const mostNegative = (a: WindowMention, b: WindowMention) => a.sentimentScore - b.sentimentScore || (b.reach ?? 0) - (a.reach ?? 0);
  const order = rule.type === 'negative_buzz' || rule.sentiment === 'negative' ? mostNegative : byReach;
  return [...mentions].sort(order).slice(0, SAMPLE_COUNT);
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
  const text = mention.content.replace(/\s+/g, ' ').trim();
  return {
    mentionId: mention.id,
    url: mention.url,
    title: mention.title,
    snippet: text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH - 1).trimEnd()}…` : text,
    author: mention.author,
    sourceId: mention.sourceId,
    site: mention.site,
    sentiment: mention.sentimentLabel,
    sentimentScore: mention.sentimentScore,
    reach: mention.reach,
    publishedAt: mention.publishedAt?.toISOString() ?? null,
  };
}

const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text);
