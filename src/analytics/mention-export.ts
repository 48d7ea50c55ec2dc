// Every mention matching a filter, as CSV (RFC 4180, with a header) or NDJSON, streamed: memory stays flat however
// many rows match, and no transaction is held open while a slow client reads. CSV is written by PostgreSQL itself
// (store/mention-csv-copy.ts). NDJSON goes through JavaScript (serialised as GET /v1/mentions does) in keyset
// batches; each batch becomes one Buffer at once, so its rows die young (a row kept across garbage collections while
// a slow socket drains would be promoted, and old-space garbage is what grows a process's RSS).
import { Readable } from 'node:stream';
import type { Database } from '../store/database.js';
import { mentionCsvBatches } from '../store/mention-csv-copy.js';
import { listMentions, type MentionFilter, type MentionPosition, type StoredMention } from '../store/mention-queries.js';

/** Rows read per query. Larger batches are faster but live through young-generation collections and get promoted:
 * 1 000 rows of 1 KiB texts grew the process by 136 MB over 100 000 rows (test/e2e/export-memory.test.ts), 200 do not. */
export const EXPORT_BATCH = 200;

export type ExportFilter = Omit<MentionFilter, 'limit' | 'after'>;
type FormatBatch = (mentions: StoredMention[]) => string;

/** One batch, already formatted: the rows are garbage once this returns. */
async function readChunk(database: Database, filter: ExportFilter, after: MentionPosition | undefined, format: FormatBatch) {
  const page = await listMentions(database, { ...filter, limit: EXPORT_BATCH, after });
  return { chunk: Buffer.from(format(page.mentions)), next: page.next };
}

/**
 * The formatted batches of every matching mention, newest first. Only a Buffer (outside the JavaScript heap) waits
 * while the client reads; the rows of a batch are never held across that wait.
 */
async function* exportChunks(database: Database, filter: ExportFilter, format: FormatBatch): AsyncGenerator<Buffer> {
  let after: MentionPosition | undefined;
  for (;;) {
    const { chunk, next } = await readChunk(database, filter, after, format);
    if (chunk.length > 0) yield chunk;
    if (next === null) return;
    after = next;
  }
}

/** Matching mentions as CSV: a header row, then one record per mention; CRLF line ends; text cells never formulas. */
export function mentionsCsv(database: Database, filter: ExportFilter): Readable {
  return Readable.from(mentionCsvBatches(database, filter), { objectMode: false });
}

/** Matching mentions as NDJSON, one object per line, serialised as GET /v1/mentions does. */
export function mentionsNdjson<Shape>(database: Database, filter: ExportFilter, serialize: (mention: StoredMention) => Shape): Readable {
  const format: FormatBatch = (mentions) => mentions.map((mention) => `${JSON.stringify(serialize(mention))}\n`).join('');
  return Readable.from(exportChunks(database, filter, format), { objectMode: false });
}
