// Benchmark: storing scored mentions row at a time (own transaction each, or all in one) against insertMentions in
// batches, plus a re-insert of the same mentions to show that it adds nothing.
// Usage: npm run bench:insert -- [--rows=N] [--batch=N]   (env: BENCH_INSERT_ROWS, BENCH_INSERT_BATCH)
import { inTransaction, type DatabaseClient } from '../src/store/database.js';
import { insertMentions, type ScoredMention } from '../src/store/mention-store.js';
import {
  createBenchDatabase,
  formatCount,
  makeMentions,
  perSecond,
  printTable,
  scoreMentions,
  sizeOption,
  timed,
  type BenchDatabase,
} from './bench-support.js';

const rowCount = sizeOption('rows', 'BENCH_INSERT_ROWS', 10_000);
const batchSize = sizeOption('batch', 'BENCH_INSERT_BATCH', 1_000);

/**
 * Row at a time is insertMentions called with one mention: the same statements (INSERT ... ON CONFLICT DO NOTHING for
 * the mention, one for its brand links, the source-total upsert), so the only difference measured is the batch size.
 */
async function insertOneMention(client: DatabaseClient, mention: ScoredMention): Promise<void> {
  await insertMentions(client, [mention]);
}

function inBatches<T>(values: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < values.length; start += size) batches.push(values.slice(start, start + size));
  return batches;
}

interface Counts {
  mentions: number;
  links: number;
  sourceTotal: number;
}

async function counts(db: BenchDatabase): Promise<Counts> {
  const { rows } = await db.database.query<Counts>(
    `SELECT (SELECT count(*) FROM mentions)::bigint AS mentions,
            (SELECT count(*) FROM mention_brands)::bigint AS links,
            (SELECT coalesce(sum(mentions_total), 0) FROM sources)::bigint AS "sourceTotal"`,
  );
  return rows[0] ?? { mentions: 0, links: 0, sourceTotal: 0 };
}

async function emptyTables(db: BenchDatabase): Promise<void> {
  await db.database.query('TRUNCATE mentions, mention_brands, sources');
}

interface Run {
  name: string;
  transactions: number;
  ms: number;
  stored: Counts;
}

async function main(): Promise<void> {
  const scored = scoreMentions(makeMentions({ count: rowCount }));
  const expectedLinks = scored.reduce((total, mention) => total + mention.brands.length, 0);
  const db = await createBenchDatabase();
  try {
    const { rows: versionRows } = await db.database.query<{ server_version: string; synchronous_commit: string }>(
      "SELECT current_setting('server_version') AS server_version, current_setting('synchronous_commit') AS synchronous_commit",
    );
    const settings = versionRows[0];
    console.log(`insert batching: ${rowCount.toLocaleString('en-US')} scored mentions (${expectedLinks.toLocaleString('en-US')} brand links), batch size ${batchSize}`);
    console.log(`PostgreSQL ${settings?.server_version} (synchronous_commit=${settings?.synchronous_commit}), database ${db.name}, node ${process.version}`);
    console.log('every method runs insertMentions: row at a time = one mention per call (3 statements: mention, its brand links,');
    console.log('source totals), batched = one call per batch (the same 3 statements for the whole batch)');

    // Warm-up on a few rows (connections, plans), then start from empty tables.
    const client = await db.database.connect();
    try {
      for (const mention of scored.slice(0, 100)) await insertOneMention(client, mention);
    } finally {
      client.release();
    }
    await inTransaction(db.database, (warm) => insertMentions(warm, scored.slice(100, 1100)));
    await emptyTables(db);

    const runs: Run[] = [];
    const perRow = await timed(async () => {
      for (const mention of scored) await inTransaction(db.database, (own) => insertOneMention(own, mention));
    });
    runs.push({ name: 'row at a time, one transaction per mention', transactions: rowCount, ms: perRow.ms, stored: await counts(db) });
    await emptyTables(db);

    const oneTransaction = await timed(() =>
      inTransaction(db.database, async (shared) => {
        for (const mention of scored) await insertOneMention(shared, mention);
      }),
    );
    runs.push({ name: 'row at a time, all in one transaction', transactions: 1, ms: oneTransaction.ms, stored: await counts(db) });
    await emptyTables(db);

    const batches = inBatches(scored, batchSize);
    const batched = await timed(async () => {
      for (const batch of batches) await inTransaction(db.database, (own) => insertMentions(own, batch));
    });
    runs.push({ name: `insertMentions, ${batchSize}-row batches, one transaction each`, transactions: batches.length, ms: batched.ms, stored: await counts(db) });

    const batchedRate = perSecond(rowCount, batched.ms);
    console.log('');
    printTable(
      ['method', 'transactions', 'ms', 'rows/s', 'batched is x faster', 'mentions', 'links', 'source totals'],
      runs.map((run) => {
        const rate = perSecond(rowCount, run.ms);
        return [
          run.name,
          run.transactions.toLocaleString('en-US'),
          formatCount(run.ms),
          formatCount(rate),
          (batchedRate / rate).toFixed(1),
          run.stored.mentions.toLocaleString('en-US'),
          run.stored.links.toLocaleString('en-US'),
          run.stored.sourceTotal.toLocaleString('en-US'),
        ];
      }),
    );

    // The scorer's redelivery case: the same batches again must leave every table as it was.
    const before = await counts(db);
    const again = await timed(async () => {
      let reportedNew = 0;
      for (const batch of batches) {
        const report = await inTransaction(db.database, (own) => insertMentions(own, batch));
        reportedNew += report.insertedIds.length;
      }
      return reportedNew;
    });
    const after = await counts(db);
    console.log(
      `\nre-insert of the same ${rowCount.toLocaleString('en-US')} mentions with insertMentions: ` +
        `${again.result} reported new, ${after.mentions - before.mentions} rows added ` +
        `(mentions ${before.mentions.toLocaleString('en-US')} -> ${after.mentions.toLocaleString('en-US')}, ` +
        `links ${before.links.toLocaleString('en-US')} -> ${after.links.toLocaleString('en-US')}, ` +
        `source totals ${before.sourceTotal.toLocaleString('en-US')} -> ${after.sourceTotal.toLocaleString('en-US')}), ` +
        `${formatCount(again.ms)} ms = ${formatCount(perSecond(rowCount, again.ms))} rows/s`,
    );
  } finally {
    await db.drop();
  }
}

await main();
