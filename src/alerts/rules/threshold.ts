// threshold: at least min_mentions mentions (of one sentiment, if given) in the window, from at least min_sources
// sites. No baseline: a fixed bar the team chose.
import { Type } from '@sinclair/typebox';
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod, spreadClause } from '../alert-wording.js';
import { negativeShareOf, type WindowFilter } from '../brand-history.js';
import { negativeShareFigure, spreadFigures } from './rule-figures.js';
import { Count, SentimentField, spreadPasses } from './rule-fields.js';
import { defineRuleKind } from './rule-kind.js';

const EXPLAIN_LIMIT = 1000;

export const thresholdRule = defineRuleKind({
  title: 'Mention threshold',
  fields: {
    min_mentions: Count(),
    sentiment: Type.Optional(SentimentField()),
    min_sources: Count({ default: 1 }),
    min_authors: Type.Optional(Count()),
  },
  create: (config) => {
    const windowMs = config.window;
    const filter: WindowFilter = config.sentiment === undefined ? {} : { sentiment: config.sentiment };
    const noun = config.sentiment === undefined ? 'mention' : `${config.sentiment} mention`;
    const floors = { minSites: config.min_sources, minAuthors: config.min_authors ?? 0 };
    return {
      async evaluate(context) {
        const { nowMs } = context;
        const stats = await context.history.windowStats(context.brand.id, nowMs - windowMs, nowMs + 1, filter);
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
        const holds = stats.matching >= config.min_mentions && spreadPasses(counts, floors);
        const label = `${noun.charAt(0).toUpperCase()}${noun.slice(1)}s`;
        return {
          findings: [
            {
              subject: '',
              holds,
              fresh: true,
              signalStartMs: holds ? stats.firstMatchingAtMs : null,
              counts,
              summary: `${countOf(stats.matching, noun)} in ${lastPeriod(windowMs)} (threshold ${countInWords(config.min_mentions)}), ${spreadClause(counts.sites, counts.authors)}`,
              figures: [
                { label, value: `${countInWords(stats.matching)} (threshold ${countInWords(config.min_mentions)})` },
                ...spreadFigures(counts),
                ...(config.sentiment === undefined ? negativeShareFigure(counts) : []),
              ],
              headline: countOf(stats.matching, noun),
            },
          ],
          state: null,
        };
      },
      async explain(context) {
        const mentions = await context.history.windowMentions(context.brand.id, context.nowMs - windowMs, context.nowMs + 1, filter, EXPLAIN_LIMIT);
        return { mentions, order: config.sentiment === 'negative' ? 'most-negative' : 'highest-reach' };
      },
    };
  },
});
