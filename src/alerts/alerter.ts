// One evaluation of every rule for every brand: the rules' findings, then (brand-tick.ts) episodes, alerts and the
// messages each channel gets, written per brand in one transaction with their deliveries; then the notify jobs.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { notifyJobId, type NotifyJobData } from '../queue/queues.js';
import { sourceHealth } from '../sources/source-health.js';
import {
  abandonDelivery,
  activeSilences,
  closeOrphans,
  loadOpenAlerts,
  loadRuleMemories,
  ruleMemoryOf,
  unfinishedDeliveries,
  writeBrandTick,
  type RuleMemory,
} from '../store/alert-store.js';
import { ADVISORY_LOCKS, whileHoldingLock } from '../store/advisory-locks.js';
import { inTransaction, type Database } from '../store/database.js';
import { listSourceRecords } from '../store/source-store.js';
import { withBrandSnapshot } from '../store/sql-brand-history.js';
import type { AlertEvent, AlertEventKind } from './alert-event.js';
import { buildAlertEvent } from './alert-event-builder.js';
import { planBrandTick, type BrandTickPlan, type GroupingSettings, type MessageRule, type PlannedMessage } from './brand-tick.js';
import { buildRule, ruleCoversBrand } from './built-rule.js';
import type { RuleContext, RuleFinding, SourceWatch } from './rules/rule-kind.js';
import { alertEventsOf, type LivePublisher } from '../live/live-publisher.js';
import { changedAlerts } from './alert-changes.js';

export interface AlerterDeps {
  config: Config;
  database: Database;
  notifyQueue: Queue<NotifyJobData>;
  logger: Logger;
  /** Told about alerts a tick changed, once their brand's tick is committed (GET /v1/stream). */
  live?: LivePublisher;
}

export interface TickReport {
  /** False when another alerter held the evaluation lock. */
  evaluated: boolean;
  /** Rule episodes opened or resolved. */
  episodes: { ruleId: string; brandId: string; kind: 'firing' | 'resolved'; episodeId: string }[];
  /** Messages decided: at most one per alert and channel. */
  messages: { alertId: string; channelId: string; kind: AlertEventKind; eventId: string; silenced: boolean }[];
  /** Notify jobs added for the messages above. */
  queued: number;
  /** Deliveries written earlier but still pending, queued again in case their first enqueue was lost. */
  requeued: number;
}

export interface Alerter {
  tick(now?: Date): Promise<TickReport>;
}

/** A delivery still pending this long after it was written is queued again (its first enqueue may have been lost). */
const REQUEUE_PENDING_AFTER_MS = 60_000;
/** An alert that could not be delivered for this long is stale news: it is marked failed instead. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;

export function groupingSettings(config: Config): GroupingSettings {
  return {
    groupBy: config.alerts.group_by,
    groupWaitMs: config.alerts.group_wait,
    groupIntervalMs: config.alerts.group_interval,
    inhibit: config.alerts.inhibit,
  };
}

export function createAlerter(deps: AlerterDeps): Alerter {
  const { config, database, logger } = deps;
  const rules = config.alerts.rules.map((rule) => buildRule(rule, config.alerts.bucket));
  const grouping = groupingSettings(config);
  return {
    async tick(now = new Date()) {
      const held = await whileHoldingLock(database, ADVISORY_LOCKS.alertEvaluation, () => evaluateAll(now));
      return held === null ? { evaluated: false, episodes: [], messages: [], queued: 0, requeued: 0 } : held.result;
    },
  };

  async function evaluateAll(now: Date): Promise<TickReport> {
    const nowMs = now.getTime();
    const report: TickReport = { evaluated: true, episodes: [], messages: [], queued: 0, requeued: 0 };
    const [memories, open, silences, sources] = await Promise.all([
      loadRuleMemories(database),
      loadOpenAlerts(database),
      activeSilences(database, now),
      sourceWatches(deps, now),
    ]);
    for (const brand of config.brands) {
      const brandRules = rules.filter((rule) => ruleCoversBrand(rule, brand.id));
      const alerts = open.alerts.filter((alert) => alert.brandId === brand.id);
      if (brandRules.length === 0 && alerts.length === 0) continue;
      const nextMemories: { ruleId: string; memory: RuleMemory }[] = [];
      // Every rule of the brand, and the messages' explanations, read one snapshot of its history.
      const { plan, events } = await withBrandSnapshot(database, async (history) => {
        const context: RuleContext = {
          brand: { id: brand.id, name: brand.name },
          nowMs,
          bucketMs: config.alerts.bucket,
          warmupMs: config.alerts.warmup_history,
          history,
          sources,
          watchingSinceMs: nowMs,
        };
        const findings = new Map<string, RuleFinding[]>();
        for (const rule of brandRules) {
          const memory = ruleMemoryOf(memories, rule.id, brand.id) ?? { watchingSinceMs: nowMs, state: null };
          const evaluation = await rule.behaviour.evaluate({ ...context, watchingSinceMs: memory.watchingSinceMs }, memory.state);
          findings.set(rule.id, evaluation.findings);
          nextMemories.push({ ruleId: rule.id, memory: { watchingSinceMs: memory.watchingSinceMs, state: evaluation.state } });
        }
        const brandPlan = planBrandTick({
          nowMs,
          brandId: brand.id,
          rules: brandRules,
          findings,
          episodes: open.episodes.filter((episode) => episode.brandId === brand.id),
          alerts,
          silences,
          grouping,
        });
        return { plan: brandPlan, events: await eventsFor(brandPlan, context) };
      });
      const pending = await inTransaction(database, (transaction) =>
        writeBrandTick(transaction, { brandId: brand.id, nowMs, plan, events, memories: nextMemories }),
      );
      // Never throws: the live stream is best effort.
      await deps.live?.publish(alertEventsOf(changedAlerts(plan, { alerts, episodes: open.episodes })));
      record(report, plan, brand.id, events);
      report.queued += await enqueueDeliveries(pending);
    }
    const configured = rules.flatMap((rule) =>
      config.brands.filter((brand) => ruleCoversBrand(rule, brand.id)).map((brand) => ({ ruleId: rule.id, brandId: brand.id })),
    );
    const closed = await closeOrphans(database, configured, config.brands.map((brand) => brand.id), now);
    if (closed > 0) logger.info({ closed }, 'resolved episodes of rules or brands no longer configured');
    report.requeued = await requeueUnfinished(nowMs);
    return report;
  }

  function record(report: TickReport, plan: BrandTickPlan, brandId: string, events: Map<string, AlertEvent>): void {
    for (const transition of plan.episodeTransitions) {
      report.episodes.push({ ...transition, brandId });
      logger.info({ rule: transition.ruleId, brand: brandId, episode: transition.episodeId }, `rule ${transition.kind}: ${transition.ruleId} on ${brandId}`);
    }
    for (const message of plan.messages) {
      const silenced = message.silencedBy !== null;
      report.messages.push({ alertId: message.alertId, channelId: message.channelId, kind: message.kind, eventId: message.eventId, silenced });
      const event = events.get(message.eventId);
      logger.info(
        { alert: message.alertId, brand: brandId, channel: message.channelId, kind: message.kind, eventId: message.eventId, silenced },
        `alert ${message.kind}${silenced ? ' (silenced)' : ''}: ${event?.rules.map((rule) => `${rule.title}: ${rule.summary}`).join('; ') ?? ''}`,
      );
    }
  }

  async function requeueUnfinished(nowMs: number): Promise<number> {
    const unfinished = await unfinishedDeliveries(database, new Date(nowMs - REQUEUE_PENDING_AFTER_MS));
    const retry: NotifyJobData[] = [];
    for (const delivery of unfinished) {
      const { eventId, channelId } = delivery;
      if (nowMs - delivery.createdAt.getTime() > GIVE_UP_AFTER_MS) {
        await abandonDelivery(database, eventId, channelId, `not delivered within ${GIVE_UP_AFTER_MS / 3_600_000} h; given up`);
        continue;
      }
      // A job that ran out of attempts (say PostgreSQL was down throughout) is kept as failed under the same id,
      // and adding that id again would be a no-op: take the old one out first.
      const job = await deps.notifyQueue.getJob(notifyJobId({ eventId, channelId }));
      const state = job === undefined ? null : await job.getState();
      if (job !== undefined && (state === 'failed' || state === 'completed')) await job.remove();
      retry.push({ eventId, channelId });
    }
    return enqueueDeliveries(retry);
  }

  async function enqueueDeliveries(deliveries: NotifyJobData[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    // The job id makes this idempotent while the job exists; once done, the delivery is no longer pending.
    await deps.notifyQueue.addBulk(deliveries.map((data) => ({ name: 'notify', data, opts: { jobId: notifyJobId(data) } })));
    return deliveries.length;
  }
}

/** The event of every message a brand's plan decided, explained from this tick's history. */
async function eventsFor(plan: BrandTickPlan, context: RuleContext): Promise<Map<string, AlertEvent>> {
  const events = new Map<string, AlertEvent>();
  for (const message of plan.messages) events.set(message.eventId, await eventFor(message, context));
  return events;
}

export function eventFor(message: PlannedMessage, context: RuleContext): Promise<AlertEvent> {
  return buildAlertEvent({
    eventId: message.eventId,
    alertId: message.alertId,
    kind: message.kind,
    context,
    startedAtMs: message.startedAtMs,
    rules: message.rules.map(namedRule),
    inReplyTo: message.inReplyTo,
  });
}

/** A firing rule is told by its latest finding (its peak while it calms down), a calm one by its peak. */
function namedRule(told: MessageRule) {
  const { episode } = told;
  const finding = told.status === 'firing' && episode.latest.holds ? episode.latest : episode.peak;
  return {
    rule: told.rule,
    finding,
    status: told.status,
    isNew: told.isNew,
    startedAtMs: episode.signalStartedAtMs,
    resolvedAtMs: told.status === 'resolved' ? (episode.calmSinceMs ?? episode.resolvedAtMs) : null,
  };
}

async function sourceWatches(deps: AlerterDeps, now: Date): Promise<SourceWatch[]> {
  const records = await listSourceRecords(deps.database);
  return deps.config.sources.map((source) => {
    const record = records.get(source.id);
    const { status, silentForMs } = sourceHealth(record, source, now);
    const failing = record !== undefined && record.consecutiveFailures > 0;
    const troubleSinceMs = failing
      ? (record.lastOkAt?.getTime() ?? null)
      : silentForMs !== null
        ? now.getTime() - silentForMs
        : null;
    return {
      id: source.id,
      brandIds: source.brands ?? null,
      ok: status === 'ok' || status === 'new',
      troubleSinceMs,
      lastError: failing ? `${status}: ${record.lastError ?? 'unknown error'}` : silentForMs !== null ? 'silent: no mentions found' : null,
    };
  });
}
