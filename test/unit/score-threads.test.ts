// The scorer's score threads (queue.score_threads): the same results as scoring on the main thread, a thread that
// dies replaced and its work done again, and closing ends them.
import { afterEach, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { brandKeywordPhrases } from '../../src/mentions/brand-rules.js';
import { prepareMention, scoreMention } from '../../src/scorer/score-and-store.js';
import { MAX_DEATHS_PER_CHUNK, SCORE_THREAD_YOUNG_GENERATION_MB, ScoreThreads } from '../../src/scorer/score-threads.js';
import { DEFAULT_STORY_OPTIONS } from '../../src/stories/story-options.js';

const DYING_THREAD = new URL('../fixtures/dying-score-thread.ts', import.meta.url);
const LIMITS_THREAD = new URL('../fixtures/limits-score-thread.ts', import.meta.url);
const KILLER_TEXT = 'this mention ends the thread that scores it';
const weights = DEFAULT_STORY_OPTIONS.weights;
const phrases = brandKeywordPhrases([
  { id: 'acme', name: 'Acme', keywords: ['acme', 'Happy Socks'], exclude: [], competitors: [] },
] as unknown as Parameters<typeof brandKeywordPhrases>[0]);

const TEXTS = [
  'Acme is great, I love the new release!',
  'Acme support was awful and slow. Never again :(',
  'Happy Socks by Acme: nothing special.',
  'Acme jest świetna, polecam wszystkim.',
  'Obsługa Acme była fatalna, nie polecam.',
  'Acme ¿qué tal? Ni idea.',
  // Long, but far from the time budget (SCORING_BUDGET_MS), whose cut would depend on the machine's load.
  `Acme ${'is fine and the price is okay, '.repeat(100)}`,
  '',
];

function mention(index: number, text: string): Mention {
  const at = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
  return {
    id: `m-${index}`,
    sourceId: 'hook',
    sourceType: 'webhook',
    externalId: `x-${index}`,
    url: index % 2 === 0 ? `https://news.example/acme-story-${index}` : null,
    title: index % 3 === 0 ? null : `Acme headline number ${index}`,
    text,
    author: null,
    lang: index === 5 ? 'es' : null,
    publishedAt: at,
    seenAt: at,
    brands: ['acme'],
    backfill: false,
    reach: null,
  };
}

const MENTIONS = Array.from({ length: 40 }, (_, index) => mention(index, TEXTS[index % TEXTS.length] as string));

/** What the scorer's main thread gives for the same mentions. */
function inThread(mentions: Mention[]) {
  return mentions.map((one) => ({ ...scoreMention(one, phrases), prepared: prepareMention(one, weights) }));
}

let threads: ScoreThreads | undefined;
afterEach(async () => {
  await threads?.close();
  threads = undefined;
});

describe('score threads', () => {
  it.each([1, 3])('score a batch exactly as the main thread does (%i threads), story weights kept by identity', async (size) => {
    threads = new ScoreThreads({ size });
    const scored = await threads.score(MENTIONS, phrases, weights);
    expect(scored).toEqual(inThread(MENTIONS));
    expect(scored.map((one) => one.prepared?.storyWeights === weights)).toEqual(MENTIONS.map(() => true));
    // Sent back as arrays, not rebuilt as a Map per mention on the main thread.
    expect(scored.map((one) => one.prepared?.storyTerms.weights instanceof Float64Array)).toEqual(MENTIONS.map(() => true));
    expect(scored.map((one) => one.sentiment.label).slice(0, 8)).toEqual(['positive', 'negative', 'negative', 'positive', 'negative', 'unknown', 'positive', 'neutral']);
  });

  it('are ready once every thread has loaded, and not when one exits first', async () => {
    threads = new ScoreThreads({ size: 2 });
    await expect(threads.ready).resolves.toBeUndefined();
    const broken = new ScoreThreads({ size: 1, script: DYING_THREAD, workerData: { deathsLeft: new Int32Array(new SharedArrayBuffer(4)), exitAtLoad: true } });
    await expect(broken.ready).rejects.toThrow('score thread exited with 3 before it was ready');
    await broken.close();
  });

  it('answers an empty batch without a thread', async () => {
    threads = new ScoreThreads({ size: 1 });
    expect(await threads.score([], phrases, weights)).toEqual([]);
  });

  it('replace a thread that dies and score its chunk again, with the same result', async () => {
    const deathsLeft = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(deathsLeft, 0, 2);
    threads = new ScoreThreads({ size: 2, script: DYING_THREAD, workerData: { deathsLeft, killerText: KILLER_TEXT } });
    const scored = await threads.score(MENTIONS, phrases, weights);
    expect(scored).toEqual(inThread(MENTIONS));
    expect(threads.deaths).toBe(2);
    // Replaced: the next batch finds its threads.
    expect(await threads.score(MENTIONS.slice(0, 3), phrases, weights)).toEqual(inThread(MENTIONS.slice(0, 3)));
    expect(threads.deaths).toBe(2);
  });

  it('fail the batch of a mention that kills every thread it meets, and go on with the next', async () => {
    threads = new ScoreThreads({ size: 1, script: DYING_THREAD, workerData: { deathsLeft: new Int32Array(new SharedArrayBuffer(4)), killerText: KILLER_TEXT } });
    await expect(threads.score([mention(0, 'Acme fine'), mention(1, KILLER_TEXT)], phrases, weights)).rejects.toThrow(
      `score thread exited with 9 ${MAX_DEATHS_PER_CHUNK + 1} times on one chunk`,
    );
    expect(threads.deaths).toBe(MAX_DEATHS_PER_CHUNK + 1);
    expect(await threads.score(MENTIONS.slice(0, 2), phrases, weights)).toEqual(inThread(MENTIONS.slice(0, 2)));
  });

  it('give each thread a young generation of SCORE_THREAD_YOUNG_GENERATION_MB (96 MB, not the 48 MB a worker gets by default)', async () => {
    threads = new ScoreThreads({ size: 2, script: LIMITS_THREAD });
    const scored = await threads.score(MENTIONS.slice(0, 2), phrases, weights);
    const limits = scored.map((one) => JSON.parse(one.prepared?.searchText ?? 'null') as { maxYoungGenerationSizeMb: number });
    expect(SCORE_THREAD_YOUNG_GENERATION_MB).toBe(96);
    expect(limits.map((one) => one.maxYoungGenerationSizeMb)).toEqual([96, 96]);
  });

  it('refuse work once closed', async () => {
    const closing = new ScoreThreads({ size: 2 });
    await closing.close();
    await expect(closing.score(MENTIONS.slice(0, 1), phrases, weights)).rejects.toThrow('score threads closed');
  });
});
