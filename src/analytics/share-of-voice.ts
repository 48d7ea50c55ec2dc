// GET /v1/share-of-voice' answer: each brand's part of what the brand and its competitors got, over the whole range
// and per bucket.
import type { Database } from '../store/database.js';
import { sentimentCounts, type SentimentCounts } from '../store/stats-queries.js';
import { bucketStarts, formatBucket, type Interval } from './buckets.js';

export const VOICE_MEASURES = ['mentions', 'reach', 'positive', 'negative'] as const;
export type VoiceMeasure = (typeof VOICE_MEASURES)[number];

export interface ShareOfVoiceRequest {
  brandIds: string[];
  since: Date;
  until: Date;
  interval: Interval;
  zone: string;
  by: VoiceMeasure;
  includeBackfill: boolean;
}

export interface ShareOfVoiceResponse {
  by: VoiceMeasure;
  interval: Interval;
  tz: string;
  since: string;
  until: string;
  data: Array<{ brand: string; value: number; share: number }>;
  series: Array<{ bucket: string; values: Record<string, number>; shares: Record<string, number> }>;
}

export function measureOf(counts: SentimentCounts, by: VoiceMeasure): number {
  return by === 'mentions' ? counts.total : counts[by];
}

/** Each value's part of their sum; all 0 when nothing was counted. Shares of a non-empty sum add up to 1. */
export function sharesOf(values: readonly number[]): number[] {
  const sum = values.reduce((total, value) => total + value, 0);
  return values.map((value) => (sum > 0 ? value / sum : 0));
}

export async function shareOfVoice(database: Database, request: ShareOfVoiceRequest): Promise<ShareOfVoiceResponse> {
  const starts = bucketStarts(request.since, request.until, request.interval, request.zone);
  const rows = await sentimentCounts(
    database,
    { brandIds: request.brandIds, since: request.since, until: request.until, includeBackfill: request.includeBackfill },
    starts,
  );
  const valueAt = new Map(rows.map((row) => [`${row.brandId}\u0000${row.bucketStart?.getTime()}`, measureOf(row, request.by)]));
  const totals = request.brandIds.map((brand) => starts.reduce((sum, start) => sum + (valueAt.get(`${brand}\u0000${start.getTime()}`) ?? 0), 0));
  const totalShares = sharesOf(totals);
  return {
    by: request.by,
    interval: request.interval,
    tz: request.zone,
    since: request.since.toISOString(),
    until: request.until.toISOString(),
    data: request.brandIds.map((brand, index) => ({ brand, value: totals[index] ?? 0, share: totalShares[index] ?? 0 })),
    series: starts.map((start) => {
      const values = request.brandIds.map((brand) => valueAt.get(`${brand}\u0000${start.getTime()}`) ?? 0);
      const shares = sharesOf(values);
      return {
        bucket: formatBucket(start, request.zone),
        values: Object.fromEntries(request.brandIds.map((brand, index) => [brand, values[index] ?? 0])),
        shares: Object.fromEntries(request.brandIds.map((brand, index) => [brand, shares[index] ?? 0])),
      };
    }),
  };
}
