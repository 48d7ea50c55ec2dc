import { describe, expect, it } from 'vitest';
import { BrandStories, type StoryMention } from './brand-stories.js';
import { storyId } from './story-id.js';

const HOUR = 3600_000;
const START = Date.parse('2026-03-02T08:00:00Z');

function mention(id: string, hoursIn: number, title: string, text = ''): StoryMention {
  return { id, time: START + hoursIn * HOUR, title, text, url: null };
}

// One brand's day: a recall syndicated and reworded across sites, and an unrelated launch the same day.
const DAY: StoryMention[] = [
  mention('r1', 0, 'Acme recalls 37,000 Roadster vans over brake fault', 'Acme said brakes can fail in the cold.'),
  mention('l1', 0.5, 'Acme unveils Skyline phone with foldable screen', 'The Skyline ships in May.'),
  mention('r2', 1, 'UPDATE 1-Acme recalls 37,000 Roadster vans over brake fault - Reuters'),
  mention('r3', 1.5, 'Acme recalling Roadster vans after brake fault reports (2)'),
  mention('l2', 2, 'Hands-on: Acme Skyline foldable phone unveiled'),
  mention('r4', 3, 'Brake fault: 37,000 Acme Roadster vans recalled', 'Owners of Roadster vans are told to stop driving.'),
  mention('l3', 4, "Acme's foldable Skyline phone: price and release date"),
];

function assignAll(stories: BrandStories, mentions: readonly StoryMention[]): string[] {
  return mentions.map((each) => stories.assign(each).storyId);
}

describe('BrandStories', () => {
  it('puts syndicated copies with reworded headlines in one story and a different story of the same day in another', () => {
    const ids = assignAll(new BrandStories('acme'), DAY);
    const recall = storyId('acme', 'r1');
    const launch = storyId('acme', 'l1');
    expect(ids).toEqual([recall, launch, recall, recall, launch, recall, launch]);
  });

  it('names a story after the brand and its first mention', () => {
    expect(storyId('acme', 'r1')).toMatch(/^[0-9a-f]{24}$/);
    expect(storyId('acme', 'r1')).not.toBe(storyId('globex', 'r1'));
  });

  it('gives the same stories for the same mentions in the same order, in memory or from snapshots per batch', () => {
    const inMemory = assignAll(new BrandStories('acme'), DAY);
    const batched: string[] = [];
    let snapshots: ReturnType<BrandStories['drainChanges']>['changed'] = [];
    for (const batch of [DAY.slice(0, 2), DAY.slice(2, 5), DAY.slice(5)]) {
      const stories = new BrandStories('acme', snapshots);
      batched.push(...assignAll(stories, batch));
      const { changed, closed } = stories.drainChanges();
      // What the store adapter does: save the changed stories, forget the closed ones.
      const kept = new Map(snapshots.map((snapshot) => [snapshot.id, snapshot]));
      for (const snapshot of changed) kept.set(snapshot.id, snapshot);
      for (const id of closed) kept.delete(id);
      snapshots = [...kept.values()];
    }
    expect(batched).toEqual(inMemory);
  });

  it('keeps a snapshot that round-trips through JSON unchanged', () => {
    const stories = new BrandStories('acme');
    assignAll(stories, DAY);
    const { changed } = stories.drainChanges();
    expect(changed.map((snapshot) => snapshot.id)).toEqual([storyId('acme', 'r1'), storyId('acme', 'l1')]);
    const recall = changed[0];
    expect(recall).toMatchObject({ mentions: 4, firstSeenAt: START, lastSeenAt: START + 3 * HOUR });
    expect(JSON.parse(JSON.stringify(changed))).toEqual(changed);
    expect(stories.drainChanges()).toEqual({ changed: [], closed: [] });
  });

  it('closes a story after its quiet period: a later copy starts a new story', () => {
    const stories = new BrandStories('acme', [], { quietPeriodMs: 72 * HOUR });
    const first = stories.assign(mention('r1', 0, 'Acme recalls Roadster vans over brake fault'));
    const within = stories.assign(mention('r2', 71, 'Acme recalls Roadster vans over brake fault'));
    expect(within.storyId).toBe(first.storyId);
    stories.drainChanges();
    const after = stories.assign(mention('r3', 71 + 72.01, 'Acme recalls Roadster vans over brake fault'));
    expect(after).toMatchObject({ storyId: storyId('acme', 'r3'), created: true });
    expect(stories.drainChanges().closed).toEqual([first.storyId]);
    expect(stories.openCount).toBe(1);
  });

  it('still hands over a story that started and closed since the last drain, to be saved as closed', () => {
    const stories = new BrandStories('acme', [], { quietPeriodMs: HOUR });
    stories.assign(mention('a', 0, 'Acme opens plant in Ohio'));
    stories.assign(mention('b', 2, 'Acme chief executive resigns'));
    const { changed, closed } = stories.drainChanges();
    expect(changed.map((snapshot) => [snapshot.id, snapshot.mentions])).toEqual([
      [storyId('acme', 'a'), 1],
      [storyId('acme', 'b'), 1],
    ]);
    expect(closed).toEqual([storyId('acme', 'a')]);
  });

  it('closes the least recently seen stories past the cap of open stories', () => {
    const stories = new BrandStories('acme', [], { maxOpenStories: 2 });
    stories.assign(mention('a', 0, 'Acme opens plant in Ohio'));
    stories.assign(mention('b', 1, 'Acme chief executive resigns'));
    stories.assign(mention('c', 2, 'Acme shares fall after profit warning'));
    expect(stories.openCount).toBe(2);
    expect(stories.drainChanges().closed).toEqual([storyId('acme', 'a')]);
  });

  it('keeps the heaviest terms of a centroid past its cap, heaviest first, and forgets the others', () => {
    const stories = new BrandStories('acme', [], { maxStoryTerms: 3 });
    const first = stories.assign(mention('a', 0, 'alpha beta gamma delta'));
    // Four words of weight 1 and three pairs of 0.5: the words tie, and the first three by name stay.
    expect(stories.snapshot(first.storyId)?.terms).toEqual([['alpha', 1], ['beta', 1], ['delta', 1]]);
    // A dropped term makes no story a candidate; a kept one does.
    expect(stories.assign(mention('b', 1, 'gamma')).created).toBe(true);
    expect(stories.assign(mention('c', 2, 'alpha delta'))).toMatchObject({ storyId: first.storyId, created: false });
    expect(stories.snapshot(first.storyId)?.terms).toEqual([['alpha', 2], ['delta', 2], ['beta', 1]]);
  });

  it('starts a story for a mention with no words', () => {
    const stories = new BrandStories('acme');
    expect(stories.assign(mention('a', 0, '')).created).toBe(true);
    expect(stories.assign(mention('b', 0, '...')).created).toBe(true);
  });
});
