// `buzzwatch preview SOURCE_ID`: one poll of one source printed as JSON lines, with nothing saved or queued.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionId } from '../../src/mentions/mention-id.js';
import { killAllCliProcesses, runCli, type CliExit } from '../helpers/cli-process.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from '../helpers/services.js';
import { RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';

const PREVIEW_CONFIG = (feedBaseUrl: string) => `
brands:
  - id: acme
    name: Acme Corp
    keywords: ["acme", "acme corp", "#acme"]
    exclude: ["acme fruit"]
  - id: globex
    name: Globex
    keywords: ["globex"]
sources:
  - { id: news-rss, type: rss, url: "${feedBaseUrl}/rss.xml", every: 1h }
  - { id: broken-feed, type: rss, url: "${feedBaseUrl}/error.xml", every: 1h }
`;

describe('buzzwatch preview', () => {
  let feeds: FixtureServer;
  let db: TestDatabase;
  let prefix: string;
  let directory: string;
  let configFile: string;
  let good: CliExit;
  let failing: CliExit;
  let unknown: CliExit;

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/rss.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8', { etag: '"v1"' }));
    feeds.route('/error.xml', (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error');
    });
    db = await createTestDatabase();
    prefix = uniqueName('bwq');
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-preview-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, PREVIEW_CONFIG(feeds.baseUrl));
    const env = {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    // Independent commands, run side by side to share the cost of starting node.
    [good, failing, unknown] = await Promise.all([
      runCli(['preview', 'news-rss'], env),
      runCli(['preview', 'broken-feed'], env),
      runCli(['preview', 'no-such-source'], env),
    ]);
  }, 120_000);

  afterAll(async () => {
    await killAllCliProcesses();
    await feeds?.close();
    await db?.drop();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('prints every item of the feed as one JSON line with the brands it matched, and exits 0', () => {
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout.endsWith('\n')).toBe(true);
    const lines = good.stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line));
    const canonical = {
      'rss-positive': 'https://news.example/acme-skates',
      'rss-negative': 'https://news.example/acme-anvil-recall',
      'rss-neutral': 'https://news.example/acme-office',
      'rss-unrelated': 'https://news.example/globex-results',
      'rss-excluded': 'https://news.example/acme-fruit',
    };
    const line = (externalId: keyof typeof canonical, fields: Record<string, unknown>) => ({
      id: mentionId(canonical[externalId], 'rss', externalId),
      external_id: externalId,
      url: canonical[externalId],
      author: null,
      lang: 'en',
      ...fields,
    });
    expect(lines).toEqual([
      line('rss-positive', {
        title: 'Acme rocket skates are a triumph',
        text: 'I love the new Acme rocket skates. They are wonderful, brilliant and great fun.',
        author: 'Wile E.',
        published_at: '2026-11-25T10:00:00.000Z',
        brands: ['acme'],
      }),
      line('rss-negative', {
        title: 'Acme anvil recall after terrible failures',
        text: 'Customers are furious: the Acme anvil is awful, broken and dangerous. A horrible disaster.',
        published_at: '2026-11-25T11:00:00.000Z',
        brands: ['acme'],
      }),
      line('rss-neutral', {
        title: 'Acme Corp opens an office in Springfield',
        text: 'The company will open the office on Monday, a spokesperson said.',
        published_at: '2026-11-25T12:00:00.000Z',
        brands: ['acme'],
      }),
      line('rss-unrelated', {
        title: 'Globex reports quarterly results',
        text: 'Revenue was flat. Acmeology, a new field of study, is not a brand.',
        published_at: '2026-11-25T13:00:00.000Z',
        brands: ['globex'],
      }),
      line('rss-excluded', {
        title: 'The Acme fruit harvest begins',
        text: 'Growers expect a fine crop.',
        published_at: '2026-11-25T14:00:00.000Z',
        brands: [],
      }),
    ]);
  });

  it('fetches the feed once, unconditionally (no stored ETag is used or saved)', () => {
    const fetches = feeds.requestsTo('/rss.xml');
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.headers['if-none-match']).toBeUndefined();
  });

  it('changes nothing: no source row, no mention, no Redis key under the queue prefix', async () => {
    const sources = await db.database.query('SELECT id FROM sources');
    const mentions = await db.database.query('SELECT id FROM mentions');
    expect(sources.rows).toEqual([]);
    expect(mentions.rows).toEqual([]);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('exits 1 with one stderr line naming the source and the reason when the feed answers 500', () => {
    expect(failing.code).toBe(1);
    expect(failing.stdout).toBe('');
    expect(failing.stderr).toBe(`broken-feed: HTTP 500 from ${new URL(feeds.baseUrl).host}\n`);
  });

  it('exits 1 listing the known source ids when the id is unknown', () => {
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(`no source "no-such-source" in ${configFile} (known: news-rss, broken-feed)\n`);
  });
});
