// A large feed is read on a thread of its own: the poller's event loop turns while it is parsed, and the items or the
// error are exactly what reading it in the poller's thread gives.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../../src/mentions/mention.js';
import type { HttpResponse } from '../../src/net/http-client.js';
import { FEED_THREAD_HEAP_MB, FEED_THREAD_MIN_BYTES, FEED_THREAD_YOUNG_GENERATION_MB, ITEMS_PER_ANSWER, newestItems, parseFeedItemsOffThread, threadHeapMb } from '../../src/sources/feed-parsing-thread.js';
import { parseFeedItems, rssSourceKind } from '../../src/sources/rss.js';
import { SourceError } from '../../src/sources/source-error.js';
import type { PollContext, Source } from '../../src/sources/source.js';
import { RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';

const FEED_URL = 'https://feeds.example/big.xml';
const SILENT_THREAD = new URL('../fixtures/silent-feed-thread.ts', import.meta.url);
const LIMITS_THREAD = new URL('../fixtures/limits-feed-thread.ts', import.meta.url);
const HEAP_OVERRUN = new URL('../fixtures/feed-heap-overrun.ts', import.meta.url);

/** An RSS feed of at least `bytes`, its items the fixture's, each with its own id and link. */
function largeFeed(bytes: number): string {
  const entries = [];
  for (let size = 0, index = 0; size < bytes; index++) {
    const entry = RSS_ENTRIES[index % RSS_ENTRIES.length]!;
    entries.push({ ...entry, id: `${entry.id}-${index}`, link: `https://news.example/story/${index}`, html: `${entry.html} <p>${'More words about it. '.repeat(4)}</p>` });
    size += 480;
  }
  return rss2(entries);
}

/** The most items per byte (a one-word title and a link each): the most memory to read per MiB. */
function tinyItemsFeed(bytes: number): string {
  const items = [];
  for (let size = 0, index = 0; size < bytes; index++) {
    const item = `<item><title>acme</title><link>https://x.example/${index}</link></item>`;
    items.push(item);
    size += item.length;
  }
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link>${items.join('')}</channel></rss>`;
}

function response(body: string, contentType = 'application/rss+xml; charset=utf-8'): HttpResponse {
  return { status: 200, headers: new Headers({ 'content-type': contentType }), url: FEED_URL, body: Buffer.from(body, 'utf8') };
}

/** What `run` gives, and how many turns of the event loop (setImmediate callbacks) ran before it settled. */
async function withTurns<T>(run: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; turns: number }> {
  let turns = 0;
  let settled = false;
  const turn = () => {
    if (settled) return;
    turns += 1;
    setImmediate(turn);
  };
  setImmediate(turn);
  const [outcome] = await Promise.allSettled([run()]);
  settled = true;
  return { outcome: outcome!, turns };
}

async function errorOf(run: () => Promise<unknown>): Promise<SourceError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('no error');
}

const BIG_FEED = largeFeed(FEED_THREAD_MIN_BYTES + 200_000);

// Each test reads feeds of a MiB or more, some several times: 1-6 s on a quiet machine, past the project's 30 s on one
// loaded ten times over (CI of 2026-12-06 at load 19).
describe('a large feed', { timeout: 120_000 }, () => {
  it('is polled while the event loop keeps turning, with the items the poller thread would read', async () => {
    const source: Source = rssSourceKind.create({ id: 'big', type: 'rss', url: FEED_URL, every: 60_000 } as never, {} as never);
    const context = { http: { request: async () => response(BIG_FEED) } } as unknown as PollContext;
    const { outcome, turns } = await withTurns(() => source.poll({}, context));
    expect(outcome.status).toBe('fulfilled');
    const items = (outcome as PromiseFulfilledResult<{ items: SourceItem[] }>).value.items;
    expect(items).toEqual(await parseFeedItems(response(BIG_FEED)));
    // More than one answer's worth: the items come back in slices, in order.
    expect(items.length).toBeGreaterThan(ITEMS_PER_ANSWER);
    // Parsed in the poller's thread, the whole poll is one synchronous stretch: no turn at all before it ends.
    expect(turns).toBeGreaterThan(0);
  });

  it('fails with the SourceError the poller thread gives: invalid XML (with its position), HTML, XML that is no feed', async () => {
    const broken = BIG_FEED.replace('</channel>', '<item><title>cut</item></channel>');
    const html = `<!doctype html><html><body>${'<p>not a feed</p>'.repeat(80_000)}</body></html>`;
    const notRss = `<?xml version="1.0"?><catalog>${'<book>words</book>'.repeat(70_000)}</catalog>`;
    for (const body of [broken, html, notRss]) {
      const inThread = await errorOf(() => parseFeedItems(response(body)));
      const offThread = await errorOf(() => parseFeedItemsOffThread(response(body)));
      expect(body.length).toBeGreaterThanOrEqual(FEED_THREAD_MIN_BYTES);
      expect([offThread.kind, offThread.message]).toEqual([inThread.kind, inThread.message]);
    }
    expect((await errorOf(() => parseFeedItemsOffThread(response(broken)))).message).toMatch(/^invalid XML from feeds\.example: Unexpected close tag at line \d+, column \d+$/);
  });

  it('that its thread does not read within the budget fails the poll, and the thread is stopped', async () => {
    const error = await errorOf(() => parseFeedItemsOffThread(response(BIG_FEED), { script: SILENT_THREAD, budgetMs: 200 }));
    const mib = (Buffer.byteLength(BIG_FEED) / 1_048_576).toFixed(1);
    expect([error.kind, error.message]).toEqual(['parse', `reading the ${mib} MiB feed from feeds.example took longer than 0.2 s: stopped`]);
  });

  it('that needs more memory than its thread’s heap fails the poll as unreadable; a feed that fits reads the same', async () => {
    // 24 MB of old generation: the thread's modules and BIG_FEED fit; 8 MiB of one-line items (≈ 120,000) need ≈ 100.
    const limits = { heapMb: 24 };
    const tooBig = tinyItemsFeed(8 * 1_048_576);
    const error = await errorOf(() => parseFeedItemsOffThread(response(tooBig), limits));
    const mib = (Buffer.byteLength(tooBig) / 1_048_576).toFixed(1);
    expect([error.kind, error.message]).toEqual(['parse', `reading the ${mib} MiB feed from feeds.example needed more than 24 MB of memory: stopped`]);
    expect(await parseFeedItemsOffThread(response(BIG_FEED), limits)).toEqual({ items: await parseFeedItems(response(BIG_FEED)), leftOut: 0 });
  });

  it('names the heap its thread really had when the process was given a --max-old-space-size, which replaces it', async () => {
    // 8 MiB of one-line items need ≈ 100 MB: over the 48 the process's flag gives the thread, under FEED_THREAD_HEAP_MB.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(HEAP_OVERRUN)], {
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' },
    });
    expect(stdout.trim()).toBe('reading the 8.0 MiB feed from feeds.example needed more than 48 MB of memory: stopped');
  });

  it('takes the thread’s heap from the process’s last --max-old-space-size, else the one it asks for', () => {
    expect(threadHeapMb(512, [])).toBe(512);
    expect(threadHeapMb(512, ['--max-semi-space-size=32', '--max-old-space-size=256'])).toBe(256);
    expect(threadHeapMb(512, ['--max_old_space_size', '300'])).toBe(300);
    expect(threadHeapMb(512, ['--max-old-space-size=256', '--inspect', '--max-old-space-size=2000'])).toBe(2000);
    expect(threadHeapMb(512, ['--max-old-space-size=lots'])).toBe(512);
  });

  it('is read by a thread started with the feed thread’s heap and young generation', async () => {
    const error = await errorOf(() => parseFeedItemsOffThread(response(BIG_FEED), { script: LIMITS_THREAD }));
    const limits = JSON.parse(error.message) as { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };
    expect([limits.maxOldGenerationSizeMb, limits.maxYoungGenerationSizeMb]).toEqual([FEED_THREAD_HEAP_MB, FEED_THREAD_YOUNG_GENERATION_MB]);
  });

  it('keeps the newest maxItems items by publication time, in the feed’s order; undated ones count as the oldest', () => {
    const at = (day: number | null, id: string): SourceItem => ({
      externalId: id,
      url: `https://feeds.example/${id}`,
      title: id,
      text: '',
      author: null,
      lang: null,
      publishedAt: day === null ? null : new Date(Date.UTC(2026, 10, day)),
      reach: null,
    });
    const oldestFirst = [at(1, 'a'), at(2, 'b'), at(3, 'c'), at(4, 'd')];
    expect(newestItems(oldestFirst, 2)).toEqual({ items: [at(3, 'c'), at(4, 'd')], leftOut: 2 });
    const mixed = [at(null, 'u1'), at(5, 'e'), at(null, 'u2'), at(1, 'a'), at(null, 'u3')];
    expect(newestItems(mixed, 3)).toEqual({ items: [at(null, 'u1'), at(5, 'e'), at(1, 'a')], leftOut: 2 });
    const undated = [at(null, 'u1'), at(null, 'u2'), at(null, 'u3')];
    expect(newestItems(undated, 2)).toEqual({ items: [at(null, 'u1'), at(null, 'u2')], leftOut: 1 });
    expect(newestItems(oldestFirst, 4)).toEqual({ items: oldestFirst, leftOut: 0 });
  });

  it('gives its newest maxItems items and how many it left out, from its thread and from the caller’s', async () => {
    const all = await parseFeedItems(response(BIG_FEED));
    // One more than an answer holds: the items beyond the first answer come from the next.
    const maxItems = ITEMS_PER_ANSWER + 1;
    expect(all.length).toBeGreaterThan(maxItems);
    const expected = newestItems(all, maxItems);
    expect(expected.leftOut).toBe(all.length - maxItems);
    expect(await parseFeedItemsOffThread(response(BIG_FEED), { maxItems })).toEqual(expected);
    expect(await parseFeedItemsOffThread(response(BIG_FEED), { maxItems, minBytes: Number.POSITIVE_INFINITY })).toEqual(expected);
    expect(await parseFeedItemsOffThread(response(BIG_FEED), { maxItems: all.length })).toEqual({ items: all, leftOut: 0 });
  });

  it('is read in the caller’s thread below FEED_THREAD_MIN_BYTES', async () => {
    const small = largeFeed(10_000);
    const { outcome, turns } = await withTurns(() => parseFeedItemsOffThread(response(small), { script: SILENT_THREAD, budgetMs: 200 }));
    expect(outcome.status).toBe('fulfilled');
    expect(turns).toBe(0);
  });
});
