// An alert as a Slack Block Kit message: a header, the status line, each rule's sentence and figures, where it comes
// from, up to three sample mentions with links, and a context line; with a plain-text fallback. Pure.
import type { AlertEvent, AlertFact, AlertSampleMention, RuleReport } from '../alert-event.js';
import {
  alertFacts,
  alertTitle,
  footerLine,
  leadSentences,
  linkableUrl,
  oneLine,
  ruleHeading,
  ruleLines,
  sampleDetails,
  sampleTitle,
  statusLine,
} from './format-alert.js';

/** Slack's documented limits for the blocks we send (characters, after escaping). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  blocks: 50,
  contextText: 2000,
} as const;

// Our own caps, well inside Slack's, so one long mention cannot crowd out the rest of the message.
const FALLBACK_TEXT_MAX = 3000;
const SAMPLE_TITLE_MAX = 200;
const SAMPLE_SNIPPET_MAX = 600;
const MAX_SAMPLES = 3;

interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'section'; fields: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** The plain fallback Slack shows in notifications and where blocks cannot be shown. */
  text: string;
  blocks: SlackBlock[];
}

const KIND_MARKERS: Record<AlertEvent['kind'], string> = { firing: '🔴', update: '🟠', reminder: '🟠', resolved: '✅' };

/** The exact payload posted to Slack for an event. Pure. */
export function slackMessage(event: AlertEvent): SlackMessage {
  const title = `${KIND_MARKERS[event.kind]} ${alertTitle(event)}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncatePlain(title, SLACK_LIMITS.headerText), emoji: true } },
  ];
  const status = statusLine(event);
  if (event.rules.length === 1) {
    // One rule: the title names it; its sentence leads, its figures and the alert's facts share one field list.
    const [rule] = event.rules as [RuleReport];
    // The status line is our own wording and short; the rule's sentence gets whatever room is left.
    const boldStatus = status === null ? '' : `*${escapeMrkdwn(status)}*\n`;
    blocks.push(section(boldStatus + escapeMrkdwnWithin(ruleLines(event)[0] ?? '', SLACK_LIMITS.sectionText - boldStatus.length)));
    blocks.push(fieldsBlock([...rule.figures, ...alertFacts(event)]));
  } else {
    if (status !== null) blocks.push(section(`*${escapeMrkdwn(status)}*`));
    for (const rule of event.rules) {
      blocks.push(section(`*${escapeMrkdwn(ruleHeading(rule, event.kind))}*\n${escapeMrkdwnWithin(oneLine(rule.summary), SLACK_LIMITS.sectionText - 400)}`));
      if (rule.figures.length > 0) blocks.push(fieldsBlock(rule.figures));
    }
    blocks.push(fieldsBlock(alertFacts(event)));
  }
  const samples = event.samples.slice(0, MAX_SAMPLES);
  if (samples.length > 0) {
    blocks.push({ type: 'divider' });
    blocks.push(...samples.map((sample) => section(sampleText(sample))));
  }
  blocks.push({ type: 'context', elements: [mrkdwn(escapeMrkdwnWithin(footerLine(event), SLACK_LIMITS.contextText))] });
  return {
    text: escapeMrkdwnWithin(`${title} — ${leadSentences(event)}`, FALLBACK_TEXT_MAX),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });

function fieldsBlock(facts: AlertFact[]): SlackBlock {
  return {
    type: 'section',
    fields: facts.slice(0, SLACK_LIMITS.fields).map((fact) => {
      const label = `*${escapeMrkdwn(fact.label)}*\n`;
      return mrkdwn(label + escapeMrkdwnWithin(fact.value, SLACK_LIMITS.fieldText - label.length));
    }),
  };
}

// Each part is capped (title 200, URL 2000 by linkableUrl, details ~400, snippet 600), so the whole stays under
// Slack's 3000 characters for a section without cutting through a <url|label> link.
function sampleText(sample: AlertSampleMention): string {
  const label = escapeMrkdwnWithin(sampleTitle(sample), SAMPLE_TITLE_MAX);
  const url = linkableUrl(sample.url);
  const heading = url === null ? `*${label}*` : `*<${slackLinkUrl(url)}|${label}>*`;
  const details = `_${escapeMrkdwn(sampleDetails(sample))}_`;
  const snippet = oneLine(sample.snippet);
  const quote = snippet === '' ? '' : `\n>${escapeMrkdwnWithin(snippet, SAMPLE_SNIPPET_MAX)}`;
  return `${heading}\n${details}${quote}`;
}

const MRKDWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's three control characters as entities, so text from mentions cannot open a link or ping a channel. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (character) => MRKDWN_ESCAPES[character] ?? character);
}

/** Escaped text of at most `maxChars`, cut between characters (never inside an entity) and ending in "…" if cut. */
export function escapeMrkdwnWithin(text: string, maxChars: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= maxChars) return escaped;
  let result = '';
  for (const character of text) {
    const piece = escapeMrkdwn(character);
    if (result.length + piece.length + 1 > maxChars) break;
    result += piece;
  }
  return `${result}…`;
}

function truncatePlain(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let result = '';
  for (const character of text) {
    if (result.length + character.length + 1 > maxChars) break;
    result += character;
  }
  return `${result}…`;
}

/** A URL inside `<url|label>`: `|` and `>` would end it early, and Slack reads entities in it like anywhere else. */
export function slackLinkUrl(href: string): string {
  return href.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C').replace(/&/g, '&amp;');
}
