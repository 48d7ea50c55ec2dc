// SIGHUP reloads the config of a running `buzzwatch start`: an invalid file is refused (logged with its problems)
// and the process goes on with the config in force; a valid one is put in force without a restart. A SIGHUP during
// start-up, however early, is kept for once every role runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitWithin, killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { closeQueues, createQueues } from '../../src/queue/queues.js';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  dropDatabase,
  obliterateQueues,
  redisConnectionOf,
  testDatabaseUrl,
  uniqueName,
  type TestDatabase,
} from '../helpers/services.js';

const FIRST_KEY = 'first-read-key-0123456789';
const SECOND_KEY = 'second-read-key-0123456789';
const configWithKey = (key: string) => `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
api:
  keys:
    - { name: reader, key: "${key}", scope: read }
`;

// A stop is slow on a loaded machine (seconds), but must stay under the roles' 25 s shutdown grace: a stop that
// waits it out instead of ending when its work is done still fails.
const EXIT_TIMEOUT_MS = 20_000;

describe('SIGHUP', () => {
  let db: TestDatabase;
  let directory: string;
  let configFile: string;
  let buzzwatch: CliProcess;
  let baseUrl: string;
  const prefix = uniqueName('bwq');

  const statusWith = async (key: string) =>
    (await fetch(`${baseUrl}/v1/brands`, { headers: { authorization: `Bearer ${key}` } })).status;

  beforeAll(async () => {
    db = await createTestDatabase();
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-sighup-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, configWithKey(FIRST_KEY));
    buzzwatch = spawnCli(['start', '--role', 'api'], {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const started = await buzzwatch.waitForLog((line) => line.msg === 'buzzwatch started', 60_000);
    baseUrl = `http://127.0.0.1:${String(started.port)}`;
  });

  afterAll(async () => {
    await killAllCliProcesses();
    const queues = createQueues(redisConnectionOf(TEST_REDIS_URL), prefix);
    await obliterateQueues(queues);
    await closeQueues(queues);
    await db?.drop();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('refuses an invalid file and keeps running, then puts a valid one in force', async () => {
    writeFileSync(configFile, 'brands: []\n');
    buzzwatch.child.kill('SIGHUP');
    const refused = await buzzwatch.waitForLog((line) => line.msg === 'config reload refused: the config in force keeps running');
    expect(refused).toMatchObject({ level: 40, trigger: 'SIGHUP', problems: [{ path: 'brands', message: 'needs at least one brand to watch' }] });
    expect(await statusWith(FIRST_KEY)).toBe(200);

    writeFileSync(configFile, configWithKey(SECOND_KEY));
    buzzwatch.child.kill('SIGHUP');
    expect(await buzzwatch.waitForLog((line) => line.msg === 'config reloaded')).toMatchObject({ trigger: 'SIGHUP', brands: 1 });
    expect(await statusWith(SECOND_KEY)).toBe(200);
    expect(await statusWith(FIRST_KEY)).toBe(401);
    expect(buzzwatch.isRunning()).toBe(true);

    buzzwatch.child.kill('SIGTERM');
    expect(await exitWithin(buzzwatch, EXIT_TIMEOUT_MS)).toMatchObject({ code: 0, signal: null });
  }, 90_000);

  it('lives through a SIGHUP that comes while the config is still being read, and reads it again once started', async () => {
    // The config file is a FIFO: the process waits in its first read of the config until the test writes, so the
    // signal comes at a known moment before any of start's own set-up. SIGHUP's default action (the end of the
    // process) used to hold until then.
    const fifo = join(directory, 'buzzwatch-fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const early = spawnCli(['start', '--role', 'api'], {
      BUZZWATCH_CONFIG: fifo,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    // Opening a FIFO to write completes once the process has opened it to read.
    const writer = await open(fifo, 'w');
    try {
      early.child.kill('SIGHUP');
      await writer.writeFile(configWithKey(FIRST_KEY));
    } finally {
      await writer.close();
    }
    const started = await early.waitForLog((line) => line.msg === 'buzzwatch started', 60_000);
    const baseUrlOfEarly = `http://127.0.0.1:${String(started.port)}`;
    expect(early.logLines().filter((line) => line.msg === 'SIGHUP during start-up: the config file will be read again once every role runs')).toHaveLength(1);
    // The reload the signal asked for reads the FIFO again (this write waits for it): what it reads is put in force.
    await writeFile(fifo, configWithKey(SECOND_KEY));
    expect(await early.waitForLog((line) => line.msg === 'config reloaded')).toMatchObject({ trigger: 'SIGHUP', brands: 1 });
    expect((await fetch(`${baseUrlOfEarly}/healthz`)).status).toBe(200);
    const brandsWith = async (key: string) => (await fetch(`${baseUrlOfEarly}/v1/brands`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect(await brandsWith(SECOND_KEY)).toBe(200);
    expect(await brandsWith(FIRST_KEY)).toBe(401);
    // One signal, one reload.
    expect(early.logLines().filter((line) => line.msg === 'config reloaded')).toHaveLength(1);
    early.child.kill('SIGTERM');
    expect(await exitWithin(early, EXIT_TIMEOUT_MS)).toMatchObject({ code: 0, signal: null });
  }, 120_000);

  it('reads the file again once started when SIGHUP comes during start-up', async () => {
    // A database that does not exist yet: the process creates it and applies the migrations before any role runs,
    // and says so, which is the moment to signal.
    const startingName = uniqueName('bwlate');
    try {
      writeFileSync(configFile, configWithKey(FIRST_KEY));
      const late = spawnCli(['start', '--role', 'api'], {
        BUZZWATCH_CONFIG: configFile,
        DATABASE_URL: testDatabaseUrl(startingName),
        REDIS_URL: TEST_REDIS_URL,
        BUZZWATCH_QUEUE_PREFIX: prefix,
        PORT: '0',
        LOG_LEVEL: 'info',
      });
      await late.waitForLog((line) => line.msg === 'migrations applied', 60_000);
      writeFileSync(configFile, configWithKey(SECOND_KEY));
      late.child.kill('SIGHUP');
      const started = await late.waitForLog((line) => line.msg === 'buzzwatch started', 60_000);
      expect(await late.waitForLog((line) => line.msg === 'config reloaded')).toMatchObject({ trigger: 'SIGHUP', brands: 1 });
      const url = `http://127.0.0.1:${String(started.port)}/v1/brands`;
      expect((await fetch(url, { headers: { authorization: `Bearer ${SECOND_KEY}` } })).status).toBe(200);
      expect((await fetch(url, { headers: { authorization: `Bearer ${FIRST_KEY}` } })).status).toBe(401);
      late.child.kill('SIGTERM');
      expect(await exitWithin(late, EXIT_TIMEOUT_MS)).toMatchObject({ code: 0, signal: null });
    } finally {
      await dropDatabase(startingName);
    }
  }, 120_000);
});
