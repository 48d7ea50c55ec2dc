// What rule evaluation reads about a brand's past: live it is PostgreSQL, in a backtest the same rows in memory,
// so both run the very same rules.
import { SCORED_LABELS, type ScoredLabel as SentimentLabel } from '../sentiment/sentiment-label.js';

export type { SentimentLabel };

/**
 * The labels a sentiment scorer gives. A mention whose language has no scorer is `unknown` and is left out of every
 * share (negative share = negative / mentions with one of these).
 */
export const KNOWN_SENTIMENT_LABELS: readonly string[] = SCORED_LABELS;

export function hasKnownSentiment(label: string): boolean {
  return KNOWN_SENTIMENT_LABELS.includes(label);
}

export interface WindowFilter {
  sentiment?: SentimentLabel;
  minReach?: number;
}

export interface WindowTotals {
  /** All mentions of the brand in the window (backfill never counts). */
  total: number;
  /** Those with a known sentiment label: the denominator of a negative share. */
  known: number;
  negative: number;
}

export interface WindowStats extends WindowTotals {
  /** Mentions passing the filter. */
  matching: number;
  /** Distinct sites (hosts) the matching mentions came from: "spreads", not one site. */
  matchingSites: number;
  /** Distinct authors (per site) of the matching mentions; mentions without an author add none. */
  matchingAuthors: number;
  /** When the earliest matching mention occurred; null with none. */
  firstMatchingAtMs: number | null;
}

export interface WindowMention {
  id: string;
  url: string | null;
  title: string | null;
  content: string;
  author: string | null;
  sourceId: string;
  site: string;
  /** As stored: one of the scorer's labels, or another (a language without a scorer), left out of shares. */
  sentimentLabel: string;
  /** null when the label is `unknown` (no scorer for its language). */
  sentimentScore: number | null;
  reach: number | null;
  publishedAt: Date | null;
  occurredAt: Date;
  /** The story it belongs to for this brand (stories/), null until assigned: what a rule about stories groups by. */
  storyId: string | null;
  /**
   * Whether this is the first mention of its story for the brand (the earliest stored, backfill included; equal
   * times by mention id): what `count: stories` counts. A mention without a story (stored before stories existed)
   * is a story of its own.
   */
  opensStory: boolean;
}

export interface BrandHistory {
  /** Mentions per bucket in [fromMs, toMs), keyed by bucket start; `negativeOnly` counts the negative stream. */
  bucketCounts(brandId: string, fromMs: number, toMs: number, bucketMs: number, negativeOnly: boolean): Promise<Map<number, number>>;
  /**
   * The brand's stories per bucket in [fromMs, toMs), keyed by bucket start: a story counts once, in the bucket of
   * its first mention, and only if that mention is not backfill (its later mentions, in any bucket, add nothing).
   */
  storyBucketCounts(brandId: string, fromMs: number, toMs: number, bucketMs: number): Promise<Map<number, number>>;
  /** Stories of the brand whose first mention falls in [fromMs, toMs), counted as storyBucketCounts counts them. */
  windowStoryCount(brandId: string, fromMs: number, toMs: number): Promise<number>;
  /** All, known-sentiment and negative mentions over [fromMs, toMs): the cheap count for long spans. */
  windowTotals(brandId: string, fromMs: number, toMs: number): Promise<WindowTotals>;
  /** Counts over [fromMs, toMs). */
  windowStats(brandId: string, fromMs: number, toMs: number, filter: WindowFilter): Promise<WindowStats>;
  /** Mentions in [fromMs, toMs) passing the filter, newest first, at most `limit`. */
  windowMentions(brandId: string, fromMs: number, toMs: number, filter: WindowFilter, limit: number): Promise<WindowMention[]>;
  /**
   * Mentions in [fromMs, toMs) passing the filter that may contain one of `phrases` (each a term's folded words, as
   * wordTokens gives them), newest first, at most `limit`: every mention whose words include all of one phrase's
   * words is among them (never fewer), and others may be; the caller confirms each with the brand matcher.
   */
  keywordCandidates(brandId: string, fromMs: number, toMs: number, filter: WindowFilter, phrases: readonly (readonly string[])[], limit: number): Promise<WindowMention[]>;
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

/** The key that makes two mentions "different authors": the same name on two sites is two people. */
export function authorKeyOf(site: string, author: string | null): string | null {
  return author === null || author.trim() === '' ? null : `${site}|${author.toLowerCase()}`;
}

/** Distinct sites and authors among mentions, counted as the SQL history counts them. */
export function distinctSitesAndAuthors(mentions: readonly WindowMention[]): { sites: number; authors: number } {
  const authors = new Set(mentions.map((mention) => authorKeyOf(mention.site, mention.author)));
  authors.delete(null);
  return { sites: new Set(mentions.map((mention) => mention.site)).size, authors: authors.size };
}

/** The negative share of a window: null when no mention has a known sentiment. */
export function negativeShareOf(totals: WindowTotals): number | null {
  return totals.known > 0 ? totals.negative / totals.known : null;
}
