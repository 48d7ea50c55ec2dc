// `buzzwatch backtest --brand ID --rule ID --since 30d`: replays stored mentions through a configured rule, tick by
// tick, with the same evaluation and episode logic as live alerting, and lists the alerts it would have sent.
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import type { AlertCounts, AlertEventKind } from './alert-event.js';
import { alertSummary, spokenDuration } from './alert-wording.js';
import { buildRule } from './built-rule.js';
import { nextEpisodeStep, type OpenEpisode } from './episode-step.js';
import { memoryBrandHistory } from './memory-brand-history.js';
import { evaluateRule, type RuleEvaluation } from './rule-evaluator.js';
import type { SpikeMemory } from './spike-memory.js';
import { sqlBrandHistory } from './sql-brand-history.js';

export interface BacktestEvent {
  kind: AlertEventKind;
  at: string;
  counts: AlertCounts;
  summary: string;
}

export interface BacktestEpisode {
  startedAt: string;
  resolvedAt: string | null;
  events: BacktestEvent[];
  /** The evaluation with the most counted mentions during the episode. */
  peak: AlertCounts;
}

export interface HistoryBacktest {
  ruleId: string;
  brandId: string;
  from: string;
  to: string;
  ticks: number;
  mentions: number;
  episodes: BacktestEpisode[];
}

export class BacktestInputError extends Error {}

/** Mentions read for one backtest; more would not fit a CLI's memory comfortably. */
const MAX_BACKTEST_MENTIONS = 2_000_000;

export async function backtestHistory(
  database: Database,
  config: Config,
  options: { brandId: string; ruleId: string; sinceMs: number; nowMs: number },
): Promise<HistoryBacktest> {
  const brand = config.brands.find((candidate) => candidate.id === options.brandId);
  if (brand === undefined) {
    throw new BacktestInputError(`no brand "${options.brandId}" (known: ${config.brands.map((b) => b.id).join(', ')})`);
  }
  const ruleConfig = config.alerts.rules.find((candidate) => candidate.id === options.ruleId);
  if (ruleConfig === undefined) {
    const known = config.alerts.rules.map((rule) => rule.id).join(', ') || 'none configured';
    throw new BacktestInputError(`no alert rule "${options.ruleId}" (known: ${known})`);
  }
  const bucketMs = config.alerts.bucket;
  const rule = buildRule(ruleConfig, bucketMs);
  const warmupMs = config.alerts.warmup_history;
  const loadFrom = options.sinceMs - warmupMs;
  const mentions = await sqlBrandHistory(database).windowMentions(brand.id, loadFrom, options.nowMs, {}, MAX_BACKTEST_MENTIONS);
  const history = memoryBrandHistory(mentions);
  const result: HistoryBacktest = {
    ruleId: rule.id,
    brandId: brand.id,
    from: new Date(options.sinceMs).toISOString(),
    to: new Date(options.nowMs).toISOString(),
    ticks: 0,
    mentions: mentions.filter((mention) => mention.occurredAt.getTime() >= options.sinceMs).length,
    episodes: [],
  };
  let spike: SpikeMemory | null = null;
  let open: (OpenEpisode & { record: BacktestEpisode }) | null = null;
  // Live alerting ticks every `alerts.tick`; once per bucket sees every bucket the detector sees, at a cost a CLI
  // can afford over 30 days.
  const firstTick = Math.ceil(options.sinceMs / bucketMs) * bucketMs;
  for (let tickMs = firstTick; tickMs <= options.nowMs; tickMs += bucketMs) {
    result.ticks += 1;
    const context = { nowMs: tickMs, bucketMs, warmupMs, history, sources: [] };
    const evaluation: RuleEvaluation = await evaluateRule(rule, brand.id, context, spike, options.sinceMs);
    spike = evaluation.memory;
    const step = nextEpisodeStep(open, evaluation, rule, tickMs);
    if (open !== null && evaluation.holds && evaluation.counts.mentions > open.record.peak.mentions) open.record.peak = evaluation.counts;
    if (step.kind === 'hold' && open !== null) open.calmSinceMs = step.calmSinceMs;
    if (step.kind !== 'firing' && step.kind !== 'reminder' && step.kind !== 'resolved') continue;
    const event: BacktestEvent = {
      kind: step.kind,
      at: new Date(tickMs).toISOString(),
      counts: evaluation.counts,
      summary: alertSummary({
        type: rule.type,
        windowMs: rule.windowMs,
        counts: evaluation.counts,
        matching: evaluation.matching,
        terms: rule.terms.map((term) => term.text),
        minMentions: rule.minMentions,
        minReach: rule.minReach,
        topReach: null,
        reasons: evaluation.reasons,
        sentiment: rule.sentiment,
      }),
    };
    if (step.kind === 'firing') {
      const record: BacktestEpisode = { startedAt: event.at, resolvedAt: null, events: [event], peak: evaluation.counts };
      result.episodes.push(record);
      open = { id: event.at, startedAtMs: tickMs, lastNotifiedAtMs: tickMs, calmSinceMs: null, reminders: 0, acked: false, record };
    } else if (open !== null) {
      open.record.events.push(event);
      if (step.kind === 'reminder') {
        open.lastNotifiedAtMs = tickMs;
        open.reminders += 1;
        open.calmSinceMs = null;
      } else {
        open.record.resolvedAt = event.at;
        open = null;
      }
    }
  }
  return result;
}

export function formatHistoryBacktest(result: HistoryBacktest): string {
  const lines = [
    `rule ${result.ruleId} on brand ${result.brandId}, ${result.from} → ${result.to}: ${result.mentions} mentions, ` +
      `${result.ticks} evaluations, ${result.episodes.length} alert episode${result.episodes.length === 1 ? '' : 's'}`,
  ];
  if (result.episodes.length > 0) {
    lines.push('start,end,duration,notifications,mentions,negative,baseline,ratio,sources,summary');
  }
  for (const episode of result.episodes) {
    const end = episode.resolvedAt ?? 'still firing';
    const duration = episode.resolvedAt === null ? '' : spokenDuration(Date.parse(episode.resolvedAt) - Date.parse(episode.startedAt));
    const firing = episode.events[0];
    const peak = episode.peak;
    lines.push(
      [
        episode.startedAt,
        end,
        duration,
        episode.events.filter((event) => event.kind !== 'resolved').length,
        peak.mentions,
        peak.negative,
        peak.baseline === null ? '' : peak.baseline.toFixed(1),
        peak.ratio === null ? '' : peak.ratio.toFixed(1),
        peak.sources,
        csvField(firing?.summary ?? ''),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
