// `buzzwatch start` as ops run it: secrets from ${ENV}, a database created and migrated on first start, the API and a
// poll working end to end, a graceful SIGTERM, and no API key in any log line or response; plus `buzzwatch migrate`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { QueueName } from '../../src/queue/queues.js';
import type { BatchOutcome } from '../../src/scorer/score-and-store.js';
import { exitWithin, killAllCliProcesses, runCli, spawnCli, type CliExit, type CliProcess } from '../helpers/cli-process.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { watchQueue, type QueueWatch } from '../helpers/queue-watch.js';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL, uniqueName } from '../helpers/services.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';

// Every migration the project ships, in the order they apply.
const MIGRATIONS = readdirSync(new URL('../../src/store/migrations/', import.meta.url)).filter((file) => file.endsWith('.sql')).sort();

// Every secret comes from the environment, as docker-compose passes them from an .env file.
const CONFIG_WITH_SECRETS = `${BRAND_CONFIG}
sources:
  - { id: news-rss, type: rss, url: "\${NEWS_FEED_URL}", every: 1h }
api:
  keys:
    - { name: strategist, key: "\${STRATEGIST_API_KEY}", scope: read }
    - { name: ops, key: "\${OPS_API_KEY}", scope: admin }
`;

const READ_KEY = `read-${randomBytes(16).toString('hex')}`;
const ADMIN_KEY = `admin-${randomBytes(16).toString('hex')}`;
const WRONG_KEY = `wrong-${randomBytes(16).toString('hex')}`;

// What RSS_ENTRIES hold about Acme: three stories (one unrelated, one excluded).
const ACME_URLS = ['https://news.example/acme-anvil-recall', 'https://news.example/acme-office', 'https://news.example/acme-skates'];

function databaseUrlFor(name: string): string {
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const databaseExists = (name: string) =>
  withAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

const dropDatabase = (name: string) =>
  withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));

async function removeQueueKeys(prefix: string): Promise<void> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { prefix, connection: { host: hostname, port: Number(port) } });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const leftovers = await redis.keys(`${prefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
  } finally {
    redis.disconnect();
  }
}

interface ApiAnswer {
  status: number;
  body: any;
}

describe('buzzwatch start with secrets from the environment', () => {
  let feeds: FixtureServer;
  let directory: string;
  let databaseName: string;
  let databaseExistedBefore: boolean;
  let prefix: string;
  let polls: QueueWatch<PollOutcome>;
  let stores: QueueWatch<BatchOutcome>;
  let buzzwatch: CliProcess;
  let baseUrl: string;
  let stopped: CliExit | undefined;
  // Every response body the API sent, to search for secrets at the end.
  const responseBodies: string[] = [];

  const api = async (path: string, { key, method = 'GET' }: { key: string | null; method?: string }): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${baseUrl}${path}`, { method, headers });
    const text = await response.text();
    responseBodies.push(text);
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/rss.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8'));
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-start-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, CONFIG_WITH_SECRETS);
    databaseName = uniqueName('bwtest_fresh');
    databaseExistedBefore = await databaseExists(databaseName);
    prefix = uniqueName('bwq');
    polls = await watchQueue<PollOutcome>(QueueName.poll, prefix);
    stores = await watchQueue<BatchOutcome>(QueueName.mentions, prefix);
    buzzwatch = spawnCli(['start'], {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: databaseUrlFor(databaseName),
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: prefix,
      PORT: '0',
      // Debug logs are the most talkative: if a secret reaches any log line, it is there.
      LOG_LEVEL: 'debug',
      NEWS_FEED_URL: `${feeds.baseUrl}/rss.xml`,
      STRATEGIST_API_KEY: READ_KEY,
      OPS_API_KEY: ADMIN_KEY,
    });
    const started = await buzzwatch.waitForLog((line) => line.msg === 'buzzwatch started');
    baseUrl = `http://127.0.0.1:${String(started.port)}`;
  }, 120_000);

  afterAll(async () => {
    await killAllCliProcesses();
    await polls?.close();
    await stores?.close();
    if (prefix !== undefined) await removeQueueKeys(prefix);
    if (databaseName !== undefined) await dropDatabase(databaseName);
    await feeds?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('creates the database it was pointed at and applies the migrations before starting every role', async () => {
    expect(databaseExistedBefore).toBe(false);
    expect(await databaseExists(databaseName)).toBe(true);
    const applied = buzzwatch.logLines().find((line) => line.msg === 'migrations applied');
    expect(applied?.applied).toEqual(MIGRATIONS);
    const started = buzzwatch.logLines().find((line) => line.msg === 'buzzwatch started');
    expect(started).toMatchObject({ roles: ['api', 'poller', 'scorer', 'alerter'], brands: 1, sources: 1 });
    const client = new pg.Client({ connectionString: databaseUrlFor(databaseName) });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows).toEqual(MIGRATIONS.map((name) => ({ name })));
    } finally {
      await client.end();
    }
  });

  it('answers /v1 only to the keys from the environment: 401 without or with a wrong key, 403 for a read key’s POST', async () => {
    expect(await api('/healthz', { key: null })).toEqual({ status: 200, body: { status: 'ok' } });
    const missing = await api('/v1/mentions', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toMatch(/^BUZZ_ERR_/);
    const wrong = await api('/v1/mentions', { key: WRONG_KEY });
    expect(wrong).toEqual({ status: 401, body: { error: { code: missing.body.error.code, message: 'unknown API key' } } });
    const readOnly = await api('/v1/sources/news-rss/poll', { key: READ_KEY, method: 'POST' });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error.message).toBe('the key "strategist" is read-only; POST needs an admin key');
    expect((await api('/v1/brands', { key: READ_KEY })).status).toBe(200);
    expect((await api('/v1/sources', { key: ADMIN_KEY })).status).toBe(200);
  });

  it('polls a source when the admin key asks, and the mentions end up in the history API', async () => {
    // The poll every source gets at start-up comes first, so the requested one is not the source's first poll.
    const initial = await polls.next((job) => job.jobId.startsWith('repeat:news-rss:'));
    expect(initial.result).toMatchObject({ status: 'ok', items: 5, mentions: 3, backfill: true });

    const requested = await api('/v1/sources/news-rss/poll', { key: ADMIN_KEY, method: 'POST' });
    expect(requested.status).toBe(202);
    expect(requested.body.data.source_id).toBe('news-rss');
    const { result } = await polls.next((job) => job.jobId === requested.body.data.job_id);
    expect(result).toMatchObject({ status: 'ok', items: 5, mentions: 3, backfill: false });
    if (result.status !== 'ok' || initial.result.status !== 'ok') throw new Error('both polls succeeded above');
    const batches = await Promise.all(
      [...initial.result.jobIds, ...result.jobIds].map((jobId) => stores.next((job) => job.jobId === jobId)),
    );
    expect(batches.reduce((sum, batch) => sum + batch.result.inserted, 0)).toBe(3);

    const mentions = await api('/v1/mentions?brand=acme', { key: READ_KEY });
    expect(mentions.status).toBe(200);
    expect(mentions.body.data.map((mention: any) => mention.url).sort()).toEqual(ACME_URLS);
    const sources = await api('/v1/sources', { key: READ_KEY });
    expect(sources.body.data).toEqual([expect.objectContaining({ id: 'news-rss', status: 'ok', mentions_total: 3 })]);
  });

  // A stop is slow on a loaded machine (seconds), but must stay under the roles' 25 s shutdown grace: a stop that
  // waits it out instead of ending when its work is done still fails.
  it('stops gracefully on SIGTERM: exit code 0, well within its shutdown grace', async () => {
    buzzwatch.child.kill('SIGTERM');
    stopped = await exitWithin(buzzwatch, 20_000);
    expect(stopped).toMatchObject({ code: 0, signal: null });
    const messages = buzzwatch.logLines().map((line) => line.msg);
    expect(messages).toContain('stopping: finishing active jobs');
    expect(messages.at(-1)).toBe('stopped');
  });

  it('never writes an API key to its output or into an API response', () => {
    const output = `${stopped?.stdout ?? buzzwatch.stdout()}\n${stopped?.stderr ?? buzzwatch.stderr()}`;
    // The search must have something to search: request logs of the calls above, with their 401s and 403.
    expect(responseBodies).toHaveLength(9);
    // The /healthz probe is logged too, at debug (this process runs at debug), as a probe request.
    const requestLines = buzzwatch.logLines().filter((line) => line.msg === 'request completed' || line.msg === 'probe request completed');
    expect(requestLines).toHaveLength(responseBodies.length);
    for (const secret of [READ_KEY, ADMIN_KEY]) {
      expect(output).not.toContain(secret);
      for (const body of responseBodies) expect(body).not.toContain(secret);
    }
    // Every stdout line is a JSON log line.
    for (const line of (stopped?.stdout ?? '').split('\n').filter((text) => text !== '')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('buzzwatch migrate', () => {
  let databaseName: string;
  let runs: CliExit[];

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    databaseName = uniqueName('bwtest_migrate');
    const env = { DATABASE_URL: databaseUrlFor(databaseName), LOG_LEVEL: 'info' };
    runs = [await runCli(['migrate'], env), await runCli(['migrate'], env)];
  }, 120_000);

  afterAll(async () => {
    await killAllCliProcesses();
    if (databaseName !== undefined) await dropDatabase(databaseName);
  });

  it('creates and migrates a missing database, then says it is up to date', () => {
    expect(runs[0]).toMatchObject({ code: 0, stdout: `applied: ${MIGRATIONS.join(', ')}\n`, stderr: '' });
    expect(runs[1]).toMatchObject({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  });
});
