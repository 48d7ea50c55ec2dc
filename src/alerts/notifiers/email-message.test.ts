// The exact e-mail of an alert's messages (subject, plain text, HTML) as the alerter builds them (real rules over
// hostile mentions, buildAlertEvent): HTML escaping of mention text, the threading headers as nodemailer writes them,
// and the wording helpers the subject uses.
import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CONFIG, fixtureMessages, messageTo } from '../../../test/fixtures/alert-events.js';
import { decodeEncodedWords } from '../../../test/helpers/mime-message.js';
import type { AlertEvent } from '../alert-event.js';
import { durationInWords, ratioInWords } from '../alert-wording.js';
import { emailMessage, emailParts, emailSubject, messageIdFor, senderDomain } from './email-message.js';
import { sampleDetails } from './format-alert.js';

const TH = '<th align="left" style="padding:2px 16px 2px 0;font-weight:600">';
const TD = '<td style="padding:2px 0">';
const row = (label: string, value: string) => `<tr>${TH}${label}</th>${TD}${value}</td></tr>`;
const TABLE = '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">';
const HTML_HEAD = [
  '<!DOCTYPE html>',
  '<html><head><meta charset="utf-8"></head>',
  '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828">',
];
const DETAILS = '<br><span style="font-size:12px;color:#667085">';
const QUOTE = '<blockquote style="margin:4px 0 0;padding:0 0 0 8px;border-left:3px solid #d0d5dd">';
const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('emailParts', async () => {
  const messages = await fixtureMessages();

  it('formats the firing of a one-rule alert (the e-mail channel gets negative buzz only) with mention text HTML-escaped', () => {
    expect(emailParts(messageTo(messages, 'firing', 'pr-email'))).toEqual({
      subject: '[buzzwatch] Negative buzz: Acme <script>& Co — 12 negative mentions',
      text: lines(
        'Negative buzz: Acme <script>& Co',
        '',
        '12 negative mentions in the last hour, from 7 sites.',
        '',
        'Negative mentions: 12',
        'All mentions:      12',
        'Negative share:    100%',
        'Sites:             7',
        'Authors:           6',
        'Top sites:         site0.example (3), site1.example (2), site2.example (2), site3.example (2), blog.example (1)',
        'Top authors:       author0 (3), author1 (2), author2 (2), author3 (2), Jane <jane@news.example> (1)',
        'Since:             2026-03-04 14:00 UTC',
        '',
        'Sample mentions',
        '',
        '1. <script>alert(1)</script> & Acme recall',
        '   https://news.example/acme?id=1&ref=%3Cfeed%3E|x',
        '   news.example · Jane <jane@news.example> · negative (-0.82) · reach 12,000 · 2026-03-04 14:15 UTC',
        '   “Acme & its <b>recall</b>: <!channel> see <@U123>”',
        '',
        '2. Mention on forum',
        '   forum · negative (-0.75) · 2026-03-04 14:16 UTC',
        '   “Never again & again, Acme”',
        '',
        '3. Bad "link"',
        '   blog.example · x · negative (-0.70) · reach 3 · 2026-03-04 14:17 UTC',
        '   “Acme, awful.”',
        '',
        '-- ',
        'Rule acme-negative-buzz · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 14:20 UTC',
        'Sent by buzzwatch.',
      ),
      html: lines(
        ...HTML_HEAD,
        '<h2 style="margin:0 0 12px;color:#b42318">Negative buzz: Acme &lt;script&gt;&amp; Co</h2>',
        '<p style="margin:0 0 16px">12 negative mentions in the last hour, from 7 sites.</p>',
        TABLE,
        row('Negative mentions', '12'),
        row('All mentions', '12'),
        row('Negative share', '100%'),
        row('Sites', '7'),
        row('Authors', '6'),
        row('Top sites', 'site0.example (3), site1.example (2), site2.example (2), site3.example (2), blog.example (1)'),
        row('Top authors', 'author0 (3), author1 (2), author2 (2), author3 (2), Jane &lt;jane@news.example&gt; (1)'),
        row('Since', '2026-03-04 14:00 UTC'),
        '</table>',
        '<h3 style="margin:16px 0 8px">Sample mentions</h3>',
        '<div style="margin:0 0 12px"><a href="https://news.example/acme?id=1&amp;ref=%3Cfeed%3E|x">' +
          '<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Acme recall</strong></a>' +
          `${DETAILS}news.example · Jane &lt;jane@news.example&gt; · negative (-0.82) · reach 12,000 · 2026-03-04 14:15 UTC</span>` +
          `${QUOTE}Acme &amp; its &lt;b&gt;recall&lt;/b&gt;: &lt;!channel&gt; see &lt;@U123&gt;</blockquote></div>`,
        `<div style="margin:0 0 12px"><strong>Mention on forum</strong>${DETAILS}forum · negative (-0.75) · 2026-03-04 14:16 UTC</span>` +
          `${QUOTE}Never again &amp; again, Acme</blockquote></div>`,
        // A javascript: URL is never linked; quotes are escaped too.
        `<div style="margin:0 0 12px"><strong>Bad &quot;link&quot;</strong>${DETAILS}blog.example · x · negative (-0.70) · reach 3 · 2026-03-04 14:17 UTC</span>` +
          `${QUOTE}Acme, awful.</blockquote></div>`,
        '<p style="margin:24px 0 0;font-size:12px;color:#667085">Rule acme-negative-buzz · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 14:20 UTC<br>Sent by buzzwatch.</p>',
        '</body></html>',
      ),
    });
  });

  it('formats the resolved message of a two-rule alert: how long it lasted (once), each rule at its peak', () => {
    expect(emailParts(messageTo(messages, 'resolved', 'pr-email'))).toEqual({
      subject: '[buzzwatch] Resolved: Negative buzz and Keyword alert: Acme <script>& Co — lasted 2 h 20 min',
      text: lines(
        'Resolved: Negative buzz and Keyword alert: Acme <script>& Co',
        '',
        'Resolved after 2 h 20 min.',
        '',
        'Negative buzz (at its peak)',
        '13 negative mentions in the last hour, from 7 sites.',
        'Negative mentions: 13',
        'All mentions:      13',
        'Negative share:    100%',
        'Sites:             7',
        'Authors:           6',
        '',
        'Keyword alert (at its peak)',
        '1 mention in the last hour matching "boycott", from 1 site.',
        'Matching mentions: 1',
        'Terms:             "boycott" (1)',
        'Sites:             1',
        'Authors:           1',
        'All mentions:      13',
        '',
        'Started:  2026-03-04 14:00 UTC',
        'Resolved: 2026-03-04 16:20 UTC',
        '',
        '-- ',
        'Rules acme-negative-buzz, acme-crisis-words · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 16:35 UTC',
        'Sent by buzzwatch.',
      ),
      html: lines(
        ...HTML_HEAD,
        '<h2 style="margin:0 0 12px;color:#067647">Resolved: Negative buzz and Keyword alert: Acme &lt;script&gt;&amp; Co</h2>',
        '<p style="margin:0 0 16px"><strong>Resolved after 2 h 20 min.</strong></p>',
        '<h3 style="margin:16px 0 4px">Negative buzz (at its peak)</h3>',
        '<p style="margin:0 0 8px">13 negative mentions in the last hour, from 7 sites.</p>',
        TABLE,
        row('Negative mentions', '13'),
        row('All mentions', '13'),
        row('Negative share', '100%'),
        row('Sites', '7'),
        row('Authors', '6'),
        '</table>',
        '<h3 style="margin:16px 0 4px">Keyword alert (at its peak)</h3>',
        '<p style="margin:0 0 8px">1 mention in the last hour matching &quot;boycott&quot;, from 1 site.</p>',
        TABLE,
        row('Matching mentions', '1'),
        row('Terms', '&quot;boycott&quot; (1)'),
        row('Sites', '1'),
        row('Authors', '1'),
        row('All mentions', '13'),
        '</table>',
        TABLE,
        row('Started', '2026-03-04 14:00 UTC'),
        row('Resolved', '2026-03-04 16:20 UTC'),
        '</table>',
        '<p style="margin:24px 0 0;font-size:12px;color:#667085">Rules acme-negative-buzz, acme-crisis-words · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 16:35 UTC<br>Sent by buzzwatch.</p>',
        '</body></html>',
      ),
    });
  });
});

describe('emailSubject', async () => {
  const messages = await fixtureMessages();

  it('says what joined in an update, and how long a reminder has been firing', () => {
    expect(emailSubject(messageTo(messages, 'update', 'pr-email'))).toBe(
      '[buzzwatch] Update: Negative buzz and Keyword alert: Acme <script>& Co — now also Keyword alert',
    );
    expect(emailSubject(messageTo(messages, 'reminder', 'pr-email'))).toBe(
      '[buzzwatch] Reminder: Negative buzz and Keyword alert: Acme <script>& Co — 13 negative mentions, firing for 1 h',
    );
  });

  it('cuts a 400-character brand name to 100', async () => {
    const { firing } = await fixtureMessages({
      ticks: [Date.UTC(2026, 2, 4, 14, 20)],
      configYaml: FIXTURE_CONFIG.replace('"Acme <script>& Co"', `"${'B'.repeat(400)}"`),
    });
    const email = firing.find((event) => event.eventId.includes('-pr-email-')) as AlertEvent;
    expect(emailSubject(email)).toBe(`[buzzwatch] Negative buzz: ${'B'.repeat(99)}… — 12 negative mentions`);
  });
});

describe('wording', () => {
  it('says "unknown" for a sample whose language has no scorer, without a score', () => {
    const sample = { mentionId: 'm', url: null, title: null, snippet: '', author: null, sourceId: 'forum', site: 'forum.example', reach: null, publishedAt: null };
    expect(sampleDetails({ ...sample, sentiment: 'unknown', sentimentScore: null })).toBe('forum.example · unknown');
    expect(sampleDetails({ ...sample, sentiment: 'negative', sentimentScore: -0.5 })).toBe('forum.example · negative (-0.50)');
  });

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

describe('emailMessage', async () => {
  const messages = await fixtureMessages();
  const addressing = { from: 'buzzwatch <alerts@Acme.example>', to: ['pr@acme.example', 'ceo@acme.example'] };

  async function rawMessage(event: AlertEvent): Promise<Map<string, string>> {
    const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await transport.sendMail(emailMessage(event, addressing));
    return headersOf(info.message.toString('utf8'));
  }

  it('gives a firing message a Message-ID derived from its event id and no In-Reply-To', async () => {
    const firing = messageTo(messages, 'firing', 'pr-email');
    const headers = await rawMessage(firing);
    expect(headers.get('message-id')).toBe('<buzzwatch.al_40bb0d11dc51f8a3ef9e-pr-email-1-firing@acme.example>');
    expect(headers.has('in-reply-to')).toBe(false);
    expect(headers.has('references')).toBe(false);
    expect(headers.get('x-buzzwatch-event-id')).toBe('al_40bb0d11dc51f8a3ef9e-pr-email-1-firing');
    expect(headers.get('auto-submitted')).toBe('auto-generated');
    expect(headers.get('to')).toBe('pr@acme.example, ceo@acme.example');
    expect(decodeEncodedWords(headers.get('subject') ?? '')).toBe('[buzzwatch] Negative buzz: Acme <script>& Co — 12 negative mentions');
  });

  it('threads the update, the reminder and the resolution under the firing message', async () => {
    for (const kind of ['update', 'reminder', 'resolved'] as const) {
      const event = messageTo(messages, kind, 'pr-email');
      const headers = await rawMessage(event);
      expect(headers.get('message-id')).toBe(`<buzzwatch.${event.eventId}@acme.example>`);
      expect(headers.get('in-reply-to')).toBe('<buzzwatch.al_40bb0d11dc51f8a3ef9e-pr-email-1-firing@acme.example>');
      expect(headers.get('references')).toBe('<buzzwatch.al_40bb0d11dc51f8a3ef9e-pr-email-1-firing@acme.example>');
    }
  });

  it('builds the same Message-ID on every attempt and encodes characters a Message-ID cannot hold', () => {
    expect(messageIdFor('ep-1:firing', 'acme.example')).toBe(messageIdFor('ep-1:firing', 'acme.example'));
    expect(messageIdFor('ep.1 ü:firing', 'acme.example')).toBe('<buzzwatch.ep=2E1=20=C3=BC.firing@acme.example>');
    expect(senderDomain('"Alerts" <alerts@Mail.Acme.example>')).toBe('mail.acme.example');
    expect(senderDomain('alerts@acme.example')).toBe('acme.example');
  });
});
