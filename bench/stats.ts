// Benchmark: the strategist's endpoints over a large history (default 1M mentions of 3 brands over 400 days):
// 90 days of daily stats, a year of monthly share of voice, the monthly report (through the API, serialisation
// included), and the CSV export of everything from a real `buzzwatch start --role api` process: rows/s and how much
// that process's resident memory grows.
// Usage: npm run bench:stats -- [--mentions=N] [--days=N] [--repeats=N]   (env: BENCH_STATS_MENTIONS, ...)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { buildApp } from '../src/api/app.js';
import { parseConfig } from '../src/config/load-config.js';
import type { SentimentLabel } from '../src/sentiment/score-sentiment.js';
import { inTransaction, type Database } from '../src/store/database.js';
import { insertMentions, type ScoredMention } from '../src/store/mention-store.js';
import {
  BENCH_BRANDS,
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

const mentionCount = sizeOption('mentions', 'BENCH_STATS_MENTIONS', 1_000_000);
const spanDays = sizeOption('days', 'BENCH_STATS_DAYS', 400);
const repeats = sizeOption('repeats', 'BENCH_STATS_REPEATS', 30);
const CHUNK = 50_000;
const LOAD_BATCH = 1_000;
const LOAD_CONCURRENCY = 2;
const ZONE = 'Europe/Warsaw';
const API_KEY = 'bench-stats-key-0123456789';

/** Random labels instead of scoring: scoring a million texts would dwarf the benchmark, and counts only read labels. */
function withRandomSentiment(mentions: ReturnType<typeof makeMentions>, seed: number): ScoredMention[] {
  const random = seededRandom(seed);
  return mentions.map((mention) => {
    const draw = random();
    const label: SentimentLabel = draw < 0.5 ? 'neutral' : draw < 0.8 ? 'positive' : 'negative';
    return { ...mention, sentiment: { label, score: label === 'negative' ? -1 - random() * 3 : label === 'positive' ? 1 + random() * 3 : 0 } };
  });
}

/** Loads the history in chunks of CHUNK mentions (each spread over its share of the span), newest first. */
async function load(database: Database, newest: Date): Promise<void> {
  const chunks = Math.ceil(mentionCount / CHUNK);
  const chunkSpanMs = (spanDays * 86_400_000) / chunks;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const count = Math.min(CHUNK, mentionCount - chunk * CHUNK);
    const chunkNewest = new Date(newest.getTime() - chunk * chunkSpanMs);
    const generated = makeMentions({ count, seed: 1000 + chunk, newest: chunkNewest, spanDays: chunkSpanMs / 86_400_000 })
      // Ids and URLs repeat between chunks (same seed scheme); make them unique per chunk.
      .map((mention) => ({ ...mention, id: `${chunk}-${mention.id}`, url: `${mention.url}#${chunk}` }));
    const mentions = withRandomSentiment(generated, chunk);
    let next = 0;
    const loader = async () => {
      while (next < mentions.length) {
        const batch = mentions.slice(next, next + LOAD_BATCH);
        next += LOAD_BATCH;
        await inTransaction(database, (client) => insertMentions(client, batch));
      }
    };
    await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, loader));
    process.stderr.write(`\rloaded ${Math.min(mentionCount, (chunk + 1) * CHUNK).toLocaleString('en-US')} mentions`);
  }
  process.stderr.write('\n');
}

const CONFIG = {
  brands: BENCH_BRANDS.map((brand) => ({ id: brand.id, name: brand.name, keywords: brand.keywords, exclude: brand.exclude, competitors: brand.competitors })),
  api: { keys: [{ name: 'bench', key: API_KEY, scope: 'read' }] },
  reports: { timezone: ZONE },
};

async function measureRequests(database: Database): Promise<string[][]> {
  const config = parseConfig(JSON.stringify(CONFIG), {});
  const unused = () => Promise.reject(new Error('not used by this benchmark'));
  const app = await buildApp(
    { config, database, pingRedis: () => Promise.resolve(), pollNow: unused, enqueueMentionBatch: unused, queueStats: () => Promise.resolve([]) },
    { logger: pino({ level: 'silent' }) },
  );
  const lastMonth = DateTime.now().setZone(ZONE).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
  const cases: Array<[string, string, string]> = [
    ['90 days of daily stats, one brand', `/v1/stats?brand=acme&since=90d&interval=day`, '≤ 50'],
    ['90 days of daily stats, three brands', `/v1/stats?brand=acme,globex,initech&since=90d&interval=day`, ''],
    ['a year of monthly share of voice', `/v1/share-of-voice?brands=acme,globex,initech&since=12mo&interval=month`, '≤ 100'],
    [`monthly report (${lastMonth})`, `/v1/reports/monthly?brand=acme&month=${lastMonth}`, '≤ 500'],
    ['90 days of daily stats by site', `/v1/stats?brand=acme&since=90d&interval=day&group_by=site`, ''],
    ['top sites, 30 days', `/v1/top?brand=acme&since=30d&by=site`, ''],
    ['top terms, 30 days (5 000-text sample)', `/v1/top?brand=acme&since=30d&by=term`, ''],
    ['90 days of hourly stats, Asia/Kolkata', `/v1/stats?brand=acme&since=90d&interval=hour&tz=Asia/Kolkata`, ''],
  ];
  const rows: string[][] = [];
  for (const [name, url, target] of cases) {
    const call = async () => {
      const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${API_KEY}` } });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
      return response.body.length;
    };
    for (let warmUp = 0; warmUp < 3; warmUp++) await call();
    const samples: number[] = [];
    let bytes = 0;
    for (let repeat = 0; repeat < repeats; repeat++) {
      const started = performance.now();
      bytes = await call();
      samples.push(performance.now() - started);
    }
    rows.push([name, formatCount(bytes), median(samples).toFixed(1), percentile(samples, 0.95).toFixed(1), target]);
  }
  await app.close();
  return rows;
}

function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((each) => each.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

/** Exports everything from a separate API process and watches its RSS while the body streams. */
async function measureExport(databaseUrl: string): Promise<{ rows: number; ms: number; baseline: number; peak: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'bench-stats-'));
  const configFile = join(directory, 'buzzwatch.yaml');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--role', 'api'], {
    env: { PATH: process.env.PATH ?? '', BUZZWATCH_CONFIG: configFile, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'info', BUZZWATCH_QUEUE_PREFIX: 'bwbench-stats' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before it started`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'buzzwatch started' && entry.port !== undefined) resolve(entry.port);
      });
    });
    const url = `http://127.0.0.1:${port}/v1/mentions/export?format=csv`;
    const headers = { authorization: `Bearer ${API_KEY}` };
    await (await fetch(`${url}&since=1d`, { headers })).text();
    const pid = child.pid as number;
    const baseline = residentBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, residentBytes(pid));
    }, 50);
    const started = performance.now();
    const response = await fetch(url, { headers });
    let newlines = 0;
    let previousByte = -1;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      // Records end with CRLF; texts here have no line breaks of their own.
      for (const byte of chunk) {
        if (byte === 10 && previousByte === 13) newlines += 1;
        previousByte = byte;
      }
    }
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, residentBytes(pid));
    return { rows: newlines - 1, ms, baseline, peak };
  } finally {
    child.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  try {
    const newest = new Date();
    const loaded = await timed(() => load(db.database, newest));
    await db.database.query('VACUUM ANALYZE mentions, mention_brands, brand_stats, brand_facet_stats');
    const { rows: sizes } = await db.database.query<{ mentions: number; links: number; stats: number; facets: number; size: string }>(
      `SELECT (SELECT count(*) FROM mentions)::bigint AS mentions, (SELECT count(*) FROM mention_brands)::bigint AS links,
              (SELECT count(*) FROM brand_stats)::bigint AS stats, (SELECT count(*) FROM brand_facet_stats)::bigint AS facets,
              pg_size_pretty(pg_database_size(current_database())) AS size`,
    );
    const size = sizes[0];
    console.log(
      `stats: ${size?.mentions.toLocaleString('en-US')} mentions, ${size?.links.toLocaleString('en-US')} brand links, ${BENCH_BRANDS.length} brands, ` +
        `${spanDays} days; rollups: ${size?.stats.toLocaleString('en-US')} brand_stats rows (15 min), ` +
        `${size?.facets.toLocaleString('en-US')} brand_facet_stats rows (1 h); database ${size?.size}`,
    );
    console.log(
      `loaded with insertMentions (rollup triggers on), ${LOAD_BATCH}-row batches, ${LOAD_CONCURRENCY} at a time: ` +
        `${formatCount(perSecond(mentionCount, loaded.ms))} mentions/s`,
    );
    console.log(`\nrequests through the API (app.inject: routing, validation, SQL, JSON), tz ${ZONE}, ${repeats} calls each after 3 warm-up calls (ms)`);
    printTable(['request', 'bytes', 'median', 'p95', 'target p95'], await measureRequests(db.database));
    const exported = await measureExport(db.url);
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    console.log(
      `\nexport (GET /v1/mentions/export?format=csv, every mention, from a separate API process): ${exported.rows.toLocaleString('en-US')} rows in ` +
        `${formatCount(exported.ms)} ms = ${formatCount(perSecond(exported.rows, exported.ms))} rows/s (target ≥ 50,000); ` +
        `API process RSS ${mib(exported.baseline)} MiB → peak ${mib(exported.peak)} MiB, growth ${mib(exported.peak - exported.baseline)} MiB (target < 100)`,
    );
  } finally {
    await db.drop();
  }
}

await main();
