// Benchmark: end to end, as an installation runs. N mentions are POSTed as signed webhook pushes (500 each) to a real
// API process, which queues them; a real scorer process scores and stores them; the figure is mentions/s from the
// first push until every row is in PostgreSQL. In the same run, the rows it stored are copied into a fresh database of
// the same schema with plain batched `INSERT … SELECT FROM unnest(…)`: what PostgreSQL alone does with these rows on
// this machine. Their ratio is the share of the database's own speed the pipeline keeps (target ≥ 0.6), and it is
// comparable between runs on a loaded machine where the absolute figures are not.
// Usage: npm run bench:e2e -- [--mentions=N] [--lang=en] [--profile=DIR] [--roles-from=DIR] [--scorers=N] [--score-threads=N]
//   --mentions   how many (default 200 000; env BENCH_E2E_MENTIONS)
//   --lang       declare this language on every pushed mention (default: none declared, so the scorer detects it)
//   --profile    run the scorer and the API with node --cpu-prof, write their profiles under DIR and print their top
//                self-time functions
//   --roles-from run the API and scorer of another checkout (a copy of main, to compare with it in the same bench)
//   --scorers    how many scorer processes (default 1); their CPU is added up
//   --score-threads  set queue.score_threads in the config (default: the config's default, key left out)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { signBody, SIGNATURE_HEADER } from '../src/net/webhook-signature.js';
import type { Database } from '../src/store/database.js';
import {
  BENCH_BRANDS,
  BENCH_REDIS_URL,
  benchQueuePrefix,
  createBenchDatabase,
  formatCount,
  makeMentions,
  owedCleanup,
  perSecond,
  printTable,
  sizeOption,
  timed,
  webhookItem,
} from './bench-support.js';
import { printProfile } from './cpu-profile-summary.js';
import { composeNodeOptions } from './compose-node-options.js';
import { freePort, startRole, type RoleProcess } from './role-process.js';
import { processCpuMs, threadCpuMs } from './api-under-test.js';
import { startBackendCpuMeter, type BackendCpuMeter } from './backend-cpu.js';
import { createDatabase } from '../src/store/database.js';
import { TEST_DATABASE_ADMIN_URL } from '../test/helpers/services.js';

const mentionCount = sizeOption('mentions', 'BENCH_E2E_MENTIONS', 200_000);
const declaredLang = stringOption('lang');
const profileDir = stringOption('profile');
const rolesRoot = stringOption('roles-from');
const scorerCount = Number(stringOption('scorers') ?? 1);
const scoreThreads = stringOption('score-threads');
// A directory of this run's own, so that the profile printed is this run's.
const profileRunDir = profileDir === undefined ? undefined : join(resolve(profileDir), `e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const PUSH_SIZE = 500;
const PUSHES_IN_FLIGHT = 4;
const SOURCE_COUNT = 20;
const SPAN_DAYS = 60;
const COPY_BATCH = 500;

function stringOption(name: string): string | undefined {
  const flag = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) || undefined;
}

const sourceIds = Array.from({ length: SOURCE_COUNT }, (_, index) => `hook-${String(index + 1).padStart(2, '0')}`);
const secretOf = (sourceId: string) => `bench-secret-${sourceId}-0123456789`;

function configYaml(): string {
  return stringify({
    brands: BENCH_BRANDS.map(({ id, name, keywords, exclude, competitors }) => ({ id, name, keywords, exclude, competitors })),
    sources: sourceIds.map((id) => ({ id, type: 'webhook', secret: secretOf(id) })),
    ...(scoreThreads === undefined ? {} : { queue: { score_threads: Number(scoreThreads) } }),
  });
}

/** The pushes, ready to send: one source each, in turn, 500 mentions as a webhook sender writes them. */
function pushBodies(): Array<{ sourceId: string; body: Buffer }> {
  const mentions = makeMentions({ count: mentionCount, spanDays: SPAN_DAYS });
  const pushes: Array<{ sourceId: string; body: Buffer }> = [];
  for (let start = 0; start < mentions.length; start += PUSH_SIZE) {
    const items = mentions.slice(start, start + PUSH_SIZE).map((mention) => webhookItem(mention, declaredLang));
    const sourceId = sourceIds[pushes.length % sourceIds.length] as string;
    pushes.push({ sourceId, body: Buffer.from(JSON.stringify({ mentions: items })) });
  }
  return pushes;
}

async function storedMentions(database: Database): Promise<number> {
  const { rows } = await database.query<{ stored: string }>('SELECT coalesce(sum(mentions_total), 0) AS stored FROM sources');
  return Number(rows[0]?.stored ?? 0);
}

async function pushAll(apiPort: number, pushes: Array<{ sourceId: string; body: Buffer }>): Promise<number> {
  let next = 0;
  let matched = 0;
  const sender = async () => {
    while (next < pushes.length) {
      const { sourceId, body } = pushes[next++] as { sourceId: string; body: Buffer };
      const answer = await fetch(`http://127.0.0.1:${apiPort}/v1/webhooks/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secretOf(sourceId), body) },
        body,
      });
      const reply = (await answer.json()) as { matched?: number };
      if (answer.status !== 202) throw new Error(`push refused: HTTP ${answer.status} ${JSON.stringify(reply)}`);
      matched += reply.matched ?? 0;
    }
  };
  await Promise.all(Array.from({ length: PUSHES_IN_FLIGHT }, sender));
  return matched;
}

interface TableCopy {
  table: string;
  columns: Array<{ name: string; type: string }>;
  /** Column-major: one array of text values (or null) per column. */
  values: Array<Array<string | null>>;
}

/** Every row of `table` as text, column by column (story links left out: the copy has no stories). */
async function readTable(database: Database, table: string, leaveOut: string[] = []): Promise<TableCopy> {
  const { rows: columns } = await database.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [table],
  );
  const kept = columns.filter((column) => !leaveOut.includes(column.name));
  const { rows } = await database.query<{ values: Array<string | null> }>({
    text: `SELECT ARRAY[${kept.map((column) => `${quoted(column.name)}::text`).join(', ')}] AS values FROM ${quoted(table)}`,
  });
  const values = kept.map((_, column) => rows.map((row) => row.values[column] ?? null));
  return { table, columns: kept, values };
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** The plain way: one `INSERT … SELECT FROM unnest(…)` per batch of rows, each batch its own transaction. */
async function copyInBatches(database: Database, copy: TableCopy): Promise<void> {
  const names = copy.columns.map((column) => quoted(column.name)).join(', ');
  const unnest = copy.columns.map((_, index) => `$${index + 1}::text[]`).join(', ');
  const casts = copy.columns.map((column, index) => `c${index}::${column.type}`).join(', ');
  const aliases = copy.columns.map((_, index) => `c${index}`).join(', ');
  const sql = `INSERT INTO ${quoted(copy.table)} (${names}) SELECT ${casts} FROM unnest(${unnest}) AS input(${aliases})`;
  const rowCount = copy.values[0]?.length ?? 0;
  for (let start = 0; start < rowCount; start += COPY_BATCH) {
    await database.query(sql, copy.values.map((column) => column.slice(start, start + COPY_BATCH)));
  }
}

interface PipelineRun {
  stored: number;
  ms: number;
  pushMs: number;
  /** CPU seconds of the scorer and API processes from start-up until every row was stored. */
  scorerCpu: number;
  apiCpu: number;
  /** The same from the first push on: start-up (loading and compiling the code) left out. */
  scorerRunCpu: number;
  /** The scorers' main threads alone, from the first push. */
  scorerMainRunCpu: number;
  apiRunCpu: number;
  /** CPU seconds of the PostgreSQL backends serving the pipeline's database from the first push until every row was stored. */
  postgresCpu: number;
  db: Awaited<ReturnType<typeof createBenchDatabase>>;
}

// Reads pg_stat_activity from a database of its own, so that its own connection is no backend it measures.
const observer = createDatabase(TEST_DATABASE_ADMIN_URL, { max: 1 });

async function endToEnd(pushes: Array<{ sourceId: string; body: Buffer }>): Promise<PipelineRun> {
  const db = await createBenchDatabase();
  let backendCpu: BackendCpuMeter | undefined;
  const { prefix, obliterate } = benchQueuePrefix();
  const configDir = mkdtempSync(join(tmpdir(), 'bwbench-e2e-'));
  const cleanConfig = owedCleanup(async () => rmSync(configDir, { recursive: true, force: true }));
  const configFile = join(configDir, 'buzzwatch.yaml');
  writeFileSync(configFile, configYaml());
  const apiPort = await freePort();
  const env = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url, REDIS_URL: BENCH_REDIS_URL, BUZZWATCH_QUEUE_PREFIX: prefix };
  // Each role with the NODE_OPTIONS docker-compose.yml gives its container (the api's young generation), read from the
  // checkout whose roles run, so that --roles-from compares two versions each as it ships.
  const deployedEnv = (role: string): Record<string, string> => {
    const nodeOptions = composeNodeOptions(rolesRoot ?? resolve(import.meta.dirname, '..'), role);
    return nodeOptions === '' ? env : { ...env, NODE_OPTIONS: nodeOptions };
  };
  const profileFlags = (role: string) => (profileRunDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profileRunDir, role)}`]);
  const api = await startRole('api', { ...deployedEnv('api'), PORT: String(apiPort) }, apiPort, { nodeFlags: profileFlags('api'), root: rolesRoot });
  const scorers: RoleProcess[] = [];
  for (let index = 0; index < scorerCount; index++) {
    const scorerPort = await freePort();
    scorers.push(
      await startRole('scorer', { ...deployedEnv('scorer'), PORT: String(apiPort), HEALTH_PORT: String(scorerPort) }, scorerPort, {
        nodeFlags: profileFlags('scorer'),
        root: rolesRoot,
      }),
    );
  }
  // On a shared machine the wall-clock figures move with everyone else's load; the work a process did much less.
  const cpuSeconds = (pid: number | undefined) => processCpuMs(pid ?? 0) / 1000;
  const scorerSeconds = () => scorers.reduce((sum, scorer) => sum + cpuSeconds(scorer.child.pid), 0);
  // The main thread alone: what the event loop that reads jobs and talks to PostgreSQL did (score threads apart).
  const scorerMainSeconds = () => scorers.reduce((sum, scorer) => sum + threadCpuMs(scorer.child.pid ?? 0, scorer.child.pid ?? 0) / 1000, 0);
  try {
    let pushMs = 0;
    const [scorerStartCpu, scorerMainStartCpu, apiStartCpu] = [scorerSeconds(), scorerMainSeconds(), cpuSeconds(api.child.pid)];
    backendCpu = await startBackendCpuMeter(observer, db.name);
    const { result: stored, ms } = await timed(async () => {
      const pushed = await timed(() => pushAll(apiPort, pushes));
      pushMs = pushed.ms;
      for (;;) {
        const count = await storedMentions(db.database);
        if (count >= pushed.result) return count;
        for (const scorer of scorers) if (scorer.child.exitCode !== null) throw new Error(`a scorer exited with ${scorer.child.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const [scorerCpu, scorerMainCpu, apiCpu] = [scorerSeconds(), scorerMainSeconds(), cpuSeconds(api.child.pid)];
    const [scorerRunCpu, scorerMainRunCpu, apiRunCpu] = [scorerCpu - scorerStartCpu, scorerMainCpu - scorerMainStartCpu, apiCpu - apiStartCpu];
    return { stored, ms, pushMs, scorerCpu, apiCpu, scorerRunCpu, scorerMainRunCpu, apiRunCpu, postgresCpu: await backendCpu.stop(), db };
  } finally {
    await backendCpu?.stop();
    for (const scorer of scorers) await scorer.stop();
    await api.stop();
    await obliterate();
    await cleanConfig();
  }
}

async function main(): Promise<void> {
  console.log(`bench:e2e: ${formatCount(mentionCount)} mentions, ${PUSH_SIZE} per signed push to ${SOURCE_COUNT} webhook sources (${PUSHES_IN_FLIGHT} in flight), ${BENCH_BRANDS.length} brands, ${SPAN_DAYS} days; language ${declaredLang === undefined ? 'not declared (detected)' : `declared ${declaredLang}`}`);
  console.log(`api and ${scorerCount} scorer${scorerCount === 1 ? '' : 's'} as child processes (buzzwatch start --role …) of ${rolesRoot ?? 'this checkout'}, node ${process.version}${scoreThreads === undefined ? '' : `, queue.score_threads ${scoreThreads}`}`);
  if (profileRunDir !== undefined) {
    for (const role of ['api', 'scorer']) mkdirSync(join(profileRunDir, role), { recursive: true });
    console.log(`scorer and API profiled with --cpu-prof into ${profileRunDir}/{scorer,api}`);
  }
  const pushes = pushBodies();
  const pipeline = await endToEnd(pushes);
  const copyDb = await createBenchDatabase();
  try {
    // Ids first: mentions and their links reference the id each mention was claimed with (010 migration).
    const ids = await readTable(pipeline.db.database, 'mention_ids');
    const mentions = await readTable(pipeline.db.database, 'mentions');
    const links = await readTable(pipeline.db.database, 'mention_brands', ['story_id']);
    const rows = mentions.values[0]?.length ?? 0;
    const copyBackendCpu = await startBackendCpuMeter(observer, copyDb.name);
    const { ms: copyMs } = await timed(async () => {
      await copyInBatches(copyDb.database, ids);
      await copyInBatches(copyDb.database, mentions);
      await copyInBatches(copyDb.database, links);
    });
    const copyPostgresCpu = await copyBackendCpu.stop();
    const e2eRate = perSecond(pipeline.stored, pipeline.ms);
    const copyRate = perSecond(rows, copyMs);
    printTable(
      ['path', 'mentions', 'seconds', 'mentions/s'],
      [
        ['webhook → queue → scorer → PostgreSQL', formatCount(pipeline.stored), (pipeline.ms / 1000).toFixed(1), formatCount(e2eRate)],
        ['  of which pushes accepted (202)', formatCount(mentionCount), (pipeline.pushMs / 1000).toFixed(1), formatCount(perSecond(mentionCount, pipeline.pushMs))],
        [`plain INSERT … SELECT FROM unnest (${COPY_BATCH} rows, ids + mentions + brand links)`, formatCount(rows), (copyMs / 1000).toFixed(1), formatCount(copyRate)],
      ],
    );
    console.log(`ratio end to end / plain insert: ${(e2eRate / copyRate).toFixed(2)} (target ≥ 0.6)`);
    const perThousand = (seconds: number) => `${seconds.toFixed(1)} s (${((seconds * 1000) / pipeline.stored).toFixed(3)} s per 1,000 mentions)`;
    console.log(`CPU used until every row was stored: scorer ${perThousand(pipeline.scorerCpu)}, API ${perThousand(pipeline.apiCpu)}`);
    console.log(`  of which from the first push: scorer ${perThousand(pipeline.scorerRunCpu)} (main thread ${pipeline.scorerMainRunCpu.toFixed(1)} s), API ${perThousand(pipeline.apiRunCpu)}`);
    console.log(`PostgreSQL backends' CPU (end to end from the first push, the copy from its first statement): end to end ${perThousand(pipeline.postgresCpu)}, plain insert ${perThousand(copyPostgresCpu)}`);
  } finally {
    await copyDb.drop();
    await pipeline.db.drop();
  }
  if (profileRunDir !== undefined) {
    printProfile(join(profileRunDir, 'scorer'), 'scorer');
    printProfile(join(profileRunDir, 'api'), 'API');
  }
}

try {
  await main();
} finally {
  await observer.end();
}
