// A whole buzzwatch process (api + poller + scorer by default) started in-process against real Redis and
// PostgreSQL, isolated by its own database and queue prefix.
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { loadConfigFile, parseConfig } from '../../src/config/load-config.js';
import type { DeliveryOutcome } from '../../src/alerts/deliver-notification.js';
import type { PollOutcome } from '../../src/poller/poll-source.js';
import { QueueName } from '../../src/queue/queues.js';
import { sourceKindFor } from '../../src/sources/registry.js';
import { createLogger } from '../../src/runtime/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import type { Settings } from '../../src/runtime/settings.js';
import type { BatchOutcome } from '../../src/scorer/score-and-store.js';
import type { EvaluationReport } from '../../workers/alerter.js';
import { startRoles, type Role, type RunningProcess } from '../../workers/start-roles.js';
import { watchQueue, type QueueWatch } from './queue-watch.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from './services.js';

export const READ_KEY = 'test-read-key-0123456789';
export const ADMIN_KEY = 'test-admin-key-0123456789';

/** An api: section granting the two test keys; append it to a test config. */
export const TEST_API_KEYS = `
api:
  keys:
    - { name: reader, key: "${READ_KEY}", scope: read }
    - { name: admin, key: "${ADMIN_KEY}", scope: admin }
`;

export interface TestSystem {
  runtime: Runtime;
  /** Reloads the config as SIGHUP does. */
  reload: RunningProcess['reload'];
  baseUrl: string;
  db: TestDatabase;
  prefix: string;
  /** Every log line the process wrote. */
  logLines: string[];
  polls: QueueWatch<PollOutcome>;
  stores: QueueWatch<BatchOutcome>;
  /** Alert evaluations (ticks) and notification deliveries, as they complete. */
  evaluations: QueueWatch<EvaluationReport>;
  deliveries: QueueWatch<DeliveryOutcome>;
  /** Runs one alert evaluation now (through the queue, as the scheduler does) and answers what it did (digests too). */
  evaluateAlerts(): Promise<EvaluationReport>;
  /** GET/POST against the API with a key (the read key unless given). */
  api(path: string, options?: { key?: string | null; method?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  /** Asks the API to poll a source now, then waits until the poll and the batches it queued are stored. */
  pollAndStore(sourceId: string): Promise<PollOutcome>;
  /** Queues a poll as the scheduler does (not forced: a source backing off skips it) and waits for it. */
  pollAsScheduled(sourceId: string): Promise<PollOutcome>;
  /** Waits for the poll each source gets when the poller starts, and for what those polls queued. */
  initialPolls(): Promise<Map<string, PollOutcome>>;
  stop(): Promise<void>;
}

export async function startTestSystem(options: {
  configYaml: string;
  env?: Record<string, string>;
  roles?: Role[];
  logLevel?: string;
  /** Redis to use instead of the shared one (e.g. a private server the test kills). */
  redisUrl?: string;
  /** The URL the process uses for its (freshly created) database, e.g. through a proxy the test takes down. */
  databaseUrlFor?: (directUrl: string) => string;
  /** What alert evaluation takes as "now" (default: the wall clock). */
  clock?: () => Date;
  /** The file a config reload reads (with `env`); without it a reload reads `configYaml` again. */
  configFile?: string;
  /** The Redis key prefix (default: a unique one). */
  queuePrefix?: string;
  /** DATABASE_READ_URL: where the API's reads go. */
  databaseReadUrl?: string;
}): Promise<TestSystem> {
  const db = await createTestDatabase();
  const prefix = options.queuePrefix ?? uniqueName('bwq');
  const config = parseConfig(options.configYaml, options.env ?? {});
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const settings: Settings = {
    configFile: 'inline',
    databaseUrl: options.databaseUrlFor?.(db.url) ?? db.url,
    ...(options.databaseReadUrl === undefined ? {} : { databaseReadUrl: options.databaseReadUrl }),
    redisUrl,
    port: 0,
    host: '127.0.0.1',
    logLevel: options.logLevel ?? 'info',
    queuePrefix: prefix,
  };
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const polls = await watchQueue<PollOutcome>(QueueName.poll, prefix, redisUrl);
  const stores = await watchQueue<BatchOutcome>(QueueName.mentions, prefix, redisUrl);
  const evaluations = await watchQueue<EvaluationReport>(QueueName.alerts, prefix, redisUrl);
  const deliveries = await watchQueue<DeliveryOutcome>(QueueName.notify, prefix, redisUrl);
  const runtime = await createRuntime(settings, config, createLogger(settings.logLevel, sink), options.clock);
  const reloadEnv = options.env ?? {};
  const running = await startRoles(runtime, options.roles ?? ['api', 'poller', 'scorer'], {
    loadConfig: () => (options.configFile === undefined ? parseConfig(options.configYaml, reloadEnv) : loadConfigFile(options.configFile, reloadEnv)),
  });
  const baseUrl = `http://127.0.0.1:${running.port}`;

  const api: TestSystem['api'] = async (path, { key = READ_KEY, method = 'GET', body } = {}) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  const waitForStores = async (outcome: PollOutcome) => {
    if (outcome.status === 'ok') await Promise.all(outcome.jobIds.map((id) => stores.next((job) => job.jobId === id)));
  };

  return {
    runtime,
    reload: (trigger) => running.reload(trigger),
    baseUrl,
    db,
    prefix,
    logLines,
    polls,
    stores,
    evaluations,
    deliveries,
    api,
    async evaluateAlerts() {
      // Another evaluation (the scheduler's, or one after new mentions) may hold the lock: ask until one runs.
      for (;;) {
        const job = await runtime.queues.alerts.add('evaluate', {});
        const { result } = await evaluations.next((completed) => completed.jobId === job.id);
        if (result.evaluated) return result;
      }
    },
    async pollAndStore(sourceId) {
      const { status, body } = await api(`/v1/sources/${sourceId}/poll`, { key: ADMIN_KEY, method: 'POST' });
      if (status !== 202) throw new Error(`poll request failed: ${status} ${JSON.stringify(body)}`);
      const { result } = await polls.next((job) => job.jobId === body.data.job_id);
      await waitForStores(result);
      return result;
    },
    async pollAsScheduled(sourceId) {
      const job = await runtime.queues.poll.add('poll', { sourceId });
      const { result } = await polls.next((completed) => completed.jobId === job.id);
      await waitForStores(result);
      return result;
    },
    async initialPolls() {
      const outcomes = new Map<string, PollOutcome>();
      // Webhook sources are pushed to, never polled.
      for (const source of config.sources.filter((candidate) => sourceKindFor(candidate.type)?.inbound !== true)) {
        const job = await polls.next((completed) => completed.jobId.startsWith(`repeat:${source.id}:`));
        await waitForStores(job.result);
        outcomes.set(source.id, job.result);
      }
      return outcomes;
    },
    async stop() {
      await running.stop();
      await runtime.close();
      await polls.close();
      await stores.close();
      await evaluations.close();
      await deliveries.close();
      await obliterateQueues(prefix, redisUrl);
      await db.drop();
    },
  };
}

async function obliterateQueues(prefix: string, redisUrl: string): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { prefix, connection: { host: hostname, port: Number(port) } });
    await queue.obliterate({ force: true });
    await queue.close();
  }
}
