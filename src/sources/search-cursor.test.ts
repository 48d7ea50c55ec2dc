// The search bookkeeping on its own: what a poll's read settles to, the overlap's seen ids, and a burst caught up over
// several polls by a search simulated in memory, each item once.
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  SEEN_IDS_BOUND,
  cursorToAdvance,
  cursorWithOverlap,
  cursorAtNewestRead,
  idsWithin,
  knownIds,
  oldestTime,
  rememberIds,
  reportProgress,
  settleSearch,
  storedEntries,
  type Boundary,
  type ReadItem,
  type SearchStanding,
} from './search-cursor.js';

const item = (id: string, time: number): ReadItem => ({ id, time });
const cursor = { mark: 100, seen: ['a'] };
const next = { mark: 200, seen: ['z'] };

describe('settleSearch', () => {
  it('moves the cursor to `next` when the read got down to it', () => {
    expect(settleSearch({ standing: { cursor }, next, stoppedAtPageCap: false })).toEqual({ outcome: 'caught-up', standing: { cursor: next } });
  });

  it("ends a first poll's backfill at the page cap: the cursor moves on and nothing is caught up", () => {
    const progress = settleSearch({ standing: undefined, next, stoppedAtPageCap: true, goOnFrom: { from: 150, seen: ['m'] } });
    expect(progress).toEqual({ outcome: 'backfill-capped', standing: { cursor: next } });
  });

  it('keeps the cursor when the page cap stops a later read, and records where to go on and the cursor to take after', () => {
    const progress = settleSearch({ standing: { cursor }, next, stoppedAtPageCap: true, goOnFrom: { from: 150, seen: ['m'] } });
    expect(progress).toEqual({ outcome: 'catching-up', standing: { cursor, catchUp: { from: 150, seen: ['m'], next } } });
  });

  it('finishes a catch-up once a read gets down to the cursor, dropping it', () => {
    const standing = { cursor, catchUp: { from: 150, seen: ['m'], next } };
    expect(settleSearch({ standing, next, stoppedAtPageCap: false })).toEqual({ outcome: 'caught-up', standing: { cursor: next } });
  });

  it('goes on below the last stop while a catch-up makes headway, and stops (stalled) when it does not', () => {
    const standing = { cursor, catchUp: { from: 150, seen: ['m'], next } };
    const isBelow = (position: number, previous: number) => position < previous;
    const lower = settleSearch({ standing, next, isBelow, stoppedAtPageCap: true, goOnFrom: { from: 140, seen: ['l'] } });
    expect(lower).toEqual({ outcome: 'catching-up', standing: { cursor, catchUp: { from: 140, seen: ['l'], next } } });
    const same = settleSearch({ standing, next, isBelow, stoppedAtPageCap: true, goOnFrom: { from: 150, seen: ['m'] } });
    expect(same).toEqual({ outcome: 'stalled', standing: { cursor: next } });
  });

  it('gives up (stalled) when the page cap stopped a read with nowhere known to go on from', () => {
    expect(settleSearch({ standing: { cursor }, next, stoppedAtPageCap: true, goOnFrom: undefined })).toEqual({
      outcome: 'stalled',
      standing: { cursor: next },
    });
  });

  it('takes opaque positions and marks (listing tokens, status ids) as they are', () => {
    const standing = { cursor: { mark: '109', seen: [] }, catchUp: undefined };
    const progress = settleSearch({ standing, next: { mark: '120', seen: [] }, stoppedAtPageCap: true, goOnFrom: { from: 't3_x', seen: [] } });
    expect(progress.standing).toEqual({ cursor: { mark: '109', seen: [] }, catchUp: { from: 't3_x', seen: [], next: { mark: '120', seen: [] } } });
  });
});

describe('seen ids', () => {
  it('knows every id a search remembers: its overlap, the catch-up boundary, and the overlap of the cursor it will take', () => {
    const standing = { cursor: { mark: 1, seen: ['a', 'b'] }, catchUp: { from: 5, seen: ['c'], next: { mark: 9, seen: ['d', 'a'] } } };
    expect([...knownIds(standing)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(knownIds(undefined).size).toBe(0);
  });

  it('lists the ids in a time range (inclusive) newest first, each once', () => {
    const read = [item('x', 10), item('y', 30), item('z', 20), item('y', 30), item('w', 5)];
    expect(idsWithin(read, { from: 10, to: 30 })).toEqual(['y', 'z', 'x']);
    expect(idsWithin(read, { from: 20 })).toEqual(['y', 'z']);
    expect(idsWithin(read, { to: 10 })).toEqual(['x', 'w']);
  });

  it(`remembers at most ${SEEN_IDS_BOUND} ids, the earlier ones first`, () => {
    const many = Array.from({ length: SEEN_IDS_BOUND + 10 }, (_, index) => `n${index}`);
    const remembered = rememberIds(['first'], many);
    expect(remembered).toHaveLength(SEEN_IDS_BOUND);
    expect(remembered.slice(0, 2)).toEqual(['first', 'n0']);
    expect(idsWithin(many.map((id, index) => item(id, -index)), {})).toHaveLength(SEEN_IDS_BOUND);
  });

  it('finds the oldest time read', () => {
    expect(oldestTime([item('a', 7), item('b', 3), item('c', 9)])).toBe(3);
    expect(oldestTime([])).toBeUndefined();
  });
});

describe('cursors', () => {
  const overlap = (mark: number) => mark - 10;

  it('marks the newest time read, never moving back, with the ids read in the overlap behind it', () => {
    const read = [item('new', 100), item('inside', 90), item('outside', 89)];
    expect(cursorAtNewestRead({ mark: 50, seen: [] }, read, overlap)).toEqual({ mark: 100, seen: ['new', 'inside'] });
    expect(cursorAtNewestRead({ mark: 120, seen: ['kept'] }, read, overlap)).toEqual({ mark: 120, seen: ['kept'] });
    expect(cursorAtNewestRead({ mark: 105, seen: ['kept'] }, read, overlap)).toEqual({ mark: 105, seen: ['kept', 'new'] });
  });

  it('has no cursor before anything was read on a first poll', () => {
    expect(cursorAtNewestRead(undefined, [], overlap)).toBeUndefined();
    expect(cursorAtNewestRead(undefined, [item('a', 3)], overlap)).toEqual({ mark: 3, seen: ['a'] });
  });

  it('moves on from the cursor a catch-up carries, else from a fresh one at the given mark', () => {
    const carried = { mark: 200, seen: ['c'] };
    expect(cursorToAdvance({ cursor, catchUp: { from: 150, seen: [], next: carried } }, 300)).toBe(carried);
    expect(cursorToAdvance({ cursor }, 300)).toEqual({ mark: 300, seen: [] });
    expect(cursorToAdvance(undefined, 300)).toEqual({ mark: 300, seen: [] });
  });

  it('keeps a fixed mark (when the search was made), adding the ids read in its overlap to those it has', () => {
    const read = [item('in', 95), item('edge', 90), item('out', 80)];
    expect(cursorWithOverlap({ mark: 100, seen: ['earlier'] }, read, overlap)).toEqual({ mark: 100, seen: ['earlier', 'in', 'edge'] });
  });
});

describe('storedEntries', () => {
  const Cursor = Type.Object({ since: Type.Number(), seen: Type.Array(Type.String()) });

  it('keeps the entries of the stored shape and leaves out the others, whose searches start over', () => {
    const stored = { good: { since: 5, seen: ['a'] }, old: { since: '5' }, broken: null, extra: { since: 6, seen: [], more: true } };
    expect(storedEntries(Cursor, stored)).toEqual({ good: { since: 5, seen: ['a'] }, extra: { since: 6, seen: [], more: true } });
  });

  it('reads anything that is not a map as no entries', () => {
    for (const stored of [undefined, null, 3, 'text', [{ since: 1, seen: [] }]]) expect(storedEntries(Cursor, stored)).toEqual({});
  });
});

describe('reportProgress', () => {
  it('logs a catch-up at info and what is left out at warn, and says nothing when a search caught up', () => {
    const lines: Array<{ level: number; msg: string; search: string; pageCap: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const standing = { cursor };
    for (const outcome of ['caught-up', 'catching-up', 'backfill-capped', 'stalled'] as const) reportProgress(logger, outcome, { outcome, standing }, 5);
    expect(lines.map(({ level, search, pageCap }) => ({ level, search, pageCap }))).toEqual([
      { level: 30, search: 'catching-up', pageCap: 5 },
      { level: 40, search: 'backfill-capped', pageCap: 5 },
      { level: 40, search: 'stalled', pageCap: 5 },
    ]);
  });
});

/**
 * A search API simulated in memory the way the time-cursor kinds read one: newest first, `after` exclusive and `until`
 * inclusive, `pageCap` items per poll; items become searchable at `indexedAt`, some after later ones.
 */
describe('a burst caught up over several polls', () => {
  interface Indexed extends ReadItem {
    indexedAt: number;
  }
  const OVERLAP = 60;
  const repeatsFrom = (mark: number) => mark - OVERLAP + 1;

  function poll(all: readonly Indexed[], now: number, standing: SearchStanding<number> | undefined, pageCap: number) {
    const after = standing === undefined ? now - 1_000 : standing.cursor.mark - OVERLAP;
    const until = standing?.catchUp?.from ?? Infinity;
    const matching = all
      .filter((entry) => entry.indexedAt <= now && entry.time > after && entry.time <= until)
      .sort((a, b) => b.time - a.time);
    const read = matching.slice(0, pageCap);
    const known = knownIds(standing);
    const fresh = read.filter((entry) => !known.has(entry.id)).map((entry) => entry.id);
    const oldest = oldestTime(read);
    const goOnFrom: Boundary<number> | undefined = oldest === undefined ? undefined : { from: oldest, seen: idsWithin(read, { from: oldest, to: oldest }) };
    const progress = settleSearch({
      standing,
      next: cursorWithOverlap(cursorToAdvance(standing, now), read, repeatsFrom),
      stoppedAtPageCap: matching.length > pageCap,
      goOnFrom,
    });
    return { fresh, progress };
  }

  it('returns every item once, including late-indexed ones and those posted during the catch-up', () => {
    const burst: Indexed[] = Array.from({ length: 250 }, (_, index) => ({ id: `b${index}`, time: 1_000 + index * 2, indexedAt: 1_000 + index * 2 }));
    const late: Indexed = { id: 'late', time: 1_480, indexedAt: 1_530 };
    const during: Indexed = { id: 'during', time: 1_520, indexedAt: 1_520 };
    const all = [{ id: 'anchor', time: 990, indexedAt: 990 }, ...burst, late, during];
    const returned: string[] = [];
    const outcomes: string[] = [];
    let standing: SearchStanding<number> | undefined;
    for (const now of [995, 1_500, 1_510, 1_520, 1_530, 1_540, 1_550]) {
      const { fresh, progress } = poll(all, now, standing, 100);
      returned.push(...fresh);
      outcomes.push(progress.outcome);
      standing = progress.standing;
    }
    expect(outcomes).toEqual(['caught-up', 'catching-up', 'catching-up', 'caught-up', 'caught-up', 'caught-up', 'caught-up']);
    expect([...returned].sort()).toEqual(all.map((entry) => entry.id).sort());
    expect(new Set(returned).size).toBe(returned.length);
    expect(standing?.cursor.mark).toBe(1_550);
  });
});
