// Wording shared by every notifier (titles, durations, ratios, the facts of an alert), so Slack, e-mail and any
// future channel say the same thing in the same words. Pure: plain text in, plain text out; escaping is the
// channel's job.
import { ruleTitle, type AlertEvent, type AlertSampleMention } from '../alert-event.js';

const MINUTE_MS = 60_000;

/** "45 s", "12 min", "1 h 20 min", "2 d 3 h": at most two units, the way people say how long something lasted. */
export function durationInWords(durationMs: number): string {
  if (durationMs < MINUTE_MS) return `${Math.max(0, Math.floor(durationMs / 1000))} s`;
  const totalMinutes = Math.round(durationMs / MINUTE_MS);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** "6×", "2.5×", "14×": one decimal below 10, where it still tells something, whole numbers above. */
export function ratioInWords(ratio: number): string {
  const rounded = ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10;
  return `${rounded}×`;
}

/** 0.623 → "62%". */
export function percentInWords(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** 12000 → "12,000". */
export function countInWords(count: number): string {
  return count.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** An expected count: "6.2" (a decimal tells something for small counts), "140". */
export function baselineInWords(baseline: number): string {
  const rounded = baseline >= 10 ? Math.round(baseline) : Math.round(baseline * 10) / 10;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** "2024-05-01 14:20 UTC"; text that is not a timestamp is returned as it is. */
export function utcTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

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

/** negative_buzz counts negative mentions; every other rule counts all mentions. */
export function countsNegativeStream(event: AlertEvent): boolean {
  return event.rule.type === 'negative_buzz';
}

/** The count the rule judged: negative mentions for negative_buzz, all mentions otherwise. */
export function countedMentions(event: AlertEvent): number {
  return countsNegativeStream(event) ? event.counts.negative : event.counts.mentions;
}

/** How long the episode has been (or was) firing when this event happened. */
export function episodeDurationMs(event: AlertEvent): number {
  if (event.durationMs !== null) return event.durationMs;
  const end = Date.parse(event.resolvedAt ?? event.at);
  const start = Date.parse(event.startedAt);
  return Number.isNaN(end) || Number.isNaN(start) ? 0 : Math.max(0, end - start);
}

/** "Negative buzz: Acme Corp", "Reminder: Negative buzz: Acme Corp", "Resolved: Negative buzz: Acme Corp". */
export function alertTitle(event: AlertEvent, brandName = event.brand.name): string {
  const title = `${ruleTitle(event.rule.type)}: ${oneLine(brandName)}`;
  if (event.kind === 'reminder') return `Reminder: ${title}`;
  if (event.kind === 'resolved') return `Resolved: ${title}`;
  return title;
}

/** What changed, for reminders and resolved events ("Still firing after 4 h 10 min."); null for a firing event. */
export function statusLine(event: AlertEvent): string | null {
  const duration = durationInWords(episodeDurationMs(event));
  if (event.kind === 'reminder') return `Still firing after ${duration}.`;
  if (event.kind === 'resolved') return `Resolved after ${duration}.`;
  return null;
}

/** The event's one-sentence summary, ending with a full stop. */
export function summarySentence(event: AlertEvent): string {
  const summary = oneLine(event.summary);
  return /[.!?]$/.test(summary) || summary === '' ? summary : `${summary}.`;
}

/** What a reader needs before the details: the status line (when there is one), then the summary. */
export function leadSentences(event: AlertEvent): string {
  return [statusLine(event), summarySentence(event)].filter((part) => part !== null && part !== '').join(' ');
}

export interface AlertFact {
  label: string;
  value: string;
}

const TOP_LIST_LENGTH = 5;
const TOP_NAME_MAX_CHARS = 60;

/** The numbers behind the alert, as label/value pairs (at most 8), in the order a reader wants them. */
export function alertFacts(event: AlertEvent): AlertFact[] {
  const { counts } = event;
  const facts: AlertFact[] = [];
  const counted = countInWords(countedMentions(event));
  const usual = counts.baseline === null ? '' : ` (usual ≈ ${baselineInWords(counts.baseline)})`;
  facts.push({ label: countsNegativeStream(event) ? 'Negative mentions' : 'Mentions', value: `${counted}${usual}` });
  if (counts.ratio !== null) facts.push({ label: 'Versus usual', value: `${ratioInWords(counts.ratio)} the usual rate` });
  if (countsNegativeStream(event)) facts.push({ label: 'All mentions', value: countInWords(counts.mentions) });
  if (counts.negativeShare !== null) {
    const usualShare = counts.usualNegativeShare === null ? '' : ` (usual ${percentInWords(counts.usualNegativeShare)})`;
    facts.push({ label: 'Negative share', value: `${percentInWords(counts.negativeShare)}${usualShare}` });
  }
  facts.push({ label: 'Sources', value: countInWords(counts.sources) });
  if (event.topSources.length > 0) facts.push({ label: 'Top sources', value: topList(event.topSources) });
  if (event.topAuthors.length > 0) facts.push({ label: 'Top authors', value: topList(event.topAuthors) });
  facts.push(timingFact(event));
  return facts;
}

function topList(entries: { name: string; count: number }[]): string {
  return entries
    .slice(0, TOP_LIST_LENGTH)
    .map((entry) => `${truncateText(oneLine(entry.name), TOP_NAME_MAX_CHARS)} (${countInWords(entry.count)})`)
    .join(', ');
}

function timingFact(event: AlertEvent): AlertFact {
  const since = utcTime(event.startedAt);
  const duration = durationInWords(episodeDurationMs(event));
  if (event.kind === 'resolved') return { label: 'Lasted', value: `${duration} (since ${since})` };
  if (event.kind === 'reminder') return { label: 'Firing for', value: `${duration} (since ${since})` };
  return { label: 'Since', value: since };
}

const SAMPLE_PART_MAX_CHARS = 100;

/** "news.example · Jane Doe · negative (-0.82) · reach 12,000 · 2024-05-01 13:55 UTC" */
export function sampleDetails(sample: AlertSampleMention): string {
  const parts = [truncateText(oneLine(sample.site), SAMPLE_PART_MAX_CHARS)];
  if (sample.author !== null && oneLine(sample.author) !== '') {
    parts.push(truncateText(oneLine(sample.author), SAMPLE_PART_MAX_CHARS));
  }
  parts.push(`${sample.sentiment} (${sample.sentimentScore.toFixed(2)})`);
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
