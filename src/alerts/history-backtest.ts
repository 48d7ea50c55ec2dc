// `buzzwatch backtest --brand ID --rule ID --since 30d`: replays stored mentions through a configured rule, tick by
// tick, with the same rule code and episode logic as live alerting, and lists the episodes it would have opened.
// Ticks fall on the bucket grid whatever --since says, and a detector starts at the brand's first mention of its
// warm-up history, so any span containing an episode reports it alike.
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { sqlBrandHistory } from '../store/sql-brand-history.js';
import type { RuleCounts } from './alert-event.js';
import { durationInWords } from './alert-wording.js';
import { buildRule, ruleCoversBrand } from './built-rule.js';
import { nextEpisodeStep, type OpenEpisode } from './episode-step.js';
import { memoryBrandHistory } from './memory-brand-history.js';
import type { RuleFinding } from './rules/rule-kind.js';

export interface BacktestEpisode {
  /** When its signal began (what a message calls "since"). */
  startedAt: string;
  /** The tick that opened it. */
  firedAt: string;
  resolvedAt: string | null;
  /** The firing message and the reminders it would have sent on its own (every repeat_interval while it held). */
  notifications: number;
  /** The sentence of the peak finding: the one whose counts are `peak`, so the row never contradicts itself. */
  summary: string;
  /** The counts of the finding with the most counted mentions. */
  peak: RuleCounts;
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
  // Live alerting never evaluates a rule for a brand outside its `brands`: replaying it there would report
  // episodes nobody would ever be told about (backtest = live).
  if (!ruleCoversBrand(rule, brand.id)) {
    throw new BacktestInputError(`rule "${rule.id}" does not watch brand "${brand.id}" (its brands: ${rule.brandIds?.join(', ')})`);
  }
  const warmupMs = config.alerts.warmup_history;
  const loadFrom = options.sinceMs - warmupMs;
  const mentions = await sqlBrandHistory(database).windowMentions(brand.id, loadFrom, options.nowMs + 1, {}, MAX_BACKTEST_MENTIONS);
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
  let state: unknown = null;
  const open = new Map<string, OpenEpisode & { record: BacktestEpisode; peakMatching: number; lastNotifiedMs: number }>();
  // Live alerting ticks every `alerts.tick` and after new mentions; once per bucket sees every bucket the detector
  // sees, at a cost a CLI can afford over 30 days.
  const firstTick = Math.ceil(options.sinceMs / bucketMs) * bucketMs;
  for (let tickMs = firstTick; tickMs <= options.nowMs; tickMs += bucketMs) {
    result.ticks += 1;
    const context = {
      brand: { id: brand.id, name: brand.name },
      nowMs: tickMs,
      bucketMs,
      warmupMs,
      history,
      sources: [],
      watchingSinceMs: loadFrom,
    };
    const evaluation = await rule.behaviour.evaluate(context, state);
    state = evaluation.state;
    const subjects = new Set([...evaluation.findings.map((finding) => finding.subject), ...open.keys()]);
    for (const subject of subjects) {
      const finding: Pick<RuleFinding, 'holds' | 'fresh'> & Partial<RuleFinding> =
        evaluation.findings.find((candidate) => candidate.subject === subject) ?? { holds: false, fresh: true };
      const episode = open.get(subject) ?? null;
      const step = nextEpisodeStep(episode, finding, rule.resolveAfterMs, tickMs);
      if (step.kind === 'firing' && finding.counts !== undefined) {
        const record: BacktestEpisode = {
          startedAt: new Date(Math.min(finding.signalStartMs ?? tickMs, tickMs)).toISOString(),
          firedAt: new Date(tickMs).toISOString(),
          resolvedAt: null,
          notifications: 1,
          summary: finding.summary ?? '',
          peak: finding.counts,
        };
        result.episodes.push(record);
        open.set(subject, { id: record.firedAt, calmSinceMs: null, record, peakMatching: finding.counts.matching, lastNotifiedMs: tickMs });
      } else if (episode !== null && step.kind === 'hold') {
        episode.calmSinceMs = step.calmSinceMs;
        if (finding.holds && finding.counts !== undefined && finding.counts.matching >= episode.peakMatching) {
          episode.record.peak = finding.counts;
          episode.record.summary = finding.summary ?? episode.record.summary;
          episode.peakMatching = finding.counts.matching;
        }
        if (finding.holds && tickMs - episode.lastNotifiedMs >= rule.repeatIntervalMs) {
          episode.record.notifications += 1;
          episode.lastNotifiedMs = tickMs;
        }
      } else if (episode !== null && step.kind === 'resolved') {
        // It ended when it calmed down (what its resolved message says), not resolve_after later when it was closed.
        episode.record.resolvedAt = new Date(episode.calmSinceMs ?? tickMs).toISOString();
        open.delete(subject);
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
    lines.push('start,fired,end,duration,notifications,mentions,counted,negative,baseline,ratio,sites,authors,summary');
  }
  for (const episode of result.episodes) {
    const end = episode.resolvedAt ?? 'still firing';
    const duration = episode.resolvedAt === null ? '' : durationInWords(Date.parse(episode.resolvedAt) - Date.parse(episode.startedAt));
    const peak = episode.peak;
    lines.push(
      [
        episode.startedAt,
        episode.firedAt,
        end,
        duration,
        episode.notifications,
        peak.mentions,
        peak.matching,
        peak.negative,
        peak.baseline === null ? '' : peak.baseline.toFixed(1),
        peak.ratio === null ? '' : peak.ratio.toFixed(1),
        peak.sites,
        peak.authors,
        csvField(episode.summary),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
