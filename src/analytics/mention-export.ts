// Every mention matching a filter, as CSV (RFC 4180, with a header) or NDJSON, streamed in keyset batches: memory
// stays flat however many rows match, and no transaction is held open while a slow client reads. Each batch becomes
// one Buffer at once, so its rows die young (a row kept across garbage collections while a slow socket drains
// would be promoted, and old-space garbage is what grows a process's RSS).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../store/database.js';
import { listMentions, type MentionFilter, type MentionPosition, type StoredMention } from '../store/mention-queries.js';

/** Rows read per query. Larger batches are faster but live through young-generation collections and get promoted:
 * 1 000 rows of 1 KiB texts grew the process by 136 MB over 100 000 rows (test/e2e/export-memory.test.ts), 200 do not. */
export const EXPORT_BATCH = 200;

export const EXPORT_COLUMNS = ['id', 'occurred_at', 'published_at', 'seen_at', 'brands', 'source_id', 'source_type', 'url', 'title',
  'text', 'author', 'lang', 'backfill', 'reach', 'sentiment_label', 'sentiment_score'] as const;

export type ExportFilter = Omit<MentionFilter, 'limit' | 'after'>;
type FormatBatch = (mentions: StoredMention[], first: boolean) => string;

/** One batch, already formatted: the rows are garbage once this returns. */
async function readChunk(database: Database, filter: ExportFilter, after: MentionPosition | undefined, format: FormatBatch, first: boolean) {
  const page = await listMentions(database, { ...filter, limit: EXPORT_BATCH, after });
  return { chunk: Buffer.from(format(page.mentions, first)), next: page.next };
}

/**
 * The formatted batches of every matching mention, newest first. Only a Buffer (outside the JavaScript heap) waits
 * while the client reads; the rows of a batch are never held across that wait.
 */
async function* exportChunks(database: Database, filter: ExportFilter, format: FormatBatch): AsyncGenerator<Buffer> {
  let after: MentionPosition | undefined;
  for (let first = true; ; first = false) {
    const { chunk, next } = await readChunk(database, filter, after, format, first);
    if (chunk.length > 0) yield chunk;
    if (next === null) return;
    after = next;
  }
}

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such text gets a leading '.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as a spreadsheet shows it, never as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvRecord(mention: StoredMention): Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null> {
  return {
    id: mention.id,
    occurred_at: mention.occurredAt.toISOString(),
    published_at: mention.publishedAt?.toISOString() ?? null,
    seen_at: mention.seenAt.toISOString(),
    brands: mention.brands.join(' '),
    source_id: mention.sourceId,
    source_type: mention.sourceType,
    url: mention.url,
    title: mention.title,
    text: mention.text,
    author: mention.author,
    lang: mention.lang,
    backfill: mention.backfill,
    reach: mention.reach,
    sentiment_label: mention.sentiment.label,
    sentiment_score: mention.sentiment.score,
  };
}

const CSV_OPTIONS = {
  columns: [...EXPORT_COLUMNS],
  record_delimiter: 'windows',
  cast: { string: neutralizeFormula, boolean: (value: boolean) => String(value) },
} as const;

/** Matching mentions as CSV: a header row, then one record per mention; CRLF line ends; text cells never formulas. */
export function mentionsCsv(database: Database, filter: ExportFilter): Readable {
  const format: FormatBatch = (mentions, first) => stringify(mentions.map(csvRecord), { ...CSV_OPTIONS, header: first });
  return Readable.from(exportChunks(database, filter, format), { objectMode: false });
}

/** Matching mentions as NDJSON, one object per line, serialised as GET /v1/mentions does. */
export function mentionsNdjson<Shape>(database: Database, filter: ExportFilter, serialize: (mention: StoredMention) => Shape): Readable {
  const format: FormatBatch = (mentions) => mentions.map((mention) => `${JSON.stringify(serialize(mention))}\n`).join('');
  return Readable.from(exportChunks(database, filter, format), { objectMode: false });
}
