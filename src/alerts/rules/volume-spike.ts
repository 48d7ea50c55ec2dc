// volume_spike: all mentions of a brand (or, with `count: stories`, its stories) spike against their own baseline.
// The detector's episodes decide, exactly as `buzzwatch backtest --csv` prints them (the rule scored on NAB);
// optional floors only gate the opening.
import { Type } from '@sinclair/typebox';
import { formatDuration } from '../../config/duration.js';
import { DurationOrOff } from '../../config/schema-types.js';
import { DEFAULT_VOLUME_SPIKE } from '../../spikes/volume-spike-defaults.js';
import type { RuleCounts } from '../alert-event.js';
import { countInWords, countOf, lastPeriod, spreadClause, usualRateClause } from '../alert-wording.js';
import { negativeShareOf } from '../brand-history.js';
import { advanceSpikeMemory, elevatedSince, expectedOverWindow, readSpikeMemory, type SpikeStream } from '../spike-memory.js';
import { countAgainstBaseline, negativeShareFigure, spreadFigures } from './rule-figures.js';
import { Count, Sensitivity, spreadPasses } from './rule-fields.js';
import { defineRuleKind } from './rule-kind.js';

/** Mentions read to rank sources, authors and samples for one message. */
const EXPLAIN_LIMIT = 1000;

/**
 * What the detector counts per bucket: mentions, or stories, each story once, in the bucket of its first mention
 * (forty sites reprinting one press release are one event). A different count is a different series: the detector
 * starts over.
 */
const CountedUnit = () =>
  Type.Union([Type.Literal('mentions'), Type.Literal('stories')], {
    default: 'mentions',
    errorMessage: '{value} is not something a volume rule counts (use mentions or stories)',
  });

export const volumeSpikeRule = defineRuleKind({
  title: 'Volume spike',
  fields: {
    sensitivity: Sensitivity({ default: 'medium' }),
    count: CountedUnit(),
    /**
     * After the detector's episode resolves, no new one opens for this long (`0`: none): bursts come in clusters, and
     * one incident is one message. It only holds back episodes, so changing it keeps what the detector has learnt.
     */
    cooldown: DurationOrOff({ default: formatDuration(DEFAULT_VOLUME_SPIKE.cooldownMs) }),
    min_mentions: Type.Optional(Count()),
    min_sources: Type.Optional(Count()),
    min_authors: Type.Optional(Count()),
  },
  // The detector's episodes carry their own hysteresis (an hour of normal buckets), so that live alerts fall exactly
  // where `buzzwatch backtest --csv` puts them.
  defaultResolveAfterMs: () => 0,
  create: (config) => {
    const windowMs = config.window;
    const countsStories = config.count === 'stories';
    const stream: SpikeStream = {
      stream: countsStories ? 'stories' : 'all',
      sensitivity: config.sensitivity,
      windowMs,
      cooldownMs: config.cooldown,
    };
    const floors = { minSites: config.min_sources ?? 1, minAuthors: config.min_authors ?? 0 };
    const label = countsStories ? 'Stories' : 'Mentions';
    const counted = (count: number) => (countsStories ? countOf(count, 'story', 'stories') : countOf(count, 'mention'));
    return {
      async evaluate(context, saved) {
        const { nowMs, bucketMs, history } = context;
        const memory = await advanceSpikeMemory(stream, context, readSpikeMemory(saved));
        const stats = await history.windowStats(context.brand.id, nowMs - windowMs, nowMs + 1, {});
        // Stories counted as the detector counts them, so the count and its baseline are of one series.
        const matching = countsStories ? await history.windowStoryCount(context.brand.id, nowMs - windowMs, nowMs + 1) : stats.total;
        const baseline = expectedOverWindow(memory, windowMs, bucketMs);
        const counts: RuleCounts = {
          mentions: stats.total,
          negative: stats.negative,
          negativeShare: negativeShareOf(stats),
          usualNegativeShare: null,
          matching,
          baseline,
          ratio: baseline !== null && baseline > 0 ? matching / baseline : null,
          sites: stats.matchingSites,
          authors: stats.matchingAuthors,
        };
        // Before the detector has a baseline there is no "spike" to speak of: a new brand is not alerted on its
        // normal volume. The floors decide only whether an episode may open, so a window dipping under min_mentions
        // for a tick does not resolve and re-fire one spike.
        const firingSince = memory.warmedUp ? memory.spikeFiringSince : null;
        const signalStartMs = firingSince === null ? null : await elevatedSince(stream, context, memory, firingSince);
        const floorsPass = stats.total >= (config.min_mentions ?? 0) && spreadPasses(counts, floors);
        // A detector episode older than the window (the alerter was down, or the floors only now pass) is not news.
        const fresh = firingSince !== null && floorsPass && firingSince >= nowMs - windowMs - bucketMs;
        // Only an episode alerted on is followed by the cooldown: a blip under the floors, or a stale episode, must
        // not hold back the next spike.
        if (fresh) memory.spikeAlerted = true;
        const ofMentions = countsStories ? ` (${countOf(stats.total, 'mention')})` : '';
        return {
          findings: [
            {
              subject: '',
              holds: firingSince !== null,
              fresh,
              signalStartMs,
              counts,
              summary: `${counted(matching)}${ofMentions} in ${lastPeriod(windowMs)}${usualRateClause(counts.ratio)}, ${spreadClause(counts.sites, counts.authors)}`,
              figures: [
                ...countAgainstBaseline(label, matching, counts),
                ...(countsStories ? [{ label: 'Mentions', value: countInWords(stats.total) }] : []),
                ...spreadFigures(counts),
                ...negativeShareFigure(counts),
              ],
              headline: counted(matching),
            },
          ],
          state: memory,
        };
      },
      async explain(context) {
        const mentions = await context.history.windowMentions(context.brand.id, context.nowMs - windowMs, context.nowMs + 1, {}, EXPLAIN_LIMIT);
        // Counting stories, the mentions behind the finding are the stories' first ones: one sample per story.
        return { mentions: countsStories ? mentions.filter((mention) => mention.opensStory) : mentions, order: 'highest-reach' };
      },
    };
  },
});
