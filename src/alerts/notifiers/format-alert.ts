// Wording shared by every channel (titles, the status line, each rule's line, the facts of an alert), so Slack,
// e-mail and any future channel say the same thing in the same words. Pure: plain text in, plain text out; escaping
// is the channel's job.
import type { AlertEvent, AlertFact, AlertSampleMention, RuleReport } from '../alert-event.js';
import { countInWords, durationInWords, utcTime } from '../alert-wording.js';

/** The first `maxChars` code points of `text`, ending in "…" when something was cut. */
export function truncateText(text: string, maxChars: number): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= maxChars) return text;
  return `${codePoints.slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}

/** Runs of whitespace (newlines included) as one space: for one-line places such as subjects and labels. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The rules the message is about: those firing, or all of them once every one is calm. */
export function headlineRules(event: AlertEvent): RuleReport[] {
  const firing = event.rules.filter((rule) => rule.status === 'firing');
  return firing.length > 0 ? firing : event.rules;
}

/** How long the alert has been (or was) going when this message was decided. */
export function alertDurationMs(event: AlertEvent): number {
  if (event.durationMs !== null) return event.durationMs;
  const end = Date.parse(event.resolvedAt ?? event.at);
  const start = Date.parse(event.startedAt);
  return Number.isNaN(end) || Number.isNaN(start) ? 0 : Math.max(0, end - start);
}

/**
 * "Negative buzz: Acme Corp", "Negative buzz and Volume spike: Acme Corp", with "Update: ", "Reminder: " or
 * "Resolved: " in front of the later messages.
 */
export function alertTitle(event: AlertEvent, brandName = event.brand.name): string {
  const title = `${listInWords(headlineRules(event).map((rule) => rule.title))}: ${oneLine(brandName)}`;
  if (event.kind === 'update') return `Update: ${title}`;
  if (event.kind === 'reminder') return `Reminder: ${title}`;
  if (event.kind === 'resolved') return `Resolved: ${title}`;
  return title;
}

/** What changed since the last message ("Now also: Keyword alert.", "Resolved after 2 h 16 min."); null on a firing. */
export function statusLine(event: AlertEvent): string | null {
  const duration = durationInWords(alertDurationMs(event));
  if (event.kind === 'update') {
    const joined = event.rules.filter((rule) => rule.isNew).map((rule) => rule.title);
    return joined.length > 0 ? `Now also: ${listInWords(joined)}.` : null;
  }
  if (event.kind === 'reminder') return `Still firing after ${duration}.`;
  if (event.kind === 'resolved') return `Resolved after ${duration}.`;
  return null;
}

/** A sentence with its full stop. */
export function sentence(text: string): string {
  const line = oneLine(text);
  return /[.!?]$/.test(line) || line === '' ? line : `${line}.`;
}

/**
 * How one rule is introduced when a message names several: "Negative buzz (new)"; a rule calm again while others
 * still fire, "Volume spike (calm since …, at its peak)"; in a resolved message every rule is calm, "(at its peak)".
 */
export function ruleHeading(rule: RuleReport, kind: AlertEvent['kind']): string {
  if (rule.status === 'resolved') {
    return kind === 'resolved' || rule.resolvedAt === null
      ? `${rule.title} (at its peak)`
      : `${rule.title} (calm since ${utcTime(rule.resolvedAt)}, at its peak)`;
  }
  return rule.isNew ? `${rule.title} (new)` : rule.title;
}

/** Each rule's sentence, prefixed by the rule when there are several: what a reader needs before the details. */
export function ruleLines(event: AlertEvent): string[] {
  if (event.rules.length === 1) {
    const [rule] = event.rules as [RuleReport];
    return [rule.status === 'resolved' ? `At its peak: ${sentence(rule.summary)}` : sentence(rule.summary)];
  }
  return event.rules.map((rule) => `${ruleHeading(rule, event.kind)}: ${sentence(rule.summary)}`);
}

/** The status line, then every rule's sentence, in one paragraph. */
export function leadSentences(event: AlertEvent): string {
  return [statusLine(event), ...ruleLines(event)].filter((part): part is string => part !== null && part !== '').join(' ');
}

const TOP_LIST_LENGTH = 5;
const TOP_NAME_MAX_CHARS = 60;

/** The facts of the alert as a whole: where it is coming from, and when it started (and ended). */
export function alertFacts(event: AlertEvent): AlertFact[] {
  const facts: AlertFact[] = [];
  if (event.topSites.length > 0) facts.push({ label: 'Top sites', value: topList(event.topSites) });
  if (event.topAuthors.length > 0) facts.push({ label: 'Top authors', value: topList(event.topAuthors) });
  // The duration is said once, in the status line; here only the times.
  facts.push({ label: event.kind === 'resolved' ? 'Started' : 'Since', value: utcTime(event.startedAt) });
  if (event.resolvedAt !== null) facts.push({ label: 'Resolved', value: utcTime(event.resolvedAt) });
  return facts;
}

function topList(entries: { name: string; count: number }[]): string {
  return entries
    .slice(0, TOP_LIST_LENGTH)
    .map((entry) => `${truncateText(oneLine(entry.name), TOP_NAME_MAX_CHARS)} (${countInWords(entry.count)})`)
    .join(', ');
}

/** "Rule acme-negative-buzz · alert al_… · 2024-05-01 14:20 UTC": where to look it up and acknowledge it. */
export function footerLine(event: AlertEvent): string {
  const rules = event.rules.map((rule) => rule.ruleId).join(', ');
  return `${event.rules.length === 1 ? 'Rule' : 'Rules'} ${rules} · alert ${event.alertId} · ${utcTime(event.at)}`;
}

const SAMPLE_PART_MAX_CHARS = 100;

/** "news.example · Jane Doe · negative (-0.82) · reach 12,000 · 2024-05-01 13:55 UTC"; "unknown" without a score. */
export function sampleDetails(sample: AlertSampleMention): string {
  const parts = [truncateText(oneLine(sample.site), SAMPLE_PART_MAX_CHARS)];
  if (sample.author !== null && oneLine(sample.author) !== '') {
    parts.push(truncateText(oneLine(sample.author), SAMPLE_PART_MAX_CHARS));
  }
  parts.push(sample.sentimentScore === null ? sample.sentiment : `${sample.sentiment} (${sample.sentimentScore.toFixed(2)})`);
  if (sample.reach !== null) parts.push(`reach ${countInWords(sample.reach)}`);
  if (sample.publishedAt !== null) parts.push(utcTime(sample.publishedAt));
  return parts.join(' · ');
}

/** A sample's title for display, falling back to its site when it has none. */
export function sampleTitle(sample: AlertSampleMention): string {
  const title = sample.title === null ? '' : oneLine(sample.title);
  return title === '' ? `Mention on ${oneLine(sample.site)}` : title;
}

const MAX_LINK_CHARS = 2000;

/** The sample's URL when it is an http(s) URL worth linking (normalised, percent-encoded); otherwise null. */
export function linkableUrl(url: string | null): string | null {
  if (url === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.href.length > MAX_LINK_CHARS ? null : parsed.href;
}
