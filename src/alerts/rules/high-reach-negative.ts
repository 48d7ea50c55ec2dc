// high_reach_negative: one negative mention with reach of at least min_reach (a big account, a national outlet) is
// an incident by itself.
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod } from '../alert-wording.js';
import { negativeShareOf, type WindowFilter } from '../brand-history.js';
import { spreadFigures } from './rule-figures.js';
import { defineRuleKind } from './rule-kind.js';
import { Type } from '@sinclair/typebox';

const EXPLAIN_LIMIT = 1000;

export const highReachNegativeRule = defineRuleKind({
  title: 'High-reach negative mention',
  fields: {
    min_reach: Type.Number({ minimum: 0, errorMessage: 'must be a number of at least 0' }),
  },
  create: (config) => {
    const windowMs = config.window;
    const filter: WindowFilter = { sentiment: 'negative', minReach: config.min_reach };
    return {
      async evaluate(context) {
        const { nowMs, brand, history } = context;
        const stats = await history.windowStats(brand.id, nowMs - windowMs, nowMs + 1, filter);
        const above = stats.matching > 0 ? await history.windowMentions(brand.id, nowMs - windowMs, nowMs + 1, filter, EXPLAIN_LIMIT) : [];
        const topReach = above.reduce<number | null>((top, mention) => Math.max(top ?? 0, mention.reach ?? 0), null);
        const counts: RuleCounts = {
          mentions: stats.total,
          negative: stats.negative,
          negativeShare: negativeShareOf(stats),
          usualNegativeShare: null,
          matching: stats.matching,
          baseline: null,
          ratio: null,
          sites: stats.matchingSites,
          authors: stats.matchingAuthors,
        };
        const bar = countInWords(config.min_reach);
        return {
          findings: [
            {
              subject: '',
              holds: stats.matching > 0,
              fresh: true,
              signalStartMs: stats.matching > 0 ? stats.firstMatchingAtMs : null,
              counts,
              summary:
                `${countOf(stats.matching, 'negative mention')} with reach of at least ${bar} in ${lastPeriod(windowMs)}` +
                (topReach === null ? '' : ` (highest ${countInWords(topReach)})`),
              figures: [
                { label: `Negative, reach ≥ ${bar}`, value: countInWords(stats.matching) },
                ...(topReach === null ? [] : [{ label: 'Highest reach', value: countInWords(topReach) }]),
                ...spreadFigures(counts),
              ],
              headline: countOf(stats.matching, 'high-reach negative mention'),
            },
          ],
          state: null,
        };
      },
      async explain(context) {
        const mentions = await context.history.windowMentions(context.brand.id, context.nowMs - windowMs, context.nowMs + 1, filter, EXPLAIN_LIMIT);
        return { mentions, order: 'highest-reach' };
      },
    };
  },
});
