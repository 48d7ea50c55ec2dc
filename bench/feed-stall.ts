// How long one poll's reading of a large feed holds the event loop (the longest gap between setImmediate turns):
// parsed and matched in the poller's thread as before, and as a poll does it now (parsed on a feed thread above
// FEED_THREAD_MIN_BYTES, its first FEED_MAX_ITEMS items matched ITEMS_PER_TURN per turn). Same items (those first ones)
// and mentions both ways, checked.
// Options: --sizes=1,5,20 (MiB), --rounds=3 (each round runs both ways in turn, so they see the same load).
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { compileBrandRules } from '../src/mentions/brand-rules.js';
import type { SourceItem } from '../src/mentions/mention.js';
import type { HttpResponse } from '../src/net/http-client.js';
import { toMentions, toMentionsInTurns, type MentionOrigin } from '../src/poller/match-items.js';
import { FEED_MAX_ITEMS, parseFeedItemsOffThread } from '../src/sources/feed-parsing-thread.js';
import { parseFeedItems } from '../src/sources/rss.js';
import { median, printTable, sizeOption } from './bench-support.js';
import { atomFeed, rssFeed, tinyItemsFeed } from './feed-shapes.js';

const sizes = (process.argv.find((argument) => argument.startsWith('--sizes='))?.slice(8) ?? '1,5,20').split(',').map(Number);
const rounds = sizeOption('rounds', 'BENCH_FEED_ROUNDS', 3);
const rules = compileBrandRules([
  { id: 'acme', name: 'Acme', keywords: ['acme'], exclude: [], competitors: [] },
  { id: 'initech', name: 'Initech', keywords: ['initech'], exclude: [], competitors: [] },
] as never);
const origin: MentionOrigin = { sourceId: 'big', sourceType: 'rss', seenAt: new Date('2026-11-25T12:00:00Z'), backfill: false };

interface Run {
  stallMs: number;
  cpuMs: number;
  items: SourceItem[];
  mentions: number;
}

/** One read and match of `response`; the longest gap between event-loop turns meanwhile, and the process's CPU. */
async function measure(response: HttpResponse, asPolled: boolean): Promise<Run> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const turn = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await new Promise((resolve) => setTimeout(resolve, 20));
  longest = 0;
  const cpuBefore = process.cpuUsage();
  const items = asPolled ? (await parseFeedItemsOffThread(response)).items : await parseFeedItems(response);
  const mentions = asPolled ? await toMentionsInTurns(items, rules, origin) : toMentions(items, rules, origin);
  const cpu = process.cpuUsage(cpuBefore);
  // Two turns more: the gap that ends with the last of the work is counted.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  running = false;
  return { stallMs: longest, cpuMs: (cpu.user + cpu.system) / 1000, items, mentions: mentions.length };
}

const rows: string[][] = [];
for (const [shape, build] of [['RSS', rssFeed], ['Atom', atomFeed], ['tiny items', tinyItemsFeed]] as const) {
  for (const mib of sizes) {
    const body = Buffer.from(build(Math.round(mib * 1_048_576)), 'utf8');
    const response: HttpResponse = { status: 200, headers: new Headers({ 'content-type': 'application/rss+xml' }), url: 'https://news.example/feed.xml', body };
    const before: Run[] = [];
    const after: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      before.push(await measure(response, false));
      after.push(await measure(response, true));
    }
    const [first] = before;
    // As polled, a feed gives its first FEED_MAX_ITEMS items.
    const polledItems = first!.items.slice(0, FEED_MAX_ITEMS);
    const polledMentions = toMentions(polledItems, rules, origin).length;
    if (!after.every((run) => isDeepStrictEqual(run.items, polledItems) && run.mentions === polledMentions)) throw new Error(`${shape} ${mib} MiB: the items differ`);
    const figures = (runs: Run[]) => [runs.map((run) => run.stallMs.toFixed(0)).join(' / '), median(runs.map((run) => run.cpuMs)).toFixed(0)];
    rows.push([shape, String(mib), String(first!.items.length), ...figures(before), ...figures(after)]);
    console.error(`${shape} ${mib} MiB done`);
  }
}
console.log(`\nLongest event-loop stall per poll (ms, each round), and the process's CPU (ms, median of ${rounds}), in turn:`);
printTable(['feed', 'MiB', 'items', 'stall before', 'CPU before', 'stall as polled', 'CPU as polled'], rows);
console.log('\nCPU as polled includes starting the feed thread (under tsx: compiling its modules too).');
console.log(`As polled, a feed gives its first ${FEED_MAX_ITEMS} items (FEED_MAX_ITEMS): the items column counts the feed's.`);
