// Turns the items a webhook sender pushed into Mentions, as the poller does for polled items (same cleaning, same
// brand matching), but with ids from the sender's own id when it gives one.
import type { BrandRule } from '../mentions/brand-matcher.js';
import type { Mention, SourceItem } from '../mentions/mention.js';
import { mentionId } from '../mentions/mention-id.js';
import { toMentions } from './match-items.js';

export interface PushOrigin {
  sourceId: string;
  sourceType: string;
  receivedAt: Date;
}

/**
 * The sender's id is scoped by the source it pushes to (source ids contain no colon, so the scope is unambiguous):
 * two senders both numbering their items 1, 2, 3 never collide. Without an id the canonical URL is the identity, as
 * for every polled source, so the same story pushed and polled is stored once.
 */
export function pushedMentionId(origin: PushOrigin, senderId: string | null, canonicalUrl: string | null): string {
  return senderId !== null ? mentionId(null, `${origin.sourceType}:${origin.sourceId}`, senderId) : mentionId(canonicalUrl, origin.sourceType, null);
}

/** Mentions for the items that match at least one brand, one per id (with the brands of all its copies). Pushed
 * mentions arrive as they happen: there is no first-poll history to keep out of spike counts, so none is backfill. */
export function toPushedMentions(items: readonly SourceItem[], rules: readonly BrandRule[], origin: PushOrigin): Mention[] {
  const mentionOrigin = { sourceId: origin.sourceId, sourceType: origin.sourceType, seenAt: origin.receivedAt, backfill: false };
  return toMentions(items, rules, mentionOrigin, (item, url) => pushedMentionId(origin, item.externalId, url));
}
