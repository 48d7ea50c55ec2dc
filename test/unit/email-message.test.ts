// The exact e-mail for firing and resolved events (subject, plain text, HTML), HTML escaping of mention text,
// truncation, the wording helpers the subject uses, and the threading headers as nodemailer writes them.
import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertSampleMention } from '../../src/alerts/alert-event.js';
import { firingEvent, resolvedEvent } from '../fixtures/alert-events.js';
import { decodeEncodedWords } from '../helpers/mime-message.js';
import { emailMessage, emailParts, emailSubject, messageIdFor, senderDomain } from '../../src/alerts/notifiers/email.js';
import { durationInWords, ratioInWords } from '../../src/alerts/notifiers/format-alert.js';

const TH = '<th align="left" style="padding:2px 16px 2px 0;font-weight:600">';
const TD = '<td style="padding:2px 0">';
const row = (label: string, value: string) => `<tr>${TH}${label}</th>${TD}${value}</td></tr>`;
const HTML_HEAD = [
  '<!DOCTYPE html>',
  '<html><head><meta charset="utf-8"></head>',
  '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828">',
];
const DETAILS = '<br><span style="font-size:12px;color:#667085">';
const QUOTE = '<blockquote style="margin:4px 0 0;padding:0 0 0 8px;border-left:3px solid #d0d5dd">';
const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('emailParts', () => {
  it('formats a firing event with every mention field HTML-escaped', () => {
    expect(emailParts(firingEvent())).toEqual({
      subject: '[buzzwatch] Negative buzz: Acme <script>& Co — 37 mentions (6×)',
      text: lines(
        'Negative buzz: Acme <script>& Co',
        '',
        '37 negative mentions in the last hour, 6× the usual rate, from 9 sources.',
        '',
        'Negative mentions: 37 (usual ≈ 6.2)',
        'Versus usual:      6× the usual rate',
        'All mentions:      58',
        'Negative share:    64% (usual 18%)',
        'Sources:           9',
        'Top sources:       news.example (12), forum.example (8), <b>blog</b>.example (3)',
        'Top authors:       Jane & John (4)',
        'Since:             2026-03-04 14:20 UTC',
        '',
        'Sample mentions',
        '',
        '1. <script>alert(1)</script> & Acme recall',
        '   https://news.example/acme?id=1&ref=%3Cfeed%3E|x',
        '   news.example · Jane <jane@news.example> · negative (-0.82) · reach 12,000 · 2026-03-04 13:55 UTC',
        '   “Acme & its <b>recall</b>: <!channel> see <@U123>”',
        '',
        '2. Mention on forum.example',
        '   forum.example · negative (-0.50)',
        '   “Never again & again”',
        '',
        '3. Bad "link"',
        '   blog.example · x · neutral (0.00) · reach 3 · 2026-03-04 14:01 UTC',
        '',
        '-- ',
        'Rule acme-negative-buzz · episode ep-7f3a · 2026-03-04 14:20 UTC',
        'Sent by buzzwatch.',
      ),
      html: lines(
        ...HTML_HEAD,
        '<h2 style="margin:0 0 12px;color:#b42318">Negative buzz: Acme &lt;script&gt;&amp; Co</h2>',
        '<p style="margin:0 0 16px">37 negative mentions in the last hour, 6× the usual rate, from 9 sources.</p>',
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
        row('Negative mentions', '37 (usual ≈ 6.2)'),
        row('Versus usual', '6× the usual rate'),
        row('All mentions', '58'),
        row('Negative share', '64% (usual 18%)'),
        row('Sources', '9'),
        row('Top sources', 'news.example (12), forum.example (8), &lt;b&gt;blog&lt;/b&gt;.example (3)'),
        row('Top authors', 'Jane &amp; John (4)'),
        row('Since', '2026-03-04 14:20 UTC'),
        '</table>',
        '<h3 style="margin:16px 0 8px">Sample mentions</h3>',
        '<div style="margin:0 0 12px"><a href="https://news.example/acme?id=1&amp;ref=%3Cfeed%3E|x">' +
          '<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Acme recall</strong></a>' +
          `${DETAILS}news.example · Jane &lt;jane@news.example&gt; · negative (-0.82) · reach 12,000 · 2026-03-04 13:55 UTC</span>` +
          `${QUOTE}Acme &amp; its &lt;b&gt;recall&lt;/b&gt;: &lt;!channel&gt; see &lt;@U123&gt;</blockquote></div>`,
        `<div style="margin:0 0 12px"><strong>Mention on forum.example</strong>${DETAILS}forum.example · negative (-0.50)</span>` +
          `${QUOTE}Never again &amp; again</blockquote></div>`,
        // A javascript: URL is never linked; quotes are escaped too.
        `<div style="margin:0 0 12px"><strong>Bad &quot;link&quot;</strong>${DETAILS}blog.example · x · neutral (0.00) · reach 3 · 2026-03-04 14:01 UTC</span></div>`,
        '<p style="margin:24px 0 0;font-size:12px;color:#667085">Rule acme-negative-buzz · episode ep-7f3a · 2026-03-04 14:20 UTC<br>Sent by buzzwatch.</p>',
        '</body></html>',
      ),
    });
  });

  it('formats a resolved event with how long it lasted', () => {
    expect(emailParts(resolvedEvent())).toEqual({
      subject: '[buzzwatch] Resolved: Volume spike: Acme Corp — lasted 1 h 20 min',
      text: lines(
        'Resolved: Volume spike: Acme Corp',
        '',
        'Resolved after 1 h 20 min.',
        '4 mentions in the last hour, back to the usual rate.',
        '',
        'Mentions:       4',
        'Negative share: 25%',
        'Sources:        3',
        'Lasted:         1 h 20 min (since 2026-03-04 14:20 UTC)',
        '',
        '-- ',
        'Rule acme-volume · episode ep-7f3a · 2026-03-04 15:40 UTC',
        'Sent by buzzwatch.',
      ),
      html: lines(
        ...HTML_HEAD,
        '<h2 style="margin:0 0 12px;color:#067647">Resolved: Volume spike: Acme Corp</h2>',
        '<p style="margin:0 0 16px"><strong>Resolved after 1 h 20 min.</strong> 4 mentions in the last hour, back to the usual rate.</p>',
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
        row('Mentions', '4'),
        row('Negative share', '25%'),
        row('Sources', '3'),
        row('Lasted', '1 h 20 min (since 2026-03-04 14:20 UTC)'),
        '</table>',
        '<p style="margin:24px 0 0;font-size:12px;color:#667085">Rule acme-volume · episode ep-7f3a · 2026-03-04 15:40 UTC<br>Sent by buzzwatch.</p>',
        '</body></html>',
      ),
    });
  });

  it('cuts a 400-character brand name in the subject, titles to 300 and snippets to 1000 characters', () => {
    const sample: AlertSampleMention = {
      ...(firingEvent().samples[1] as AlertSampleMention),
      title: 'T'.repeat(400),
      snippet: '&'.repeat(5000),
    };
    const event: AlertEvent = { ...firingEvent(), brand: { id: 'acme', name: 'B'.repeat(400) }, samples: [sample, sample, sample] };
    const parts = emailParts(event);
    expect(parts.subject).toBe(`[buzzwatch] Negative buzz: ${'B'.repeat(99)}… — 37 mentions (6×)`);
    const sampleText = (position: number) =>
      `${position}. ${'T'.repeat(299)}…\n   forum.example · negative (-0.50)\n   “${'&'.repeat(999)}…”\n`;
    expect(parts.text).toContain(`Sample mentions\n\n${sampleText(1)}\n${sampleText(2)}\n${sampleText(3)}\n-- \n`);
    const sampleHtml =
      `<div style="margin:0 0 12px"><strong>${'T'.repeat(299)}…</strong>${DETAILS}forum.example · negative (-0.50)</span>` +
      `${QUOTE}${'&amp;'.repeat(999)}…</blockquote></div>`;
    expect(parts.html).toContain(`<h3 style="margin:16px 0 8px">Sample mentions</h3>\n${sampleHtml}\n${sampleHtml}\n${sampleHtml}\n<p `);
  });
});

describe('emailSubject', () => {
  it('says how long a reminder has been firing', () => {
    const reminder: AlertEvent = { ...firingEvent(), eventId: 'ep-7f3a:reminder:1', kind: 'reminder', at: '2026-03-04T18:25:00.000Z' };
    expect(emailSubject(reminder)).toBe('[buzzwatch] Reminder: Negative buzz: Acme <script>& Co — 37 mentions (6×), firing for 4 h 5 min');
  });

  it('counts all mentions for other rules, leaves out an unknown ratio and says "1 mention"', () => {
    const volume: AlertEvent = { ...firingEvent(), rule: { id: 'acme-volume', type: 'volume_spike' } };
    expect(emailSubject(volume)).toBe('[buzzwatch] Volume spike: Acme <script>& Co — 58 mentions (6×)');
    const single: AlertEvent = {
      ...firingEvent(),
      rule: { id: 'acme-keyword', type: 'keyword' },
      counts: { ...firingEvent().counts, mentions: 1, ratio: null },
    };
    expect(emailSubject(single)).toBe('[buzzwatch] Keyword alert: Acme <script>& Co — 1 mention');
  });
});

describe('wording', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [12 * 60_000, '12 min'],
    [3 * 3_600_000, '3 h'],
    [4_800_000, '1 h 20 min'],
    [(51 * 60 + 10) * 60_000, '2 d 3 h'],
    [86_400_000, '1 d'],
  ])('durationInWords(%i) is %s', (durationMs, words) => {
    expect(durationInWords(durationMs)).toBe(words);
  });

  it.each([
    [5.97, '6×'],
    [2.46, '2.5×'],
    [1.04, '1×'],
    [12.4, '12×'],
    [0.8, '0.8×'],
  ])('ratioInWords(%d) is %s', (ratio, words) => {
    expect(ratioInWords(ratio)).toBe(words);
  });
});

/** The header fields of a raw message, unfolded, by lower-case name. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const fields = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const separator = line.indexOf(':');
    fields.set(line.slice(0, separator).toLowerCase(), line.slice(separator + 1).trim());
  }
  return fields;
}

describe('emailMessage', () => {
  const addressing = { from: 'buzzwatch <alerts@Acme.example>', to: ['pr@acme.example', 'ceo@acme.example'] };

  async function rawMessage(event: AlertEvent): Promise<Map<string, string>> {
    const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await transport.sendMail(emailMessage(event, addressing));
    return headersOf(info.message.toString('utf8'));
  }

  it('gives a firing message a Message-ID derived from its event id and no In-Reply-To', async () => {
    const headers = await rawMessage(firingEvent());
    expect(headers.get('message-id')).toBe('<buzzwatch.ep-7f3a.firing@acme.example>');
    expect(headers.has('in-reply-to')).toBe(false);
    expect(headers.has('references')).toBe(false);
    expect(headers.get('x-buzzwatch-event-id')).toBe('ep-7f3a:firing');
    expect(headers.get('auto-submitted')).toBe('auto-generated');
    expect(headers.get('to')).toBe('pr@acme.example, ceo@acme.example');
    expect(decodeEncodedWords(headers.get('subject') ?? '')).toBe('[buzzwatch] Negative buzz: Acme <script>& Co — 37 mentions (6×)');
  });

  it('threads reminders and the resolution under the firing message', async () => {
    const reminder: AlertEvent = { ...firingEvent(), eventId: 'ep-7f3a:reminder:2', kind: 'reminder', at: '2026-03-04T22:20:00.000Z' };
    for (const event of [reminder, resolvedEvent()]) {
      const headers = await rawMessage(event);
      expect(headers.get('message-id')).toBe(`<buzzwatch.${event.eventId.replaceAll(':', '.')}@acme.example>`);
      expect(headers.get('in-reply-to')).toBe('<buzzwatch.ep-7f3a.firing@acme.example>');
      expect(headers.get('references')).toBe('<buzzwatch.ep-7f3a.firing@acme.example>');
    }
  });

  it('builds the same Message-ID on every attempt and encodes characters a Message-ID cannot hold', () => {
    expect(messageIdFor('ep-1:firing', 'acme.example')).toBe(messageIdFor('ep-1:firing', 'acme.example'));
    expect(messageIdFor('ep.1 ü:firing', 'acme.example')).toBe('<buzzwatch.ep=2E1=20=C3=BC.firing@acme.example>');
    expect(senderDomain('"Alerts" <alerts@Mail.Acme.example>')).toBe('mail.acme.example');
    expect(senderDomain('alerts@acme.example')).toBe('acme.example');
  });
});
