// `count: stories` on a volume_spike, end to end: two days of ordinary stories stored through the scorer's storing
// code, then forty reprints of one press release (Acme) and forty unrelated stories (Globex) pushed by webhook. The
// live alerter sees 1 story against 40, fires on Globex only, and a backtest over the same stored rows agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestHistory } from '../../src/alerts/history-backtest.js';
import { buildRule } from '../../src/alerts/built-rule.js';
import { memoryBrandHistory } from '../../src/alerts/memory-brand-history.js';
import type { BrandHistory } from '../../src/alerts/brand-history.js';
import type { RuleConfig } from '../../src/alerts/rules/rule-kind.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { inTransaction } from '../../src/store/database.js';
import type { ScoredMention } from '../../src/store/mention-store.js';
import { sqlBrandHistory, withBrandSnapshot } from '../../src/store/sql-brand-history.js';
import { insertMentionsWithStories } from '../../src/store/story-store.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKET = 5 * MINUTE;
const SLACK_PATH = '/services/T000/B000/storycounts';

function configYaml(slackUrl: string): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
  - { id: initech, name: Initech, keywords: [initech] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
alerts:
  tick: 1h
  bucket: 5m
  group_wait: 0s
  rules:
    - { id: stories-spike, type: volume_spike, count: stories, window: 1h, channels: [pr-slack] }
    - { id: acme-mentions-spike, type: volume_spike, brands: [acme], window: 1h, channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
${TEST_API_KEYS}`;
}

/** Made-up words no two stories share, so that ordinary stories never join one another. */
let wordCount = 0;
function freshWord(): string {
  const letters = 'bcdfghjklmnpqrtvwxz';
  let rest = (wordCount += 1);
  let word = 'v';
  for (let place = 0; place < 3; place += 1) {
    word += letters[rest % letters.length];
    rest = Math.floor(rest / letters.length);
  }
  return `${word}o`;
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function storedMention(brand: string, url: string, title: string, atMs: number, backfill = false): ScoredMention {
  return {
    id: mentionId(url, 'rss', null),
    sourceId: 'news',
    sourceType: 'rss',
    externalId: null,
    url,
    title,
    text: `${title}.`,
    author: null,
    lang: 'en',
    publishedAt: new Date(atMs).toISOString(),
    seenAt: new Date(atMs).toISOString(),
    brands: [brand],
    backfill,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

/**
 * Ordinary talk about a brand from two days before `endMs`: a story every 10 to 30 minutes, told by one to three
 * sites within a few minutes. Answers the mentions and how many stories they are.
 */
function ordinaryTalk(brand: string, name: string, fromMs: number, endMs: number, random: () => number) {
  const mentions: ScoredMention[] = [];
  let stories = 0;
  for (let time = fromMs; time < endMs; time += (10 + Math.floor(random() * 20)) * MINUTE) {
    const title = `${name} ${freshWord()} ${freshWord()} ${freshWord()} ${freshWord()}`;
    const copies = 1 + Math.floor(random() * 3);
    for (let copy = 0; copy < copies; copy += 1) {
      mentions.push(storedMention(brand, `https://talk${copy}.example/${brand}/${time}`, title, time + copy * 2 * MINUTE));
    }
    stories += 1;
  }
  return { mentions, stories };
}

const RELEASE = 'Acme opens Zephyr battery plant in Ohio with 900 new jobs';
const RELEASE_TITLES = [RELEASE, `UPDATE 1-${RELEASE}`, `${RELEASE} - Reuters`, `${RELEASE} (2)`];

/** Forty sites carrying one story (Acme's press release) or forty unrelated ones (Globex), in the 20 minutes before t0. */
function burst(brand: 'acme' | 'globex', t0: number) {
  return {
    mentions: Array.from({ length: 40 }, (_, index) => ({
      id: `${brand}-burst-${index}`,
      url: `https://outlet${index}.example/${brand}/${index}`,
      title: brand === 'acme' ? RELEASE_TITLES[index % RELEASE_TITLES.length] : `Globex ${freshWord()} ${freshWord()} ${freshWord()} ${freshWord()}`,
      text: brand === 'acme' ? 'Acme said on Monday it will open a battery plant in Zephyr, Ohio, creating 900 jobs.' : 'Globex news.',
      published_at: new Date(t0 - 20 * MINUTE + index * 30_000).toISOString(),
    })),
  };
}

describe('volume_spike with count: stories', () => {
  let system: TestSystem;
  let slack: FixtureServer;
  // At a quarter past an hour, a little in the past: every pushed mention is published before it is received. A fixed
  // minute of the hour, so that the run does not depend on when it starts: at :15 the burst's first bucket closes an
  // hour before the rest is judged, which once let the detector learn it as the brand's clumping and miss the burst
  // (src/spikes/spike-detector.test.ts sweeps every minute of the hour).
  const t0 = Math.floor((Date.now() - BUCKET - 15 * MINUTE) / HOUR) * HOUR + 15 * MINUTE;
  // Before any mention: an evaluation while the test stores them judges no bucket that is still to be filled.
  const clock = { nowMs: t0 - 3 * DAY };
  const evaluatedAt = t0 + BUCKET;
  const ordinaryStories = new Map<string, number>();

  beforeAll(async () => {
    slack = await startFixtureServer();
    slack.route(SLACK_PATH, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    system = await startTestSystem({
      configYaml: configYaml(`${slack.baseUrl}${SLACK_PATH}`),
      roles: ['api', 'scorer', 'alerter'],
      clock: () => new Date(clock.nowMs),
    });
    const random = seededRandom(7);
    for (const [brand, name] of [['acme', 'Acme'], ['globex', 'Globex']] as const) {
      const talk = ordinaryTalk(brand, name, t0 - 2 * DAY, t0 - 70 * MINUTE, random);
      ordinaryStories.set(brand, talk.stories);
      for (let offset = 0; offset < talk.mentions.length; offset += 100) {
        await inTransaction(system.db.database, (client) => insertMentionsWithStories(client, talk.mentions.slice(offset, offset + 100)));
      }
    }
    for (const brand of ['acme', 'globex'] as const) {
      const answer = await pushWebhook(system.baseUrl, 'hook', JSON.stringify(burst(brand, t0)), { secret: HOOK_SECRET });
      expect(answer.status).toBe(202);
    }
    const storedByScorer = () => system.stores.completed.reduce((sum, job) => sum + job.result.inserted, 0);
    await system.stores.next(() => storedByScorer() >= 80);
    clock.nowMs = evaluatedAt;
    // An evaluation the pushes triggered may hold the alerter's lock; the next one then finds its work done.
    while (!(await system.evaluateAlerts()).evaluated);
  });

  afterAll(async () => {
    await system?.stop();
    await slack?.close();
  });

  async function storiesPerBrand(fromMs: number) {
    const { rows } = await system.db.database.query<{ brand_id: string; stories: number; mentions: number }>(
      `SELECT brand_id, count(DISTINCT story_id)::int AS stories, count(*)::int AS mentions FROM mention_brands
        WHERE occurred_at >= $1 GROUP BY brand_id ORDER BY brand_id`,
      [new Date(fromMs)],
    );
    return rows;
  }

  it('stores the reprints as one story and the unrelated mentions as forty, past two days of ordinary stories', async () => {
    expect(await storiesPerBrand(t0 - 30 * MINUTE)).toEqual([
      { brand_id: 'acme', stories: 1, mentions: 40 },
      { brand_id: 'globex', stories: 40, mentions: 40 },
    ]);
    const all = await storiesPerBrand(0);
    expect(all.map((row) => [row.brand_id, row.stories])).toEqual([
      ['acme', (ordinaryStories.get('acme') ?? 0) + 1],
      ['globex', (ordinaryStories.get('globex') ?? 0) + 40],
    ]);
  });

  it('sees 1 story against 40 in its window figures, live and over the rows a backtest replays', async () => {
    const ruleConfig = system.runtime.config.alerts.rules.find((rule) => rule.id === 'stories-spike') as RuleConfig;
    const evaluateAt = async (brandId: string, history: BrandHistory) => {
      const rule = buildRule(ruleConfig, BUCKET);
      const context = { brand: { id: brandId, name: brandId }, nowMs: evaluatedAt, bucketMs: BUCKET, warmupMs: 7 * DAY, history, sources: [], watchingSinceMs: 0 };
      const [finding] = (await rule.behaviour.evaluate(context, null)).findings;
      return finding;
    };
    const database = system.db.database;
    for (const [brandId, stories] of [['acme', 1], ['globex', 40]] as const) {
      const live = await withBrandSnapshot(database, (history) => evaluateAt(brandId, history));
      expect(live?.counts).toMatchObject({ mentions: 40, matching: stories, sites: 40 });
      expect(live?.headline).toBe(stories === 1 ? '1 story' : '40 stories');
      expect(live?.holds).toBe(stories === 40);
      // A backtest reads the brand's rows once and replays them from memory: the same figures, to the last digit.
      const rows = await sqlBrandHistory(database).windowMentions(brandId, evaluatedAt - 10 * DAY, evaluatedAt + 1, {}, 100_000);
      expect(await evaluateAt(brandId, memoryBrandHistory(rows))).toEqual(live);
    }
  });

  it('fires live on the forty unrelated stories only, and a backtest finds the same episodes', async () => {
    const { status, body } = await system.api('/v1/alerts?status=firing');
    expect(status).toBe(200);
    const firing = body.data
      .flatMap((alert: any) => alert.rules.map((rule: any) => ({ brand: alert.brand_id, rule: rule.rule_id, ...rule })))
      .sort((a: any, b: any) => a.brand.localeCompare(b.brand));
    // Acme's reprints spike its mentions, not its stories.
    expect(firing.map((rule: any) => `${rule.brand} ${rule.rule}`)).toEqual(['acme acme-mentions-spike', 'globex stories-spike']);
    const globex = firing[1];
    expect(globex.latest.counts).toMatchObject({ mentions: 40, matching: 40, sites: 40 });
    expect(globex.latest.summary).toMatch(/^40 stories \(40 mentions\) in the last hour, \d+(\.\d)?× the usual rate, from 40 sites$/);

    for (const brandId of ['acme', 'globex']) {
      const replay = await backtestHistory(system.db.database, system.runtime.config, {
        brandId,
        ruleId: 'stories-spike',
        sinceMs: t0 - DAY,
        nowMs: evaluatedAt,
      });
      const liveEpisodes = firing.filter((rule: any) => rule.brand === brandId && rule.rule === 'stories-spike');
      // The replay ticks every bucket, so it opens the episode as soon as the burst's first bucket has ended (the live
      // alerter here was first asked later); when the buzz began and what it counted are the same.
      expect(replay.episodes.map((episode) => [episode.startedAt, episode.peak.matching, episode.peak.mentions])).toEqual(
        liveEpisodes.map((rule: any) => [rule.started_at, 40, 40]),
      );
    }
  });

  it('does not count a story that began in backfill, and counts a mention stored before stories existed as one', async () => {
    const base = t0 - 3 * HOUR;
    const oldNews = 'Initech moves its Qorvath headquarters to Austin';
    const mentions = [
      storedMention('initech', 'https://first.example/initech-hq', oldNews, base, true),
      storedMention('initech', 'https://second.example/initech-hq', oldNews, base + 10 * MINUTE),
      storedMention('initech', 'https://third.example/initech-tps', 'Initech drops Wexlar cover sheets for reports', base + 20 * MINUTE),
      storedMention('initech', 'https://fourth.example/initech-old', 'Initech Brindle printer jams again', base + 30 * MINUTE),
    ];
    await inTransaction(system.db.database, (client) => insertMentionsWithStories(client, mentions));
    await system.db.database.query('UPDATE mention_brands SET story_id = NULL WHERE mention_id = $1', [mentions[3]?.id]);
    const live = sqlBrandHistory(system.db.database);
    const rows = await live.windowMentions('initech', base - HOUR, base + HOUR, {}, 100);
    expect(rows.map((row) => [row.id, row.opensStory]).reverse()).toEqual([
      [mentions[1]?.id, false],
      [mentions[2]?.id, true],
      [mentions[3]?.id, true],
    ]);
    const replayed = memoryBrandHistory(rows);
    const expectedBuckets = new Map([
      [base + 20 * MINUTE, 1],
      [base + 30 * MINUTE, 1],
    ]);
    for (const history of [live, replayed]) {
      expect(await history.windowStoryCount('initech', base - HOUR, base + HOUR)).toBe(2);
      expect(await history.storyBucketCounts('initech', base - HOUR, base + HOUR, BUCKET)).toEqual(expectedBuckets);
    }
  });
});
