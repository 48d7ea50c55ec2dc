// The exact Slack Block Kit payload for firing and resolved events: wording, escaping of mention text, and
// Slack's size limits (header 150, section 3000, field 2000) kept without breaking entities, links or emoji.
import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertSampleMention } from '../../src/alerts/alert-event.js';
import { firingEvent, resolvedEvent } from '../fixtures/alert-events.js';
import { SLACK_LIMITS, slackMessage, type SlackBlock } from '../../src/alerts/notifiers/slack.js';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/** Every mrkdwn string in a payload: the fallback, section texts, fields and context elements. */
function mrkdwnTexts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return 'text' in block ? [block.text.text] : block.fields.map((field) => field.text);
    if (block.type === 'context') return block.elements.map((element) => element.text);
    return [];
  });
}

describe('slackMessage', () => {
  it('formats a firing event: header, summary, facts, the three samples with links, context', () => {
    expect(slackMessage(firingEvent())).toEqual({
      text: '🔴 Negative buzz: Acme &lt;script&gt;&amp; Co — 37 negative mentions in the last hour, 6× the usual rate, from 9 sources.',
      blocks: [
        // plain_text is shown as it is, so the brand name is not escaped here.
        { type: 'header', text: { type: 'plain_text', text: '🔴 Negative buzz: Acme <script>& Co', emoji: true } },
        { type: 'section', text: mrkdwn('37 negative mentions in the last hour, 6× the usual rate, from 9 sources.') },
        {
          type: 'section',
          fields: [
            mrkdwn('*Negative mentions*\n37 (usual ≈ 6.2)'),
            mrkdwn('*Versus usual*\n6× the usual rate'),
            mrkdwn('*All mentions*\n58'),
            mrkdwn('*Negative share*\n64% (usual 18%)'),
            mrkdwn('*Sources*\n9'),
            mrkdwn('*Top sources*\nnews.example (12), forum.example (8), &lt;b&gt;blog&lt;/b&gt;.example (3)'),
            mrkdwn('*Top authors*\nJane &amp; John (4)'),
            mrkdwn('*Since*\n2026-03-04 14:20 UTC'),
          ],
        },
        { type: 'divider' },
        {
          type: 'section',
          text: mrkdwn(
            '*<https://news.example/acme?id=1&amp;ref=%3Cfeed%3E%7Cx|&lt;script&gt;alert(1)&lt;/script&gt; &amp; Acme recall>*\n' +
              '_news.example · Jane &lt;jane@news.example&gt; · negative (-0.82) · reach 12,000 · 2026-03-04 13:55 UTC_\n' +
              '>Acme &amp; its &lt;b&gt;recall&lt;/b&gt;: &lt;!channel&gt; see &lt;@U123&gt;',
          ),
        },
        {
          type: 'section',
          text: mrkdwn('*Mention on forum.example*\n_forum.example · negative (-0.50)_\n>Never again &amp; again'),
        },
        // A javascript: URL is never linked; an empty snippet adds no quote.
        {
          type: 'section',
          text: mrkdwn('*Bad "link"*\n_blog.example · x · neutral (0.00) · reach 3 · 2026-03-04 14:01 UTC_'),
        },
        { type: 'context', elements: [mrkdwn('Rule acme-negative-buzz · episode ep-7f3a · 2026-03-04 14:20 UTC')] },
      ],
    });
  });

  it('formats a resolved event: how long it lasted, only the facts it has, no sample section', () => {
    expect(slackMessage(resolvedEvent())).toEqual({
      text: '✅ Resolved: Volume spike: Acme Corp — Resolved after 1 h 20 min. 4 mentions in the last hour, back to the usual rate.',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '✅ Resolved: Volume spike: Acme Corp', emoji: true } },
        { type: 'section', text: mrkdwn('*Resolved after 1 h 20 min.*\n4 mentions in the last hour, back to the usual rate.') },
        {
          type: 'section',
          fields: [
            mrkdwn('*Mentions*\n4'),
            mrkdwn('*Negative share*\n25%'),
            mrkdwn('*Sources*\n3'),
            mrkdwn('*Lasted*\n1 h 20 min (since 2026-03-04 14:20 UTC)'),
          ],
        },
        { type: 'context', elements: [mrkdwn('Rule acme-volume · episode ep-7f3a · 2026-03-04 15:40 UTC')] },
      ],
    });
  });

  it('says how long a reminder has been firing', () => {
    const reminder: AlertEvent = { ...firingEvent(), eventId: 'ep-7f3a:reminder:1', kind: 'reminder', at: '2026-03-04T18:25:00.000Z' };
    const message = slackMessage(reminder);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🟠 Reminder: Negative buzz: Acme <script>& Co', emoji: true },
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: mrkdwn('*Still firing after 4 h 5 min.*\n37 negative mentions in the last hour, 6× the usual rate, from 9 sources.'),
    });
    expect(message.blocks[2]).toMatchObject({ fields: expect.arrayContaining([mrkdwn('*Firing for*\n4 h 5 min (since 2026-03-04 14:20 UTC)')]) });
  });

  it('leaves no raw <, > or & in mrkdwn outside the <url|label> links and > quotes it writes', () => {
    const message = slackMessage(firingEvent());
    for (const text of [message.text, ...mrkdwnTexts(message.blocks)]) {
      const withoutLinks = text.replace(/<https?:\/\/[^\s|<>]+\|[^<>]*>/g, '').replace(/^>/gm, '');
      expect(withoutLinks).not.toMatch(/[<>]/);
      expect(withoutLinks).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  describe('truncation to Slack limits', () => {
    const longSample = (overrides: Partial<AlertSampleMention>): AlertSampleMention => ({
      ...(firingEvent().samples[1] as AlertSampleMention),
      url: 'https://news.example/long',
      // 400 characters, the first ten of which become 4-character entities.
      title: `${'<'.repeat(10)}${'T'.repeat(390)}`,
      ...overrides,
    });
    const longEvent: AlertEvent = {
      ...firingEvent(),
      brand: { id: 'acme', name: 'B'.repeat(400) },
      topSources: Array.from({ length: 12 }, (_, index) => ({ name: `${'s'.repeat(80)}${index}`, count: 12 - index })),
      samples: [
        longSample({ snippet: 'S'.repeat(5000) }),
        // Entities must never be cut in half.
        longSample({ snippet: '&'.repeat(5000) }),
        // Neither may emoji (two UTF-16 units each); a URL too long to link is left out.
        longSample({ snippet: '😀'.repeat(2500), url: `https://news.example/${'p'.repeat(3000)}` }),
      ],
    };
    const label = `${'&lt;'.repeat(10)}${'T'.repeat(159)}…`;

    it('cuts the header to 150 characters', () => {
      const header = slackMessage(longEvent).blocks[0];
      expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: `🔴 Negative buzz: ${'B'.repeat(131)}…`, emoji: true } });
      expect(header?.type === 'header' && header.text.text.length).toBe(SLACK_LIMITS.headerText);
    });

    it('cuts titles to 200 and snippets to 600 escaped characters, between entities and emoji', () => {
      const samples = slackMessage(longEvent).blocks.slice(4, 7);
      const details = '_forum.example · negative (-0.50)_';
      expect(samples).toEqual([
        { type: 'section', text: mrkdwn(`*<https://news.example/long|${label}>*\n${details}\n>${'S'.repeat(599)}…`) },
        { type: 'section', text: mrkdwn(`*<https://news.example/long|${label}>*\n${details}\n>${'&amp;'.repeat(119)}…`) },
        { type: 'section', text: mrkdwn(`*${label}*\n${details}\n>${'😀'.repeat(299)}…`) },
      ]);
    });

    it('lists at most five top sources of at most 60 characters each', () => {
      const fields = slackMessage(longEvent).blocks[2];
      const expected = Array.from({ length: 5 }, (_, index) => `${'s'.repeat(59)}… (${12 - index})`).join(', ');
      expect(fields).toMatchObject({ fields: expect.arrayContaining([mrkdwn(`*Top sources*\n${expected}`)]) });
    });

    it('keeps every block within its limit', () => {
      const { blocks } = slackMessage(longEvent);
      expect(blocks).toHaveLength(8);
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of blocks) {
        if (block.type === 'section' && 'text' in block) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        if (block.type === 'section' && 'fields' in block) {
          expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
          for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        }
      }
    });
  });
});
