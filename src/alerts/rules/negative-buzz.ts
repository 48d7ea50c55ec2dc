// negative_buzz: the negative stream of a brand spikes, its negative share is high and above the brand's usual, and
// it comes from several sites. Before the detector knows the brand (cold start) the floors decide alone.
import { Type } from '@sinclair/typebox';
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod, spreadClause, usualRateClause } from '../alert-wording.js';
import { negativeShareOf, type BrandHistory } from '../brand-history.js';
import {
  advanceSpikeMemory,
  bucketStartOf,
  elevatedSince,
  expectedOverWindow,
  peekCurrentBucket,
  readSpikeMemory,
  type SpikeMemory,
  type SpikeStream,
} from '../spike-memory.js';
import { countAgainstBaseline, negativeShareFigure, spreadFigures } from './rule-figures.js';
import { Count, Sensitivity, Share, spreadPasses } from './rule-fields.js';
import { defineRuleKind, type RuleContext } from './rule-kind.js';

/** The brand's usual negative share is only trusted over this many mentions with a known sentiment. */
const MIN_MENTIONS_FOR_USUAL_SHARE = 50;
const EXPLAIN_LIMIT = 1000;

/** The usual share over the warm-up history before the window, worked out once per bucket (not every tick). */
interface UsualShare {
  bucketStart: number;
  share: number | null;
}

interface NegativeBuzzState {
  spike: SpikeMemory | null;
  usual: UsualShare | null;
}

function readState(saved: unknown): NegativeBuzzState {
  if (saved === null || typeof saved !== 'object') return { spike: null, usual: null };
  const state = saved as { spike?: unknown; usual?: unknown };
  const usual = state.usual as Partial<UsualShare> | null | undefined;
  const usualShaped = typeof usual?.bucketStart === 'number' && (usual.share === null || typeof usual.share === 'number');
  return { spike: readSpikeMemory(state.spike), usual: usualShaped ? (usual as UsualShare) : null };
}

export const negativeBuzzRule = defineRuleKind({
  title: 'Negative buzz',
  fields: {
    sensitivity: Sensitivity({ default: 'medium' }),
    min_mentions: Count({ default: 5 }),
    min_sources: Count({ default: 3 }),
    min_authors: Type.Optional(Count()),
    min_negative_share: Share({ default: 0.35 }),
  },
  create: (config) => {
    const windowMs = config.window;
    const stream: SpikeStream = { stream: 'negative', sensitivity: config.sensitivity, windowMs };
    const floors = { minSites: config.min_sources, minAuthors: config.min_authors ?? 0 };

    /** The brand's usual negative share: over the warm-up history up to the window, refreshed once per bucket. */
    async function usualShare(context: RuleContext, saved: UsualShare | null): Promise<UsualShare> {
      const bucketStart = bucketStartOf(context.nowMs, context.bucketMs);
      if (saved !== null && saved.bucketStart === bucketStart) return saved;
      const usual = await context.history.windowTotals(context.brand.id, bucketStart - context.warmupMs, bucketStart - windowMs);
      return { bucketStart, share: usual.known >= MIN_MENTIONS_FOR_USUAL_SHARE ? negativeShareOf(usual) : null };
    }

    return {
      async evaluate(context, saved) {
        const { nowMs, bucketMs, history } = context;
        const state = readState(saved);
        const spike = await advanceSpikeMemory(stream, context, state.spike);
        const usual = await usualShare(context, state.usual);
        const stats = await history.windowStats(context.brand.id, nowMs - windowMs, nowMs + 1, { sentiment: 'negative' });
        const baseline = expectedOverWindow(spike, windowMs, bucketMs);
        const counts: RuleCounts = {
          mentions: stats.total,
          negative: stats.negative,
          negativeShare: negativeShareOf(stats),
          usualNegativeShare: usual.share,
          matching: stats.negative,
          baseline,
          ratio: baseline !== null && baseline > 0 ? stats.negative / baseline : null,
          sites: stats.matchingSites,
          authors: stats.matchingAuthors,
        };
        const share = counts.negativeShare ?? 0;
        const floorsPass =
          stats.negative >= config.min_mentions &&
          spreadPasses(counts, floors) &&
          share >= config.min_negative_share &&
          (usual.share === null || share > usual.share);
        const spikeStart = floorsPass ? await negativeSpikeStart(context, spike, history) : null;
        // Never before the first negative mention of the window: a bucket is only where the buzz could have begun.
        const signalStartMs = spikeStart === null ? null : Math.max(spikeStart, stats.firstMatchingAtMs ?? spikeStart);
        return {
          findings: [
            {
              subject: '',
              holds: signalStartMs !== null,
              fresh: true,
              signalStartMs,
              counts,
              summary: `${countOf(stats.negative, 'negative mention')} in ${lastPeriod(windowMs)}${usualRateClause(counts.ratio)}, ${spreadClause(counts.sites, counts.authors)}`,
              figures: [
                ...countAgainstBaseline('Negative mentions', stats.negative, counts),
                { label: 'All mentions', value: countInWords(stats.total) },
                ...negativeShareFigure(counts),
                ...spreadFigures(counts),
              ],
              headline: countOf(stats.negative, 'negative mention'),
            },
          ],
          state: { spike, usual } satisfies NegativeBuzzState,
        };
      },
      async explain(context) {
        const { nowMs, brand } = context;
        const mentions = await context.history.windowMentions(brand.id, nowMs - windowMs, nowMs + 1, { sentiment: 'negative' }, EXPLAIN_LIMIT);
        return { mentions, order: 'most-negative' };
      },
    };

    /**
     * Where the negative stream's spike began, if it spikes now: the first anomalous bucket of the window, or the
     * bucket filling up now. Until the detector knows the brand, the floors decide alone (from the window's start).
     */
    async function negativeSpikeStart(context: RuleContext, spike: SpikeMemory, history: BrandHistory): Promise<number | null> {
      const { nowMs, bucketMs } = context;
      if (!spike.warmedUp) return nowMs - windowMs;
      const inWindow = spike.anomalousBuckets.filter((bucket) => bucket >= nowMs - windowMs - bucketMs);
      if (inWindow.length > 0) return elevatedSince(stream, context, spike, Math.min(...inWindow));
      const currentBucket = bucketStartOf(nowMs, bucketMs);
      const filling = await history.bucketCounts(context.brand.id, currentBucket, nowMs + 1, bucketMs, true);
      const spikesNow = peekCurrentBucket(spike, stream, bucketMs, currentBucket, filling.get(currentBucket) ?? 0).anomalous;
      return spikesNow ? elevatedSince(stream, context, spike, currentBucket) : null;
    }
  },
});
