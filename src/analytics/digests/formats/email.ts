// A digest as an e-mail: a subject with the headline, plain-text and HTML parts (flags first, figures, top lists,
// worst mentions with links), a Message-ID that is the same on every attempt; sent over SMTP like alerts are.
import type { SendMailOptions } from 'nodemailer';
import { escapeHtml, messageIdFor, senderDomain } from '../../../alerts/notifiers/email-message.js';
import { emailTransport } from '../../../alerts/notifiers/email-transport.js';
import { linkableUrl, oneLine, truncateText } from '../../../alerts/notifiers/format-alert.js';
import { sendTimeoutMs } from '../../../alerts/notifiers/notifier.js';
import type { DigestSummary } from '../digest-summary.js';
import { digestFooter, digestHeadlines, episodeLine, digestTitle, figureFacts, mentionDetails, mentionTitle, topFacts, type DigestFact } from '../digest-wording.js';
import type { DigestDelivery, DigestFormat } from './digest-format.js';

const SUBJECT_HEADLINE_MAX = 160;
const MENTION_TITLE_MAX = 300;
const MUTED = 'color:#667085';

/** "[buzzwatch] Monthly digest: Acme Corp — November 2026 — Mentions fell 60 % (100 → 40) against October — significant". */
export function digestEmailSubject(summary: DigestSummary): string {
  const headlines = summary.brands.length === 0 ? '' : ` — ${truncateText(oneLine(digestHeadlines(summary)), SUBJECT_HEADLINE_MAX)}`;
  return `[buzzwatch] ${digestTitle(summary)}${headlines}`;
}

function factLines(facts: DigestFact[]): string[] {
  const width = Math.max(...facts.map((fact) => fact.label.length)) + 2;
  return facts.map((fact) => `${`${fact.label}:`.padEnd(width)}${fact.value}`);
}

export function digestEmailText(summary: DigestSummary): string {
  const lines = [digestTitle(summary), ''];
  const { tz, previous_label: previousLabel } = summary.period;
  for (const brand of summary.brands) {
    if (summary.brands.length > 1) lines.push(oneLine(brand.brand.name), '');
    if (brand.flags.length > 0) lines.push(...brand.flags.map((flag) => `* ${flag}`), '');
    lines.push(...factLines(figureFacts(brand, previousLabel)), '');
    if (brand.episodes.length > 0) lines.push('Alert episodes', '', ...brand.episodes.map((episode) => `- ${episodeLine(episode, tz)}`), '');
    const top = topFacts(brand);
    if (top.length > 0) lines.push(...factLines(top), '');
    if (brand.worst_mentions.length > 0) {
      lines.push('Most negative mentions', '');
      brand.worst_mentions.forEach((mention, index) => {
        const indent = ' '.repeat(`${index + 1}. `.length);
        lines.push(`${index + 1}. ${truncateText(mentionTitle(mention), MENTION_TITLE_MAX)}`);
        const url = linkableUrl(mention.url);
        if (url !== null) lines.push(`${indent}${url}`);
        lines.push(`${indent}${mentionDetails(mention, tz)}`, '');
      });
    }
  }
  lines.push('-- ', digestFooter(summary), 'Sent by buzzwatch.');
  return `${lines.join('\n')}\n`;
}

function factTable(facts: DigestFact[]): string {
  const rows = facts.map(
    (fact) => `<tr><th align="left" style="padding:2px 16px 2px 0;font-weight:600">${escapeHtml(fact.label)}</th><td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
  );
  return `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">\n${rows.join('\n')}\n</table>`;
}

export function digestEmailHtml(summary: DigestSummary): string {
  const { tz, previous_label: previousLabel } = summary.period;
  const body: string[] = [];
  for (const brand of summary.brands) {
    if (summary.brands.length > 1) body.push(`<h3 style="margin:16px 0 8px">${escapeHtml(oneLine(brand.brand.name))}</h3>`);
    if (brand.flags.length > 0) body.push(`<ul style="margin:0 0 16px;padding-left:20px">${brand.flags.map((flag) => `<li><strong>${escapeHtml(flag)}</strong></li>`).join('')}</ul>`);
    body.push(factTable(figureFacts(brand, previousLabel)));
    if (brand.episodes.length > 0) {
      const items = brand.episodes.map((episode) => `<li>${escapeHtml(episodeLine(episode, tz))}</li>`).join('');
      body.push(`<p style="margin:0 0 8px;font-weight:600">Alert episodes</p><ul style="margin:0 0 16px;padding-left:20px">${items}</ul>`);
    }
    const top = topFacts(brand);
    if (top.length > 0) body.push(factTable(top));
    if (brand.worst_mentions.length > 0) {
      body.push('<p style="margin:0 0 8px;font-weight:600">Most negative mentions</p>');
      for (const mention of brand.worst_mentions) {
        const title = escapeHtml(truncateText(mentionTitle(mention), MENTION_TITLE_MAX));
        const url = linkableUrl(mention.url);
        const heading = url === null ? `<strong>${title}</strong>` : `<a href="${escapeHtml(url)}"><strong>${title}</strong></a>`;
        body.push(`<div style="margin:0 0 12px">${heading}<br><span style="font-size:12px;${MUTED}">${escapeHtml(mentionDetails(mention, tz))}</span></div>`);
      }
    }
  }
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828">',
    `<h2 style="margin:0 0 12px">${escapeHtml(digestTitle(summary))}</h2>`,
    ...body,
    `<p style="margin:24px 0 0;font-size:12px;${MUTED}">${escapeHtml(digestFooter(summary))}<br>Sent by buzzwatch.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Everything nodemailer needs for a digest. Pure. */
export function digestEmailMessage(delivery: DigestDelivery, addressing: { from: string; to: string[] }): SendMailOptions {
  return {
    from: addressing.from,
    to: addressing.to,
    subject: digestEmailSubject(delivery.summary),
    text: digestEmailText(delivery.summary),
    html: digestEmailHtml(delivery.summary),
    // messageIdFor writes ":" as "." (and escapes "."): <buzzwatch.digest.monthly-pr.2026-11.pr-email@acme.example>.
    messageId: messageIdFor(delivery.deliveryId.replaceAll('.', ':'), senderDomain(addressing.from)),
    headers: { 'X-Buzzwatch-Event-Id': delivery.deliveryId, 'Auto-Submitted': 'auto-generated' },
  };
}

export const emailDigestFormat: DigestFormat = {
  async send(channel, delivery, deps) {
    // The loader validated the entry against the email kind's schema.
    const { smtp, from, to } = channel as unknown as { smtp: string; from: string; to: string[] };
    await emailTransport(smtp, sendTimeoutMs(channel, deps)).send(digestEmailMessage(delivery, { from, to }));
  },
};
