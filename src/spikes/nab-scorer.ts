// The Numenta Anomaly Benchmark v1.1 scorer for binary alerts, as re-stated in docs/evaluation.md.
import { parseSeriesTimestamp } from './csv-series.js';

export interface NabProfile {
  name: string;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

export const NAB_PROFILES = {
  standard: { name: 'standard', truePositive: 1, falsePositive: 0.11, falseNegative: 1 },
  rewardLowFp: { name: 'low-FP', truePositive: 1, falsePositive: 0.22, falseNegative: 1 },
  rewardLowFn: { name: 'low-FN', truePositive: 1, falsePositive: 0.11, falseNegative: 2 },
} as const satisfies Record<string, NabProfile>;

export const NAB_PROFILE_LIST: readonly NabProfile[] = [
  NAB_PROFILES.standard,
  NAB_PROFILES.rewardLowFp,
  NAB_PROFILES.rewardLowFn,
];

export interface NabFileInput {
  name: string;
  /** Row timestamps in file order (NAB format; a `.000000` suffix or ISO 8601 is accepted). */
  timestamps: readonly string[];
  /** One flag per row: did the detector alert at this row. */
  alerts: readonly (0 | 1 | boolean)[];
  /** Anomaly windows `[start, end]`, both inclusive, as timestamps of rows. */
  windows: readonly (readonly [string, string])[];
}

export interface NabFileScore {
  name: string;
  raw: number;
  windows: number;
  /** Windows with at least one counted (post-probation) alert. */
  detectedWindows: number;
  /** Counted alerts outside every window. */
  falsePositives: number;
  /** Sum of the (negative) costs of those false positives. */
  falsePositiveCost: number;
}

export interface NabScore {
  /** 100 · (raw − null) / (perfect − null): 0 for a detector that never alerts, 100 for a perfect one. */
  score: number;
  raw: number;
  nullRaw: number;
  perfectRaw: number;
  files: NabFileScore[];
}

/** NAB's scaled sigmoid: +1 far before a point, −1 more than three units after it. */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** The rows NAB ignores at the start of a file while a detector learns. */
export function probationRows(rowCount: number): number {
  return Math.min(Math.floor(0.15 * rowCount), 750);
}

interface WindowRows {
  first: number;
  last: number;
}

function epochOf(timestamp: string, what: string): number {
  const epochMs = parseSeriesTimestamp(timestamp);
  if (epochMs === null) throw new Error(`${what}: "${timestamp}" is not a timestamp`);
  return epochMs;
}

/** Row indexes of each window: the first row at or after its start, the last row at or before its end. */
function windowRows(file: NabFileInput, rowTimes: readonly number[]): WindowRows[] {
  return file.windows
    .map(([start, end]) => {
      const startMs = epochOf(start, `${file.name} window start`);
      const endMs = epochOf(end, `${file.name} window end`);
      const first = rowTimes.findIndex((time) => time >= startMs);
      let last = -1;
      for (let index = rowTimes.length - 1; index >= 0; index -= 1) {
        if ((rowTimes[index] as number) <= endMs) {
          last = index;
          break;
        }
      }
      if (first < 0 || last < first) throw new Error(`${file.name}: window ${start} .. ${end} holds no row`);
      return { first, last };
    })
    .sort((a, b) => a.first - b.first);
}

/** The weighted score of an alert at row `index`, and the window it falls in (null outside every window). */
function alertWorth(
  index: number,
  windows: readonly WindowRows[],
  profile: NabProfile,
): { windowIndex: number | null; worth: number } {
  let previous: WindowRows | undefined;
  for (let windowIndex = 0; windowIndex < windows.length; windowIndex += 1) {
    const window = windows[windowIndex] as WindowRows;
    if (index > window.last) {
      previous = window;
      continue;
    }
    if (index >= window.first) {
      const width = window.last - window.first + 1;
      const position = -(window.last - index + 1) / width;
      return { windowIndex, worth: (profile.truePositive * scaledSigmoid(position)) / scaledSigmoid(-1) };
    }
    break;
  }
  if (previous === undefined) return { windowIndex: null, worth: -profile.falsePositive };
  const previousWidth = previous.last - previous.first + 1;
  // NAB divides by (width − 1); a one-row window would divide by zero, so it counts as two rows wide there.
  const position = (index - previous.last) / Math.max(previousWidth - 1, 1);
  return { windowIndex: null, worth: profile.falsePositive * scaledSigmoid(position) };
}

/** The raw NAB score of one file under one profile. */
export function scoreNabFile(file: NabFileInput, profile: NabProfile): NabFileScore {
  if (file.alerts.length !== file.timestamps.length) {
    throw new Error(`${file.name}: ${file.alerts.length} alert flags for ${file.timestamps.length} rows`);
  }
  const rowTimes = file.timestamps.map((timestamp) => epochOf(timestamp, `${file.name} row`));
  const windows = windowRows(file, rowTimes);
  const bestInWindow = new Array<number | null>(windows.length).fill(null);
  let falsePositives = 0;
  let falsePositiveCost = 0;
  for (let index = probationRows(rowTimes.length); index < rowTimes.length; index += 1) {
    if (!file.alerts[index]) continue;
    const { windowIndex, worth } = alertWorth(index, windows, profile);
    if (windowIndex === null) {
      falsePositives += 1;
      falsePositiveCost += worth;
    } else {
      const best = bestInWindow[windowIndex];
      bestInWindow[windowIndex] = best === null || best === undefined ? worth : Math.max(best, worth);
    }
  }
  const windowScores = bestInWindow.map((best) => best ?? -profile.falseNegative);
  return {
    name: file.name,
    raw: windowScores.reduce((sum, score) => sum + score, 0) + falsePositiveCost,
    windows: windows.length,
    detectedWindows: bestInWindow.filter((best) => best !== null).length,
    falsePositives,
    falsePositiveCost,
  };
}

/** The normalised NAB score of a set of files scored together (a folder, or the whole corpus). */
export function scoreNab(files: readonly NabFileInput[], profile: NabProfile): NabScore {
  const scored = files.map((file) => scoreNabFile(file, profile));
  const windowCount = scored.reduce((sum, file) => sum + file.windows, 0);
  const raw = scored.reduce((sum, file) => sum + file.raw, 0);
  const nullRaw = -profile.falseNegative * windowCount;
  const perfectRaw = profile.truePositive * windowCount;
  const score = windowCount === 0 ? 0 : (100 * (raw - nullRaw)) / (perfectRaw - nullRaw);
  return { score, raw, nullRaw, perfectRaw, files: scored };
}
