// The keyword rule on a busy brand: 2,500 Acme mentions in the hour, and the term ("recall") only in the oldest
// ones, behind the newest 2,000. The alerter fires with the exact count (the text index finds them wherever they lie
// in the window), a backtest over the same rows says the same, and a term in every mention is counted over the
// newest 2,000 possible matches only, which its message states ("at least").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestHistory } from '../../src/alerts/history-backtest.js';
import { buildRule } from '../../src/alerts/built-rule.js';
import type { BrandHistory } from '../../src/alerts/brand-history.js';
import { memoryBrandHistory } from '../../src/alerts/memory-brand-history.js';
import { KEYWORD_CANDIDATE_LIMIT } from '../../src/alerts/rules/keyword.js';
import type { RuleConfig } from '../../src/alerts/rules/rule-kind.js';
import type { ScoredMention } from '../../src/store/mention-store.js';
import { sqlBrandHistory, withBrandSnapshot } from '../../src/store/sql-brand-history.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BUCKET = 5 * MINUTE;
const SLACK_PATH = '/services/T000/B000/keywords';
const MENTIONS = 2_500;
// The oldest mentions of the hour carry the term; all are older than the newest 2,000.
const RECALLS = 12;

function configYaml(slackUrl: string): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
alerts:
  tick: 1h
  bucket: 5m
  group_wait: 0s
  rules:
    - { id: acme-recall, type: keyword, window: 1h, terms: [recall], channels: [pr-slack] }
    - { id: acme-everywhere, type: keyword, window: 1h, terms: [acme], channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
${TEST_API_KEYS}`;
}

/**
 * The hour before `nowMs`, oldest first: the first RECALLS mentions say "recall" (as "Recall", "RECALL" or "recall";
 * from four sites), the one after them says "recalled" (not the whole word), the rest say neither.
 */
function busyHour(nowMs: number): ScoredMention[] {
  const spacingMs = (HOUR - MINUTE) / MENTIONS;
  return Array.from({ length: MENTIONS }, (_, index) => {
    const spelling = ['Recall', 'RECALL', 'recall'][index % 3];
    const text =
      index < RECALLS
        ? `Acme announces a ${spelling} of its batteries (${index}).`
        : index === RECALLS
          ? `Acme recalled the batteries last year (${index}).`
          : `Acme ships release ${index} of its app.`;
    return scoredMention({
      key: `busy-${String(index).padStart(4, '0')}`,
      at: new Date(nowMs - HOUR + MINUTE + Math.round(index * spacingMs)).toISOString(),
      site: `site${index % 4}.example`,
      text,
    });
  });
}

describe('keyword alerts on a busy brand', () => {
  let slack: FixtureServer;
  let system: TestSystem;
  // On the bucket grid, so the backtest's last tick is this very moment.
  const nowMs = Math.floor(Date.now() / BUCKET) * BUCKET;

  beforeAll(async () => {
    slack = await startFixtureServer();
    slack.route(SLACK_PATH, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    system = await startTestSystem({ configYaml: configYaml(`${slack.baseUrl}${SLACK_PATH}`), roles: ['api', 'alerter'], clock: () => new Date(nowMs) });
    const mentions = busyHour(nowMs);
    for (let start = 0; start < mentions.length; start += 500) await storeMentions(system.db.database, mentions.slice(start, start + 500));
  });

  afterAll(async () => {
    await system?.stop();
    await slack?.close();
  });

  it('fires on a term found only behind the newest 2,000 mentions, with the exact count, and the backtest agrees', async () => {
    const report = await system.evaluateAlerts();
    expect(report.episodes.map((episode) => `${episode.ruleId} ${episode.kind}`).sort()).toEqual(['acme-everywhere firing', 'acme-recall firing']);
    const { status, body } = await system.api('/v1/alerts?status=firing');
    expect(status).toBe(200);
    const rules = new Map<string, any>(body.data.flatMap((alert: any) => alert.rules.map((rule: any) => [rule.rule_id, rule])));
    const recall = rules.get('acme-recall');
    expect(recall.latest.counts).toMatchObject({ mentions: MENTIONS, matching: RECALLS, sites: 4 });
    expect(recall.latest.summary).toBe('12 mentions in the last hour matching "recall", from 4 sites');
    // Since the oldest of them: the whole window was read, not its newest part.
    expect(recall.started_at).toBe(busyHour(nowMs)[0]?.publishedAt);

    const replay = await backtestHistory(system.db.database, system.runtime.config, {
      brandId: 'acme',
      ruleId: 'acme-recall',
      sinceMs: nowMs - 2 * HOUR,
      nowMs,
    });
    expect(replay.episodes.map((episode) => [episode.startedAt, episode.peak.matching, episode.summary])).toEqual([
      [recall.started_at, RECALLS, recall.latest.summary],
    ]);
  });

  it('counts a term in every mention over the newest 2,000 possible matches and says "at least"; a backtest the same', async () => {
    const evaluateAt = async (ruleId: string, history: BrandHistory) => {
      const ruleConfig = system.runtime.config.alerts.rules.find((rule) => rule.id === ruleId) as RuleConfig;
      const rule = buildRule(ruleConfig, BUCKET);
      const context = { brand: { id: 'acme', name: 'Acme Corp' }, nowMs, bucketMs: BUCKET, warmupMs: HOUR, history, sources: [], watchingSinceMs: 0 };
      const [finding] = (await rule.behaviour.evaluate(context, null)).findings;
      return finding;
    };
    const live = await withBrandSnapshot(system.db.database, (history) => evaluateAt('acme-everywhere', history));
    expect(live?.counts).toMatchObject({ mentions: MENTIONS, matching: KEYWORD_CANDIDATE_LIMIT, sites: 4 });
    expect(live?.summary).toBe(
      'at least 2,000 mentions in the last hour matching "acme", from 4 sites (counted over the newest 2,000 that may match)',
    );
    expect(live?.headline).toBe('at least 2,000 mentions matching "acme"');
    expect(live?.figures.slice(0, 2)).toEqual([
      { label: 'Matching mentions', value: 'at least 2,000' },
      { label: 'Terms', value: '"acme" (at least 2,000)' },
    ]);
    // The earliest counted mention: the 2,000th newest.
    expect(live?.signalStartMs).toBe(Date.parse(busyHour(nowMs)[MENTIONS - KEYWORD_CANDIDATE_LIMIT]?.publishedAt ?? ''));

    // A backtest reads the brand's rows once and replays them from memory: the same findings, to the last digit.
    const rows = await sqlBrandHistory(system.db.database).windowMentions('acme', nowMs - 2 * HOUR, nowMs + 1, {}, 100_000);
    expect(rows).toHaveLength(MENTIONS);
    for (const ruleId of ['acme-everywhere', 'acme-recall']) {
      const replayed = await evaluateAt(ruleId, memoryBrandHistory(rows));
      const liveFinding = await withBrandSnapshot(system.db.database, (history) => evaluateAt(ruleId, history));
      expect(replayed).toEqual(liveFinding);
    }
  });
});
