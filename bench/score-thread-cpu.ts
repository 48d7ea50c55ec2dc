// Benchmark: the CPU a score thread (src/scorer/score-threads.ts) uses per mention, read from /proc (schedstat) per
// thread, so that the scoring thread, the caller's thread and V8's helper threads (parallel scavenging, concurrent
// marking and compiling) are told apart; against the same mentions scored on the caller's thread. The mentions are
// bench:e2e's own: pushed webhook bodies read as the API reads them (readPushedMentions, toPushedMentions) and
// JSON round-tripped as the queue does, in chunks of 500.
// Usage: npm run bench:score-thread -- [--mentions=N] [--mode=thread|main] [--young=MB] [--rounds=N]
//   --young  the thread's young generation (default SCORE_THREAD_YOUNG_GENERATION_MB; a worker's own default is 48)
import { readdirSync, readFileSync } from 'node:fs';
import { readPushedMentions } from '../src/api/webhook-body.js';
import { brandKeywordPhrases, compileBrandRules } from '../src/mentions/brand-rules.js';
import type { Mention } from '../src/mentions/mention.js';
import { toPushedMentions } from '../src/poller/pushed-mentions.js';
import { prepareMention, textScores } from '../src/scorer/score-mention.js';
import { SCORE_THREAD_YOUNG_GENERATION_MB, ScoreThreads } from '../src/scorer/score-threads.js';
import { DEFAULT_STORY_OPTIONS } from '../src/stories/story-options.js';
import { BENCH_BRANDS, makeMentions, sizeOption, webhookItem } from './bench-support.js';

const CHUNK = 500;
const option = (name: string) => process.argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3);
const count = sizeOption('mentions', 'BENCH_SCORE_THREAD_MENTIONS', 20_000);
const mode = option('mode') ?? 'thread';
const young = Number(option('young') ?? SCORE_THREAD_YOUNG_GENERATION_MB);
const rounds = Number(option('rounds') ?? 4);

const phrases = brandKeywordPhrases(BENCH_BRANDS);
const weights = DEFAULT_STORY_OPTIONS.weights;
const rules = compileBrandRules(BENCH_BRANDS);
const chunks: Mention[][] = [];
const generated = makeMentions({ count, spanDays: 60 });
for (let start = 0; start < generated.length; start += CHUNK) {
  const items = generated.slice(start, start + CHUNK).map((mention) => webhookItem(mention));
  const pushed = toPushedMentions(readPushedMentions(Buffer.from(JSON.stringify({ mentions: items })), 'application/json'), rules, {
    sourceId: 'hook-01',
    sourceType: 'webhook',
    receivedAt: new Date(),
  });
  chunks.push(JSON.parse(JSON.stringify(pushed)) as Mention[]);
}
const mentionCount = chunks.reduce((sum, chunk) => sum + chunk.length, 0);

/** CPU milliseconds of one thread of this process. */
const threadMs = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const allMs = () => readdirSync('/proc/self/task').reduce((sum, tid) => sum + threadMs(tid), 0);
const callerTid = String(process.pid);

let threads: ScoreThreads | undefined;
let scoringTid = callerTid;
if (mode === 'thread') {
  const before = new Set(readdirSync('/proc/self/task'));
  threads = new ScoreThreads({ size: 1, youngGenerationMb: young });
  await threads.ready;
  // The new thread that has used the most CPU (loading its code) is the score thread.
  const started = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
  scoringTid = started.sort((a, b) => threadMs(b) - threadMs(a))[0] ?? callerTid;
}

let sink = 0;
const perMention = (ms: number) => ((ms * 1000) / mentionCount).toFixed(1);
console.log(`bench:score-thread: ${mentionCount} mentions in chunks of ${CHUNK}, ${mode === 'thread' ? `on a score thread (young generation ${young} MB)` : "on the caller's thread"}; µs of CPU per mention`);
console.log('round  scoring thread  caller  V8 helpers and others  all');
for (let round = 1; round <= rounds; round++) {
  const [scoring0, caller0, all0] = [threadMs(scoringTid), threadMs(callerTid), allMs()];
  for (const chunk of chunks) {
    if (threads !== undefined) sink += (await threads.score(chunk, phrases, weights)).length;
    else for (const mention of chunk) sink += prepareMention(mention, weights).searchText.length + (textScores(mention, phrases).sentiment.score ?? 0);
  }
  const [scoring, caller, all] = [threadMs(scoringTid) - scoring0, threadMs(callerTid) - caller0, allMs() - all0];
  const others = all - caller - (scoringTid === callerTid ? 0 : scoring);
  console.log([String(round).padStart(5), perMention(scoring).padStart(14), (scoringTid === callerTid ? '-' : perMention(caller)).padStart(6), perMention(others).padStart(21), perMention(all).padStart(4)].join('  '));
}
await threads?.close();
if (sink === -1) console.log(sink);
