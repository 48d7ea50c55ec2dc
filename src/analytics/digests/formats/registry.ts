// Maps each alert channel type to how it sends digests. Adding a channel type to notifiers/registry.ts fails to
// compile until its digest format (one file) has its line here.
import type { ChannelType } from '../../../alerts/notifiers/registry.js';
import type { DigestFormat } from './digest-format.js';
import { emailDigestFormat } from './email.js';
import { slackDigestFormat } from './slack.js';
import { webhookDigestFormat } from './webhook.js';

export const digestFormats = {
  slack: slackDigestFormat,
  email: emailDigestFormat,
  webhook: webhookDigestFormat,
} satisfies Record<ChannelType, DigestFormat>;

export function digestFormatFor(type: string): DigestFormat | undefined {
  return Object.hasOwn(digestFormats, type) ? digestFormats[type as ChannelType] : undefined;
}
