// Turns what a source found into Mentions: canonical URL, stable id, the brands it matches.
import { matchBrands, toMatchDocument, type BrandRule } from '../mentions/brand-matcher.js';
import { canonicalUrl } from '../mentions/canonical-url.js';
import type { Mention, SourceItem } from '../mentions/mention.js';
import { mentionId } from '../mentions/mention-id.js';

export interface MatchedItem {
  item: SourceItem;
  /** The canonical permalink, or null when the item has none. */
  url: string | null;
  brands: string[];
}

export function matchItem(item: SourceItem, rules: readonly BrandRule[]): MatchedItem {
  const url = item.url === null ? null : canonicalUrl(item.url);
  const brands = matchBrands(toMatchDocument({ ...item, url }), rules);
  return { item, url, brands };
}

export interface MentionOrigin {
  sourceId: string;
  sourceType: string;
  seenAt: Date;
  /** True on a source's first poll: what it finds predates watching and must never count as a spike. */
  backfill: boolean;
}

/** Mentions for the items that match at least one brand, one per mention id. */
export function toMentions(items: readonly SourceItem[], rules: readonly BrandRule[], origin: MentionOrigin): Mention[] {
  const byId = new Map<string, Mention>();
  for (const item of items) {
    const matched = matchItem(item, rules);
    if (matched.brands.length === 0) continue;
    if (matched.url === null && item.externalId === null) continue; // nothing stable to deduplicate on
    const id = mentionId(matched.url, origin.sourceType, item.externalId);
    if (byId.has(id)) continue;
    byId.set(id, {
      id,
      sourceId: origin.sourceId,
      sourceType: origin.sourceType,
      externalId: item.externalId,
      url: matched.url,
      title: item.title,
      text: item.text,
      author: item.author,
      lang: item.lang,
      publishedAt: item.publishedAt?.toISOString() ?? null,
      seenAt: origin.seenAt.toISOString(),
      brands: matched.brands,
      backfill: origin.backfill,
      reach: item.reach,
    });
  }
  return [...byId.values()];
}
