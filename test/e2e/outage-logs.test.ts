// Defect 9: during a Redis outage a process wrote multi-line stack traces (BullMQ printing connection errors to
// stderr) and thousands of identical warnings. Now every line is JSON on stdout, a repeated warning or error is
// logged once and then counted per window, and the health and metrics requests orchestrators make every few seconds
// are logged at debug only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';
import { exitWithin, killAllCliProcesses, spawnCli, type CliProcess, type LogLine } from '../helpers/cli-process.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const START_TIMEOUT_MS = 60_000;
const REPEAT_WINDOW_S = 5;

describe('logs through a Redis outage', () => {
  let feeds: FixtureServer;
  let redis: PrivateRedis;
  let db: TestDatabase;
  let directory: string;
  let buzzwatch: CliProcess;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    // Nothing in it matches the brand: no batch is being stored when Redis goes (a batch cut off that way makes the
    // stop wait out its grace period, which is another test's subject).
    feeds.route('/feed.xml', serveFeed(rss2(RSS_ENTRIES.filter((entry) => !/acme/i.test(`${entry.title} ${entry.html}`))), 'application/rss+xml; charset=utf-8'));
    redis = await startPrivateRedis();
    db = await createTestDatabase();
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-outage-logs-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, `${BRAND_CONFIG}\nsources:\n  - { id: news, type: rss, url: "${feeds.baseUrl}/feed.xml", every: 1h }\n`);
    buzzwatch = spawnCli(['start'], {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PORT: '0',
      LOG_LEVEL: 'info',
      LOG_REPEAT_WINDOW: `${REPEAT_WINDOW_S}s`,
    });
  });

  afterAll(async () => {
    await killAllCliProcesses();
    await redis?.destroy();
    await db?.drop();
    await feeds?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('writes only JSON lines, each repeated error once and then as counts, and no line per health check', async () => {
    const started = await buzzwatch.waitForLog((line) => line.msg === 'buzzwatch started', START_TIMEOUT_MS);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`http://127.0.0.1:${String(started.port)}${path}`)).status).toBe(200);
    expect(await buzzwatch.waitForLog((line) => line.msg === 'polled', START_TIMEOUT_MS)).toMatchObject({ mentions: 0 });

    await redis.kill();
    // Reconnect attempts fail at least every 2 s: a whole window of them ends in one summary line with the count.
    const summary = await buzzwatch.waitForLog((line) => typeof line.repeated === 'number', 3 * REPEAT_WINDOW_S * 1000);
    expect(summary).toMatchObject({ repeated_within_s: REPEAT_WINDOW_S });
    expect(summary.repeated).toBeGreaterThan(0);
    await redis.restart();
    // Back: the emptied Redis gets its poll schedule again and the source is polled, in the same process.
    await buzzwatch.waitForLog((line) => line.msg === 'poll schedules were missing or out of date in Redis: repaired', START_TIMEOUT_MS);
    buzzwatch.child.kill('SIGTERM');
    const stopped = await exitWithin(buzzwatch, 60_000);
    expect(stopped).toMatchObject({ code: 0, signal: null });

    expect(stopped.stderr).toBe('');
    const lines = stopped.stdout.split('\n').filter((line) => line !== '');
    const notJson = lines.filter((line) => !isJsonObject(line));
    expect(notJson).toEqual([]);
    const logged = lines.map((line) => JSON.parse(line) as LogLine);
    // Each distinct warning or error: logged in full once (a second time only after a quiet window), the rest counted.
    const fullLines = new Map<string, number>();
    for (const line of logged) {
      if (Number(line.level) < 40 || line.repeated !== undefined) continue;
      const key = `${String(line.module)} ${String(line.msg)} ${String(line.err ?? '')}`;
      fullLines.set(key, (fullLines.get(key) ?? 0) + 1);
    }
    expect([...fullLines].filter(([, count]) => count > 2)).toEqual([]);
    expect(logged.filter((line) => typeof line.repeated === 'number').length).toBeGreaterThan(0);
    // Health and metrics requests are debug lines, not written at info.
    const requestUrls = logged.map((line) => (line.req as { url?: string } | undefined)?.url).filter((url) => url !== undefined);
    expect(requestUrls.filter((url) => ['/healthz', '/readyz', '/metrics'].includes(url))).toEqual([]);
  }, 180_000);
});

function isJsonObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}
