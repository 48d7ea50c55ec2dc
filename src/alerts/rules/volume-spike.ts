// volume_spike: all mentions of a brand spike against its own baseline. The detector's episodes decide, exactly as
// `buzzwatch backtest --csv` prints them (the rule scored on NAB); optional floors only gate the opening.
import { Type } from '@sinclair/typebox';
import type { RuleCounts } from '../alert-event.js';
import { countOf, lastPeriod, spreadClause, usualRateClause } from '../alert-wording.js';
import { negativeShareOf } from '../brand-history.js';
import { advanceSpikeMemory, elevatedSince, expectedOverWindow, readSpikeMemory, type SpikeStream } from '../spike-memory.js';
import { countAgainstBaseline, negativeShareFigure, spreadFigures } from './rule-figures.js';
import { Count, Sensitivity, spreadPasses } from './rule-fields.js';
import { defineRuleKind } from './rule-kind.js';

/** Mentions read to rank sources, authors and samples for one message. */
const EXPLAIN_LIMIT = 1000;

export const volumeSpikeRule = defineRuleKind({
  title: 'Volume spike',
  fields: {
    sensitivity: Sensitivity({ default: 'medium' }),
    min_mentions: Type.Optional(Count()),
    min_sources: Type.Optional(Count()),
    min_authors: Type.Optional(Count()),
  },
  // The detector's episodes carry their own hysteresis (an hour of normal buckets), so that live alerts fall exactly
  // where `buzzwatch backtest --csv` puts them.
  defaultResolveAfterMs: () => 0,
  create: (config) => {
    const windowMs = config.window;
    const stream: SpikeStream = { stream: 'all', sensitivity: config.sensitivity, windowMs };
    const floors = { minSites: config.min_sources ?? 1, minAuthors: config.min_authors ?? 0 };
    return {
      async evaluate(context, saved) {
        const { nowMs, bucketMs } = context;
        const memory = await advanceSpikeMemory(stream, context, readSpikeMemory(saved));
        const stats = await context.history.windowStats(context.brand.id, nowMs - windowMs, nowMs + 1, {});
        const baseline = expectedOverWindow(memory, windowMs, bucketMs);
        const counts: RuleCounts = {
          mentions: stats.total,
          negative: stats.negative,
          negativeShare: negativeShareOf(stats),
          usualNegativeShare: null,
          matching: stats.total,
          baseline,
          ratio: baseline !== null && baseline > 0 ? stats.total / baseline : null,
          sites: stats.matchingSites,
          authors: stats.matchingAuthors,
        };
        // Before the detector has a baseline there is no "spike" to speak of: a new brand is not alerted on its
        // normal volume. The floors decide only whether an episode may open, so a window dipping under min_mentions
        // for a tick does not resolve and re-fire one spike.
        const firingSince = memory.warmedUp ? memory.spikeFiringSince : null;
        const signalStartMs = firingSince === null ? null : await elevatedSince(stream, context, memory, firingSince);
        const floorsPass = stats.total >= (config.min_mentions ?? 0) && spreadPasses(counts, floors);
        return {
          findings: [
            {
              subject: '',
              holds: firingSince !== null,
              // A detector episode older than the window (the alerter was down, or the floors only now pass) is not news.
              fresh: firingSince !== null && floorsPass && firingSince >= nowMs - windowMs - bucketMs,
              signalStartMs,
              counts,
              summary: `${countOf(stats.total, 'mention')} in ${lastPeriod(windowMs)}${usualRateClause(counts.ratio)}, ${spreadClause(counts.sites, counts.authors)}`,
              figures: [...countAgainstBaseline('Mentions', stats.total, counts), ...spreadFigures(counts), ...negativeShareFigure(counts)],
              headline: countOf(stats.total, 'mention'),
            },
          ],
          state: memory,
        };
      },
      async explain(context) {
        const mentions = await context.history.windowMentions(context.brand.id, context.nowMs - windowMs, context.nowMs + 1, {}, EXPLAIN_LIMIT);
        return { mentions, order: 'highest-reach' };
      },
    };
  },
});
