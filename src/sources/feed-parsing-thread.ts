// Reads a large fetched feed on a thread of its own, so that the poller's event loop (other sources' polls, BullMQ's
// lock renewals, the health server) keeps turning while it is parsed: XML parsing and item mapping are one
// synchronous stretch of ≈ 50–100 ms of CPU per MiB, seconds for a feed near its max_body_size.
import type { SourceItem } from '../mentions/mention.js';
import type { HttpResponse } from '../net/http-client.js';
import { siblingScript, startWorkerThread } from '../runtime/worker-thread.js';
import { parseFeedItems } from './rss.js';
import { SourceError, type SourceErrorKind } from './source-error.js';

/**
 * A body smaller than this is parsed in the caller's thread: ≈ 50–100 ms there at most, less than a thread's start
 * (≈ 150–600 ms of CPU, most of it loading the parser's modules).
 */
export const FEED_THREAD_MIN_BYTES = 1024 * 1024;

/** How long one feed may take to read before its thread is stopped and the poll fails. */
export const FEED_PARSE_BUDGET_MS = 60_000;

/**
 * The feed thread's old generation (Worker resourceLimits.maxOldGenerationSizeMb). A feed that needs more stops its
 * thread and fails its poll, instead of growing the poller (every source's polls) towards a worker's default of up to
 * 4 GB and a container's OOM kill. What a feed at the 64 MiB max_body_size ceiling needs (bench:feed-memory):
 * realistic RSS 129–160 MB, Atom with XHTML content 321–384 MB, one-line items 513–640 MB; at the default 5 MiB cap
 * 64 MB or less. 512 reads both realistic shapes at the ceiling, a third over the larger, and costs a 20 MiB RSS feed
 * no CPU (1538–1660 ms against 1548–1602 without it, four rounds in turn). V8's flags are the process's: a
 * --max-old-space-size (or --max-semi-space-size) in the poller's NODE_OPTIONS replaces these limits (threadHeapMb).
 */
export const FEED_THREAD_HEAP_MB = 512;

/**
 * The old generation a feed thread really gets, for the message of a feed that overruns it: a --max-old-space-size in
 * the process's flags (NODE_OPTIONS, then its command line, the last one given winning) replaces the thread's
 * resourceLimits, up or down (Node 20: with 100 a thread asked for 512 got a heap limit of 148 MB, with 2000 one of
 * 2048), so the figure asked for would be wrong.
 */
export function threadHeapMb(heapMb: number, nodeFlags: readonly string[] = processNodeFlags()): number {
  let flagged: number | undefined;
  nodeFlags.forEach((flag, index) => {
    const match = /^--max[-_]old[-_]space[-_]size(?:=(\d+))?$/.exec(flag);
    if (match === null) return;
    const value = Number(match[1] ?? nodeFlags[index + 1]);
    if (Number.isInteger(value) && value > 0) flagged = value;
  });
  return flagged ?? heapMb;
}

function processNodeFlags(): string[] {
  return [...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag !== ''), ...process.execArgv];
}

/**
 * The feed thread's young generation (resourceLimits.maxYoungGenerationSizeMb): 48, a worker's default on a large
 * machine, stated so that the thread's bound does not move with the machine: 16 and 96 read 20 MiB of RSS with the
 * same CPU within the noise (bench:feed-memory), so a larger one would cost memory for nothing.
 */
export const FEED_THREAD_YOUNG_GENERATION_MB = 48;

/**
 * The most items one poll of a feed takes, the newest by publication time (newestItems); the rest are left out, said
 * in the source's health. The poller's thread holds a poll's items and their mentions until
 * they are queued: 761,448 one-line items (50 MiB, within the feed thread's heap) held 169 MB and their mentions 285 MB
 * more. A realistic feed at the 64 MiB ceiling has 31,212 (RSS) to 38,756 (Atom with XHTML content) items.
 */
export const FEED_MAX_ITEMS = 50_000;

export interface FeedThreadRequest {
  status: number;
  url: string;
  contentType: string | null;
  body: Uint8Array;
  maxItems: number;
}

/** The items a poll takes from a feed, and how many more the feed had (left out). */
export interface FeedItems {
  items: SourceItem[];
  leftOut: number;
}

/**
 * Items per answer of the feed thread, the next answer sent when the last was taken in: the items of one answer are
 * rebuilt in the poller's thread in one stretch (≈ 2.5 s for 300,000 small items at once).
 */
export const ITEMS_PER_ANSWER = 2_000;

export type FeedThreadAnswer = { items: SourceItem[]; more: boolean; leftOut: number } | { error: { kind: SourceErrorKind; message: string; retryAfterMs: number | null } };

export interface FeedThreadOptions {
  /** The thread's script (tests give another); default feed-thread.js (or .ts) beside this file. */
  script?: URL;
  budgetMs?: number;
  minBytes?: number;
  /** The most items to take (default FEED_MAX_ITEMS). */
  maxItems?: number;
  /** The thread's old generation in MB (default FEED_THREAD_HEAP_MB); a feed that needs more fails the poll. */
  heapMb?: number;
  /** The thread's young generation in MB (default FEED_THREAD_YOUNG_GENERATION_MB). */
  youngGenerationMb?: number;
}

interface FeedThreadLimits {
  budgetMs: number;
  heapMb: number;
  youngGenerationMb: number;
}

/**
 * parseFeedItems(response), the same items (the newest `maxItems` of them, newestItems) or the same SourceError, on a thread of its
 * own for a large body.
 */
export async function parseFeedItemsOffThread(response: HttpResponse, options: FeedThreadOptions = {}): Promise<FeedItems> {
  const maxItems = options.maxItems ?? FEED_MAX_ITEMS;
  if (response.body.length < (options.minBytes ?? FEED_THREAD_MIN_BYTES)) return newestItems(await parseFeedItems(response), maxItems);
  const request: FeedThreadRequest = {
    status: response.status,
    url: response.url,
    contentType: response.headers.get('content-type'),
    body: response.body,
    maxItems,
  };
  const limits: FeedThreadLimits = {
    budgetMs: options.budgetMs ?? FEED_PARSE_BUDGET_MS,
    heapMb: options.heapMb ?? FEED_THREAD_HEAP_MB,
    youngGenerationMb: options.youngGenerationMb ?? FEED_THREAD_YOUNG_GENERATION_MB,
  };
  return askFeedThread(request, options.script ?? siblingScript('feed-thread', import.meta.url), limits);
}

/**
 * Starts a thread for one request and settles with its items or error; a thread that overruns the time budget is
 * stopped, and one that runs out of its heap is stopped by Node (ERR_WORKER_OUT_OF_MEMORY), the poller left as it was.
 */
function askFeedThread(request: FeedThreadRequest, script: URL, { budgetMs, heapMb, youngGenerationMb }: FeedThreadLimits): Promise<FeedItems> {
  return new Promise((resolve, reject) => {
    const host = new URL(request.url).host;
    // The body goes to the thread as a copy of its own that is transferred, not cloned: cloning workerData took
    // ≈ 250 ms of the event loop for 20 MiB, and a Buffer may be a view of a larger ArrayBuffer that the caller keeps.
    const body = new Uint8Array(request.body);
    const resourceLimits = { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: youngGenerationMb };
    const worker = startWorkerThread(script, { workerData: { ...request, body }, transferList: [body.buffer], resourceLimits });
    const mib = (request.body.byteLength / 1_048_576).toFixed(1);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(budget);
      outcome();
      void worker.terminate();
    };
    const budget = setTimeout(() => {
      settle(() => reject(new SourceError('parse', `reading the ${mib} MiB feed from ${host} took longer than ${budgetMs / 1000} s: stopped`)));
    }, budgetMs);
    const items: SourceItem[] = [];
    worker.on('message', (answer: FeedThreadAnswer) => {
      if ('error' in answer) return settle(() => reject(new SourceError(answer.error.kind, answer.error.message, answer.error.retryAfterMs)));
      for (const item of answer.items) items.push(item);
      if (answer.more) worker.postMessage('next');
      else settle(() => resolve({ items, leftOut: answer.leftOut }));
    });
    worker.once('error', (error) => {
      if (isOutOfMemory(error)) return settle(() => reject(new SourceError('parse', `reading the ${mib} MiB feed from ${host} needed more than ${threadHeapMb(heapMb)} MB of memory: stopped`)));
      settle(() => reject(new SourceError('internal', `unexpected error: ${error.message.split('\n')[0]}`)));
    });
    worker.once('exit', (code) => settle(() => reject(new SourceError('internal', `the thread reading the feed from ${host} exited with ${code} before it answered`))));
  });
}

/** Node's error for a worker stopped at its heap limit (resourceLimits). */
function isOutOfMemory(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * The newest `maxItems` of a feed's items by publication time, in the feed's order, and how many it had beyond them.
 * Most feeds list their newest items first, but an archive that is appended to lists its oldest first: its first items
 * would be the same old ones at every poll, and the news never read. Undated items count as older than any dated one,
 * in the feed's order, so a feed without dates keeps its first items.
 */
export function newestItems(items: SourceItem[], maxItems: number): FeedItems {
  if (items.length <= maxItems) return { items, leftOut: 0 };
  const newestFirst = items.map((_item, index) => index);
  newestFirst.sort((a, b) => publishedMs(items[b]!) - publishedMs(items[a]!) || a - b);
  const kept = newestFirst.slice(0, maxItems).sort((a, b) => a - b);
  return { items: kept.map((index) => items[index]!), leftOut: items.length - maxItems };
}

/** An item's publication time in ms, -Infinity for none (or an invalid one). */
function publishedMs(item: SourceItem): number {
  const ms = item.publishedAt?.getTime() ?? Number.NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
