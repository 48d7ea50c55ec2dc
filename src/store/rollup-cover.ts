// Which rollup rows sum up to a set of time ranges: the coarsest rows that lie wholly inside each range, then finer
// ones for what is left at its ends, and the raw mention links for what no rollup row fits (a range that does not
// start or end on the finest grain). Exact for any bucket of any time zone; no row is counted twice.

/** Part of range `range`, [from, to) in epoch milliseconds, to count at one level. */
export interface RollupPiece {
  range: number;
  from: number;
  to: number;
}

export interface RollupCover {
  /** Pieces per grain, in the order of the grains given; each piece starts and ends on its grain. */
  byGrain: RollupPiece[][];
  /** What no grain fits, to count from raw rows. */
  raw: RollupPiece[];
}

/**
 * Covers each range ([from, to) in epoch milliseconds) with rows of `grainsMs` (coarsest first, each a multiple of
 * the next, aligned to the Unix epoch as UTC days, hours and quarter hours are).
 */
export function coverRanges(ranges: ReadonlyArray<{ from: number; to: number }>, grainsMs: readonly number[]): RollupCover {
  const cover: RollupCover = { byGrain: grainsMs.map(() => []), raw: [] };
  const place = (range: number, from: number, to: number, level: number): void => {
    if (from >= to) return;
    const grain = grainsMs[level];
    if (grain === undefined) {
      cover.raw.push({ range, from, to });
      return;
    }
    const first = Math.ceil(from / grain) * grain;
    const last = Math.floor(to / grain) * grain;
    if (first >= last) {
      place(range, from, to, level + 1);
      return;
    }
    cover.byGrain[level]?.push({ range, from: first, to: last });
    place(range, from, first, level + 1);
    place(range, last, to, level + 1);
  };
  ranges.forEach((each, range) => place(range, each.from, each.to, 0));
  return cover;
}
