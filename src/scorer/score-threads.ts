// The scorer's score threads (config `queue.score_threads`): the per-mention work that needs no I/O — language,
// sentiment, search text, story terms (score-mention.ts) — runs on a small pool of worker threads, so that the
// scorer's main thread only reads jobs, talks to PostgreSQL and assigns stories, while the threads use the share of
// the cores the main thread leaves idle. A batch is split into one chunk per thread. A thread that dies is replaced
// and its chunk sent again (at most MAX_DEATHS_PER_CHUNK times: then the batch fails, and BullMQ retries it later).
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { siblingScript, startWorkerThread } from '../runtime/worker-thread.js';
import type { Mention } from '../mentions/mention.js';
import type { WordToken } from '../mentions/word-tokens.js';
import type { ScoredMention } from '../store/mention-store.js';
import type { StoryOptions } from '../stories/story-options.js';
import { StringTable, unpackScores, type PackedScores, type ScoredText, type ScoreFailure } from './score-answer.js';
import type { ScoreRequest } from './score-mention.js';

/**
 * A score thread's young generation (Worker resourceLimits.maxYoungGenerationSizeMb): 96 MB, semi-spaces of 32 MB, as
 * the api's NODE_OPTIONS give it, instead of a worker's default 48 (16 MB). Scoring allocates ≈ 40 KB per mention, all
 * short-lived: with the default, the thread's scavenge every ≈ 400 mentions kept V8's (parallel-scavenging) helper
 * threads busy for ≈ 25 µs of CPU per mention, a third of the thread's own ≈ 70; with 96 MB ≈ 10, and the thread's
 * own CPU no higher (README, bench:e2e). It costs at most 48 MB more memory per thread.
 */
export const SCORE_THREAD_YOUNG_GENERATION_MB = 96;

/** How often one chunk may see its thread die before its batch fails (a mention that kills every thread it meets). */
export const MAX_DEATHS_PER_CHUNK = 2;

export interface ScoreThreadsOptions {
  /** Threads (at least 1). */
  size: number;
  logger?: Logger;
  /** The thread's script; default score-thread.js (or .ts, run by tsx) beside this file. Tests give another. */
  script?: URL;
  workerData?: unknown;
  /** Each thread's young generation in MB (default SCORE_THREAD_YOUNG_GENERATION_MB); bench:score-thread compares. */
  youngGenerationMb?: number;
}

interface Chunk {
  request: Omit<ScoreRequest, 'id'>;
  deaths: number;
  resolve(scored: ScoredText[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  busy: { id: number; chunk: Chunk } | undefined;
  /** The strings this thread has numbered in its answers (score-answer.ts). */
  strings: StringTable;
}

export class ScoreThreads {
  readonly size: number;
  /** Threads that died and were replaced. */
  deaths = 0;
  private readonly logger: Logger | undefined;
  private readonly script: URL;
  private readonly workerData: unknown;
  private readonly youngGenerationMb: number;
  private readonly threads = new Set<Thread>();
  private readonly waiting: Chunk[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: ScoreThreadsOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`score threads: size ${options.size} is not a whole number ≥ 1`);
    this.size = options.size;
    this.logger = options.logger;
    this.script = options.script ?? siblingScript('score-thread', import.meta.url);
    this.workerData = options.workerData;
    this.youngGenerationMb = options.youngGenerationMb ?? SCORE_THREAD_YOUNG_GENERATION_MB;
    const started = Array.from({ length: this.size }, () => this.startThread());
    this.ready = Promise.all(started).then(() => undefined);
    // Awaited by whoever cares (the scorer's start); unobserved, a failed start must not be an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Resolves once the first `size` threads have loaded their code; rejects if one exits before. */
  readonly ready: Promise<void>;

  /** scoreMention and prepareMention of each mention, on the threads; the same as in the caller's thread. */
  async score(mentions: Mention[], brandPhrases: ReadonlyMap<string, WordToken[][]>, storyWeights: StoryOptions['weights']): Promise<ScoredMention[]> {
    if (mentions.length === 0) return [];
    const chunkSize = Math.ceil(mentions.length / this.size);
    const chunks: Array<Promise<ScoredText[]>> = [];
    for (let start = 0; start < mentions.length; start += chunkSize) {
      const fields = mentions.slice(start, start + chunkSize).map(({ id, title, text, url, lang, brands }) => ({ id, title, text, url, lang, brands }));
      chunks.push(this.run({ mentions: fields, brandPhrases, storyWeights }));
    }
    const answers = (await Promise.all(chunks)).flat();
    return mentions.map((mention, index) => {
      const { scores, searchText, storyTerms } = answers[index] as ScoredText;
      return { ...mention, ...scores, prepared: { searchText, storyTerms, storyWeights } };
    });
  }

  /** Ends the threads; a chunk still waiting or running is refused. */
  async close(): Promise<void> {
    this.closed = true;
    const refused = new Error('score threads closed');
    for (const chunk of this.waiting.splice(0)) chunk.reject(refused);
    const threads = [...this.threads];
    this.threads.clear();
    for (const thread of threads) thread.busy?.chunk.reject(refused);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private run(request: Chunk['request']): Promise<ScoredText[]> {
    if (this.closed) return Promise.reject(new Error('score threads closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, deaths: 0, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    // A thread that died is replaced when there is work for it (not in a loop, should its script not even load).
    while (!this.closed && this.threads.size < this.size && this.waiting.length > 0) {
      // Its failing to load shows as its exit, which the chunk it takes counts.
      this.startThread().catch(() => {});
    }
    for (const thread of this.threads) {
      if (thread.busy !== undefined) continue;
      const chunk = this.waiting.shift();
      if (chunk === undefined) return;
      const id = this.nextId++;
      thread.busy = { id, chunk };
      thread.worker.ref();
      thread.worker.postMessage({ id, ...chunk.request } satisfies ScoreRequest);
    }
  }

  /** Starts a thread; the promise resolves when it has loaded, and rejects if it exits before. */
  private startThread(): Promise<void> {
    const options = { workerData: this.workerData, resourceLimits: { maxYoungGenerationSizeMb: this.youngGenerationMb } };
    const worker = startWorkerThread(this.script, options);
    const thread: Thread = { worker, busy: undefined, strings: new StringTable() };
    this.threads.add(thread);
    let loaded: () => void = () => {};
    let failed: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      failed = reject;
    });
    // An idle thread does not keep the process alive; one with work does, until it answers.
    worker.unref();
    worker.on('message', (answer: PackedScores | ScoreFailure | { ready: true }) => {
      if ('ready' in answer) return loaded();
      // Every answer's strings are taken in, even one no chunk waits for: the next answers number from them.
      if ('strings' in answer && !thread.strings.receive(answer)) {
        // Cannot happen while answers arrive in order; should it, the thread is replaced (its chunk goes again).
        this.logger?.error({ stringsFrom: answer.stringsFrom }, 'score thread answer out of step: thread replaced');
        void worker.terminate();
        return;
      }
      const busy = thread.busy;
      if (busy === undefined || busy.id !== answer.id) return;
      thread.busy = undefined;
      worker.unref();
      try {
        if ('error' in answer) throw new Error(`scoring failed: ${answer.error}`);
        busy.chunk.resolve(unpackScores(answer, thread.strings));
      } catch (error) {
        busy.chunk.reject(error as Error);
      }
      this.dispatch();
    });
    worker.on('error', (error) => this.logger?.error({ err: error.message }, 'score thread failed'));
    worker.on('exit', (code) => {
      failed(new Error(`score thread exited with ${code} before it was ready`));
      if (!this.threads.delete(thread)) return; // closed
      this.deaths += 1;
      const chunk = thread.busy?.chunk;
      this.logger?.warn({ code, retried: chunk !== undefined }, 'score thread exited: replaced');
      if (chunk !== undefined) {
        chunk.deaths += 1;
        if (chunk.deaths > MAX_DEATHS_PER_CHUNK) chunk.reject(new Error(`score thread exited with ${code} ${chunk.deaths} times on one chunk`));
        else this.waiting.unshift(chunk);
      }
      this.dispatch();
    });
    return ready;
  }
}
