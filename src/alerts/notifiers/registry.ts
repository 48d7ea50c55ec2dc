// Maps a channel's config `type:` to its notifier kind. Adding a channel kind is its file plus one line here.
import { emailNotifierKind } from './email.js';
import type { NotifierKind } from './notifier.js';
import { slackNotifierKind } from './slack.js';
import { webhookNotifierKind } from './webhook.js';

export const notifierKinds = {
  slack: slackNotifierKind,
  email: emailNotifierKind,
  webhook: webhookNotifierKind,
} satisfies Record<string, NotifierKind>;

export type ChannelType = keyof typeof notifierKinds;

export function notifierKindFor(type: string): NotifierKind | undefined {
  return Object.hasOwn(notifierKinds, type) ? notifierKinds[type as ChannelType] : undefined;
}

export const knownChannelTypes = Object.keys(notifierKinds).sort();
