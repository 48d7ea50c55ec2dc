// GET /v1/top's answer: the sites, authors, sources, terms or hashtags that carried a brand's mentions.
import type { Database } from '../store/database.js';
import { facetCounts, sampleMentionTexts, type CountScope } from '../store/stats-queries.js';
import { rankTerms } from './terms.js';

export const TOP_DIMENSIONS = ['site', 'author', 'source', 'lang', 'term', 'hashtag'] as const;
export type TopDimension = (typeof TOP_DIMENSIONS)[number];

/** Terms and hashtags are counted in at most this many texts (a sample spread over the range when there are more). */
export const TERM_SAMPLE_MENTIONS = 5_000;

export interface TopRow {
  key: string;
  mentions: number;
  negative: number;
  negative_share: number;
  reach: number;
}

export interface TopResponse {
  by: TopDimension;
  since: string;
  until: string;
  data: TopRow[];
  /** Terms and hashtags from a sample: how many texts were read of how many, and whether counts are scaled up. */
  sample: { mentions: number; of: number; estimated: boolean } | null;
}

export interface TopRequest {
  brandId: string;
  since: Date;
  until: Date;
  by: TopDimension;
  limit: number;
  includeBackfill: boolean;
  /** Folded words of the brand's own keywords, never counted as terms. */
  brandWords: ReadonlySet<string>;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

export async function topOfBrand(database: Database, request: TopRequest): Promise<TopResponse> {
  const scope: CountScope = { brandIds: [request.brandId], since: request.since, until: request.until, includeBackfill: request.includeBackfill };
  const head = { by: request.by, since: request.since.toISOString(), until: request.until.toISOString() };
  if (request.by === 'term' || request.by === 'hashtag') {
    const sample = await sampleMentionTexts(database, request.brandId, scope, TERM_SAMPLE_MENTIONS);
    const read = sample.mentions.length;
    const scale = read > 0 ? sample.of / read : 1;
    const ranked = rankTerms(sample.mentions, request.by, request.brandWords, request.limit);
    return {
      ...head,
      data: ranked.map((term) => ({
        key: term.key,
        mentions: Math.round(term.mentions * scale),
        negative: Math.round(term.negative * scale),
        negative_share: ratio(term.negative, term.mentions),
        reach: Math.round(term.reach * scale),
      })),
      sample: { mentions: read, of: sample.of, estimated: read < sample.of },
    };
  }
  const rows = await facetCounts(database, scope, request.by, null);
  const data = rows
    // A mention without an author or language is not an author or language.
    .filter((row) => row.key !== '')
    .sort((a, b) => b.total - a.total || b.negative - a.negative || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, request.limit)
    .map((row) => ({ key: row.key, mentions: row.total, negative: row.negative, negative_share: ratio(row.negative, row.total), reach: row.reach }));
  return { ...head, data, sample: null };
}
