// BrandHistory over mentions held in memory, for backtests: one read from PostgreSQL, then thousands of ticks. Story
// counts read each mention's `opensStory`, which PostgreSQL worked out with the live query's own condition.
import {
  distinctSitesAndAuthors,
  hasKnownSentiment,
  type BrandHistory,
  type WindowFilter,
  type WindowMention,
  type WindowStats,
  type WindowTotals,
} from './brand-history.js';
import { mentionTokens } from './mention-tokens.js';

/** Mentions of one brand, any order. */
export function memoryBrandHistory(mentions: readonly WindowMention[]): BrandHistory {
  const sorted = [...mentions].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id));
  const times = sorted.map((mention) => mention.occurredAt.getTime());
  const range = (fromMs: number, toMs: number) => sorted.slice(lowerBound(times, fromMs), lowerBound(times, toMs));
  const passes = (mention: WindowMention, filter: WindowFilter) =>
    (filter.sentiment === undefined || mention.sentimentLabel === filter.sentiment) &&
    (filter.minReach === undefined || (mention.reach !== null && mention.reach >= filter.minReach));
  // Each mention's distinct words, for the mentions of the last window a keyword rule read (bounded by one window).
  let windowWords = new Map<WindowMention, ReadonlySet<string>>();
  const totalsOf = (inWindow: WindowMention[]): WindowTotals => ({
    total: inWindow.length,
    known: inWindow.filter((mention) => hasKnownSentiment(mention.sentimentLabel)).length,
    negative: inWindow.filter((mention) => mention.sentimentLabel === 'negative').length,
  });
  const history: BrandHistory = {
    async bucketCounts(_brandId, fromMs, toMs, bucketMs, negativeOnly) {
      const counts = new Map<number, number>();
      for (const mention of range(fromMs, toMs)) {
        if (negativeOnly && mention.sentimentLabel !== 'negative') continue;
        const bucket = Math.floor(mention.occurredAt.getTime() / bucketMs) * bucketMs;
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
      return counts;
    },
    async storyBucketCounts(_brandId, fromMs, toMs, bucketMs) {
      const counts = new Map<number, number>();
      for (const mention of range(fromMs, toMs)) {
        if (!mention.opensStory) continue;
        const bucket = Math.floor(mention.occurredAt.getTime() / bucketMs) * bucketMs;
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
      return counts;
    },
    async windowStoryCount(_brandId, fromMs, toMs) {
      return range(fromMs, toMs).filter((mention) => mention.opensStory).length;
    },
    async windowTotals(_brandId, fromMs, toMs) {
      return totalsOf(range(fromMs, toMs));
    },
    async windowStats(_brandId, fromMs, toMs, filter): Promise<WindowStats> {
      const inWindow = range(fromMs, toMs);
      const matching = inWindow.filter((mention) => passes(mention, filter));
      const { sites, authors } = distinctSitesAndAuthors(matching);
      return {
        ...totalsOf(inWindow),
        matching: matching.length,
        matchingSites: sites,
        matchingAuthors: authors,
        firstMatchingAtMs: matching[0]?.occurredAt.getTime() ?? null,
      };
    },
    async windowMentions(_brandId, fromMs, toMs, filter, limit) {
      return range(fromMs, toMs)
        .filter((mention) => passes(mention, filter))
        .reverse()
        .slice(0, limit);
    },
    async keywordCandidates(brandId, fromMs, toMs, filter, phrases, limit) {
      // The live prefilter's rule, on the words brand matching sees: every indexed word of one phrase among the
      // mention's; with a phrase of no indexed word, live reads the window's newest mentions, and so does this.
      const indexed = phrases.map((phrase) => phrase.filter(isIndexedWord));
      if (indexed.some((words) => words.length === 0)) return history.windowMentions(brandId, fromMs, toMs, filter, limit);
      const inWindow = range(fromMs, toMs);
      const kept = new Map<WindowMention, ReadonlySet<string>>();
      const candidates: WindowMention[] = [];
      for (let index = inWindow.length - 1; index >= 0 && candidates.length < limit; index--) {
        const mention = inWindow[index] as WindowMention;
        if (!passes(mention, filter)) continue;
        const words = windowWords.get(mention) ?? new Set(mentionTokens(mention).map((token) => token.word));
        kept.set(mention, words);
        if (indexed.some((phrase) => phrase.every((word) => words.has(word)))) candidates.push(mention);
      }
      // Only the words of the window just read are kept: ticks move forward, so the next window is mostly this one.
      windowWords = kept;
      return candidates;
    },
    async lastMentionAt(_brandId, beforeMs) {
      const index = lowerBound(times, beforeMs) - 1;
      return index >= 0 ? (times[index] ?? null) : null;
    },
  };
  return history;
}

// PostgreSQL leaves a word of more bytes than this out of a search vector and out of a text-search query alike.
const MAX_LEXEME_BYTES = 2047;

function isIndexedWord(word: string): boolean {
  return Buffer.byteLength(word, 'utf8') <= MAX_LEXEME_BYTES;
}

/** The first index whose time is at least `timeMs`. */
function lowerBound(times: readonly number[], timeMs: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] ?? 0) < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}
