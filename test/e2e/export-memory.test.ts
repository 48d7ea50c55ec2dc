// GET /v1/mentions/export of 100 000 mentions from a real `buzzwatch start --role api` process, read slowly: every
// row arrives, and the process's resident memory stays flat (measured from /proc, not guessed from time).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const MENTIONS = 100_000;
const KEY = 'export-test-key-0123456789';
// About 1 KiB of text per mention: 100 MiB of CSV, which the process must not hold.
const FILLER = 'Acme customers discuss delivery, pricing, support and the new release at length. '.repeat(13);
const MAX_RSS_GROWTH_BYTES = 100 * 1024 * 1024;

function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((each) => each.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

describe('exporting 100 000 mentions', () => {
  let db: TestDatabase;
  let directory: string;
  let api: CliProcess;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let start = 0; start < MENTIONS; start += 5_000) {
      const batch = Array.from({ length: 5_000 }, (_, offset) => {
        const index = start + offset;
        return scoredMention({
          key: `bulk-${index}`,
          at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
          text: `${index} ${FILLER}`,
          label: index % 4 === 0 ? 'negative' : 'neutral',
        });
      });
      await storeMentions(db.database, batch);
    }
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-export-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, `brands:\n  - { id: acme, name: Acme, keywords: [acme] }\napi:\n  keys:\n    - { name: reader, key: "${KEY}", scope: read }\n`);
    api = spawnCli(['start', '--role', 'api'], {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: uniqueName('bwq'),
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const started = await api.waitForLog((line) => line.msg === 'buzzwatch started', 30_000);
    port = started.port as number;
  }, 300_000);

  afterAll(async () => {
    await killAllCliProcesses();
    await db?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('streams every row while the process memory stays flat', async () => {
    const url = `http://127.0.0.1:${port}/v1/mentions/export?brand=acme&format=csv`;
    const headers = { authorization: `Bearer ${KEY}` };
    // Warm up the code paths (and the pool) so the baseline is the process at work, not at rest.
    await (await fetch(`${url}&since=2026-01-01T00:00:00Z&until=2026-01-01T01:00:00Z`, { headers })).text();
    const baseline = residentBytes(api.pid);
    let peak = baseline;

    const response = await fetch(url, { headers });
    expect(response.status).toBe(200);
    const parser = parse({ columns: true });
    let rows = 0;
    let negative = 0;
    parser.on('data', (row: Record<string, string>) => {
      rows += 1;
      if (row.sentiment_label === 'negative') negative += 1;
    });
    const parsed = new Promise<void>((resolve, reject) => parser.on('end', resolve).on('error', reject));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.write(value);
      chunks += 1;
      // A slow client: the server must wait for it rather than pile rows up in memory.
      if (chunks % 20 === 0) {
        peak = Math.max(peak, residentBytes(api.pid));
        await pause(2);
      }
    }
    parser.end();
    await parsed;
    peak = Math.max(peak, residentBytes(api.pid));

    expect(rows).toBe(MENTIONS);
    expect(negative).toBe(MENTIONS / 4);
    expect(peak - baseline, `RSS ${baseline} → ${peak} bytes`).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  }, 300_000);
});
