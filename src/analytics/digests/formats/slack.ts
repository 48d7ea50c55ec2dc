// A digest as a Slack Block Kit message: a header, per brand its flags first (a monthly digest), the figures as
// fields, top sites/authors/terms, the worst mentions with links; a context line; posted like alerts are.
import { sendTimeoutMs, type ChannelConfig } from '../../../alerts/notifiers/notifier.js';
import { SLACK_LIMITS, escapeMrkdwn, escapeMrkdwnWithin, slackLinkUrl, type SlackBlock, type SlackMessage } from '../../../alerts/notifiers/slack-message.js';
import { slackTransport } from '../../../alerts/notifiers/slack-transport.js';
import { linkableUrl, oneLine, truncateText } from '../../../alerts/notifiers/format-alert.js';
import type { WorstMentionEntry } from '../../period-figures.js';
import type { DigestSummary } from '../digest-summary.js';
import { digestFooter, digestHeadlines, episodeLine, digestTitle, figureFacts, mentionDetails, mentionTitle, topFacts, type DigestFact } from '../digest-wording.js';
import type { DigestFormat } from './digest-format.js';

const FALLBACK_TEXT_MAX = 3000;
const MENTION_TITLE_MAX = 200;

/** The exact payload posted to Slack for a digest. Pure. */
export function slackDigestMessage(summary: DigestSummary): SlackMessage {
  const title = `📊 ${digestTitle(summary)}`;
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncateText(title, SLACK_LIMITS.headerText), emoji: true } }];
  const several = summary.brands.length > 1;
  summary.brands.forEach((brand, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    const name = several ? `*${escapeMrkdwn(truncateText(oneLine(brand.brand.name), 100))}*\n` : '';
    if (brand.flags.length > 0) {
      blocks.push(section(name + escapeMrkdwnWithin(brand.flags.map((flag) => `• ${flag}`).join('\n'), SLACK_LIMITS.sectionText - name.length)));
    } else if (name !== '') {
      blocks.push(section(name.trimEnd()));
    }
    blocks.push(fieldsBlock(figureFacts(brand, summary.period.previous_label)));
    if (brand.episodes.length > 0) {
      const lines = brand.episodes.map((episode) => `• ${episodeLine(episode, summary.period.tz)}`).join('\n');
      blocks.push(section(`*Alert episodes*\n${escapeMrkdwnWithin(lines, SLACK_LIMITS.sectionText - 20)}`));
    }
    const top = topFacts(brand);
    if (top.length > 0) blocks.push(section(escapeMrkdwnWithin(top.map((fact) => `${fact.label}: ${fact.value}`).join('\n'), SLACK_LIMITS.sectionText)));
    blocks.push(...brand.worst_mentions.map((mention) => section(mentionText(mention, summary.period.tz))));
  });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwnWithin(digestFooter(summary), SLACK_LIMITS.contextText) }] });
  return {
    text: escapeMrkdwnWithin(`${title} — ${digestHeadlines(summary)}`, FALLBACK_TEXT_MAX),
    // Many brands could pass Slack's block limit: the footer is then cut, never a brand's figures half-way.
    blocks: blocks.length <= SLACK_LIMITS.blocks ? blocks : blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

function fieldsBlock(facts: DigestFact[]): SlackBlock {
  return {
    type: 'section',
    fields: facts.slice(0, SLACK_LIMITS.fields).map((fact) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(fact.value)}` })),
  };
}

function mentionText(mention: WorstMentionEntry, zone: string): string {
  const label = escapeMrkdwnWithin(mentionTitle(mention), MENTION_TITLE_MAX);
  const url = linkableUrl(mention.url);
  const heading = url === null ? `*${label}*` : `*<${slackLinkUrl(url)}|${label}>*`;
  return `${heading}\n_${escapeMrkdwn(mentionDetails(mention, zone))}_`;
}

export const slackDigestFormat: DigestFormat = {
  async send(channel: ChannelConfig, delivery, deps) {
    // The loader validated the entry against the slack kind's schema: url is a string.
    const transport = slackTransport(channel.url as string, { http: deps.http, timeoutMs: sendTimeoutMs(channel, deps) });
    await transport.post(slackDigestMessage(delivery.summary));
  },
};
