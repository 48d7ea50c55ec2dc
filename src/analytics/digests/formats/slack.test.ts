// A weekly digest of two brands as Slack blocks: a section per brand named by its brand, its alert episodes, and text
// written by strangers (brand names, sites, headlines) escaped so it cannot open a link or ping a channel.
import { describe, expect, it } from 'vitest';
import type { BrandDigest, DigestFigure, DigestSummary } from '../digest-summary.js';
import { slackDigestMessage } from './slack.js';

const flat = (value: number | null, previous: number | null, change: number | null): DigestFigure => ({
  value,
  previous,
  change,
  significant: false,
  direction: 'flat',
  p_value: 0.5,
});

function brand(id: string, name: string, mentions: number, episodes: BrandDigest['episodes'] = []): BrandDigest {
  return {
    episodes,
    brand: { id, name },
    flags: [],
    figures: {
      mentions: flat(mentions, 10, (mentions - 10) / 10),
      negative_share: flat(null, null, null),
      positive_share: flat(null, null, null),
      net_sentiment: flat(null, null, null),
      reach: flat(0, 0, null),
      alert_episodes: flat(0, 0, null),
    },
    top: { sites: [{ key: 'a<b>.example', mentions, negative: 0, negative_share: 0, reach: 0 }], authors: [], terms: [] },
    worst_mentions: [],
  };
}

const summary: DigestSummary = {
  digest_id: 'weekly-pr',
  every: 'weekly',
  period: {
    key: '2026-10-19',
    label: 'Week of 19–25 Oct 2026',
    since: '2026-10-18T22:00:00.000Z',
    until: '2026-10-25T23:00:00.000Z',
    tz: 'Europe/Warsaw',
    previous_label: 'the week of 12 October',
  },
  brands: [
    brand('acme', 'Acme & <Sons>', 12, [
      {
        episode_id: 'ep_1',
        rule_id: 'acme-negative-buzz',
        rule_type: 'negative_buzz',
        title: 'Negative buzz',
        headline: '37 negative mentions <!channel>',
        started_at: '2026-10-20T12:05:00.000Z',
        resolved_at: '2026-10-20T14:30:00.000Z',
      },
      { episode_id: 'ep_2', rule_id: 'acme-volume', rule_type: 'volume_spike', title: 'Volume spike', headline: '', started_at: '2026-10-25T22:30:00.000Z', resolved_at: null },
    ]),
    brand('globex', 'Globex', 8),
  ],
};

describe('slackDigestMessage', () => {
  it('gives each brand its named section and escapes what strangers wrote', () => {
    expect(slackDigestMessage(summary)).toEqual({
      text: '📊 Weekly digest: Acme &amp; &lt;Sons&gt; and Globex — Week of 19–25 Oct 2026 — Acme &amp; &lt;Sons&gt;: 12 mentions (+20 % vs the week of 12 October); Globex: 8 mentions (−20 % vs the week of 12 October)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '📊 Weekly digest: Acme & <Sons> and Globex — Week of 19–25 Oct 2026', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Acme &amp; &lt;Sons&gt;*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Mentions*\n12 (+20 % vs the week of 12 October)' },
            { type: 'mrkdwn', text: '*Reach*\n0' },
            { type: 'mrkdwn', text: '*Alert episodes*\n0' },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            // Local (Warsaw) times; an episode still firing says so.
            text: '*Alert episodes*\n• Negative buzz: 37 negative mentions &lt;!channel&gt; · 2026-10-20 14:05 → 16:30\n• Volume spike · 2026-10-25 23:30 → still firing',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: 'Top sites: a&lt;b&gt;.example (12)' } },
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: '*Globex*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Mentions*\n8 (−20 % vs the week of 12 October)' },
            { type: 'mrkdwn', text: '*Reach*\n0' },
            { type: 'mrkdwn', text: '*Alert episodes*\n0' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: 'Top sites: a&lt;b&gt;.example (8)' } },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: "Digest weekly-pr · changes against the week of 12 October; significant: p &lt; 0.05 (the monthly report's tests) · times in Europe/Warsaw",
            },
          ],
        },
      ],
    });
  });
});
