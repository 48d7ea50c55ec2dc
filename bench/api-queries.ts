// Benchmark: the SQL behind GET /v1/mentions (listMentions) over a large history: latency of each filter and of deep
// keyset pages, and the plans PostgreSQL picks, checked against the indexes 001_core.sql made for them.
// Usage: npm run bench:api -- [--mentions=N] [--repeats=N]   (env: BENCH_API_MENTIONS, BENCH_API_REPEATS)
import { performance } from 'node:perf_hooks';
import type { SentimentLabel } from '../src/sentiment/sentiment-label.js';
import { inTransaction, type Database } from '../src/store/database.js';
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

const mentionCount = sizeOption('mentions', 'BENCH_API_MENTIONS', 200_000);
const repeats = sizeOption('repeats', 'BENCH_API_REPEATS', 30);
const DEEP_PAGE_ROWS = Math.min(100_000, Math.floor(mentionCount / 2));
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

/** The pool, except that each query's text and parameters are also handed to `sink` (to EXPLAIN them later). */
function capturingDatabase(database: Database, sink: (query: CapturedQuery) => void): Database {
  const capturing = Object.create(database) as Database;
  capturing.query = ((text: string, values: unknown[]) => {
    sink({ text, values });
    return database.query(text, values);
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

function scansOf(node: PlanNode, inSubPlan = false): ScanSummary[] {
  // A MATERIALIZED CTE (listMentions' full-text "hits") is part of the main query, not the per-row brands subplan.
  const isCte = node['Subplan Name']?.startsWith('CTE ') === true;
  const underSubPlan =
    inSubPlan || node['Parent Relationship'] === 'SubPlan' || (node['Parent Relationship'] === 'InitPlan' && !isCte);
  const scans: ScanSummary[] = [];
  if ((node['Node Type'].includes('Scan') && node['Relation Name'] !== undefined) || node['Index Name'] !== undefined) {
    const target = node['Index Name'] !== undefined ? `${node['Index Name']}` : `${node['Relation Name']}`;
    const rows = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
    const removed = node['Rows Removed by Filter'] !== undefined ? `, ${node['Rows Removed by Filter'] * (node['Actual Loops'] ?? 1)} removed by filter` : '';
    scans.push({
      description: `${node['Node Type']} ${target} (${rows} rows${removed})`,
      indexName: node['Index Name'],
      inSubPlan: underSubPlan,
    });
  }
  for (const child of node.Plans ?? []) scans.push(...scansOf(child, underSubPlan));
  return scans;
}

/** Whether the main part of a plan (the per-row brands subplan aside) walks the index meant for it. */
function indexVerdict(queryCase: QueryCase, mainScans: readonly ScanSummary[]): string {
  const sequential = mainScans.find((scan) => scan.description.startsWith('Seq Scan') || scan.description.startsWith('Parallel Seq Scan'));
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

async function main(): Promise<void> {
  const newest = new Date();
  const db = await createBenchDatabase();
  try {
    const mentions = withQuietSource(withSyntheticSentiment(makeMentions({ count: mentionCount, newest, spanDays: SPAN_DAYS })), newest);
    const loaded = await timed(() => load(db.database, mentions));
    await db.database.query('VACUUM ANALYZE mentions, mention_brands');
    const { rows: sizes } = await db.database.query<{ mentions: number; links: number; version: string; size: string }>(
      `SELECT (SELECT count(*) FROM mentions)::bigint AS mentions, (SELECT count(*) FROM mention_brands)::bigint AS links,
              current_setting('server_version') AS version, pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    const stored = sizes[0];
    console.log(`api queries: ${stored?.mentions.toLocaleString('en-US')} mentions, ${stored?.links.toLocaleString('en-US')} brand links, ` +
      `${BENCH_BRANDS.length} brands, ${BENCH_SOURCE_IDS.length} sources, over ${SPAN_DAYS} days; database ${stored?.size}`);
    console.log(`${QUIET_SOURCE} has had no mentions for the last ${QUIET_DAYS} days (its share went to ${QUIET_SOURCE_TAKEN_OVER_BY})`);
    console.log(`PostgreSQL ${stored?.version}, database ${db.name}; loaded with insertMentions (${LOAD_BATCH}-row batches, ` +
      `${LOAD_CONCURRENCY} at a time) in ${formatCount(loaded.ms)} ms = ${formatCount(perSecond(mentionCount, loaded.ms))} rows/s, then VACUUM ANALYZE`);

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
        name: `source=${QUIET_SOURCE} (big, quiet for ${QUIET_DAYS} days)`,
        filter: { source: QUIET_SOURCE, limit: PAGE_LIMIT },
        intendedIndex: 'mentions_by_source_time',
        showPlan: true,
      },
      { name: 'source=feed-10 (smallest source)', filter: { source: 'feed-10', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_source_time' },
      { name: 'sentiment=negative', filter: { sentiment: 'negative', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_time' },
      {
        name: `deep page (cursor after ${DEEP_PAGE_ROWS.toLocaleString('en-US')} rows)`,
        filter: { limit: PAGE_LIMIT, after: await positionAfter(db.database, DEEP_PAGE_ROWS) },
        intendedIndex: 'mentions_by_time',
        showPlan: true,
      },
      {
        name: `brand=acme deep page (after ${DEEP_PAGE_ROWS.toLocaleString('en-US')} rows)`,
        filter: { brand: 'acme', limit: PAGE_LIMIT, after: await positionAfter(db.database, DEEP_PAGE_ROWS, 'acme') },
        intendedIndex: 'mention_brands_by_brand_time',
        showPlan: true,
      },
      { name: 'q=outage (common word)', filter: { q: 'outage', limit: PAGE_LIMIT }, intendedIndex: 'mentions_by_time' },
      { name: 'q=boycott (rare word)', filter: { q: 'boycott', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search' },
      { name: 'q=boycot (typo: no hits)', filter: { q: 'boycot', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search' },
      { name: 'q=lawsuit -warranty (no hits)', filter: { q: 'lawsuit -warranty', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search' },
      {
        name: 'brand=acme&q=outage',
        filter: { brand: 'acme', q: 'outage', limit: PAGE_LIMIT },
        intendedIndex: 'mention_brands_by_brand_time',
        alsoFine: 'mentions_by_time',
      },
      { name: 'brand=acme&q=boycott', filter: { brand: 'acme', q: 'boycott', limit: PAGE_LIMIT }, intendedIndex: 'mentions_search', showPlan: true },
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

    const timings: string[][] = [];
    const plans: Array<{ queryCase: QueryCase; query: CapturedQuery }> = [];
    for (const queryCase of cases) {
      let captured: CapturedQuery | undefined;
      const capturing = capturingDatabase(db.database, (query) => {
        captured = query;
      });
      let returned = 0;
      for (let warmUp = 0; warmUp < 3; warmUp++) returned = (await listMentions(capturing, queryCase.filter)).mentions.length;
      const samples: number[] = [];
      for (let repeat = 0; repeat < repeats; repeat++) {
        const started = performance.now();
        await listMentions(db.database, queryCase.filter);
        samples.push(performance.now() - started);
      }
      if (captured === undefined) throw new Error(`${queryCase.name}: listMentions ran no query`);
      plans.push({ queryCase, query: captured });
      timings.push([queryCase.name, String(returned), median(samples).toFixed(2), percentile(samples, 0.95).toFixed(2)]);
    }
    console.log(`\nlistMentions latency, limit ${PAGE_LIMIT}, ${repeats} calls each after 3 warm-up calls (ms, includes the round trip and row decoding)`);
    printTable(['query', 'rows', 'median', 'p95'], timings);

    console.log('\nplans (EXPLAIN (ANALYZE, BUFFERS) of the exact SQL listMentions sent; scans in the per-row brands subplan omitted)');
    const misses: string[] = [];
    const summaries: string[][] = [];
    for (const { queryCase, query } of plans) {
      const output = (await explain(db.database, query, 'JSON')) as ExplainOutput;
      const mainScans = scansOf(output.Plan).filter((scan) => !scan.inSubPlan);
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
      console.log(`\n-- ${queryCase.name}: ${query.text.replace(/\s+/g, ' ').replace(/^SELECT .* AS brands FROM /, 'SELECT <mention columns, brands> FROM ')}`);
      console.log(await explain(db.database, query, 'TEXT'));
    }
    console.log(misses.length === 0 ? '\nevery query used its intended index' : `\nqueries not using their intended index:\n  ${misses.join('\n  ')}`);
  } finally {
    await db.drop();
  }
}

await main();
