// Maps a digest's `every:` to its period kind. Adding a kind is its file plus one line here.
import { dailyDigestPeriod } from './daily.js';
import { monthlyDigestPeriod } from './monthly.js';
import type { DigestPeriodKind } from './period-kind.js';
import { weeklyDigestPeriod } from './weekly.js';

export const digestPeriodKinds = {
  daily: dailyDigestPeriod,
  weekly: weeklyDigestPeriod,
  monthly: monthlyDigestPeriod,
} satisfies Record<string, DigestPeriodKind>;

export type DigestEvery = keyof typeof digestPeriodKinds;

/** In registration order, as config errors list them. */
export const knownDigestPeriods = Object.keys(digestPeriodKinds) as DigestEvery[];
