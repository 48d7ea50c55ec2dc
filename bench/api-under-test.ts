// The API bench:api measures. As deployed: `buzzwatch start --role api` in its own process, logging at its default
// level (info: a line per request) to a file, as a deployment's stdout goes to a log collector. And, to compare with
// figures taken before, the way bench:api once measured it: the app built inside the benchmark's own process, its
// logger silent, every answer parsed by the client.
import { openSync, closeSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../src/api/app.js';
import { parseConfig } from '../src/config/load-config.js';
import { createDatabase } from '../src/store/database.js';
import { apiClient, type GetPage } from './api-client.js';
import { composeNodeOptions } from './compose-node-options.js';
import { BENCH_REDIS_URL, benchQueuePrefix, owedCleanup } from './bench-support.js';
import { freePort, startRole } from './role-process.js';

export interface ApiUnderTest {
  get: GetPage;
  close(): Promise<void>;
}

/**
 * CPU time a process has used so far, all its threads, in ms (Linux /proc/PID/task/TID/schedstat, in ns): what a
 * request costs the API whatever else the machine runs, where its latency under load is mostly waiting for a core.
 * NaN where /proc does not tell.
 */
export function processCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds one thread of a process (`tid`; the main thread's is the pid) has used. */
export function threadCpuMs(pid: number, tid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** The api role as its own process, its config file made from `configJson`; its log lines counted on close. */
export async function apiProcess(
  configJson: string,
  databaseUrl: string,
  apiKey: string,
  options: { nodeFlags?: string[]; logLevel?: string; root?: string } = {},
): Promise<ApiUnderTest & { logLines(): number; cpuMs(): number }> {
  const directory = mkdtempSync(join(tmpdir(), 'bwbench-api-'));
  const removeDirectory = owedCleanup(async () => rmSync(directory, { recursive: true, force: true }));
  const configFile = join(directory, 'buzzwatch.yaml');
  // YAML is a superset of JSON.
  writeFileSync(configFile, configJson);
  const logFile = join(directory, 'api.log');
  const log = openSync(logFile, 'a');
  const { prefix, obliterate } = benchQueuePrefix();
  const port = await freePort();
  const env: Record<string, string> = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: databaseUrl, REDIS_URL: BENCH_REDIS_URL, BUZZWATCH_QUEUE_PREFIX: prefix, PORT: String(port) };
  // With the NODE_OPTIONS docker-compose.yml gives the api container (its young generation), from the checkout that
  // runs, so that --api-from compares two versions each as it ships.
  const nodeOptions = composeNodeOptions(options.root ?? resolve(import.meta.dirname, '..'), 'api');
  if (nodeOptions !== '') env.NODE_OPTIONS = nodeOptions;
  const role = await startRole('api', env, port, { logLevel: options.logLevel ?? 'info', stdio: ['ignore', log, log], nodeFlags: options.nodeFlags ?? [], root: options.root });
  let lines = 0;
  return {
    get: apiClient(port, apiKey),
    logLines: () => lines,
    cpuMs: () => processCpuMs(role.child.pid ?? 0),
    async close() {
      await role.stop();
      closeSync(log);
      lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '').length;
      await obliterate();
      await removeDirectory();
    },
  };
}

/** The old way: the app inside this process, logger silent, every answer parsed. */
export async function apiInProcess(configJson: string, databaseUrl: string, apiKey: string): Promise<ApiUnderTest> {
  const config = parseConfig(configJson, {});
  const database = createDatabase(databaseUrl, { max: config.database.pool_size, statementTimeoutMs: config.api.query_timeout });
  const unused = () => Promise.reject(new Error('not used by this benchmark'));
  const app = await buildApp(
    { config, database, pingRedis: () => Promise.resolve(), pollNow: unused, enqueueMentionBatch: unused, queueStats: () => Promise.resolve([]) },
    { logger: pino({ level: 'silent' }) },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const get = apiClient((app.server.address() as AddressInfo).port, apiKey);
  return {
    get: (path) => get(path, { parse: true }),
    async close() {
      await app.close();
      await database.end();
    },
  };
}
