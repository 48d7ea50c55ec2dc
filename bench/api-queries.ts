// Benchmark: GET /v1/mentions over a large history, through HTTP against the SQL it sends: latency of each filter
// and of deep keyset pages from a client of the API as deployed (`buzzwatch start --role api`, its own process,
// logging at info) and of the page's SQL sent by itself on a pool like the API's (raw SQL), their ratio (the API's
// own cost), search under concurrent load, and the plans PostgreSQL picks, checked against the indexes made for them.
// The client reads each answer whole and checks its status and length; it parses one per query to check the page.
// Usage: npm run bench:api -- [--mentions=N] [--repeats=N] [--concurrency=N] [--also-in-process] [--profile=DIR]
//   [--api-from=DIR] [--bodies=DIR]
//   (env BENCH_API_LOG_LEVEL: the api process's LOG_LEVEL, default info as deployed)
//   --profile runs the api process under node --cpu-prof, writes its profile to DIR and prints its top functions
//   --api-from runs the api process of another checkout (a copy of main inside this one, so that it finds this
//   checkout's node_modules: `git archive main | tar -x -C scratch/main-copy`), to compare two versions on one database
//   --bodies writes the first answer of each query to DIR (NN.json, in the order of the table), to check that two
//   versions of the API answer byte for byte the same
//   --also-in-process also measures, in turn with the others, the way figures were taken before: the app inside the
//   benchmark's process (logger silent), every answer parsed by the client
//   (env: BENCH_API_MENTIONS, BENCH_API_REPEATS, BENCH_API_CONCURRENCY; BENCH_API_KEEP=1 keeps the loaded database
//   and prints its name, BENCH_API_DATABASE=name measures that database again without loading)
//   --load=sql generates the history inside PostgreSQL (bench/sql-mention-load.ts), the default from 1,000,000
//   mentions (loading a million rows through insertMentions leaves the bench process a heap whose collections land in
//   the API's p95: worst p95 ratio 7.3 against 2.6 on the same machine); --load=insert stores it with insertMentions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCursor } from '../src/api/cursor.js';
import { parseConfig } from '../src/config/load-config.js';
import type { SentimentLabel } from '../src/sentiment/sentiment-label.js';
import { createDatabase, inTransaction, type Database } from '../src/store/database.js';
import { listMentions, type MentionFilter, type MentionPosition } from '../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../src/store/mention-store.js';
import {
  BENCH_BRANDS,
  BENCH_SOURCE_IDS,
  createBenchDatabase,
  formatCount,
  makeMentions,
  median,
  percentile,
  perSecond,
  printTable,
  seededRandom,
  sizeOption,
  timed,
} from './bench-support.js';
import { createMonthsOfSpan, loadMentionsInSql } from './sql-mention-load.js';
import type { GetPage } from './api-client.js';
import { apiInProcess, apiProcess, type ApiUnderTest } from './api-under-test.js';
import { printProfile } from './cpu-profile-summary.js';
import { testDatabaseUrl } from '../test/helpers/services.js';

const mentionCount = sizeOption('mentions', 'BENCH_API_MENTIONS', 200_000);
const loadInSql = (process.argv.find((argument) => argument.startsWith('--load='))?.slice(7) ?? (mentionCount >= 1_000_000 ? 'sql' : 'insert')) === 'sql';
// Timed calls per query (each API and its SQL). A p95 is a rank: of n samples it is the ceil(0.95 n)-th, and where the
// true 95th percentile falls among them is uncertain by about 2 sqrt(0.05 × 0.95 × n) ranks. Of 100 samples (the
// default until 2026-12-05) the p95 was the 6th-worst value and anything from the 90th to the 99th percentile; of 300 it
// is the 16th-worst, within the 92.5th-97.5th, so a ratio of two p95s moves less from run to run.
const repeats = sizeOption('repeats', 'BENCH_API_REPEATS', 300);
const concurrency = sizeOption('concurrency', 'BENCH_API_CONCURRENCY', 16);
const alsoInProcess = process.argv.includes('--also-in-process');
const apiLogLevel = process.env.BENCH_API_LOG_LEVEL || 'info';
const profileDir = process.argv.find((argument) => argument.startsWith('--profile='))?.slice(10);
const bodiesDir = process.argv.find((argument) => argument.startsWith('--bodies='))?.slice(9) || undefined;
const apiRoot = process.argv.find((argument) => argument.startsWith('--api-from='))?.slice(11) || undefined;
// A directory of this run's own, so that the profile printed is this run's.
const profileRunDir = profileDir === undefined || profileDir === '' ? undefined : join(resolve(profileDir), `api-${new Date().toISOString().replace(/[:.]/g, '-')}`);
// Requests per concurrent client in the search-under-load table.
const LOAD_REQUESTS_PER_CLIENT = 8;
const API_KEY = 'bench-api-key-0123456789';
const SPAN_DAYS = 180;
const LOAD_BATCH = 1_000;
// Batches in flight while loading; loading is set-up, not what is measured.
const LOAD_CONCURRENCY = 4;
const PAGE_LIMIT = 50; // the API's default limit
// A busy source that stopped producing (a feed that broke, or was dropped from the config but keeps its history):
// its rows are common overall yet absent from the newest part of the time index.
const QUIET_SOURCE = 'feed-01';
const QUIET_DAYS = 60;
const QUIET_SOURCE_TAKEN_OVER_BY = 'feed-02';

function withQuietSource(mentions: ScoredMention[], newest: Date): ScoredMention[] {
  const quietSince = newest.getTime() - QUIET_DAYS * 86_400_000;
  return mentions.map((mention) =>
    mention.sourceId === QUIET_SOURCE && Date.parse(mention.seenAt) >= quietSince
      ? { ...mention, sourceId: QUIET_SOURCE_TAKEN_OVER_BY }
      : mention,
  );
}

/**
 * Sentiment drawn at random instead of scored: scoring 200 000 texts would take longer than the whole benchmark,
 * and these queries only filter on the label.
 */
function withSyntheticSentiment(mentions: ReturnType<typeof makeMentions>): ScoredMention[] {
  const random = seededRandom(7);
  return mentions.map((mention) => {
    const draw = random();
    const label: SentimentLabel = draw < 0.5 ? 'neutral' : draw < 0.8 ? 'positive' : 'negative';
    const magnitude = label === 'neutral' ? random() * 0.5 : 0.5 + random() * 3;
    return { ...mention, sentiment: { label, score: label === 'negative' ? -magnitude : magnitude } };
  });
}

async function load(database: Database, mentions: ScoredMention[]): Promise<void> {
  let next = 0;
  const loader = async () => {
    while (next < mentions.length) {
      const batch = mentions.slice(next, next + LOAD_BATCH);
      next += LOAD_BATCH;
      await inTransaction(database, (client) => insertMentions(client, batch));
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, loader));
}

interface CapturedQuery {
  text: string;
  values: unknown[];
}

/**
 * The pool, except that each query's text and parameters are also handed to `sink` (to EXPLAIN them later, and to send
 * them alone as the raw SQL, read as pg reads rows by default: as objects, whatever row mode the caller asked for).
 */
function capturingDatabase(database: Database, sink: (query: CapturedQuery) => void): Database {
  const capturing = Object.create(database) as Database;
  capturing.query = ((textOrConfig: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
    sink(typeof textOrConfig === 'string' ? { text: textOrConfig, values: values ?? [] } : { text: textOrConfig.text, values: textOrConfig.values ?? [] });
    return database.query(textOrConfig as string, values);
  }) as Database['query'];
  return capturing;
}

async function positionAfter(database: Database, rows: number, brand?: string): Promise<MentionPosition> {
  const { rows: found } = brand === undefined
    ? await database.query<{ occurred_at: Date; id: string }>(
        'SELECT occurred_at, id FROM mentions ORDER BY occurred_at DESC, id DESC OFFSET $1 LIMIT 1',
        [rows - 1],
      )
    : await database.query<{ occurred_at: Date; id: string }>(
        `SELECT occurred_at, mention_id AS id FROM mention_brands WHERE brand_id = $2
         ORDER BY occurred_at DESC, mention_id DESC OFFSET $1 LIMIT 1`,
        [rows - 1, brand],
      );
  const row = found[0];
  if (row === undefined) throw new Error(`fewer than ${rows} mentions${brand === undefined ? '' : ` for ${brand}`}`);
  return { occurredAt: row.occurred_at, id: row.id };
}

interface QueryCase {
  name: string;
  filter: MentionFilter;
  /** The index 001_core.sql made for this walk; the plan's main scan should use it. */
  intendedIndex: string;
  /**
   * Another index that is as good here: for a value that is common everywhere in time, walking the time index and
   * filtering finds a page about as fast as the narrower index does.
   */
  alsoFine?: string;
  /** Print the whole plan, not only its summary. */
  showPlan?: boolean;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

interface ExplainOutput {
  Plan: PlanNode;
  'Execution Time': number;
}

interface ScanSummary {
  description: string;
  indexName: string | undefined;
  inSubPlan: boolean;
}

// Each partition's index under the name of the partitioned index it belongs to (mentions_p202606_occurred_at_id_idx
// is mentions_by_time), and each partition under its table's: a plan is judged and shown by what it walks.
const partitionParents = new Map<string, string>();

async function loadPartitionParents(database: Database): Promise<void> {
  const { rows } = await database.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent`,
  );
  for (const row of rows) partitionParents.set(row.child, row.parent);
}

/** Scans of the same kind on the partitions of one table (or index) as one line, with how many partitions. */
function mergedByParent(scans: readonly ScanSummary[]): ScanSummary[] {
  const merged = new Map<string, ScanSummary & { partitions: number; rows: number; removed: number }>();
  for (const scan of scans) {
    const [, kind = '', target = '', rows = '0', removed = '0'] = /^(.*?) (\S+) \((\d+) rows(?:, (\d+) removed by filter)?\)$/.exec(scan.description) ?? [];
    const key = `${kind} ${target} ${scan.inSubPlan}`;
    const entry = merged.get(key) ?? { ...scan, partitions: 0, rows: 0, removed: 0 };
    entry.partitions += 1;
    entry.rows += Number(rows);
    entry.removed += Number(removed);
    entry.description = `${kind} ${target}${entry.partitions > 1 ? ` ×${entry.partitions}` : ''} (${entry.rows} rows${entry.removed > 0 ? `, ${entry.removed} removed by filter` : ''})`;
    merged.set(key, entry);
  }
  return [...merged.values()];
}

function scansOf(node: PlanNode, inSubPlan = false): ScanSummary[] {
  // A MATERIALIZED CTE (listMentions' full-text "hits") is part of the main query, not the per-row brands subplan.
  const isCte = node['Subplan Name']?.startsWith('CTE ') === true;
  const underSubPlan =
    inSubPlan || node['Parent Relationship'] === 'SubPlan' || (node['Parent Relationship'] === 'InitPlan' && !isCte);
  const scans: ScanSummary[] = [];
  if ((node['Node Type'].includes('Scan') && node['Relation Name'] !== undefined) || node['Index Name'] !== undefined) {
    const indexName = node['Index Name'] === undefined ? undefined : (partitionParents.get(node['Index Name']) ?? node['Index Name']);
    const relationName = node['Relation Name'] === undefined ? undefined : (partitionParents.get(node['Relation Name']) ?? node['Relation Name']);
    const target = indexName ?? `${relationName}`;
    const rows = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
    const removed = node['Rows Removed by Filter'] !== undefined ? `, ${node['Rows Removed by Filter'] * (node['Actual Loops'] ?? 1)} removed by filter` : '';
    scans.push({
      description: `${node['Node Type']} ${target} (${rows} rows${removed})`,
      indexName,
      inSubPlan: underSubPlan,
    });
  }
  for (const child of node.Plans ?? []) scans.push(...scansOf(child, underSubPlan));
  return scans;
}

/** Whether the main part of a plan (the per-row brands subplan aside) walks the index meant for it. */
function indexVerdict(queryCase: QueryCase, mainScans: readonly ScanSummary[]): string {
  // A month with no rows yet (or the default partition) is read by a sequential scan of nothing: not a miss.
  const sequential = mainScans.find(
    (scan) => (scan.description.startsWith('Seq Scan') || scan.description.startsWith('Parallel Seq Scan')) && !/\(0 rows\)$/.test(scan.description),
  );
  if (sequential !== undefined) return `NO: ${sequential.description.replace(/ \(.*/, '')}`;
  if (mainScans.some((scan) => scan.indexName === queryCase.intendedIndex)) return `yes (${queryCase.intendedIndex})`;
  if (queryCase.alsoFine !== undefined && mainScans.some((scan) => scan.indexName === queryCase.alsoFine)) {
    return `fine (${queryCase.alsoFine}: value common in time)`;
  }
  return `NO, wanted ${queryCase.intendedIndex}`;
}

async function explain(database: Database, query: CapturedQuery, format: 'JSON' | 'TEXT'): Promise<string | ExplainOutput> {
  const { rows } = await database.query<Record<string, unknown>>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT ${format}) ${query.text}`, query.values);
  if (format === 'TEXT') return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
  const [output] = rows[0]?.['QUERY PLAN'] as ExplainOutput[];
  if (output === undefined) throw new Error('EXPLAIN returned no plan');
  return output;
}

/** GET /v1/mentions parameters for `filter`. */
function pathOf(filter: MentionFilter): string {
  const parameters = new URLSearchParams();
  if (filter.brand !== undefined) parameters.set('brand', filter.brand);
  if (filter.source !== undefined) parameters.set('source', filter.source);
  if (filter.sentiment !== undefined) parameters.set('sentiment', filter.sentiment);
  if (filter.q !== undefined) parameters.set('q', filter.q);
  if (filter.since !== undefined) parameters.set('since', filter.since.toISOString());
  if (filter.until !== undefined) parameters.set('until', filter.until.toISOString());
  parameters.set('limit', String(filter.limit));
  if (filter.after !== undefined) parameters.set('cursor', encodeCursor(filter.after));
  return `/v1/mentions?${parameters.toString()}`;
}

/**
 * The config the API runs with: the bench's brands, and its sources as configured RSS feeds except the quiet one,
 * which was dropped from the config and keeps its history (the API looks such a source up in the database).
 */
function benchConfigJson(): string {
  return JSON.stringify({
      brands: BENCH_BRANDS.map((brand) => ({ id: brand.id, name: brand.name, keywords: brand.keywords, exclude: brand.exclude, competitors: brand.competitors })),
      sources: BENCH_SOURCE_IDS.filter((id) => id !== QUIET_SOURCE).map((id) => ({ id, type: 'rss', url: `https://www.${id}.example.com/feed.xml` })),
      // No request budget worth the name: the benchmark sends thousands of requests with one key.
    api: { keys: [{ name: 'bench', key: API_KEY, scope: 'read' }], rate_limit: { max: 100_000_000 } },
  });
}

interface Figures {
  rows: number;
  bytes: number;
  /** CPU the api process used per timed request (ms, all its threads). */
  apiCpuMs: number;
  sqlMs: number[];
  /** One list per API measured, in the order given. */
  apiMs: number[][];
  /** The first API's first answer. */
  body: Buffer | undefined;
}

/**
 * Raw-SQL and API samples taken in turn, so that all see the same machine load. The first answer of each API is
 * parsed: its page must hold the rows the SQL finds.
 */
async function measureCase(
  apis: readonly GetPage[],
  apiCpuMs: () => number,
  sql: Database,
  path: string,
  query: CapturedQuery,
  limit: number,
): Promise<Figures> {
  const { rows: found } = await sql.query(query.text, query.values);
  const rows = Math.min(found.length, limit);
  let bytes = 0;
  let body: Buffer | undefined;
  for (const get of apis) {
    const answer = await get(path, { parse: true });
    if (answer.rows !== rows) throw new Error(`${path}: the API answered ${answer.rows} mentions, its SQL finds ${rows}`);
    bytes = answer.bytes;
    body ??= answer.body;
  }
  for (let warmUp = 0; warmUp < 3; warmUp++) {
    for (const get of apis) await get(path);
    await sql.query(query.text, query.values);
  }
  const apiMs: number[][] = apis.map(() => []);
  const sqlMs: number[] = [];
  const cpuBefore = apiCpuMs();
  for (let repeat = 0; repeat < repeats; repeat++) {
    let started = performance.now();
    await sql.query(query.text, query.values);
    sqlMs.push(performance.now() - started);
    for (const [at, get] of apis.entries()) {
      started = performance.now();
      await get(path);
      apiMs[at]?.push(performance.now() - started);
    }
  }
  return { rows, bytes, apiCpuMs: (apiCpuMs() - cpuBefore) / repeats, apiMs, sqlMs, body };
}

/** `clients` callers each sending `requests` one after the other; every call's latency. */
async function underLoad(clients: number, requests: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let sent = 0; sent < requests; sent++) {
        const started = performance.now();
        await call();
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}

const ratio = (api: number, sql: number) => api / sql;

async function loadedDatabase(): Promise<{ name: string; url: string; database: Database; done: () => Promise<void> }> {
  const reused = process.env.BENCH_API_DATABASE;
  if (reused !== undefined && reused !== '') {
    const url = testDatabaseUrl(reused);
    const database = createDatabase(url);
    console.log(`api queries: measuring database ${reused} again (BENCH_API_DATABASE), nothing loaded`);
    return { name: reused, url, database, done: () => database.end() };
  }
  const db = await createBenchDatabase();
  const newest = new Date();
  const months = await createMonthsOfSpan(db.database, newest, SPAN_DAYS);
  const loaded = await timed(() =>
    loadInSql
      ? loadMentionsInSql(db.database, {
          count: mentionCount,
          newest,
          spanDays: SPAN_DAYS,
          quietSource: QUIET_SOURCE,
          quietDays: QUIET_DAYS,
          quietTakenOverBy: QUIET_SOURCE_TAKEN_OVER_BY,
        })
      : load(db.database, withQuietSource(withSyntheticSentiment(makeMentions({ count: mentionCount, newest, spanDays: SPAN_DAYS })), newest)),
  );
  await db.database.query('VACUUM ANALYZE');
  const how = loadInSql ? 'generated in SQL (indexes built after)' : `loaded with insertMentions (${LOAD_BATCH}-row batches, ${LOAD_CONCURRENCY} at a time)`;
  console.log(`database ${db.name}, ${months} monthly partitions made for the span; ${how} in ${formatCount(loaded.ms)} ms = ` +
    `${formatCount(perSecond(mentionCount, loaded.ms))} rows/s, then VACUUM ANALYZE`);
  const keep = process.env.BENCH_API_KEEP === '1';
  return {
    ...db,
    done: async () => {
      if (!keep) return db.drop();
      await db.database.end();
      console.log(`\nkept database ${db.name}: BENCH_API_DATABASE=${db.name} measures it again; drop it when done`);
    },
  };
}

async function main(): Promise<void> {
  const db = await loadedDatabase();
  try {
    await loadPartitionParents(db.database);
    const { rows: sizes } = await db.database.query<{ mentions: number; links: number; version: string; size: string; newest: Date }>(
      `SELECT (SELECT count(*) FROM mentions)::bigint AS mentions, (SELECT count(*) FROM mention_brands)::bigint AS links,
              (SELECT max(occurred_at) FROM mentions) AS newest,
              current_setting('server_version') AS version, pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    const stored = sizes[0];
    if (stored === undefined) throw new Error('no sizes');
    const newest = stored.newest;
    console.log(`api queries: ${stored.mentions.toLocaleString('en-US')} mentions, ${stored.links.toLocaleString('en-US')} brand links, ` +
      `${BENCH_BRANDS.length} brands, ${BENCH_SOURCE_IDS.length} sources, over ${SPAN_DAYS} days; database ${stored.size}`);
    console.log(`${QUIET_SOURCE} has had no mentions for the last ${QUIET_DAYS} days (its share went to ${QUIET_SOURCE_TAKEN_OVER_BY}) ` +
      'and is no longer configured');
    console.log(`PostgreSQL ${stored.version}, database ${db.name}`);

    const deepRows = Math.min(100_000, Math.floor(stored.mentions / 2));
    const day = 86_400_000;
    const windowStart = new Date(newest.getTime() - 30 * day);
    const cases: QueryCase[] = [
      { name: 'newest page', filter: { limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_time' },
      { name: 'brand=acme (largest brand)', filter: { brand: 'acme', limit: PAGE_LIMIT }, intendedIndex: 'mention_brands_by_brand_time', showPlan: true },
      { name: 'brand=initech (smallest brand)', filter: { brand: 'initech', limit: PAGE_LIMIT }, intendedIndex: 'mention_brands_by_brand_time' },
      {
        name: 'source=feed-02 (largest active source)',
        filter: { source: 'feed-02', limit: PAGE_LIMIT },
        intendedIndex: 'mentions_by_source_time',
        alsoFine: 'mentions_by_time',
      },
      {
        name: `source=${QUIET_SOURCE} (big, quiet for ${QUIET_DAYS} days, not configured)`,
        filter: { source: QUIET_SOURCE, limit: PAGE_LIMIT },
        intendedIndex: 'mentions_by_source_time',
        showPlan: true,
      },
      { name: 'source=feed-10 (smallest source)', filter: { source: 'feed-10', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_source_time' },
      { name: 'sentiment=negative', filter: { sentiment: 'negative', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_time' },
      {
        name: `deep page (cursor after ${deepRows.toLocaleString('en-US')} rows)`,
        filter: { limit: PAGE_LIMIT, after: await positionAfter(db.database, deepRows) },
        intendedIndex: 'mentions_by_time',
        showPlan: true,
      },
      {
        name: `brand=acme deep page (after ${deepRows.toLocaleString('en-US')} rows)`,
        filter: { brand: 'acme', limit: PAGE_LIMIT, after: await positionAfter(db.database, deepRows, 'acme') },
        intendedIndex: 'mention_brands_by_brand_time',
        showPlan: true,
      },
      { name: 'q=outage (common word)', filter: { q: 'outage', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_time' },
      { name: 'q=boycott (rare word)', filter: { q: 'boycott', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search', showPlan: true },
      { name: 'q=boycot (typo: no hits)', filter: { q: 'boycot', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search', showPlan: true },
      { name: 'q=lawsuit -warranty (no hits)', filter: { q: 'lawsuit -warranty', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search' },
      {
        name: 'brand=acme&q=outage',
        filter: { brand: 'acme', q: 'outage', limit: PAGE_LIMIT },
        intendedIndex: 'mention_brands_by_brand_time',
        alsoFine: 'mentions_by_time',
      },
      { name: 'brand=acme&q=boycott', filter: { brand: 'acme', q: 'boycott', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search', showPlan: true },
      // The history's texts are drawn apart from their brands, so no word is rarer within a brand than overall: a word
      // of 0.3 % (any of the rare three) is the brand search whose walk finds too few, with thousands of matches.
      {
        name: 'brand=initech&q=boycott OR lawsuit OR firmware',
        filter: { brand: 'initech', q: 'boycott OR lawsuit OR firmware', limit: PAGE_LIMIT },
        intendedIndex: 'mentions_search',
      },
      {
        name: 'since/until: one day, 30 days ago',
        filter: { since: windowStart, until: new Date(windowStart.getTime() + day), limit: PAGE_LIMIT },
        intendedIndex: 'mentions_by_time',
      },
      {
        name: 'brand=globex&since/until: one day',
        filter: { brand: 'globex', since: windowStart, until: new Date(windowStart.getTime() + day), limit: PAGE_LIMIT },
        intendedIndex: 'mention_brands_by_brand_time',
      },
      {
        name: 'source=feed-03&since/until: one day',
        filter: { source: 'feed-03', since: windowStart, until: new Date(windowStart.getTime() + day), limit: PAGE_LIMIT },
        intendedIndex: 'mentions_by_source_time',
      },
    ];

    // The API as the api role runs it, in its own process; raw SQL on a pool like its own (size, statement timeout).
    const configJson = benchConfigJson();
    const config = parseConfig(configJson, {});
    const sqlDatabase = createDatabase(db.url, { max: config.database.pool_size, statementTimeoutMs: config.api.query_timeout });
    if (profileRunDir !== undefined) mkdirSync(profileRunDir, { recursive: true });
    if (bodiesDir !== undefined) mkdirSync(bodiesDir, { recursive: true });
    const deployed = await apiProcess(configJson, db.url, API_KEY, {
      nodeFlags: profileRunDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileRunDir}`],
      logLevel: apiLogLevel,
      root: apiRoot === undefined ? undefined : resolve(apiRoot),
    });
    console.log(`the api process runs the code of ${apiRoot === undefined ? 'this checkout' : resolve(apiRoot)}`);
    const apis: ApiUnderTest[] = [deployed];
    try {
      if (alsoInProcess) apis.push(await apiInProcess(configJson, db.url, API_KEY));
      const get = deployed.get;
      const timings: string[][] = [];
      const plans: Array<{ queryCase: QueryCase; query: CapturedQuery }> = [];
      let worst = { ratio: 0, name: '' };
      let worstInProcess = { ratio: 0, name: '' };
      for (const queryCase of cases) {
        let captured: CapturedQuery | undefined;
        const capturing = capturingDatabase(sqlDatabase, (query) => {
          captured = query;
        });
        await listMentions(capturing, queryCase.filter);
        if (captured === undefined) throw new Error(`${queryCase.name}: listMentions ran no query`);
        // The page's own SQL: the last statement listMentions sent.
        plans.push({ queryCase, query: captured });
        const figures = await measureCase(apis.map((api) => api.get), deployed.cpuMs, sqlDatabase, pathOf(queryCase.filter), captured, queryCase.filter.limit);
        if (bodiesDir !== undefined && figures.body !== undefined) {
          writeFileSync(join(bodiesDir, `${String(timings.length + 1).padStart(2, '0')}.json`), figures.body);
        }
        const [api, inProcess] = figures.apiMs.map((samples) => ({ p50: median(samples), p95: percentile(samples, 0.95) }));
        if (api === undefined) throw new Error('no API samples');
        const sql = { p50: median(figures.sqlMs), p95: percentile(figures.sqlMs, 0.95) };
        const p95Ratio = ratio(api.p95, sql.p95);
        if (p95Ratio > worst.ratio) worst = { ratio: p95Ratio, name: queryCase.name };
        const oldRatio = inProcess === undefined ? 0 : ratio(inProcess.p95, sql.p95);
        if (oldRatio > worstInProcess.ratio) worstInProcess = { ratio: oldRatio, name: queryCase.name };
        timings.push([
          queryCase.name,
          String(figures.rows),
          formatCount(figures.bytes),
          api.p50.toFixed(2),
          api.p95.toFixed(2),
          sql.p50.toFixed(2),
          sql.p95.toFixed(2),
          ratio(api.p50, sql.p50).toFixed(2),
          p95Ratio.toFixed(2),
          figures.apiCpuMs.toFixed(2),
          ...(inProcess === undefined ? [] : [inProcess.p50.toFixed(2), inProcess.p95.toFixed(2), ratio(inProcess.p50, sql.p50).toFixed(2), oldRatio.toFixed(2)]),
        ]);
      }
      console.log(`\nGET /v1/mentions over HTTP from the api role's own process (API; answers read whole, not parsed) against its ` +
        `page SQL alone on a pool like the API's (SQL), limit ${PAGE_LIMIT}, ${repeats} calls each in turn after 3 warm-up calls (ms); ` +
        "API CPU: the api process's CPU time per request, all threads (ms)" +
        (alsoInProcess ? '; "in-proc": the app inside this process, logger silent, every answer parsed (how bench:api measured before)' : ''));
      printTable(
        ['query', 'rows', 'bytes', 'API p50', 'API p95', 'SQL p50', 'SQL p95', 'p50 ratio', 'p95 ratio', 'API CPU',
          ...(alsoInProcess ? ['in-proc p50', 'in-proc p95', 'in-proc p50 ratio', 'in-proc p95 ratio'] : [])],
        timings,
      );
      console.log(`worst p95 ratio API/SQL: ${worst.ratio.toFixed(2)} (${worst.name}); target ≤ 1.5`);
      if (alsoInProcess) console.log(`worst p95 ratio in-process API/SQL: ${worstInProcess.ratio.toFixed(2)} (${worstInProcess.name})`);

      const loadRows: string[][] = [];
      for (const { queryCase, query } of plans.filter((plan) => plan.queryCase.filter.q !== undefined)) {
        const path = pathOf(queryCase.filter);
        const apiMs = await underLoad(concurrency, LOAD_REQUESTS_PER_CLIENT, () => get(path));
        const sqlMs = await underLoad(concurrency, LOAD_REQUESTS_PER_CLIENT, () => sqlDatabase.query(query.text, query.values));
        loadRows.push([queryCase.name, median(apiMs).toFixed(1), percentile(apiMs, 0.95).toFixed(1), median(sqlMs).toFixed(1), percentile(sqlMs, 0.95).toFixed(1)]);
      }
      console.log(`\nsearch under load: ${concurrency} concurrent clients × ${LOAD_REQUESTS_PER_CLIENT} requests each, ` +
        `pool of ${config.database.pool_size} (ms)`);
      printTable(['query', 'API p50', 'API p95', 'SQL p50', 'SQL p95'], loadRows);

      console.log('\nplans (EXPLAIN (ANALYZE, BUFFERS) of the exact SQL listMentions sent, on a pool with the session settings of the API; scans in the per-row brands subplan omitted)');
      const misses: string[] = [];
      const summaries: string[][] = [];
      for (const { queryCase, query } of plans) {
        const output = (await explain(sqlDatabase, query, 'JSON')) as ExplainOutput;
        const mainScans = mergedByParent(scansOf(output.Plan).filter((scan) => !scan.inSubPlan));
        const verdict = indexVerdict(queryCase, mainScans);
        if (verdict.startsWith('NO')) misses.push(`${queryCase.name} (${verdict})`);
        summaries.push([
          queryCase.name,
          output['Execution Time'].toFixed(2),
          verdict,
          mainScans.map((scan) => scan.description).join('; '),
        ]);
      }
      printTable(['query', 'exec ms', 'intended index used', 'scans'], summaries, [0, 2, 3]);
      for (const { queryCase, query } of plans.filter((plan) => plan.queryCase.showPlan === true)) {
        console.log(`\n-- ${queryCase.name}: ${query.text.replace(/\s+/g, ' ').replace(/SELECT m\.id, .* AS links FROM /, 'SELECT <mention columns, brands> FROM ')}`);
        console.log(await explain(sqlDatabase, query, 'TEXT'));
      }
      console.log(misses.length === 0 ? '\nevery query used its intended index' : `\nqueries not using their intended index:\n  ${misses.join('\n  ')}`);
    } finally {
      for (const api of apis) await api.close();
      await sqlDatabase.end();
    }
    console.log(`\nthe api process wrote ${deployed.logLines().toLocaleString('en-US')} log lines (LOG_LEVEL=${apiLogLevel})`);
    if (profileRunDir !== undefined) printProfile(profileRunDir, 'api');
  } finally {
    await db.done();
  }
}

await main();
