// Benchmark: what Redis still holds for an installation after a drained ingest (mention batches queued, stored by
// the real scorer role, queue empty): bytes under the queue prefix, the completed jobs kept and the events kept.
// Usage: npm run bench:redis-memory -- [--mentions=N]   (env: BENCH_REDIS_MEMORY_MENTIONS; default 100 000)
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config/load-config.js';
import { enqueueMentions } from '../src/poller/enqueue-mentions.js';
import { createLogger } from '../src/runtime/logger.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { startRoles } from '../workers/start-roles.js';
import { BENCH_REDIS_URL, benchQueuePrefix, createBenchDatabase, formatCount, makeMentions, printTable, sizeOption, timed } from './bench-support.js';

const mentionCount = sizeOption('mentions', 'BENCH_REDIS_MEMORY_MENTIONS', 100_000);

const CONFIG = `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
  - { id: initech, name: Initech, keywords: [initech] }
`;

async function bytesUnder(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      bytes += (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
    }
  } while (cursor !== '0');
  return { keys, bytes };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const { prefix, obliterate } = benchQueuePrefix();
  const admin = new Redis(BENCH_REDIS_URL);
  const runtime = await createRuntime(
    { configFile: 'inline', databaseUrl: db.url, redisUrl: BENCH_REDIS_URL, port: 0, host: '127.0.0.1', logLevel: 'warn', queuePrefix: prefix },
    parseConfig(CONFIG, {}),
    createLogger('warn'),
  );
  const running = await startRoles(runtime, ['scorer']);
  try {
    const mentions = makeMentions({ count: mentionCount });
    const { result: jobIds, ms } = await timed(async () => {
      const ids = await enqueueMentions(runtime.queues.mentions, mentions);
      // Drained: every batch stored (the queue has nothing waiting, active or delayed).
      for (;;) {
        const counts = await runtime.queues.mentions.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((count) => count === 0)) return ids;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const held = await bytesUnder(admin, prefix);
    const completedKept = await runtime.queues.mentions.getJobCountByTypes('completed');
    const eventsKept = await admin.xlen(`${prefix}:mentions:events`);
    printTable(
      ['mentions', 'batches', 'drain s', 'keys', 'MB held', 'completed batches kept', 'events kept'],
      [[formatCount(mentionCount), String(jobIds.length), (ms / 1000).toFixed(1), String(held.keys), (held.bytes / 1e6).toFixed(1), String(completedKept), String(eventsKept)]],
    );
  } finally {
    await running.stop();
    await runtime.close();
    admin.disconnect();
    await obliterate();
    await db.drop();
  }
}

await main();
