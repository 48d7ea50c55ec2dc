// What rule evaluation reads about a brand's past: live it is PostgreSQL, in a backtest the same rows in memory,
// so both run the very same rules.
export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface WindowFilter {
  sentiment?: SentimentLabel;
  minReach?: number;
}

export interface WindowStats {
  /** All mentions of the brand in the window (backfill never counts). */
  total: number;
  negative: number;
  /** Mentions passing the filter. */
  matching: number;
  /** Distinct sites-and-authors among the matching mentions: "spreads", not one angry account. */
  matchingSources: number;
}

export interface WindowMention {
  id: string;
  url: string | null;
  title: string | null;
  content: string;
  author: string | null;
  sourceId: string;
  site: string;
  sentimentLabel: SentimentLabel;
  sentimentScore: number;
  reach: number | null;
  publishedAt: Date | null;
  occurredAt: Date;
}

export interface BrandHistory {
  /** Mentions per bucket in [fromMs, toMs), keyed by bucket start; `negativeOnly` counts the negative stream. */
  bucketCounts(brandId: string, fromMs: number, toMs: number, bucketMs: number, negativeOnly: boolean): Promise<Map<number, number>>;
  /** All and negative mentions over [fromMs, toMs): the cheap count for long spans (a brand's usual share). */
  windowTotals(brandId: string, fromMs: number, toMs: number): Promise<{ total: number; negative: number }>;
  /** Counts over [fromMs, toMs). */
  windowStats(brandId: string, fromMs: number, toMs: number, filter: WindowFilter): Promise<WindowStats>;
  /** Mentions in [fromMs, toMs) passing the filter, newest first, at most `limit`. */
  windowMentions(brandId: string, fromMs: number, toMs: number, filter: WindowFilter, limit: number): Promise<WindowMention[]>;
  /** When the brand's latest mention before `beforeMs` occurred, or null. */
  lastMentionAt(brandId: string, beforeMs: number): Promise<number | null>;
}

/** The host a mention came from without "www.", or the source id when it has no URL. */
export function siteOf(url: string | null, sourceId: string): string {
  if (url === null) return sourceId;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return sourceId;
  }
}

/** The key that makes two mentions "different sources": their site and their author. */
export function sourceKeyOf(site: string, author: string | null): string {
  return `${site}|${(author ?? '').toLowerCase()}`;
}
