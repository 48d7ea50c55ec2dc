// GET /v1/stats' answer: mentions per brand and calendar bucket, by sentiment or by source, site, language or
// author, every bucket present (zero-filled).
import type { Database } from '../store/database.js';
import {
  facetCounts,
  sentimentCounts,
  type Facet,
  type FacetRow,
  type SentimentCounts,
} from '../store/stats-queries.js';
import { bucketStarts, formatBucket, type Interval } from './buckets.js';

export const GROUPINGS = ['sentiment', 'source', 'site', 'lang', 'author', 'none'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The key of the row that sums every key past the `keys` most frequent. */
export const OTHER_KEYS = '(other)';

export interface StatsRequest {
  brandIds: string[];
  since: Date;
  until: Date;
  interval: Interval;
  zone: string;
  groupBy: Grouping;
  includeBackfill: boolean;
  /** With a facet grouping: how many keys get their own rows (the most mentioned), the rest summed as OTHER_KEYS. */
  keys: number;
}

export interface SentimentStatsRow extends SentimentCounts {
  brand: string;
  bucket: string;
}

export interface KeyedStatsRow {
  brand: string;
  bucket: string;
  /** The source, site, language or author; null for none (no author, no language, or group_by=none). */
  key: string | null;
  total: number;
  negative: number;
  reach: number;
}

export interface StatsResponse {
  interval: Interval;
  tz: string;
  group_by: Grouping;
  since: string;
  until: string;
  data: Array<SentimentStatsRow | KeyedStatsRow>;
}

const ZERO: SentimentCounts = { total: 0, positive: 0, neutral: 0, negative: 0, unknown: 0, reach: 0 };

const rowId = (brandId: string, bucketStart: Date | null) => `${brandId}\u0000${bucketStart?.getTime() ?? ''}`;

export async function brandStatistics(database: Database, request: StatsRequest): Promise<StatsResponse> {
  const starts = bucketStarts(request.since, request.until, request.interval, request.zone);
  const scope = { brandIds: request.brandIds, since: request.since, until: request.until, includeBackfill: request.includeBackfill };
  const head = {
    interval: request.interval,
    tz: request.zone,
    group_by: request.groupBy,
    since: request.since.toISOString(),
    until: request.until.toISOString(),
  };
  if (request.groupBy === 'sentiment' || request.groupBy === 'none') {
    const counted = new Map((await sentimentCounts(database, scope, starts)).map((row) => [rowId(row.brandId, row.bucketStart), row]));
    const buckets = starts.map((start) => formatBucket(start, request.zone));
    const data = request.brandIds.flatMap((brand) =>
      starts.map((start, index) => {
        const { total, positive, neutral, negative, unknown, reach } = counted.get(rowId(brand, start)) ?? ZERO;
        const bucket = buckets[index] as string;
        return request.groupBy === 'none'
          ? { brand, bucket, key: null, total, negative, reach }
          : { brand, bucket, total, positive, neutral, negative, unknown, reach };
      }),
    );
    return { ...head, data };
  }
  const rows = await facetCounts(database, scope, request.groupBy, starts);
  return { ...head, data: keyedRows(rows, request, starts) };
}

/** Every kept key of every brand in every bucket; the keys past `keys` summed into OTHER_KEYS. */
function keyedRows(rows: readonly FacetRow[], request: StatsRequest, starts: readonly Date[]): KeyedStatsRow[] {
  const data: KeyedStatsRow[] = [];
  const buckets = starts.map((start) => formatBucket(start, request.zone));
  for (const brand of request.brandIds) {
    const brandRows = rows.filter((row) => row.brandId === brand);
    const kept = topKeys(brandRows, request.keys);
    const cells = new Map<string, KeyedStatsRow>();
    const keyOf = (key: string) => (kept.includes(key) ? key : OTHER_KEYS);
    const folds = brandRows.some((row) => !kept.includes(row.key));
    const keys = folds ? [...kept, OTHER_KEYS] : kept;
    for (const [index, start] of starts.entries()) {
      for (const key of keys) {
        const row = { brand, bucket: buckets[index] as string, key: key === '' ? null : key, total: 0, negative: 0, reach: 0 };
        cells.set(`${start.getTime()}\u0000${key}`, row);
        data.push(row);
      }
    }
    for (const row of brandRows) {
      const cell = cells.get(`${row.bucketStart?.getTime()}\u0000${keyOf(row.key)}`);
      if (cell === undefined) continue;
      cell.total += row.total;
      cell.negative += row.negative;
      cell.reach += row.reach;
    }
  }
  return data;
}

function topKeys(rows: readonly FacetRow[], limit: number): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) ?? 0) + row.total);
  return [...totals.entries()]
    .sort(([keyA, totalA], [keyB, totalB]) => totalB - totalA || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
    .slice(0, limit)
    .map(([key]) => key);
}

export type { Facet };
