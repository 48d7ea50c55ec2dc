// Benchmark: what one alerter tick asks PostgreSQL per rule and brand (window stats, the usual negative share, the
// buckets a detector catches up on, in mentions and in stories, the mentions that explain a message), over a large
// history; the keyword rule's candidates (the text index with the brand's window) and their plans; and one whole
// negative_buzz evaluation per tick, with the usual share recounted every tick (as before)
// and cached per bucket.
// Usage: npm run bench:alerts -- [--mentions=N] [--repeats=N]   (env: BENCH_ALERT_MENTIONS, BENCH_ALERT_REPEATS)
import { buildRule } from '../src/alerts/built-rule.js';
import type { RuleConfig } from '../src/alerts/rules/rule-kind.js';
import { parseConfig } from '../src/config/load-config.js';
import { sqlBrandHistory } from '../src/store/sql-brand-history.js';
import type { SentimentLabel } from '../src/sentiment/sentiment-label.js';
import { inTransaction, type Database } from '../src/store/database.js';
import { insertMentions, type ScoredMention } from '../src/store/mention-store.js';
import { createBenchDatabase, formatCount, makeMentions, median, percentile, printTable, seededRandom, sizeOption, timed } from './bench-support.js';

const mentionCount = sizeOption('mentions', 'BENCH_ALERT_MENTIONS', 300_000);
const repeats = sizeOption('repeats', 'BENCH_ALERT_REPEATS', 20);
const SPAN_DAYS = 30;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BUCKET = 5 * 60_000;

function withSyntheticSentiment(mentions: ReturnType<typeof makeMentions>): ScoredMention[] {
  const random = seededRandom(11);
  return mentions.map((mention) => {
    const draw = random();
    const label: SentimentLabel = draw < 0.5 ? 'neutral' : draw < 0.8 ? 'positive' : 'negative';
    return { ...mention, sentiment: { label, score: label === 'negative' ? -1.5 : label === 'positive' ? 1.5 : 0 } };
  });
}

async function load(database: Database, mentions: ScoredMention[]): Promise<void> {
  let next = 0;
  const loader = async () => {
    while (next < mentions.length) {
      const batch = mentions.slice(next, next + 1000);
      next += 1000;
      await inTransaction(database, (client) => insertMentions(client, batch));
    }
  };
  await Promise.all(Array.from({ length: 4 }, loader));
}

/** The plans of each keyword candidate reading's statements, as the scans that ran with their rows and times. */
async function printKeywordPlans(database: Database, cases: [string, number, string[]][], now: number): Promise<void> {
  const asked: { text: string; values: unknown[] }[] = [];
  // The history's own statements, caught on their way to PostgreSQL and explained as they were sent.
  const recording = {
    query: (text: string, values: unknown[]) => {
      asked.push({ text, values });
      return database.query(text, values);
    },
  } as unknown as Database;
  console.log('\nkeyword candidate plans (EXPLAIN ANALYZE of each statement after the query is built: the scans that ran)');
  for (const [name, fromMs, phrase] of cases) {
    asked.length = 0;
    await sqlBrandHistory(recording).keywordCandidates('acme', fromMs, now, {}, [phrase], 2001);
    console.log(`  ${name}: ${asked.length} statements`);
    for (const sent of asked.slice(1)) {
      const { rows } = await database.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sent.text}`, sent.values);
      const scans = rows
        .map((row) => row['QUERY PLAN'])
        .filter((line) => /Scan|Bitmap|Hash Join|Execution Time|JIT/.test(line) && !/never executed|CTE Scan|Subquery Scan|Function Scan/.test(line))
        .map((line) => line.replace(/\s+/g, ' ').trim().replace(/ \(actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)\)/, ' ($2 rows × $3, $1 ms)'));
      console.log(`    ${scans.join('\n    ')}`);
    }
  }
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  try {
    const newest = new Date();
    process.stdout.write(`loading ${formatCount(mentionCount)} mentions over ${SPAN_DAYS} days (3 brands; acme about half)… `);
    await load(db.database, withSyntheticSentiment(makeMentions({ count: mentionCount, newest, spanDays: SPAN_DAYS })));
    // Stories as the scorer would leave them: about three mentions a story, all within one hour.
    await db.database.query(
      `UPDATE mention_brands SET story_id = md5(brand_id || date_trunc('hour', occurred_at)::text || (abs(hashtext(mention_id)) % 70)::text)`,
    );
    await db.database.query('VACUUM ANALYZE mentions, mention_brands');
    const { rows } = await db.database.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM mention_brands WHERE brand_id = 'acme' AND occurred_at >= now() - interval '1 hour'`,
    );
    console.log(`done; acme has ${rows[0]?.count ?? 0} mentions in the last hour`);
    const history = sqlBrandHistory(db.database);
    const now = newest.getTime();
    // The keyword rule's prefilter: a rare word (a mention in a thousand, "boycott") and one in every acme mention,
    // over an hour and a week. Each query's plan is printed: the text index with the brand's window, or the window.
    const keywordCases: [string, number, string[]][] = [
      ['1 h, a rare term ("boycott")', now - HOUR, ['boycott']],
      ['7 days, a rare term ("boycott")', now - 7 * DAY, ['boycott']],
      ['7 days, a rare phrase ("warranty terms")', now - 7 * DAY, ['warranty', 'terms']],
      ['7 days, a term in every mention ("acme"; newest 2,001)', now - 7 * DAY, ['acme']],
    ];
    await printKeywordPlans(db.database, keywordCases, now);
    const cases: [string, () => Promise<unknown>][] = [
      ['window stats, 1 h (negative filter, distinct sites and authors)', () => history.windowStats('acme', now - HOUR, now, { sentiment: 'negative' })],
      ['window totals, 7 days (the usual negative share)', () => history.windowTotals('acme', now - 7 * 24 * HOUR, now - HOUR)],
      ['bucket counts, one new bucket', () => history.bucketCounts('acme', now - 2 * BUCKET, now - BUCKET, BUCKET, true)],
      ['bucket counts, 7 days (a new rule warming up)', () => history.bucketCounts('acme', now - 7 * 24 * HOUR, now, BUCKET, false)],
      ['stories per bucket, one new bucket (count: stories)', () => history.storyBucketCounts('acme', now - 2 * BUCKET, now - BUCKET, BUCKET)],
      ['stories per bucket, 7 days (count: stories warming up)', () => history.storyBucketCounts('acme', now - 7 * 24 * HOUR, now, BUCKET)],
      ['stories in the window, 1 h (count: stories)', () => history.windowStoryCount('acme', now - HOUR, now)],
      ['explaining mentions, 1 h, up to 1000', () => history.windowMentions('acme', now - HOUR, now, { sentiment: 'negative' }, 1000)],
      ['last mention (silence rule)', () => history.lastMentionAt('acme', now)],
      // What the keyword rule read before: the window's newest 2,000 mentions, matched in JS (an older match unseen).
      ['newest 2,000 mentions, 7 days (the keyword rule before)', () => history.windowMentions('acme', now - 7 * DAY, now, {}, 2001)],
      ...keywordCases.map(([name, fromMs, phrase]): [string, () => Promise<unknown>] => [
        `keyword candidates, ${name}`,
        () => history.keywordCandidates('acme', fromMs, now, {}, [phrase], 2001),
      ]),
    ];
    // One negative_buzz evaluation as a tick does it, the detector warm: its state handed back each time.
    const config = parseConfig(
      'brands:\n  - { id: acme, name: Acme, keywords: [acme] }\nalerts:\n  rules:\n    - { id: buzz, type: negative_buzz, channels: [c] }\n' +
        '  channels:\n    - { id: c, type: webhook, url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }\n',
      {},
    );
    const rule = buildRule(config.alerts.rules[0] as RuleConfig, BUCKET);
    const context = { brand: { id: 'acme', name: 'Acme' }, nowMs: now, bucketMs: BUCKET, warmupMs: 7 * 24 * HOUR, history, sources: [], watchingSinceMs: 0 };
    const warm = (await rule.behaviour.evaluate(context, null)).state as { usual: { bucketStart: number } };
    // As every tick did before: the week behind the usual share counted again (a cache for another bucket).
    const recounting = { ...warm, usual: { ...warm.usual, bucketStart: warm.usual.bucketStart - BUCKET } };
    cases.push(
      ['negative_buzz tick, usual share recounted every tick (before)', () => rule.behaviour.evaluate(context, recounting)],
      ['negative_buzz tick, usual share cached per bucket (after)', () => rule.behaviour.evaluate(context, warm)],
    );
    const table: string[][] = [];
    for (const [name, run] of cases) {
      await run();
      const samples: number[] = [];
      for (let repeat = 0; repeat < repeats; repeat++) samples.push((await timed(run)).ms);
      table.push([name, median(samples).toFixed(2), percentile(samples, 0.95).toFixed(2)]);
    }
    console.log(`\nper-tick queries for one rule and brand (${repeats} runs each, ms)`);
    printTable(['query', 'median', 'p95'], table);
  } finally {
    await db.drop();
  }
}

await main();
