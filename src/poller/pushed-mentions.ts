// Turns the items a webhook sender pushed into Mentions, as the poller does for polled items (same cleaning, same
// brand matching), but with ids from the sender's own id when it gives one.
import type { BrandRule } from '../mentions/brand-matcher.js';
import type { Mention, SourceItem } from '../mentions/mention.js';
import { mentionId } from '../mentions/mention-id.js';
import { matchItem } from './match-items.js';

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

/** Mentions for the items that match at least one brand, one per id (with the brands of all its copies). */
export function toPushedMentions(items: readonly SourceItem[], rules: readonly BrandRule[], origin: PushOrigin): Mention[] {
  const byId = new Map<string, Mention>();
  for (const rawItem of items) {
    const { item, url, brands } = matchItem(rawItem, rules);
    if (brands.length === 0) continue;
    if (url === null && item.externalId === null) continue; // unreachable for a validated body: url is required
    const id = pushedMentionId(origin, item.externalId, url);
    const earlier = byId.get(id);
    if (earlier !== undefined) {
      earlier.brands = [...new Set([...earlier.brands, ...brands])];
      continue;
    }
    byId.set(id, {
      id,
      sourceId: origin.sourceId,
      sourceType: origin.sourceType,
      externalId: item.externalId,
      url,
      title: item.title,
      text: item.text,
      author: item.author,
      lang: item.lang,
      publishedAt: item.publishedAt?.toISOString() ?? null,
      seenAt: origin.receivedAt.toISOString(),
      brands,
      // Pushed mentions arrive as they happen; there is no first-poll history to keep out of spike counts.
      backfill: false,
      reach: item.reach,
    });
  }
  return [...byId.values()];
}
