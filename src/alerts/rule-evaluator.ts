// Decides, for one rule and one brand at one moment, whether the rule's condition holds, with the figures that
// explain it. Reads history through BrandHistory only, so live alerting and backtests share it.
import { containsPhrase, toMatchDocument } from '../mentions/brand-matcher.js';
import type { AlertCounts } from './alert-event.js';
import { sourceKeyOf, type BrandHistory, type WindowFilter, type WindowMention } from './brand-history.js';
import { detectorStream, type BuiltRule } from './built-rule.js';
import { advanceSpikeMemory, bucketStartOf, peekCurrentBucket, type SpikeMemory } from './spike-memory.js';

/** A source's health as the silence rule sees it. */
export interface SourceWatch {
  id: string;
  /** Brands it feeds; null: all. */
  brandIds: string[] | null;
  ok: boolean;
  /** Since when it has not been ok (its last success, or when it was first seen failing); null when ok. */
  troubleSinceMs: number | null;
  lastError: string | null;
}

export interface EvaluationContext {
  nowMs: number;
  bucketMs: number;
  warmupMs: number;
  history: BrandHistory;
  sources: SourceWatch[];
}

export interface RuleEvaluation {
  holds: boolean;
  /** False when what holds is old news (a detector episode that began long before now): it must not fire. */
  fresh: boolean;
  counts: AlertCounts;
  /** Mentions of the window the rule counts (negative ones, the sentiment asked for, reach above the bar…). */
  matching: number;
  /** The mentions that explain the alert come from the window with this filter (and these terms, for keyword). */
  sampleFilter: WindowFilter;
  /** Why a silence rule holds ("no mentions for 6 h", "source x: HTTP 403 …"). */
  reasons: string[];
  memory: SpikeMemory | null;
}

/** The brand's usual negative share is only trusted over this many mentions. */
const MIN_MENTIONS_FOR_USUAL_SHARE = 50;
/** Mentions read to find keyword matches in one window. */
const KEYWORD_SCAN_LIMIT = 2000;

export async function evaluateRule(
  rule: BuiltRule,
  brandId: string,
  context: EvaluationContext,
  savedMemory: SpikeMemory | null,
  watchingSinceMs: number,
): Promise<RuleEvaluation> {
  const { nowMs, history } = context;
  const windowStart = nowMs - rule.windowMs;
  const memory = detectorStream(rule.type) === null
    ? null
    : await advanceSpikeMemory(rule, brandId, nowMs, context.bucketMs, context.warmupMs, history, savedMemory);
  const filter: WindowFilter = rule.type === 'negative_buzz' || rule.type === 'high_reach_negative'
    ? { sentiment: 'negative', ...(rule.type === 'high_reach_negative' ? { minReach: rule.minReach } : {}) }
    : rule.sentiment !== null ? { sentiment: rule.sentiment } : {};
  const stats = await history.windowStats(brandId, windowStart, nowMs + 1, filter);
  const counts: AlertCounts = {
    mentions: stats.total,
    negative: stats.negative,
    baseline: null,
    ratio: null,
    negativeShare: stats.total > 0 ? stats.negative / stats.total : null,
    usualNegativeShare: null,
    sources: stats.matchingSources,
  };
  const result: RuleEvaluation = {
    holds: false,
    fresh: true,
    counts,
    matching: stats.matching,
    sampleFilter: filter,
    reasons: [],
    memory,
  };
  switch (rule.type) {
    case 'volume_spike':
      return judgeVolumeSpike(rule, context, result, stats.total);
    case 'negative_buzz':
      return judgeNegativeBuzz(rule, brandId, context, result, stats.negative);
    case 'threshold':
      result.holds = stats.matching >= rule.minMentions && stats.matchingSources >= rule.minSources;
      return result;
    case 'high_reach_negative':
      result.holds = stats.matching >= 1;
      return result;
    case 'keyword':
      return judgeKeyword(rule, brandId, context, result);
    case 'silence':
      return judgeSilence(rule, brandId, context, result, watchingSinceMs);
  }
}

function withBaseline(rule: BuiltRule, context: EvaluationContext, result: RuleEvaluation, observed: number): void {
  const memory = result.memory;
  if (memory === null || !memory.warmedUp) return;
  const baseline = memory.expectedPerBucket * (rule.windowMs / context.bucketMs);
  result.counts.baseline = baseline;
  result.counts.ratio = baseline > 0 ? observed / baseline : null;
}

// The NAB-scored rule: the detector's own episodes decide, exactly as in `buzzwatch backtest --csv`. Before the
// detector has a baseline there is no "spike" to speak of, so a new brand is not alerted on its normal volume.
function judgeVolumeSpike(rule: BuiltRule, context: EvaluationContext, result: RuleEvaluation, total: number): RuleEvaluation {
  const memory = result.memory;
  withBaseline(rule, context, result, total);
  if (memory === null || !memory.warmedUp || memory.spikeFiringSince === null) return result;
  // The detector's episode decides how long it holds; the floors only decide whether it may open, so a window
  // dipping under min_mentions for a tick does not resolve and re-fire one spike.
  result.holds = true;
  const floorsPass = total >= rule.minMentions && result.counts.sources >= rule.minSources;
  // A detector episode older than the window (the alerter was down, or the floors only now pass) is not news.
  result.fresh = floorsPass && memory.spikeFiringSince >= context.nowMs - rule.windowMs - context.bucketMs;
  return result;
}

async function judgeNegativeBuzz(
  rule: BuiltRule,
  brandId: string,
  context: EvaluationContext,
  result: RuleEvaluation,
  negative: number,
): Promise<RuleEvaluation> {
  const { nowMs, bucketMs, history } = context;
  const memory = result.memory;
  withBaseline(rule, context, result, negative);
  const usualFrom = nowMs - context.warmupMs;
  const usual = await history.windowTotals(brandId, usualFrom, nowMs - rule.windowMs);
  const usualShare = usual.total >= MIN_MENTIONS_FOR_USUAL_SHARE ? usual.negative / usual.total : null;
  result.counts.usualNegativeShare = usualShare;
  const share = result.counts.negativeShare ?? 0;
  const floorsPass =
    negative >= rule.minMentions &&
    result.counts.sources >= rule.minSources &&
    share >= rule.minNegativeShare &&
    (usualShare === null || share > usualShare);
  if (!floorsPass) return result;
  // Cold start: until the detector knows the brand, the floors decide alone.
  if (memory === null || !memory.warmedUp) {
    result.holds = true;
    return result;
  }
  const spikeInWindow = memory.anomalousBuckets.some((bucket) => bucket >= nowMs - rule.windowMs - bucketMs);
  if (spikeInWindow) {
    result.holds = true;
    return result;
  }
  const currentBucket = bucketStartOf(nowMs, bucketMs);
  const filling = await history.bucketCounts(brandId, currentBucket, nowMs + 1, bucketMs, true);
  result.holds = peekCurrentBucket(memory, rule, bucketMs, currentBucket, filling.get(currentBucket) ?? 0).anomalous;
  return result;
}

async function judgeKeyword(rule: BuiltRule, brandId: string, context: EvaluationContext, result: RuleEvaluation) {
  const matches = await keywordMatches(rule, brandId, context.nowMs, context.history);
  result.counts.sources = new Set(matches.map((mention) => sourceKeyOf(mention.site, mention.author))).size;
  result.matching = matches.length;
  result.holds = matches.length > 0;
  return result;
}

/** The window's mentions that contain one of the rule's terms (same word rules as brand keywords). */
export async function keywordMatches(rule: BuiltRule, brandId: string, nowMs: number, history: BrandHistory): Promise<WindowMention[]> {
  const filter: WindowFilter = rule.sentiment !== null ? { sentiment: rule.sentiment } : {};
  const mentions = await history.windowMentions(brandId, nowMs - rule.windowMs, nowMs + 1, filter, KEYWORD_SCAN_LIMIT);
  return mentions.filter((mention) => {
    const document = toMatchDocument({ title: mention.title, text: mention.content });
    return rule.terms.some((term) => containsPhrase(document.tokens, term.tokens));
  });
}

async function judgeSilence(
  rule: BuiltRule,
  brandId: string,
  context: EvaluationContext,
  result: RuleEvaluation,
  watchingSinceMs: number,
): Promise<RuleEvaluation> {
  const { nowMs } = context;
  const silentFrom = nowMs - rule.periodMs;
  // Over `period`, not the rule's window: a 30-minute silence rule must not wait for an hour without mentions.
  if (watchingSinceMs <= silentFrom) {
    const last = await context.history.lastMentionAt(brandId, nowMs + 1);
    if (last === null || last <= silentFrom) result.reasons.push(last === null ? 'no mentions yet' : `no mentions since ${new Date(last).toISOString()}`);
  }
  const watched = context.sources.filter((source) =>
    rule.sourceIds !== null ? rule.sourceIds.includes(source.id) : source.brandIds === null || source.brandIds.includes(brandId),
  );
  for (const source of watched) {
    const troubleSince = source.troubleSinceMs ?? (source.ok ? null : watchingSinceMs);
    if (!source.ok && troubleSince !== null && troubleSince <= silentFrom) {
      result.reasons.push(`source ${source.id} not ok${source.lastError ? `: ${source.lastError}` : ''}`);
    }
  }
  result.holds = result.reasons.length > 0;
  return result;
}
