// A poll that brings thousands of items matches them a slice at a time, letting the event loop turn in between (other
// sources' polls, BullMQ's lock renewals, the health server), and queues the same mentions as matching them at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import type { SourceItem } from '../../src/mentions/mention.js';
import { ITEMS_PER_TURN, toMentions } from '../../src/poller/match-items.js';
import { pollSource } from '../../src/poller/poll-source.js';
import type { Source } from '../../src/sources/source.js';
import { BRAND_CONFIG } from '../fixtures/feeds.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const ITEMS = ITEMS_PER_TURN * 5 + 7;

/** Items whose text counts how often it was read (matching reads each item's text once it reaches it). */
function countedItems(reads: { count: number }): SourceItem[] {
  return Array.from({ length: ITEMS }, (_, index) => ({
    externalId: `item-${index}`,
    // Every tenth item past the first slice repeats the link of one in the slice before: copies of one mention.
    url: `https://news.example/story/${index % 10 === 9 && index >= ITEMS_PER_TURN ? index - ITEMS_PER_TURN : index}`,
    title: `Story ${index}`,
    get text() {
      reads.count += 1;
      return index % 3 === 0 ? `Acme did thing ${index}` : `Nothing about anyone ${index}`;
    },
    author: null,
    lang: 'en',
    publishedAt: new Date(Date.UTC(2026, 10, 25, 0, index % 60)),
    reach: null,
  }));
}

describe('a poll of many items', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      roles: ['api'],
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: many, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
${TEST_API_KEYS}`,
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('lets the event loop turn while it matches them, and queues what matching them at once gives', async () => {
    const reads = { count: 0 };
    const items = countedItems(reads);
    const real = system.runtime.sources.get('many')!;
    const source: Source = { ...real, poll: async () => ({ items, nextState: {} }) };
    const seenAtTurns: number[] = [];
    let polling = true;
    const turn = () => {
      seenAtTurns.push(reads.count);
      if (polling) setImmediate(turn);
    };
    setImmediate(turn);
    const now = new Date('2026-11-25T12:00:00Z');
    const outcome = await pollSource('many', { ...system.runtime, sources: new Map([['many', source]]), lockPrefix: system.prefix, now: () => now });
    polling = false;
    // Turns came between slices: some saw part of the items read, which one synchronous stretch never shows.
    expect(seenAtTurns.some((count) => count > 0 && count < ITEMS)).toBe(true);
    reads.count = 0;
    const expected = toMentions(countedItems(reads), compileBrandRules(system.runtime.config.brands), { sourceId: 'many', sourceType: 'rss', seenAt: now, backfill: true });
    expect(outcome).toMatchObject({ status: 'ok', items: ITEMS, mentions: expected.length, backfill: true });
    const queued = (await system.runtime.queues.mentions.getJobs(['waiting', 'delayed', 'active', 'completed'])).flatMap((job) => job.data.mentions);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(queued.sort(byId)).toEqual(expected.sort(byId));
    expect(expected.length).toBeGreaterThan(ITEMS_PER_TURN);
  });
});
