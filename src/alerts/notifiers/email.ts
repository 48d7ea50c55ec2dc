// E-mail over SMTP with nodemailer: a subject that says it all, plain-text and HTML parts, and Message-ID /
// In-Reply-To headers that thread an episode's firing, reminders and resolution in the reader's mail client.
import { createTransport, type NodemailerError, type SendMailOptions } from 'nodemailer';
import { Type } from '@sinclair/typebox';
import type { AlertEvent, AlertSampleMention } from '../alert-event.js';
import {
  alertFacts,
  alertTitle,
  countInWords,
  countedMentions,
  durationInWords,
  episodeDurationMs,
  linkableUrl,
  oneLine,
  ratioInWords,
  sampleDetails,
  sampleTitle,
  statusLine,
  summarySentence,
  truncateText,
  utcTime,
} from './format-alert.js';
import {
  DeliveryError,
  channelConfigSchema,
  defineNotifierKind,
  redactSecrets,
  remoteReason,
  sendTimeoutMs,
} from './notifier.js';

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
 * `[buzzwatch] Negative buzz: Acme Corp — 37 mentions (6×)`; reminders add how long it has been firing, resolved
 * events say how long it lasted instead of the count.
 */
export function emailSubject(event: AlertEvent): string {
  const title = alertTitle(event, truncateText(oneLine(event.brand.name), SUBJECT_BRAND_MAX));
  if (event.kind === 'resolved') return `[buzzwatch] ${title} — lasted ${durationInWords(episodeDurationMs(event))}`;
  const count = countedMentions(event);
  const ratio = event.counts.ratio === null ? '' : ` (${ratioInWords(event.counts.ratio)})`;
  const counted = `${countInWords(count)} ${count === 1 ? 'mention' : 'mentions'}${ratio}`;
  if (event.kind === 'reminder') {
    return `[buzzwatch] ${title} — ${counted}, firing for ${durationInWords(episodeDurationMs(event))}`;
  }
  return `[buzzwatch] ${title} — ${counted}`;
}

function footerLine(event: AlertEvent): string {
  return `Rule ${event.rule.id} · episode ${event.episodeId} · ${utcTime(event.at)}`;
}

function emailText(event: AlertEvent): string {
  const lines = [alertTitle(event), ''];
  const status = statusLine(event);
  if (status !== null) lines.push(status);
  lines.push(summarySentence(event), '');
  const facts = alertFacts(event);
  const labelWidth = Math.max(...facts.map((fact) => fact.label.length)) + 1;
  for (const fact of facts) lines.push(`${`${fact.label}:`.padEnd(labelWidth + 1)}${fact.value}`);
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

const KIND_COLOURS: Record<AlertEvent['kind'], string> = { firing: '#b42318', reminder: '#b54708', resolved: '#067647' };
const MUTED = 'color:#667085';

function emailHtml(event: AlertEvent): string {
  const status = statusLine(event);
  const lead = `${status === null ? '' : `<strong>${escapeHtml(status)}</strong> `}${escapeHtml(summarySentence(event))}`;
  const rows = alertFacts(event).map(
    (fact) =>
      `<tr><th align="left" style="padding:2px 16px 2px 0;font-weight:600">${escapeHtml(fact.label)}</th>` +
      `<td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
  );
  const samples = event.samples.slice(0, MAX_SAMPLES);
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828">',
    `<h2 style="margin:0 0 12px;color:${KIND_COLOURS[event.kind]}">${escapeHtml(alertTitle(event))}</h2>`,
    `<p style="margin:0 0 16px">${lead}</p>`,
    '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
    ...rows,
    '</table>',
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
 * `<buzzwatch.ep-1.firing@acme.example>`. Characters a Message-ID cannot hold are written as `=XX`.
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
  if (event.kind !== 'firing') {
    const firingMessageId = messageIdFor(`${event.episodeId}:firing`, domain);
    message.inReplyTo = firingMessageId;
    message.references = [firingMessageId];
  }
  return message;
}

// `Name <address>` or a bare address; nodemailer parses and encodes it.
const EmailAddress = (what: string) =>
  Type.String({
    pattern: '^(?:[^\\s@<>]+@[^\\s@<>]+|[^<>]*<[^\\s@<>]+@[^\\s@<>]+>)$',
    errorMessage: `{value} is not an e-mail address (${what}: alerts@example.com or "buzzwatch <alerts@example.com>")`,
  });

export const emailNotifierKind = defineNotifierKind({
  configSchema: channelConfigSchema({
    smtp: Type.String({
      pattern: '^smtps?://[^/?#\\s]+',
      // The URL carries the SMTP password: a config error must not quote it.
      errorMessage: 'is not an smtp:// or smtps:// URL such as smtp://user:password@mail.example:587 (the value is not shown: it may hold a password)',
      secret: true,
    }),
    from: EmailAddress('the sender'),
    to: Type.Array(EmailAddress('a recipient'), { minItems: 1, errorMessage: 'needs at least one address' }),
  }),
  create: (config, deps) => {
    const timeoutMs = sendTimeoutMs(config, deps);
    const transport = createTransport({
      url: config.smtp,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
    return {
      async send(event) {
        let rejected: string[];
        let rejectedErrors: NodemailerError[];
        try {
          const info = await transport.sendMail(emailMessage(event, config));
          rejected = info.rejected;
          rejectedErrors = info.rejectedErrors ?? [];
        } catch (error) {
          throw smtpDeliveryError(error as NodemailerError, config.smtp, timeoutMs);
        }
        if (rejected.length > 0) throw partialDeliveryError(rejected, rejectedErrors, config.smtp);
      },
    };
  },
});

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'EPROXY']);

/**
 * The failure as a DeliveryError: permanent SMTP replies (5xx but 503) and failed logins need a config change, so
 * they are not retried; temporary replies (4xx), connection failures and timeouts are. Never quotes the password.
 */
export function smtpDeliveryError(error: NodemailerError, smtpUrl: string, timeoutMs: number): DeliveryError {
  const server = `SMTP server ${smtpServerName(smtpUrl)}`;
  const secrets = smtpSecrets(smtpUrl);
  const code = error.code;
  if (code === 'EAUTH') {
    const reply = error.responseCode === undefined ? '' : ` (${error.responseCode})`;
    return new DeliveryError(`${server} refused the login${reply}: check the user name and password in the channel's smtp URL`, false);
  }
  if (code === 'ENOAUTH') {
    return new DeliveryError(`${server} requires a login: put user:password in the channel's smtp URL`, false);
  }
  if (error.responseCode !== undefined) {
    const permanent = error.permanent ?? (error.responseCode >= 500 && error.responseCode !== 503);
    const reply = remoteReason(redactSecrets(error.response ?? String(error.responseCode), secrets));
    const advice = permanent ? permanentReplyAdvice(error.command) : 'a temporary refusal';
    return new DeliveryError(`${server} answered "${reply}" to ${error.command ?? 'the message'}: ${advice}`, !permanent);
  }
  if (code === 'ETIMEDOUT') return new DeliveryError(`${server} did not answer within ${timeoutMs / 1000} s`, true);
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    const detail = error.originalCode ?? code;
    return new DeliveryError(`cannot reach ${server}: ${detail}`, true);
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    return new DeliveryError(`TLS with ${server} failed: check smtp:// (STARTTLS) against smtps:// (TLS) and the port`, false);
  }
  if (code === 'EENVELOPE') {
    return new DeliveryError(`the message could not be addressed: ${remoteReason(redactSecrets(error.message, secrets))}; check from and to`, false);
  }
  return new DeliveryError(`sending through ${server} failed: ${remoteReason(redactSecrets(error.message, secrets))}`, true);
}

/**
 * Some recipients were refused while the others got the message. Not retryable: a retry would send the others a
 * second copy, and a refused address is fixed in the config, not by waiting.
 */
function partialDeliveryError(rejected: string[], rejectedErrors: NodemailerError[], smtpUrl: string): DeliveryError {
  const replies = rejectedErrors
    .map((error) => error.response)
    .filter((response): response is string => response !== undefined)
    .map((response) => remoteReason(redactSecrets(response, smtpSecrets(smtpUrl)), 100));
  const reason = replies.length === 0 ? '' : ` (${[...new Set(replies)].join('; ')})`;
  return new DeliveryError(
    `SMTP server ${smtpServerName(smtpUrl)} refused ${rejected.join(', ')}${reason}; the other recipients got the message: check the channel's to addresses`,
    false,
  );
}

function permanentReplyAdvice(command: string | undefined): string {
  if (command === 'RCPT TO') return "a recipient was refused; check the channel's to addresses";
  if (command === 'MAIL FROM') return "the sender was refused; check the channel's from address (the account may not send as it)";
  return 'the server refused the message for good';
}

/** "mail.example:587": where the channel sends, without the credentials in the URL. */
function smtpServerName(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    const port = url.port === '' ? (url.protocol === 'smtps:' ? '465' : '587') : url.port;
    return `${url.hostname}:${port}`;
  } catch {
    return '(unreadable smtp URL)';
  }
}

function smtpSecrets(smtpUrl: string): string[] {
  const secrets = [smtpUrl];
  try {
    const url = new URL(smtpUrl);
    for (const part of [url.username, url.password]) {
      secrets.push(part);
      secrets.push(decodeURIComponent(part));
    }
  } catch {
    // An unparsable URL is redacted as a whole above.
  }
  return secrets;
}
