// Mentions as CSV straight from PostgreSQL (COPY ... TO STDOUT WITH (FORMAT csv)): PostgreSQL quotes and escapes,
// so the process only moves bytes and an export runs at the speed of the database, not of per-row JavaScript.
// Rows come in keyset batches of separate short statements: none runs long enough for api.query_timeout, and no
// statement or transaction stays open while a slow client reads.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from './database.js';
import { mentionFilterSql, type MentionFilter, type MentionFilterSql, type MentionPosition } from './mention-queries.js';

/** Rows per COPY statement: about 5 MB of CSV at 1 KiB texts, held as one Buffer (outside the JavaScript heap). */
export const CSV_COPY_BATCH = 5_000;

export const CSV_COLUMNS = ['id', 'occurred_at', 'published_at', 'seen_at', 'brands', 'source_id', 'source_type', 'url', 'title',
  'text', 'author', 'lang', 'backfill', 'reach', 'sentiment_label', 'sentiment_score'] as const;

// A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a formula (CSV injection): such
// text gets a leading ', as neutralizeFormula() does in TypeScript. Numbers are not text and keep their minus sign.
// ascii() reads one character; = + - @ tab CR are 61 43 45 64 9 13.
const neutralized = (text: string) => `CASE WHEN ascii(${text}) IN (61, 43, 45, 64, 9, 13) THEN '''' || ${text} ELSE ${text} END`;
// As Date.toISOString() writes it.
const isoTime = (time: string) => `to_char(${time} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const CELLS: Record<(typeof CSV_COLUMNS)[number], string> = {
  id: neutralized('m.id'),
  occurred_at: isoTime('m.occurred_at'),
  published_at: isoTime('m.published_at'),
  seen_at: isoTime('m.seen_at'),
  brands: neutralized('linked.brands'),
  source_id: neutralized('m.source_id'),
  source_type: neutralized('m.source_type'),
  url: neutralized('m.url'),
  title: neutralized('m.title'),
  text: neutralized('m.content'),
  author: neutralized('m.author'),
  lang: neutralized('m.lang'),
  backfill: 'm.backfill::text',
  reach: 'm.reach',
  sentiment_label: neutralized('m.sentiment_label'),
  sentiment_score: 'm.sentiment_score',
};

const SELECT_CELLS = CSV_COLUMNS.map((column) => `${CELLS[column]} AS "${column}"`).join(', ');
const LINKED_BRANDS = `CROSS JOIN LATERAL (SELECT array_to_string(ARRAY(
  SELECT brand_id FROM mention_brands WHERE mention_id = m.id AND occurred_at = m.occurred_at ORDER BY brand_id), ' ') AS brands) AS linked`;

/**
 * A time as PostgreSQL reads it, as node-pg writes a bound Date: ISO 8601 has a year 0000 and six-digit years,
 * PostgreSQL has neither (1 BC is `0001 … BC`), so `toISOString()` would make a valid filter a SQL error.
 */
function timestampText(time: Date): string {
  const isoYear = time.getUTCFullYear();
  const year = String(isoYear <= 0 ? 1 - isoYear : isoYear).padStart(4, '0');
  const rest = time.toISOString().replace(/^[+-]?\d+/, '').replace('T', ' ').replace('Z', '+00');
  return `${year}${rest}${isoYear <= 0 ? ' BC' : ''}`;
}

/** A value as a SQL literal: COPY takes no bind parameters. */
export function sqlLiteral(value: unknown): string {
  if (value instanceof Date) return `${pg.escapeLiteral(timestampText(value))}::timestamptz`;
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/** An export reads every match, so a full-text query is one more condition on the walk. */
function withMatch(walk: MentionFilterSql): MentionFilterSql {
  return walk.match === undefined ? walk : { ...walk, conditions: [...walk.conditions, `m.search @@ ${walk.match}`] };
}

const whereOf = (conditions: readonly string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

/** The key of the last row of the next batch, or null when the rest fits in one batch. */
async function batchEnd(database: Database, walk: MentionFilterSql, batchRows: number): Promise<MentionPosition | null> {
  const { rows } = await database.query<{ occurred_at: Date; id: string }>(
    `SELECT ${walk.timeColumn} AS occurred_at, ${walk.idColumn} AS id FROM ${walk.from} ${whereOf(walk.conditions)}
      ORDER BY ${walk.order} OFFSET ${batchRows - 1} LIMIT 1`,
  );
  const row = rows[0];
  return row === undefined ? null : { occurredAt: row.occurred_at, id: row.id };
}

/** Everything one COPY statement writes, read as fast as PostgreSQL sends it so the connection goes back at once. */
async function copyOut(database: Database, sql: string): Promise<Buffer> {
  const client = await database.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
    client.release();
    return Buffer.concat(chunks);
  } catch (error) {
    // A connection that failed mid-COPY is not handed to anyone else.
    client.release(error as Error);
    throw error;
  }
}

const QUOTE = 0x22;
const LF = 0x0a;

/** Where the records of COPY's CSV end: each LF outside a quoted cell. */
function recordEnds(csv: Buffer): number[] {
  const ends: number[] = [];
  let at = 0;
  // The next quote is looked up again only once passed: searching from every record would rescan long quote-free runs.
  let quote = csv.indexOf(QUOTE);
  for (;;) {
    const lineFeed = csv.indexOf(LF, at);
    if (lineFeed === -1) return ends;
    if (quote === -1 || lineFeed < quote) {
      ends.push(lineFeed);
      at = lineFeed + 1;
      continue;
    }
    // A quoted cell: it ends at the first quote not doubled ("" is a quote inside it).
    let closing = csv.indexOf(QUOTE, quote + 1);
    while (closing !== -1 && csv[closing + 1] === QUOTE) closing = csv.indexOf(QUOTE, closing + 2);
    if (closing === -1) return ends;
    at = closing + 1;
    quote = csv.indexOf(QUOTE, at);
  }
}

/**
 * COPY ends records with LF; RFC 4180 wants CRLF. Line breaks inside quoted cells are the cell's own and stay.
 * A batch is whole records. Native indexOf finds the few bytes that matter, so the text itself is never walked in
 * JavaScript.
 */
export function withCrlfRecordEnds(csv: Buffer): Buffer {
  const ends = recordEnds(csv);
  const out = Buffer.allocUnsafe(csv.length + ends.length);
  let from = 0;
  let to = 0;
  for (const end of ends) {
    to += csv.copy(out, to, from, end);
    out[to++] = 0x0d;
    out[to++] = LF;
    from = end + 1;
  }
  csv.copy(out, to, from);
  return out;
}

/** CSV of every mention matching `filter` (a header first), newest first, one Buffer per batch of `batchRows`. */
export async function* mentionCsvBatches(
  database: Database,
  filter: Omit<MentionFilter, 'limit' | 'after'>,
  batchRows = CSV_COPY_BATCH,
): AsyncGenerator<Buffer> {
  let after: MentionPosition | undefined;
  for (let first = true; ; first = false) {
    const walk = withMatch(mentionFilterSql({ ...filter, after }, sqlLiteral));
    const end = await batchEnd(database, walk, batchRows);
    // The plain time bound prunes time partitions; the row comparison is the exact one.
    const conditions =
      end === null
        ? walk.conditions
        : [...walk.conditions, `${walk.timeColumn} >= ${sqlLiteral(end.occurredAt)}`,
            `(${walk.timeColumn}, ${walk.idColumn}) >= (${sqlLiteral(end.occurredAt)}, ${sqlLiteral(end.id)})`];
    const csv = await copyOut(
      database,
      `COPY (SELECT ${SELECT_CELLS} FROM ${walk.from} ${LINKED_BRANDS} ${whereOf(conditions)}
              ORDER BY ${walk.order})
         TO STDOUT WITH (FORMAT csv, HEADER ${first ? 'true' : 'false'})`,
    );
    if (csv.length > 0) yield withCrlfRecordEnds(csv);
    if (end === null) return;
    after = end;
  }
}
