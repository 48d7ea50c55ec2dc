// Turns what a source found into Mentions: canonical URL, stable id, the brands it matches.
import { matchBrands, toMatchDocument, type BrandRule } from '../mentions/brand-matcher.js';
import { canonicalUrl } from '../mentions/canonical-url.js';
import type { Mention, SourceItem } from '../mentions/mention.js';
import { cleanSourceItem } from '../mentions/clean-item.js';
import { mentionId } from '../mentions/mention-id.js';

export interface MatchedItem {
  item: SourceItem;
  /** The canonical permalink, or null when the item has none. */
  url: string | null;
  brands: string[];
}

/** Cleans the item (see cleanSourceItem) and finds its canonical URL and the brands it mentions. */
export function matchItem(rawItem: SourceItem, rules: readonly BrandRule[]): MatchedItem {
  const item = cleanSourceItem(rawItem);
  const url = item.url === null ? null : canonicalUrl(item.url);
  const brands = matchBrands(toMatchDocument(item), rules);
  return { item, url, brands };
}

export interface MentionOrigin {
  sourceId: string;
  sourceType: string;
  seenAt: Date;
  /** True on a source's first poll: what it finds predates watching and must never count as a spike. */
  backfill: boolean;
}

/** How a mention's id is made from its cleaned item and canonical URL: by default the URL, else the item's own id. */
export type MentionIdOf = (item: SourceItem, url: string | null) => string;

/** Mentions for the items that match at least one brand, one per mention id (with the brands of all its copies). */
export function toMentions(items: readonly SourceItem[], rules: readonly BrandRule[], origin: MentionOrigin, idOf: MentionIdOf = defaultIdOf(origin)): Mention[] {
  const byId = new Map<string, Mention>();
  addMentions(byId, items, rules, origin, idOf);
  return [...byId.values()];
}

/** Items matched per turn of the event loop by toMentionsInTurns: ≈ 5–20 ms of work for feed items. */
export const ITEMS_PER_TURN = 200;

/**
 * toMentions, the same mentions, letting the event loop turn (other polls, BullMQ's lock renewals, the health server)
 * after every ITEMS_PER_TURN items: a feed near its max_body_size holds tens of thousands of items, seconds to match.
 */
export async function toMentionsInTurns(
  items: readonly SourceItem[],
  rules: readonly BrandRule[],
  origin: MentionOrigin,
  idOf: MentionIdOf = defaultIdOf(origin),
): Promise<Mention[]> {
  const byId = new Map<string, Mention>();
  for (let start = 0; start < items.length; start += ITEMS_PER_TURN) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    addMentions(byId, items.slice(start, start + ITEMS_PER_TURN), rules, origin, idOf);
  }
  return [...byId.values()];
}

function defaultIdOf(origin: MentionOrigin): MentionIdOf {
  return (item, url) => mentionId(url, origin.sourceType, item.externalId);
}

/** Adds the mentions of `items` to `byId`, merging the brands of copies of one mention id. */
function addMentions(byId: Map<string, Mention>, items: readonly SourceItem[], rules: readonly BrandRule[], origin: MentionOrigin, idOf: MentionIdOf): void {
  for (const rawItem of items) {
    const { item, url, brands } = matchItem(rawItem, rules);
    if (brands.length === 0) continue;
    if (url === null && item.externalId === null) continue; // nothing stable to deduplicate on
    const id = idOf(item, url);
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
      seenAt: origin.seenAt.toISOString(),
      brands,
      backfill: origin.backfill,
      reach: item.reach,
    });
  }
}
