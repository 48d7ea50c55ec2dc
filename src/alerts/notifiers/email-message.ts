// An alert as an e-mail: a subject that says it all, plain-text and HTML parts, and Message-ID / In-Reply-To headers
// that thread an alert's firing, updates, reminders and resolution in the reader's mail client. Pure.
import type { SendMailOptions } from 'nodemailer';
import type { AlertEvent, AlertFact, AlertSampleMention } from '../alert-event.js';
import { durationInWords, ratioInWords } from '../alert-wording.js';
import {
  alertDurationMs,
  alertFacts,
  alertTitle,
  footerLine,
  headlineRules,
  linkableUrl,
  listInWords,
  oneLine,
  ruleHeading,
  ruleLines,
  sampleDetails,
  sampleTitle,
  sentence,
  statusLine,
  truncateText,
} from './format-alert.js';

const SUBJECT_BRAND_MAX = 100;
const SAMPLE_TITLE_MAX = 300;
const SAMPLE_SNIPPET_MAX = 1000;
const MAX_SAMPLES = 3;

export interface EmailParts {
  subject: string;
  text: string;
  html: string;
}

/** Subject, plain-text and HTML bodies for an event. Pure. */
export function emailParts(event: AlertEvent): EmailParts {
  return { subject: emailSubject(event), text: emailText(event), html: emailHtml(event) };
}

/**
 * `[buzzwatch] Negative buzz: Acme Corp — 37 negative mentions (6×)`: the first firing rule's headline; an update
 * says what joined, a reminder how long it has been firing, a resolution how long it lasted.
 */
export function emailSubject(event: AlertEvent): string {
  const title = alertTitle(event, truncateText(oneLine(event.brand.name), SUBJECT_BRAND_MAX));
  const duration = durationInWords(alertDurationMs(event));
  if (event.kind === 'resolved') return `[buzzwatch] ${title} — lasted ${duration}`;
  if (event.kind === 'update') {
    const joined = event.rules.filter((rule) => rule.isNew).map((rule) => rule.title);
    if (joined.length > 0) return `[buzzwatch] ${title} — now also ${listInWords(joined)}`;
  }
  const [lead] = headlineRules(event);
  const ratio = lead?.counts.ratio === null || lead === undefined ? '' : ` (${ratioInWords(lead.counts.ratio)})`;
  const headline = `${oneLine(lead?.headline ?? '')}${ratio}`;
  if (event.kind === 'reminder') return `[buzzwatch] ${title} — ${headline}, firing for ${duration}`;
  return `[buzzwatch] ${title} — ${headline}`;
}

/** Label: value lines with the values aligned. */
function factLines(facts: AlertFact[]): string[] {
  const labelWidth = Math.max(...facts.map((fact) => fact.label.length)) + 1;
  return facts.map((fact) => `${`${fact.label}:`.padEnd(labelWidth + 1)}${fact.value}`);
}

function emailText(event: AlertEvent): string {
  const lines = [alertTitle(event), ''];
  const status = statusLine(event);
  if (status !== null) lines.push(status);
  if (event.rules.length === 1) {
    lines.push(...ruleLines(event), '', ...factLines([...(event.rules[0]?.figures ?? []), ...alertFacts(event)]));
  } else {
    if (status !== null) lines.push('');
    for (const rule of event.rules) {
      lines.push(ruleHeading(rule, event.kind), sentence(rule.summary), ...factLines(rule.figures), '');
    }
    lines.push(...factLines(alertFacts(event)));
  }
  const samples = event.samples.slice(0, MAX_SAMPLES);
  if (samples.length > 0) {
    lines.push('', 'Sample mentions', '');
    samples.forEach((sample, index) => lines.push(...sampleTextLines(sample, index + 1), ''));
  } else {
    lines.push('');
  }
  lines.push('-- ', footerLine(event), 'Sent by buzzwatch.');
  return `${lines.join('\n')}\n`;
}

function sampleTextLines(sample: AlertSampleMention, position: number): string[] {
  const indent = ' '.repeat(`${position}. `.length);
  const lines = [`${position}. ${truncateText(sampleTitle(sample), SAMPLE_TITLE_MAX)}`];
  const url = linkableUrl(sample.url);
  if (url !== null) lines.push(`${indent}${url}`);
  lines.push(`${indent}${sampleDetails(sample)}`);
  const snippet = oneLine(sample.snippet);
  if (snippet !== '') lines.push(`${indent}“${truncateText(snippet, SAMPLE_SNIPPET_MAX)}”`);
  return lines;
}

const KIND_COLOURS: Record<AlertEvent['kind'], string> = { firing: '#b42318', update: '#b54708', reminder: '#b54708', resolved: '#067647' };
const MUTED = 'color:#667085';

function factTable(facts: AlertFact[]): string[] {
  return [
    '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
    ...facts.map(
      (fact) =>
        `<tr><th align="left" style="padding:2px 16px 2px 0;font-weight:600">${escapeHtml(fact.label)}</th>` +
        `<td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
    ),
    '</table>',
  ];
}

function emailHtml(event: AlertEvent): string {
  const status = statusLine(event);
  const strongStatus = status === null ? '' : `<strong>${escapeHtml(status)}</strong>`;
  const body: string[] = [];
  if (event.rules.length === 1) {
    const lead = [strongStatus, escapeHtml(ruleLines(event)[0] ?? '')].filter((part) => part !== '').join(' ');
    body.push(`<p style="margin:0 0 16px">${lead}</p>`, ...factTable([...(event.rules[0]?.figures ?? []), ...alertFacts(event)]));
  } else {
    if (strongStatus !== '') body.push(`<p style="margin:0 0 16px">${strongStatus}</p>`);
    for (const rule of event.rules) {
      body.push(`<h3 style="margin:16px 0 4px">${escapeHtml(ruleHeading(rule, event.kind))}</h3>`, `<p style="margin:0 0 8px">${escapeHtml(sentence(rule.summary))}</p>`);
      if (rule.figures.length > 0) body.push(...factTable(rule.figures));
    }
    body.push(...factTable(alertFacts(event)));
  }
  const samples = event.samples.slice(0, MAX_SAMPLES);
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828">',
    `<h2 style="margin:0 0 12px;color:${KIND_COLOURS[event.kind]}">${escapeHtml(alertTitle(event))}</h2>`,
    ...body,
    ...(samples.length === 0 ? [] : ['<h3 style="margin:16px 0 8px">Sample mentions</h3>', ...samples.map(sampleHtml)]),
    `<p style="margin:24px 0 0;font-size:12px;${MUTED}">${escapeHtml(footerLine(event))}<br>Sent by buzzwatch.</p>`,
    '</body></html>',
  ];
  return `${html.join('\n')}\n`;
}

function sampleHtml(sample: AlertSampleMention): string {
  const title = escapeHtml(truncateText(sampleTitle(sample), SAMPLE_TITLE_MAX));
  const url = linkableUrl(sample.url);
  const heading = url === null ? `<strong>${title}</strong>` : `<a href="${escapeHtml(url)}"><strong>${title}</strong></a>`;
  const snippet = oneLine(sample.snippet);
  const quote =
    snippet === ''
      ? ''
      : `<blockquote style="margin:4px 0 0;padding:0 0 0 8px;border-left:3px solid #d0d5dd">${escapeHtml(truncateText(snippet, SAMPLE_SNIPPET_MAX))}</blockquote>`;
  return `<div style="margin:0 0 12px">${heading}<br><span style="font-size:12px;${MUTED}">${escapeHtml(sampleDetails(sample))}</span>${quote}</div>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (and attribute values) for HTML: mention titles and snippets are written by strangers. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/**
 * A Message-ID for an event id, the same on every attempt so a retried send is recognisable as the same message:
 * `<buzzwatch.al-1.firing@acme.example>`. Characters a Message-ID cannot hold are written as `=XX`.
 */
export function messageIdFor(eventId: string, domain: string): string {
  const token = Array.from(eventId)
    .map((character) => {
      if (/^[A-Za-z0-9_-]$/.test(character)) return character;
      if (character === ':') return '.';
      return [...Buffer.from(character, 'utf8')].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    })
    .join('');
  return `<buzzwatch.${token}@${domain}>`;
}

/** The domain of the sender address (Message-IDs use it, as mail servers expect); a reserved name without one. */
export function senderDomain(from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1];
  return domain === undefined || domain === '' ? 'buzzwatch.invalid' : domain.toLowerCase();
}

export interface EmailAddressing {
  from: string;
  to: string[];
}

/** Everything nodemailer needs for the event's message: addresses, parts and threading headers. Pure. */
export function emailMessage(event: AlertEvent, addressing: EmailAddressing): SendMailOptions {
  const domain = senderDomain(addressing.from);
  const message: SendMailOptions = {
    from: addressing.from,
    to: addressing.to,
    ...emailParts(event),
    messageId: messageIdFor(event.eventId, domain),
    headers: {
      'X-Buzzwatch-Event-Id': event.eventId,
      // RFC 3834: vacation responders and ticket systems must not answer an automatic message.
      'Auto-Submitted': 'auto-generated',
    },
  };
  if (event.inReplyTo !== null) {
    const firingMessageId = messageIdFor(event.inReplyTo, domain);
    message.inReplyTo = firingMessageId;
    message.references = [firingMessageId];
  }
  return message;
}
