// One poll of a source at a time: a second poll while one is fetching is skipped (the per-source Redis lock), manual
// poll requests while one is queued or running join it (one job, one fetch), and a poll job for a source that left
// the config is skipped.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollSource, type PollDeps, type PollOutcome } from '../../src/poller/poll-source.js';
import { serveFeed, startFixtureServer, type FixtureServer, type RouteHandler } from '../helpers/http-fixture-server.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';

const FEED_PATH = '/held.xml';
const FEED_XML = rss2(RSS_ENTRIES);
const FEED_TYPE = 'application/rss+xml; charset=utf-8';

/** A feed route that keeps every request waiting until `release()`, and tells when the first one has arrived. */
interface HeldFeed {
  handler: RouteHandler;
  firstRequest: Promise<void>;
  release(): void;
}

function heldFeed(): HeldFeed {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const handler: RouteHandler = async (_request, response: ServerResponse) => {
    arrived();
    await released;
    response.writeHead(200, { 'content-type': FEED_TYPE }).end(FEED_XML);
  };
  return { handler, firstRequest, release };
}

/** The first of `polls` to settle, or a failure naming what did not happen within `timeoutMs`. */
async function firstSettled(polls: Array<Promise<PollOutcome>>, timeoutMs: number, description: string): Promise<PollOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${description} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([...polls, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

describe('one poll of a source at a time', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  let deps: PollDeps;

  const feedRequests = () => feeds.requestsTo(FEED_PATH).length;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route(FEED_PATH, serveFeed(FEED_XML, FEED_TYPE));
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: held, type: rss, url: "${feeds.baseUrl}${FEED_PATH}", every: 1h }
${TEST_API_KEYS}`,
    });
    await system.initialPolls();
    // What the poller role gives pollSource: the same lock prefix, so direct polls and its jobs exclude each other.
    deps = { ...system.runtime, lockPrefix: system.prefix };
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('skips a second poll of a source while the first is fetching, and polls normally once both are done', async () => {
    const held = heldFeed();
    feeds.route(FEED_PATH, held.handler);
    const requestsBefore = feedRequests();

    const polls = [pollSource('held', deps), pollSource('held', deps)];
    await held.firstRequest;
    // While the first poll's request is held open, the other one gives up (one Redis lock attempt). The budget is for
    // a loaded machine only: a poll that waited for the lock instead would never settle while the request is held.
    const skipped = await firstSettled(polls, 20_000, 'neither poll finished while the feed request was held');
    expect(skipped).toEqual({ status: 'skipped', reason: 'already_polling' });
    held.release();
    const outcomes = await Promise.all(polls);
    expect(outcomes.filter((outcome) => outcome.status === 'ok')).toEqual([
      expect.objectContaining({ status: 'ok', items: RSS_ENTRIES.length, mentions: 3, backfill: false }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'skipped')).toEqual([{ status: 'skipped', reason: 'already_polling' }]);
    expect(feedRequests() - requestsBefore).toBe(1);

    feeds.route(FEED_PATH, serveFeed(FEED_XML, FEED_TYPE));
    const later = await pollSource('held', deps);
    expect(later).toMatchObject({ status: 'ok', items: RSS_ENTRIES.length, mentions: 3, backfill: false });
    expect(feedRequests() - requestsBefore).toBe(2);
  });

  it('joins manual poll requests made while one is queued or running: one job id, one fetch', async () => {
    const held = heldFeed();
    feeds.route(FEED_PATH, held.handler);
    const requestsBefore = feedRequests();
    const askToPoll = () => system.api('/v1/sources/held/poll', { key: ADMIN_KEY, method: 'POST' });

    const [first, second] = [await askToPoll(), await askToPoll()];
    await held.firstRequest;
    const whileRunning = await askToPoll();
    for (const answer of [first, second, whileRunning]) expect(answer.status).toBe(202);
    const jobId: string = first.body.data.job_id;
    expect(second.body.data.job_id).toBe(jobId);
    expect(whileRunning.body.data.job_id).toBe(jobId);

    held.release();
    const { result } = await system.polls.next((job) => job.jobId === jobId);
    expect(result).toMatchObject({ status: 'ok', items: RSS_ENTRIES.length, mentions: 3 });
    expect(feedRequests() - requestsBefore).toBe(1);
    expect(system.polls.completed.filter((job) => job.jobId === jobId)).toHaveLength(1);

    // Once that poll is over, the next request is a new poll.
    feeds.route(FEED_PATH, serveFeed(FEED_XML, FEED_TYPE));
    const after = await askToPoll();
    expect(after.status).toBe(202);
    expect(after.body.data.job_id).not.toBe(jobId);
    const next = await system.polls.next((job) => job.jobId === after.body.data.job_id);
    expect(next.result).toMatchObject({ status: 'ok', items: RSS_ENTRIES.length });
    expect(feedRequests() - requestsBefore).toBe(2);
  });

  it('skips a poll job for a source that is no longer in the config', async () => {
    const requestsBefore = feeds.requests.length;
    const job = await system.runtime.queues.poll.add('poll', { sourceId: 'gone' });
    const { result } = await system.polls.next((completed) => completed.jobId === job.id);
    expect(result).toEqual({ status: 'skipped', reason: 'unknown_source' });
    expect(feeds.requests.length).toBe(requestsBefore);
    expect(await system.runtime.queues.poll.getJobState(job.id as string)).toBe('completed');
  });
});
