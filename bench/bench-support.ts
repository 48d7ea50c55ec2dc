// Shared parts of the benchmarks: size options, reproducible synthetic mentions, timing and figure formatting.
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { createTestDatabase, uniqueName, type TestDatabase } from '../test/helpers/services.js';
import { QueueName } from '../src/queue/queues.js';
import { canonicalUrl } from '../src/mentions/canonical-url.js';
import type { Mention } from '../src/mentions/mention.js';
import { mentionId } from '../src/mentions/mention-id.js';
import type { BrandConfig } from '../src/config/schema.js';
import { scoreMention } from '../src/scorer/score-and-store.js';
import type { ScoredMention } from '../src/store/mention-store.js';
import { brandKeywordPhrases } from '../src/mentions/brand-rules.js';

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Cleanups still owed (temporary database, queue keys), run on Ctrl-C as well as on the normal way out.
const pendingCleanups = new Set<() => Promise<void>>();

process.once('SIGINT', () => {
  console.error('\ninterrupted: cleaning up');
  void Promise.allSettled([...pendingCleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
});

/** Runs `cleanup` exactly once: when the returned function is called, or on Ctrl-C before that. */
export function owedCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    pendingCleanups.delete(once);
    done ??= cleanup();
    return done;
  };
  pendingCleanups.add(once);
  return once;
}

export type BenchDatabase = TestDatabase;

/** A fresh, migrated database of its own, dropped on Ctrl-C as well as by `drop`. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const db = await createTestDatabase('bwbench');
  return { ...db, drop: owedCleanup(() => db.drop()) };
}

/** A queue prefix no one else uses, and the function that removes every key under it. */
export function benchQueuePrefix(): { prefix: string; obliterate: () => Promise<void> } {
  const prefix = uniqueName('bwbench');
  const obliterate = owedCleanup(async () => {
    const { hostname, port } = new URL(BENCH_REDIS_URL);
    for (const name of Object.values(QueueName)) {
      const queue = new Queue(name, { prefix, connection: { host: hostname, port: Number(port || 6379) } });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
  return { prefix, obliterate };
}

/**
 * A whole-number size: `--name=N` on the command line wins over the environment variable `envName`, which wins over
 * `fallback`. Underscores are allowed (`--mentions=200_000`).
 */
export function sizeOption(name: string, envName: string, fallback: number): number {
  const flag = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  const raw = flag?.slice(name.length + 3) ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} / ${envName} must be a positive whole number, not ${JSON.stringify(raw)}`);
  }
  return value;
}

/** mulberry32: a tiny seeded generator, so every run benchmarks the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export const BENCH_BRANDS: BrandConfig[] = [
  { id: 'acme', name: 'Acme Corp', keywords: ['acme', 'acme corp', '#acme', '@acmecorp'], exclude: ['acme fruit'], competitors: ['globex'] },
  { id: 'globex', name: 'Globex', keywords: ['globex', '#globex'], exclude: [], competitors: ['acme'] },
  { id: 'initech', name: 'Initech', keywords: ['initech', 'tps reports'], exclude: [], competitors: [] },
];

export const BENCH_SOURCE_IDS = Array.from({ length: 10 }, (_, index) => `feed-${String(index + 1).padStart(2, '0')}`);

// Share of mentions per brand and per source: real traffic is skewed, a few big sources and one dominant brand.
const BRAND_WEIGHTS = [0.6, 0.3, 0.1];
const SOURCE_WEIGHTS = [0.22, 0.16, 0.13, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.03];
const SECOND_BRAND_SHARE = 0.1;

const SUBJECTS = ['The new release', 'Customer support', 'The pricing change', 'The mobile app', 'The latest update',
  'Delivery', 'The quarterly report', 'The outage', 'The partnership', 'The recall notice', 'The loyalty programme'];
const VERBS = ['was discussed', 'drew comments', 'came up again', 'was reviewed', 'made headlines', 'got attention'];
const OPINIONS = ['and people love it', 'and users are happy with it', 'but many complain it is slow',
  'and customers call it terrible', 'though nobody seems to care', 'and analysts call it a solid step',
  'but reviewers say it is disappointing', 'and the community is excited', 'yet the rollout was a mess', ''];
const DETAILS = ['according to several posts on the forum', 'in a thread with hundreds of replies',
  'after a long weekend of testing', 'in three countries at once', 'during the trade fair in Berlin',
  'following last month\'s announcement', 'as prices in Łódź and Kraków went up', 'on the evening news'];
// Rare stories (about 1 in 1000 mentions each), so full-text search has selective terms as well as common ones.
const RARE_SENTENCES = ['A boycott was announced by a consumer group.', 'A lawsuit over the warranty terms was filed.',
  'The firmware rollback fixed the crash.'];
const RARE_SHARE = 0.001;
const AUTHORS = ['Jane Doe', 'Piotr Nowak', 'Sam Lee', 'Ana García', null, 'news desk', 'Chris Müller', null];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function pickWeighted<T>(random: () => number, values: readonly T[], weights: readonly number[]): T {
  let remaining = random();
  for (let index = 0; index < values.length; index++) {
    remaining -= weights[index] ?? 0;
    if (remaining < 0) return values[index] as T;
  }
  return values[values.length - 1] as T;
}

function sentence(random: () => number, brandName: string): string {
  const opinion = pick(random, OPINIONS);
  return `${pick(random, SUBJECTS)} from ${brandName} ${pick(random, VERBS)} ${pick(random, DETAILS)}${opinion === '' ? '' : ` ${opinion}`}.`;
}

export interface MentionSetOptions {
  count: number;
  seed?: number;
  /** Newest occurrence time; mentions spread evenly back over `spanDays`. */
  newest?: Date;
  spanDays?: number;
}

/** `count` distinct, schema-valid mentions as a poller would queue them: brand words in the text, skewed sources. */
export function makeMentions(options: MentionSetOptions): Mention[] {
  const random = seededRandom(options.seed ?? 42);
  const newestMs = (options.newest ?? new Date()).getTime();
  const spanMs = (options.spanDays ?? 30) * 86_400_000;
  const mentions: Mention[] = [];
  for (let index = 0; index < options.count; index++) {
    const brand = pickWeighted(random, BENCH_BRANDS, BRAND_WEIGHTS);
    const brands = [brand.id];
    if (random() < SECOND_BRAND_SHARE) {
      const other = pick(random, BENCH_BRANDS.filter((candidate) => candidate.id !== brand.id));
      brands.push(other.id);
    }
    const sourceId = pickWeighted(random, BENCH_SOURCE_IDS, SOURCE_WEIGHTS);
    const names = brands.map((brandId) => BENCH_BRANDS.find((candidate) => candidate.id === brandId)?.name ?? brandId);
    const sentences = 2 + Math.floor(random() * 5);
    const parts = Array.from({ length: sentences }, (_, at) => sentence(random, names[at % names.length] as string));
    for (const rare of RARE_SENTENCES) if (random() < RARE_SHARE) parts.push(rare);
    const text = parts.join(' ');
    const publishedMs = newestMs - Math.floor((index / options.count) * spanMs) - Math.floor(random() * 60_000);
    const url = canonicalUrl(`https://www.${sourceId}.example.com/news/${publishedMs}/story-${index}?utm_source=rss`);
    const externalId = `${sourceId}:${index}`;
    mentions.push({
      id: mentionId(url, 'rss', externalId),
      sourceId,
      sourceType: 'rss',
      externalId,
      url,
      title: `${names[0]}: ${pick(random, SUBJECTS).toLowerCase()} ${pick(random, VERBS)}`,
      text,
      author: pick(random, AUTHORS),
      lang: 'en',
      publishedAt: new Date(publishedMs).toISOString(),
      seenAt: new Date(publishedMs + 30_000 + Math.floor(random() * 600_000)).toISOString(),
      brands,
      backfill: false,
      reach: random() < 0.5 ? null : Math.floor(random() * 50_000),
    });
  }
  return mentions;
}

/** The mentions with sentiment as the scorer computes it (brand keywords masked). */
export function scoreMentions(mentions: readonly Mention[]): ScoredMention[] {
  const phrases = brandKeywordPhrases(BENCH_BRANDS);
  return mentions.map((mention) => scoreMention(mention, phrases));
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

/** Milliseconds `work` took. */
export function timedSync(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

export function perSecond(count: number, ms: number): number {
  return ms <= 0 ? Number.POSITIVE_INFINITY : (count * 1000) / ms;
}

/** Nearest-rank percentile of `samples` (0 < fraction ≤ 1). */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** 12345.6 → "12,346"; small numbers keep one decimal. */
export function formatCount(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Prints rows as an aligned plain-text table; columns in `leftAligned` are padded on the right, the others on the left. */
export function printTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  leftAligned: readonly number[] = [0],
): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (leftAligned.includes(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** A generated mention as a webhook sender writes it in a push body (bench:e2e's pushes, bench:score-thread's input). */
export function webhookItem(mention: Mention, lang?: string): Record<string, unknown> {
  return {
    id: mention.externalId,
    url: mention.url,
    title: mention.title,
    text: mention.text,
    author: mention.author,
    published_at: mention.publishedAt,
    reach: mention.reach,
    ...(lang === undefined ? {} : { lang }),
  };
}
