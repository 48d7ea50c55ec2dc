// One evaluation of every rule for every brand it watches: advance the detectors, step the episodes, record each
// transition with its deliveries in one transaction, then queue the notify jobs.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { notifyJobId, type NotifyJobData } from '../queue/queues.js';
import { inTransaction, type Database } from '../store/database.js';
import { sourceHealth } from '../sources/source-health.js';
import { listSourceRecords } from '../store/source-store.js';
import { buildAlertEvent, episodeIdFor } from './alert-event-builder.js';
import {
  abandonDelivery,
  activeSilenceId,
  closeOrphanedEpisodes,
  loadOpenEpisodes,
  loadRuleMemories,
  openEpisodeOf,
  recordCalm,
  recordTransition,
  ruleMemoryOf,
  saveRuleMemory,
  unfinishedDeliveries,
} from './alert-store.js';
import type { BrandHistory } from './brand-history.js';
import { buildRule, ruleCoversBrand, type BuiltRule } from './built-rule.js';
import { nextEpisodeStep } from './episode-step.js';
import { evaluateRule, type SourceWatch } from './rule-evaluator.js';
import { sqlBrandHistory } from './sql-brand-history.js';

export interface AlerterDeps {
  config: Config;
  database: Database;
  notifyQueue: Queue<NotifyJobData>;
  logger: Logger;
}

export interface TickReport {
  /** False when another alerter held the evaluation lock. */
  evaluated: boolean;
  transitions: { ruleId: string; brandId: string; kind: 'firing' | 'reminder' | 'resolved'; eventId: string }[];
  /** Notify jobs added for the transitions above. */
  queued: number;
  /** Deliveries written earlier but still pending, queued again in case their first enqueue was lost. */
  requeued: number;
}

export interface Alerter {
  tick(now?: Date): Promise<TickReport>;
}

// One evaluation at a time across all alerter processes; any constant, the same in every process.
const ALERT_LOCK_KEY = 0x62757a61;
/** A delivery still pending this long after it was written is queued again (its first enqueue may have been lost). */
const REQUEUE_PENDING_AFTER_MS = 60_000;
/** An alert that could not be delivered for this long is stale news: it is marked failed instead. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;

export function createAlerter(deps: AlerterDeps): Alerter {
  const { config, database, logger } = deps;
  const rules = config.alerts.rules.map((rule) => buildRule(rule, config.alerts.bucket));
  const history = sqlBrandHistory(database);
  return {
    async tick(now = new Date()) {
      const client = await database.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [ALERT_LOCK_KEY]);
        if (rows[0]?.locked !== true) return { evaluated: false, transitions: [], queued: 0, requeued: 0 };
        try {
          return await evaluateAll(deps, rules, history, now);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [ALERT_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
  };

  async function evaluateAll(deps: AlerterDeps, rules: BuiltRule[], history: BrandHistory, now: Date): Promise<TickReport> {
    const nowMs = now.getTime();
    const report: TickReport = { evaluated: true, transitions: [], queued: 0, requeued: 0 };
    const [memories, openEpisodes, sources] = await Promise.all([
      loadRuleMemories(database),
      loadOpenEpisodes(database),
      sourceWatches(deps, now),
    ]);
    const context = { nowMs, bucketMs: config.alerts.bucket, warmupMs: config.alerts.warmup_history, history, sources };
    for (const rule of rules) {
      for (const brand of config.brands.filter((candidate) => ruleCoversBrand(rule, candidate.id))) {
        const memory = ruleMemoryOf(memories, rule.id, brand.id) ?? { watchingSinceMs: nowMs, spike: null };
        const evaluation = await evaluateRule(rule, brand.id, context, memory.spike, memory.watchingSinceMs);
        const openRecord = openEpisodeOf(openEpisodes, rule.id, brand.id);
        // An episode that fired under a silence which has since ended is owed a notice while it still holds.
        const owedNotice = openRecord !== null && openRecord.unheard && (await activeSilenceId(database, brand.id, rule.id, now)) === null;
        const open = openRecord === null ? null : { ...openRecord, owedNotice };
        const step = nextEpisodeStep(open, evaluation, rule, nowMs);
        if (step.kind === 'hold' && open !== null) await recordCalm(database, open.id, step.calmSinceMs, evaluation.counts);
        if (step.kind === 'firing' || step.kind === 'reminder' || step.kind === 'resolved') {
          const startedAtMs = open?.startedAtMs ?? nowMs;
          const event = await buildAlertEvent({
            kind: step.kind,
            episodeId: open?.id ?? episodeIdFor(rule.id, brand.id, startedAtMs),
            reminderNumber: (open?.reminders ?? 0) + 1,
            nowMs,
            startedAtMs,
            rule,
            brand: { id: brand.id, name: brand.name },
            evaluation,
            history,
          });
          const channelIds = await inTransaction(database, (transaction) =>
            recordTransition(transaction, { event, ruleType: rule.type, channelIds: rule.channelIds, latest: evaluation.counts }),
          );
          report.transitions.push({ ruleId: rule.id, brandId: brand.id, kind: step.kind, eventId: event.eventId });
          report.queued += await enqueueDeliveries(channelIds.map((channelId) => ({ eventId: event.eventId, channelId })));
          logger.info(
            { rule: rule.id, brand: brand.id, kind: step.kind, eventId: event.eventId, channels: channelIds.length },
            `alert ${step.kind}: ${event.summary}`,
          );
        }
        await saveRuleMemory(database, rule.id, brand.id, { watchingSinceMs: memory.watchingSinceMs, spike: evaluation.memory });
      }
    }
    const configured = rules.flatMap((rule) =>
      config.brands.filter((brand) => ruleCoversBrand(rule, brand.id)).map((brand) => ({ ruleId: rule.id, brandId: brand.id })),
    );
    const closed = await closeOrphanedEpisodes(database, configured, now);
    if (closed > 0) logger.info({ closed }, 'resolved episodes of rules or brands no longer configured');
    report.requeued = await requeueUnfinished(nowMs);
    return report;
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
