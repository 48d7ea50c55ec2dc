// The NAB v1.1 scorer port: the 0 / 100 anchors, probation, window weighting, false-positive costs, normalisation.
import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  NAB_PROFILE_LIST,
  probationRows,
  scaledSigmoid,
  scoreNab,
  scoreNabFile,
  type NabFileInput,
} from './nab-scorer.js';

const START = Date.UTC(2015, 2, 1);

/** NAB-style timestamps, one row per 5 minutes. */
function timestamps(rowCount: number): string[] {
  return Array.from({ length: rowCount }, (_, row) =>
    new Date(START + row * 300_000).toISOString().slice(0, 19).replace('T', ' '),
  );
}

function fileWith(name: string, rowCount: number, windowRows: [number, number][], alertRows: number[]): NabFileInput {
  const rows = timestamps(rowCount);
  const alerting = new Set(alertRows);
  return {
    name,
    timestamps: rows,
    alerts: rows.map((_, row) => (alerting.has(row) ? 1 : 0)),
    // The labels carry NAB's `.000000` suffix.
    windows: windowRows.map(([first, last]) => [`${rows[first]}.000000`, `${rows[last]}.000000`] as [string, string]),
  };
}

const WINDOWS_A: [number, number][] = [
  [200, 239],
  [600, 679],
];
const WINDOWS_B: [number, number][] = [[500, 549]];

describe('NAB scorer anchors', () => {
  it('scores 0 under every profile for a detector that never alerts', () => {
    const files = [fileWith('a', 1000, WINDOWS_A, []), fileWith('b', 800, WINDOWS_B, [])];
    for (const profile of NAB_PROFILE_LIST) {
      const result = scoreNab(files, profile);
      expect(result.score).toBe(0);
      expect(result.raw).toBe(-3 * profile.falseNegative);
      expect(result.nullRaw).toBe(-3 * profile.falseNegative);
      expect(result.perfectRaw).toBe(3);
    }
  });

  it("scores 100 under every profile for a detector alerting exactly at each window's first row", () => {
    const files = [fileWith('a', 1000, WINDOWS_A, [200, 600]), fileWith('b', 800, WINDOWS_B, [500])];
    for (const profile of NAB_PROFILE_LIST) {
      expect(scoreNab(files, profile).score).toBeCloseTo(100, 12);
    }
  });
});

describe('NAB scorer rules', () => {
  it('implements the scaled sigmoid, with −1 beyond three units', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866142981514305, 15);
    expect(scaledSigmoid(3)).toBeCloseTo(2 / (1 + Math.exp(15)) - 1, 15);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });

  it('ignores the first min(floor(15% of rows), 750) rows', () => {
    expect(probationRows(100)).toBe(15);
    expect(probationRows(2381)).toBe(357);
    expect(probationRows(15902)).toBe(750);
  });

  // 100 rows, window rows 40..49 (width 10), probation 15 rows. Alerts:
  //   row 10: in probation, ignored;
  //   row 20: before the first window, −fp;
  //   row 45: in the window, tp·σ(−(49 − 45 + 1)/10)/σ(−1) = σ(−0.5)/σ(−1) = 0.8597925669097837;
  //   row 47: later in the same window, ignored (only the earliest detection counts);
  //   row 55: after the window, fp·σ((55 − 49)/(10 − 1)) = fp · −0.9311096086675776.
  const handCase = () => fileWith('hand', 100, [[40, 49]], [10, 20, 45, 47, 55]);

  it('scores the hand-computed case under the standard profile', () => {
    const file = scoreNabFile(handCase(), NAB_PROFILES.standard);
    expect(file.detectedWindows).toBe(1);
    expect(file.falsePositives).toBe(2);
    expect(file.falsePositiveCost).toBeCloseTo(-0.11 - 0.10242205695343354, 12);
    expect(file.raw).toBeCloseTo(0.6473705099563501, 12);
    expect(scoreNab([handCase()], NAB_PROFILES.standard).score).toBeCloseTo(82.3685254978175, 10);
  });

  it('scores the hand-computed case under the low-FP and low-FN profiles', () => {
    expect(scoreNab([handCase()], NAB_PROFILES.rewardLowFp).score).toBeCloseTo(71.74742265014584, 10);
    // low-FN: null = −2, perfect = 1, raw unchanged from standard: 100 · (0.64737… + 2) / 3.
    expect(scoreNab([handCase()], NAB_PROFILES.rewardLowFn).score).toBeCloseTo(88.24568366521167, 10);
  });

  it('normalises over all files together, not per file', () => {
    // File a detects both its windows at their first rows (+2), file b misses its window (−1): raw 1 of [−3, 3].
    const files = [fileWith('a', 1000, WINDOWS_A, [200, 600]), fileWith('b', 800, WINDOWS_B, [])];
    const result = scoreNab(files, NAB_PROFILES.standard);
    expect(result.raw).toBeCloseTo(1, 12);
    expect(result.score).toBeCloseTo((100 * 4) / 6, 10);
  });

  it('charges a false positive between two windows by its distance from the previous one', () => {
    // Row 250 is 11 rows after window [200, 239] (width 40): fp·σ(11/39).
    const file = scoreNabFile(fileWith('a', 1000, WINDOWS_A, [200, 250, 600]), NAB_PROFILES.standard);
    expect(file.falsePositiveCost).toBeCloseTo(0.11 * scaledSigmoid(11 / 39), 12);
    expect(file.raw).toBeCloseTo(2 + 0.11 * scaledSigmoid(11 / 39), 12);
  });

  it('rejects alert flags that do not match the rows', () => {
    const file = { ...fileWith('short', 100, [[40, 49]], []), alerts: [0 as const] };
    expect(() => scoreNabFile(file, NAB_PROFILES.standard)).toThrow('short: 1 alert flags for 100 rows');
  });
});
