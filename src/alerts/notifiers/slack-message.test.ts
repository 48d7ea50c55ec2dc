// The exact Slack Block Kit payloads of an alert's firing, update and resolved messages, as the alerter builds them
// (real rules over hostile mentions, buildAlertEvent): wording, escaping of mention text, and Slack's size limits
// (header 150, section 3000, field 2000) kept without breaking entities, links or emoji.
import { describe, expect, it } from 'vitest';
import {
  boycottMention,
  burstMentions,
  FIXTURE_CONFIG,
  fixtureMessages,
  messageTo,
} from '../../../test/fixtures/alert-events.js';
import { SLACK_LIMITS, slackMessage, type SlackBlock } from './slack-message.js';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const fields = (...texts: string[]) => ({ type: 'section', fields: texts.map(mrkdwn) });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text, emoji: true } });
const context = (text: string) => ({ type: 'context', elements: [mrkdwn(text)] });

const NEGATIVE_BUZZ_FIELDS = (count: number) => fields(`*Negative mentions*\n${count}`, `*All mentions*\n${count}`, '*Negative share*\n100%', '*Sites*\n7', '*Authors*\n6');
const THRESHOLD_FIELDS = (count: number) => fields(`*Mentions*\n${count} (threshold 10)`, '*Sites*\n7', '*Authors*\n6', '*Negative share*\n100%');
const KEYWORD_FIELDS = fields('*Matching mentions*\n1', '*Terms*\n"boycott" (1)', '*Sites*\n1', '*Authors*\n1', '*All mentions*\n13');
const RECALL_SAMPLE = section(
  '*<https://news.example/acme?id=1&amp;ref=%3Cfeed%3E%7Cx|&lt;script&gt;alert(1)&lt;/script&gt; &amp; Acme recall>*\n' +
    '_news.example · Jane &lt;jane@news.example&gt; · negative (-0.82) · reach 12,000 · 2026-03-04 14:15 UTC_\n' +
    '>Acme &amp; its &lt;b&gt;recall&lt;/b&gt;: &lt;!channel&gt; see &lt;@U123&gt;',
);
const FORUM_SAMPLE = section('*Mention on forum*\n_forum · negative (-0.75) · 2026-03-04 14:16 UTC_\n>Never again &amp; again, Acme');

/** Every mrkdwn string in a payload: the fallback, section texts, fields and context elements. */
function mrkdwnTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return 'text' in block ? [block.text.text] : block.fields.map((field) => field.text);
    if (block.type === 'context') return block.elements.map((element) => element.text);
    return [];
  });
}

describe('slackMessage', async () => {
  const messages = await fixtureMessages();

  it('formats the firing of a two-rule alert: a header naming both, each rule with its figures, where from, samples', () => {
    expect(slackMessage(messageTo(messages, 'firing', 'pr-slack'))).toEqual({
      text:
        '🔴 Negative buzz and Mention threshold: Acme &lt;script&gt;&amp; Co — Negative buzz: 12 negative mentions in the last hour, ' +
        'from 7 sites. Mention threshold: 12 mentions in the last hour (threshold 10), from 7 sites.',
      blocks: [
        // plain_text is shown as it is, so the brand name is not escaped here.
        header('🔴 Negative buzz and Mention threshold: Acme <script>& Co'),
        section('*Negative buzz*\n12 negative mentions in the last hour, from 7 sites'),
        NEGATIVE_BUZZ_FIELDS(12),
        section('*Mention threshold*\n12 mentions in the last hour (threshold 10), from 7 sites'),
        THRESHOLD_FIELDS(12),
        fields(
          '*Top sites*\nsite0.example (3), site1.example (2), site2.example (2), site3.example (2), blog.example (1)',
          '*Top authors*\nauthor0 (3), author1 (2), author2 (2), author3 (2), Jane &lt;jane@news.example&gt; (1)',
          // When the buzz started (its first negative mention), not when the alert fired (14:20).
          '*Since*\n2026-03-04 14:00 UTC',
        ),
        { type: 'divider' },
        RECALL_SAMPLE,
        FORUM_SAMPLE,
        // A javascript: URL is never linked.
        section('*Bad "link"*\n_blog.example · x · negative (-0.70) · reach 3 · 2026-03-04 14:17 UTC_\n>Acme, awful.'),
        context('Rules acme-negative-buzz, acme-threshold · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 14:20 UTC'),
      ],
    });
  });

  it('formats the update when a rule joins: what is new first, the new rule marked', () => {
    const { text, blocks } = slackMessage(messageTo(messages, 'update', 'pr-slack'));
    expect(text).toBe(
      '🟠 Update: Negative buzz, Mention threshold and Keyword alert: Acme &lt;script&gt;&amp; Co — Now also: Keyword alert. ' +
        'Negative buzz: 13 negative mentions in the last hour, from 7 sites. Mention threshold: 13 mentions in the last hour ' +
        '(threshold 10), from 7 sites. Keyword alert (new): 1 mention in the last hour matching "boycott", from 1 site.',
    );
    expect(blocks.slice(0, 8)).toEqual([
      header('🟠 Update: Negative buzz, Mention threshold and Keyword alert: Acme <script>& Co'),
      section('*Now also: Keyword alert.*'),
      section('*Negative buzz*\n13 negative mentions in the last hour, from 7 sites'),
      NEGATIVE_BUZZ_FIELDS(13),
      section('*Mention threshold*\n13 mentions in the last hour (threshold 10), from 7 sites'),
      THRESHOLD_FIELDS(13),
      // Its sentence and its figures count the same mentions.
      section('*Keyword alert (new)*\n1 mention in the last hour matching "boycott", from 1 site'),
      KEYWORD_FIELDS,
    ]);
    expect(blocks.at(-1)).toEqual(context('Rules acme-negative-buzz, acme-threshold, acme-crisis-words · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 14:30 UTC'));
  });

  it('formats the resolved message: the duration once, each rule at its peak, start and end times, no samples', () => {
    expect(slackMessage(messageTo(messages, 'resolved', 'pr-slack'))).toEqual({
      text:
        '✅ Resolved: Negative buzz, Mention threshold and Keyword alert: Acme &lt;script&gt;&amp; Co — Resolved after 2 h 20 min. ' +
        'Negative buzz (at its peak): 13 negative mentions in the last hour, from 7 sites. Mention threshold (at its peak): 13 mentions ' +
        'in the last hour (threshold 10), from 7 sites. Keyword alert (at its peak): 1 mention in the last hour matching "boycott", from 1 site.',
      blocks: [
        header('✅ Resolved: Negative buzz, Mention threshold and Keyword alert: Acme <script>& Co'),
        section('*Resolved after 2 h 20 min.*'),
        section('*Negative buzz (at its peak)*\n13 negative mentions in the last hour, from 7 sites'),
        NEGATIVE_BUZZ_FIELDS(13),
        section('*Mention threshold (at its peak)*\n13 mentions in the last hour (threshold 10), from 7 sites'),
        THRESHOLD_FIELDS(13),
        section('*Keyword alert (at its peak)*\n1 mention in the last hour matching "boycott", from 1 site'),
        KEYWORD_FIELDS,
        fields('*Started*\n2026-03-04 14:00 UTC', '*Resolved*\n2026-03-04 16:20 UTC'),
        context('Rules acme-negative-buzz, acme-threshold, acme-crisis-words · alert al_40bb0d11dc51f8a3ef9e · 2026-03-04 16:35 UTC'),
      ],
    });
  });

  it('says how long a reminder has been firing, once', () => {
    const { text, blocks } = slackMessage(messageTo(messages, 'reminder', 'pr-slack'));
    expect(blocks.slice(0, 2)).toEqual([
      header('🟠 Reminder: Negative buzz, Mention threshold and Keyword alert: Acme <script>& Co'),
      section('*Still firing after 1 h.*'),
    ]);
    expect(text.match(/1 h/g)).toHaveLength(1);
  });

  it('leaves no raw <, > or & in mrkdwn outside the <url|label> links and > quotes it writes', () => {
    for (const event of [...messages.firing, ...messages.update, ...messages.reminder, ...messages.resolved]) {
      const message = slackMessage(event);
      for (const text of [message.text, ...mrkdwnTexts(message.blocks)]) {
        const withoutLinks = text.replace(/<https?:\/\/[^\s|<>]+\|[^<>]*>/g, '').replace(/^>/gm, '');
        expect(withoutLinks).not.toMatch(/[<>]/);
        expect(withoutLinks).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
    }
  });

  describe('truncation to Slack limits', async () => {
    // 400-character titles, the first ten of which become 4-character entities; snippets of 5000 characters.
    const long = burstMentions().map((mention, index) => ({
      ...mention,
      url: index === 2 ? `https://news.example/${'p'.repeat(3000)}` : 'https://news.example/long',
      title: `${'<'.repeat(10)}${'T'.repeat(390)}`,
      content: index === 0 ? 'S'.repeat(5000) : index === 1 ? '&'.repeat(5000) : '😀'.repeat(2500),
      sentimentScore: -0.99 + index / 100,
      site: `n${index % 4}.example`,
      author: null,
      reach: null,
    }));
    const longMessages = await fixtureMessages({
      ticks: [Date.UTC(2026, 2, 4, 14, 20)],
      history: [...long, boycottMention()],
      configYaml: FIXTURE_CONFIG.replace('"Acme <script>& Co"', `"${'B'.repeat(400)}"`),
    });
    const message = slackMessage(messageTo(longMessages, 'firing', 'pr-slack'));
    const label = `${'&lt;'.repeat(10)}${'T'.repeat(159)}…`;

    it('cuts the header to 150 characters', () => {
      expect(message.blocks[0]).toEqual(header(`🔴 Negative buzz and Mention threshold: ${'B'.repeat(109)}…`));
      const first = message.blocks[0];
      expect(first?.type === 'header' && first.text.text.length).toBe(SLACK_LIMITS.headerText);
    });

    it('cuts titles to 200 and snippets (280 characters in the event) to 600 escaped characters, between entities and emoji', () => {
      const details = (site: number, score: string) => `_n${site}.example · negative (${score}) · 2026-03-04 14:0`;
      const samples = message.blocks.slice(7, 10).map((block) => (block.type === 'section' && 'text' in block ? block.text.text : ''));
      expect(samples[0]).toBe(`*<https://news.example/long|${label}>*\n${details(0, '-0.99')}0 UTC_\n>${'S'.repeat(279)}…`);
      expect(samples[1]).toBe(`*<https://news.example/long|${label}>*\n${details(1, '-0.98')}2 UTC_\n>${'&amp;'.repeat(119)}…`);
      // A URL too long to link is left out.
      expect(samples[2]).toBe(`*${label}*\n${details(2, '-0.97')}4 UTC_\n>${'😀'.repeat(279)}…`);
    });

    it('keeps every block within its limit', () => {
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of message.blocks) {
        if (block.type === 'section' && 'text' in block) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        if (block.type === 'section' && 'fields' in block) {
          expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
          for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        }
      }
    });
  });
});
