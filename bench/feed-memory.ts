// What reading a large feed on its feed thread costs in memory, and whether the thread's heap limit slows it.
// Part 1, per feed (realistic RSS, Atom with XHTML content, one-line items; --sizes=5,64 MiB): the smallest old
// generation (resourceLimits.maxOldGenerationSizeMb) of a ladder its thread reads it in; and, each read in a fresh
// process of its own (so that one read's freed memory does not hide the next one's), how far that process's RSS rises
// while it is read under Node's default and under FEED_THREAD_HEAP_MB, and what its items (the first FEED_MAX_ITEMS,
// as a poll takes them) hold in the poller's heap.
// Part 2 (--ab-shape=RSS, --ab-mib=20, --rounds=3): one feed read under each of --configs (heap:young MB; Node's
// default on this machine is 4096:48), in turn each round: wall time and the process's CPU per read, items compared.
// Run with --expose-gc (npm run bench:feed-memory does) for the heap figures.
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import type { SourceItem } from '../src/mentions/mention.js';
import type { HttpResponse } from '../src/net/http-client.js';
import { FEED_MAX_ITEMS, FEED_THREAD_HEAP_MB, parseFeedItemsOffThread, type FeedItems } from '../src/sources/feed-parsing-thread.js';
import { SourceError } from '../src/sources/source-error.js';
import { printTable, sizeOption } from './bench-support.js';
import { atomFeed, rssFeed, tinyItemsFeed } from './feed-shapes.js';

const listOption = (name: string, fallback: string) => (process.argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback).split(',');
const sizes = listOption('sizes', '5,64').filter((size) => size !== '').map(Number);
const configs = listOption('configs', '4096:48,512:48').map((config) => config.split(':').map(Number) as [number, number]);
const SHAPES = { RSS: rssFeed, Atom: atomFeed, 'tiny items': tinyItemsFeed } as const;
const abShape = listOption('ab-shape', 'RSS')[0] as keyof typeof SHAPES;
const abMib = sizeOption('ab-mib', 'BENCH_FEED_AB_MIB', 20);
const rounds = sizeOption('rounds', 'BENCH_FEED_ROUNDS', 3);
/** Node's default old generation for a worker on a machine with 16 GB or more. */
const UNLIMITED_HEAP_MB = 4096;
const HEAP_LADDER_MB = [32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1536, 2048];

function response(body: string): HttpResponse {
  return { status: 200, headers: new Headers({ 'content-type': 'application/rss+xml' }), url: 'https://news.example/feed.xml', body: Buffer.from(body, 'utf8') };
}

/** The items of a read on a thread with `heapMb` of old generation, or null when it ran out of memory. */
async function itemsWithin(feed: HttpResponse, heapMb: number): Promise<FeedItems | null> {
  try {
    return await parseFeedItemsOffThread(feed, { heapMb });
  } catch (error) {
    if (error instanceof SourceError && error.kind === 'parse' && error.message.includes('MB of memory')) return null;
    throw error;
  }
}

/** The smallest old generation of the ladder that reads the feed (binary search), or null when none does. */
async function smallestHeapMb(feed: HttpResponse): Promise<number | null> {
  let low = 0;
  let high = HEAP_LADDER_MB.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await itemsWithin(feed, HEAP_LADDER_MB[middle]!)) !== null) high = middle;
    else low = middle + 1;
  }
  return HEAP_LADDER_MB[low] ?? null;
}

/** MB of the heap in use, after a full collection; a turn first, or the last awaited value is still held. */
async function heapUsedMb(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  global.gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

interface FreshRead {
  /** null: the thread ran out of memory. */
  items: number | null;
  riseMb: number;
  heldMb: number | null;
}

const CHILD_FLAG = '--fresh-read=';

/** The read of one feed (`shape:mib:heapMb`) in this process, fresh: run as a child by readInFreshProcess. */
async function freshRead(spec: string): Promise<FreshRead> {
  const [shape, mib, heapMb] = spec.split(':') as [keyof typeof SHAPES, string, string];
  const feed = response(SHAPES[shape](Math.round(Number(mib) * 1_048_576)));
  const heapBefore = await heapUsedMb();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const read = { feedItems: await itemsWithin(feed, Number(heapMb)) };
  clearInterval(sampler);
  const riseMb = (Math.max(peak, process.memoryUsage.rss()) - before) / 1_048_576;
  // What the poller's thread holds for the items (the first FEED_MAX_ITEMS) until they are matched.
  const heldMb = global.gc ? (await heapUsedMb()) - heapBefore : null;
  const items = read.feedItems === null ? null : read.feedItems.items.length + read.feedItems.leftOut;
  return { items, riseMb, heldMb };
}

async function readInFreshProcess(shape: string, mib: number, heapMb: number): Promise<FreshRead> {
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `${CHILD_FLAG}${shape}:${mib}:${heapMb}`]);
  return JSON.parse(stdout) as FreshRead;
}

/** "129–160": the ladder's step that first reads the feed, and the one below it that does not. */
function ladderRange(heapMb: number | null): string {
  if (heapMb === null) return `> ${HEAP_LADDER_MB.at(-1)}`;
  const below = HEAP_LADDER_MB[HEAP_LADDER_MB.indexOf(heapMb) - 1];
  return below === undefined ? `≤ ${heapMb}` : `${below + 1}–${heapMb}`;
}

async function measureMemory(): Promise<void> {
  const rows: string[][] = [];
  for (const [shape, build] of Object.entries(SHAPES)) {
    for (const mib of sizes) {
      const unlimited = await readInFreshProcess(shape, mib, UNLIMITED_HEAP_MB);
      const limited = await readInFreshProcess(shape, mib, FEED_THREAD_HEAP_MB);
      const heapMb = await smallestHeapMb(response(build(Math.round(mib * 1_048_576))));
      const limitedRise = `${limited.riseMb.toFixed(0)}${limited.items === null ? ' (stopped)' : ''}`;
      rows.push([shape, String(mib), String(unlimited.items), ladderRange(heapMb), unlimited.riseMb.toFixed(0), limitedRise, unlimited.heldMb?.toFixed(0) ?? 'n/a (no --expose-gc)']);
      console.error(`${shape} ${mib} MiB done`);
    }
  }
  console.log(`\nPer feed: the thread old generation it needs (MB, between two steps of a ladder); the RSS rise of a fresh process reading it under Node's default (${UNLIMITED_HEAP_MB} MB) and under FEED_THREAD_HEAP_MB (${FEED_THREAD_HEAP_MB} MB); the poller thread's heap holding its items, the first ${FEED_MAX_ITEMS} (MB):`);
  printTable(['feed', 'MiB', 'items', 'needs heap MB', `RSS rise ${UNLIMITED_HEAP_MB}`, `RSS rise ${FEED_THREAD_HEAP_MB}`, 'items held MB'], rows);
}

interface Read {
  wallMs: number;
  cpuMs: number;
  items: SourceItem[];
}

async function timedRead(feed: HttpResponse, [heapMb, youngGenerationMb]: [number, number]): Promise<Read> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const { items } = await parseFeedItemsOffThread(feed, { heapMb, youngGenerationMb });
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, items };
}

async function compareLimits(): Promise<void> {
  const feed = response(SHAPES[abShape](abMib * 1_048_576));
  const reads = configs.map(() => [] as Read[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, config] of configs.entries()) reads[index]!.push(await timedRead(feed, config));
  }
  const first = reads[0]![0]!.items;
  if (!reads.flat().every((read) => isDeepStrictEqual(read.items, first))) throw new Error('the items differ between configurations');
  console.log(`\n${abShape} of ${abMib} MiB (${first.length} items) read on the feed thread, the configurations in turn each of ${rounds} rounds (wall ms / process CPU ms per read; the items the same, checked):`);
  printTable(
    ['heap MB', 'young MB', 'wall ms', 'CPU ms'],
    configs.map(([heapMb, youngMb], index) => [String(heapMb), String(youngMb), reads[index]!.map((read) => read.wallMs.toFixed(0)).join(' / '), reads[index]!.map((read) => read.cpuMs.toFixed(0)).join(' / ')]),
  );
}

const childSpec = process.argv.find((argument) => argument.startsWith(CHILD_FLAG))?.slice(CHILD_FLAG.length);
if (childSpec !== undefined) {
  console.log(JSON.stringify(await freshRead(childSpec)));
} else {
  console.log(`load average at the start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  if (sizes.length > 0) await measureMemory();
  if (rounds > 0) await compareLimits();
  console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
}
