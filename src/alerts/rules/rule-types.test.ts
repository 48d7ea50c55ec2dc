// Every rule type on in-memory history: the same code the alerter runs on PostgreSQL, tick by tick.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { backtestCsv } from '../../spikes/csv-backtest.js';
import type { WindowMention } from '../brand-history.js';
import { buildRule, type BuiltRule } from '../built-rule.js';
import { nextEpisodeStep, type OpenEpisode } from '../episode-step.js';
import { memoryBrandHistory } from '../memory-brand-history.js';
import { ruleKindFor } from './registry.js';
import type { RuleConfig, RuleContext, RuleFinding, SourceWatch } from './rule-kind.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BUCKET = 5 * MINUTE;
const T0 = Date.UTC(2026, 10, 1);

function rule(fields: Record<string, unknown> & { type: string }): BuiltRule {
  const kind = ruleKindFor(fields.type);
  if (kind === undefined) throw new Error(`no rule type ${fields.type}`);
  const config = Value.Decode(kind.configSchema, Value.Default(kind.configSchema, { id: 'r', channels: ['c'], ...fields })) as RuleConfig;
  return buildRule(config, BUCKET);
}

let sequence = 0;
function mention(timeMs: number, options: Partial<WindowMention> = {}): WindowMention {
  sequence += 1;
  return {
    id: `m${String(sequence).padStart(6, '0')}`,
    url: `https://${options.site ?? 'news.example'}/${sequence}`,
    title: null,
    content: 'Acme said something.',
    author: null,
    sourceId: 'feed',
    site: 'news.example',
    sentimentLabel: 'neutral',
    sentimentScore: 0,
    reach: null,
    publishedAt: new Date(timeMs),
    occurredAt: new Date(timeMs),
    storyId: null,
    opensStory: true,
    ...options,
  };
}

/** `count` negative mentions from `sites` sites (as many authors), spread over the `spreadMs` before `endMs`. */
function negatives(count: number, sites: number, endMs: number, spreadMs = 20 * MINUTE): WindowMention[] {
  return Array.from({ length: count }, (_, index) =>
    mention(endMs - spreadMs + (index * spreadMs) / count, {
      site: `site${index % sites}.example`,
      author: `author${index % sites}`,
      sentimentLabel: 'negative',
      sentimentScore: -2,
    }),
  );
}

function context(nowMs: number, mentions: WindowMention[], sources: SourceWatch[] = [], watchingSinceMs = T0): RuleContext {
  return {
    brand: { id: 'acme', name: 'Acme' },
    nowMs,
    bucketMs: BUCKET,
    warmupMs: 7 * 24 * HOUR,
    history: memoryBrandHistory(mentions),
    sources,
    watchingSinceMs,
  };
}

/** The rule's one finding about the brand, and the state to hand back next time. */
async function evaluate(built: BuiltRule, at: RuleContext, saved: unknown = null): Promise<RuleFinding & { state: unknown }> {
  const evaluation = await built.behaviour.evaluate(at, saved);
  expect(evaluation.findings).toHaveLength(1);
  return { ...(evaluation.findings[0] as RuleFinding), state: evaluation.state };
}

/** Ticks a rule at every bucket end from `fromMs` to `toMs` and answers its episodes' transitions with their times. */
async function replay(built: BuiltRule, mentions: WindowMention[], fromMs: number, toMs: number) {
  const history = memoryBrandHistory(mentions);
  let state: unknown = null;
  let open = null as OpenEpisode | null;
  const transitions: { kind: string; atMs: number; signalStartMs: number | null }[] = [];
  for (let nowMs = fromMs; nowMs <= toMs; nowMs += BUCKET) {
    const at = { ...context(nowMs, []), history };
    const evaluation = await built.behaviour.evaluate(at, state);
    state = evaluation.state;
    const finding = evaluation.findings[0] as RuleFinding;
    const step = nextEpisodeStep(open, finding, built.resolveAfterMs, nowMs);
    if (step.kind === 'firing') open = { id: 'e', calmSinceMs: null };
    else if (step.kind === 'resolved') open = null;
    else if (step.kind === 'hold' && open !== null) open = { ...open, calmSinceMs: step.calmSinceMs };
    if (step.kind === 'firing' || step.kind === 'resolved') transitions.push({ kind: step.kind, atMs: nowMs, signalStartMs: finding.signalStartMs });
  }
  return transitions;
}

describe('volume_spike: live alerting fires exactly where `backtest --csv` does', () => {
  it('gives the same firing buckets on a four-day series with a daily cycle and two bursts', async () => {
    const perBucket: number[] = [];
    const mentions: WindowMention[] = [];
    for (let index = 0; index < 4 * 288; index += 1) {
      const bucketStart = T0 + index * BUCKET;
      const hour = new Date(bucketStart).getUTCHours();
      let count = 4 + Math.round(3 * Math.sin(((hour - 6) / 24) * 2 * Math.PI)) + (index % 3);
      if (index >= 2 * 288 + 150 && index < 2 * 288 + 156) count += 40;
      if (index >= 3 * 288 + 60 && index < 3 * 288 + 66) count += 90;
      perBucket.push(count);
      for (let item = 0; item < count; item += 1) mentions.push(mention(bucketStart + item * 1000, { site: `s${item % 5}.example` }));
    }
    const csv = ['timestamp,value', ...perBucket.map((count, index) => `${new Date(T0 + index * BUCKET).toISOString()},${count}`)].join('\n');
    const csvAlerts = backtestCsv(csv)
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => row.alert === 1)
      // Live alerting sees a bucket once it has ended: at the start of the next one.
      .map(({ index }) => T0 + (index + 1) * BUCKET);
    expect(csvAlerts).toHaveLength(2);
    const live = await replay(rule({ type: 'volume_spike' }), mentions, T0 + BUCKET, T0 + 4 * 288 * BUCKET);
    expect(live.filter((transition) => transition.kind === 'firing').map((transition) => transition.atMs)).toEqual(csvAlerts);
  });
});

describe('volume_spike with count: stories', () => {
  const storiesRule = rule({ type: 'volume_spike', count: 'stories' });
  const mentionsRule = rule({ type: 'volume_spike' });
  const END = T0 + 2 * 24 * HOUR;

  /** Two days of talk up to an hour before END: a story every 20 minutes, each told by three sites within 2 minutes. */
  function ordinaryTalk(): WindowMention[] {
    const talk: WindowMention[] = [];
    for (let time = T0; time < END - HOUR; time += 20 * MINUTE) {
      for (let copy = 0; copy < 3; copy += 1) talk.push(mention(time + copy * MINUTE, { site: `s${copy}.example`, opensStory: copy === 0 }));
    }
    return talk;
  }

  /** Forty mentions from forty sites in the 20 minutes before END: one story reprinted, or forty unrelated ones. */
  function burst(oneStory: boolean): WindowMention[] {
    return Array.from({ length: 40 }, (_, index) =>
      mention(END - 20 * MINUTE + index * 30_000, { site: `r${index}.example`, opensStory: !oneStory || index === 0 }),
    );
  }

  it('counts a story once, in the bucket of its first mention: forty reprints are one event, forty stories a spike', async () => {
    const reprinted = [...ordinaryTalk(), ...burst(true)];
    const unrelated = [...ordinaryTalk(), ...burst(false)];
    const oneStory = await evaluate(storiesRule, context(END, reprinted));
    expect(oneStory).toMatchObject({ holds: false, counts: { mentions: 40, matching: 1, sites: 40 }, headline: '1 story' });
    expect(oneStory.summary).toMatch(/^1 story \(40 mentions\) in the last hour, .*from 40 sites$/);
    const fortyStories = await evaluate(storiesRule, context(END, unrelated));
    expect(fortyStories).toMatchObject({ holds: true, counts: { mentions: 40, matching: 40, sites: 40 }, headline: '40 stories' });
    expect(fortyStories.figures.slice(0, 3).map((figure) => figure.label)).toEqual(['Stories', 'Versus usual', 'Mentions']);
    // Tick by tick: counting stories, only the forty unrelated ones fire; counting mentions, the reprints do too.
    const firings = async (built: BuiltRule, mentions: WindowMention[]) =>
      (await replay(built, mentions, T0 + BUCKET, END + HOUR)).filter((step) => step.kind === 'firing').length;
    expect(await firings(storiesRule, reprinted)).toBe(0);
    expect(await firings(storiesRule, unrelated)).toBe(1);
    expect(await firings(mentionsRule, reprinted)).toBe(1);
  });

  it('starts its detector over when count changes: stories are another series than mentions', async () => {
    const talk = ordinaryTalk();
    const learntOnMentions = await evaluate(mentionsRule, context(END, talk));
    const fresh = await evaluate(storiesRule, context(END, talk));
    // Each ordinary story is told three times: the stories' baseline is well under the mentions'.
    expect(fresh.counts.baseline).toBeLessThan((learntOnMentions.counts.baseline ?? 0) / 2);
    expect(await evaluate(storiesRule, context(END, talk), learntOnMentions.state)).toEqual(fresh);
  });
});

describe('negative_buzz', () => {
  const negativeBuzz = rule({ type: 'negative_buzz' });

  it('alerts a brand with no history on the floors alone (cold start), since its first negative mention', async () => {
    const now = T0 + 30 * MINUTE;
    const burst = negatives(40, 8, now);
    const finding = await evaluate(negativeBuzz, context(now, burst));
    expect(finding).toMatchObject({
      holds: true,
      signalStartMs: burst[0]?.occurredAt.getTime(),
      counts: { negative: 40, mentions: 40, matching: 40, sites: 8, authors: 8, negativeShare: 1 },
      summary: '40 negative mentions in the last hour, from 8 sites',
      headline: '40 negative mentions',
    });
  });

  it('counts sites for min_sources: many authors on two sites are not a spread', async () => {
    const now = T0 + 30 * MINUTE;
    const twoSites = negatives(40, 8, now).map((item, index) => ({ ...item, site: `site${index % 2}.example` }));
    expect(await evaluate(negativeBuzz, context(now, twoSites))).toMatchObject({ holds: false, counts: { sites: 2, authors: 8 } });
  });

  it('counts distinct authors for min_authors', async () => {
    const strict = rule({ type: 'negative_buzz', min_authors: 4 });
    const now = T0 + 30 * MINUTE;
    // Eight sites; a named author on four of them (the same name on two sites is two people), anonymous elsewhere.
    const fewPeople = negatives(40, 8, now).map((item, index) => ({ ...item, author: index % 2 === 0 ? 'jane' : null }));
    expect(await evaluate(strict, context(now, fewPeople))).toMatchObject({ holds: true, counts: { sites: 8, authors: 4 } });
    const anonymous = fewPeople.map((item) => ({ ...item, author: null }));
    expect(await evaluate(strict, context(now, anonymous))).toMatchObject({ holds: false, counts: { sites: 8, authors: 0 } });
  });

  it('does not alert when negative mentions are a small share of the talk', async () => {
    const now = T0 + 30 * MINUTE;
    const talk = Array.from({ length: 200 }, (_, index) => mention(now - index * 5000, { site: `n${index % 9}.example` }));
    const finding = await evaluate(negativeBuzz, context(now, [...talk, ...negatives(20, 8, now)]));
    expect(finding.counts.negativeShare).toBeCloseTo(20 / 220, 5);
    expect(finding.holds).toBe(false);
  });

  it('leaves mentions without a known sentiment out of the negative share', async () => {
    const now = T0 + 30 * MINUTE;
    // 20 negative and 20 in a language no scorer reads: the share is 100 %, not 50 %.
    const unscored = Array.from({ length: 20 }, (_, index) => mention(now - index * 5000, { sentimentLabel: 'unknown' }));
    const finding = await evaluate(negativeBuzz, context(now, [...unscored, ...negatives(20, 8, now)]));
    expect(finding).toMatchObject({ holds: true, counts: { mentions: 40, negative: 20, negativeShare: 1 } });
  });

  it('works out the usual negative share once per bucket, not on every tick', async () => {
    const now = T0 + 3 * 24 * HOUR + MINUTE;
    // Two days of calm talk, one in ten negative.
    const past = Array.from({ length: 300 }, (_, index) =>
      mention(T0 + 24 * HOUR + index * 8 * MINUTE, { sentimentLabel: index % 10 === 0 ? 'negative' : 'neutral' }),
    );
    const first = await evaluate(negativeBuzz, context(now, past));
    expect(first.counts.usualNegativeShare).toBeCloseTo(0.1, 5);
    // Mentions arriving late for the past do not change the figure within the bucket (the cached one is used) ...
    const late = Array.from({ length: 300 }, (_, index) => mention(T0 + 30 * HOUR + index * MINUTE, { sentimentLabel: 'negative' }));
    const sameBucket = await evaluate(negativeBuzz, context(now + 2 * MINUTE, [...past, ...late]), first.state);
    expect(sameBucket.counts.usualNegativeShare).toBeCloseTo(0.1, 5);
    // ... and count from the next bucket on.
    const nextBucket = await evaluate(negativeBuzz, context(now + BUCKET, [...past, ...late]), sameBucket.state);
    expect(nextBucket.counts.usualNegativeShare).toBeCloseTo(330 / 600, 5);
  });

  it('on a warmed-up brand, needs the negative stream to spike, not just the floors', async () => {
    // Three days of a steady 10 negative mentions an hour from many sites (share 50 %): the floors pass every
    // hour, but that is the brand's normal.
    const steady: WindowMention[] = [];
    for (let time = T0; time < T0 + 3 * 24 * HOUR; time += 6 * MINUTE) {
      steady.push(...negatives(1, 1, time + MINUTE).map((item, index) => ({ ...item, site: `s${(time / MINUTE + index) % 7}.example`, author: null })));
      steady.push(mention(time + 2 * MINUTE, { site: `n${(time / MINUTE) % 5}.example` }));
    }
    const end = T0 + 3 * 24 * HOUR;
    const quiet = await replay(negativeBuzz, steady, T0 + 25 * HOUR, end);
    expect(quiet).toEqual([]);
    const burst = [...steady, ...negatives(60, 9, end + 30 * MINUTE, 25 * MINUTE)];
    const loud = await replay(negativeBuzz, burst, T0 + 25 * HOUR, end + 35 * MINUTE);
    expect(loud.map((transition) => transition.kind)).toEqual(['firing']);
    // Since: where the burst began (its first negative mention), not the tick that noticed it.
    expect(loud[0]?.signalStartMs).toBeGreaterThanOrEqual(end + 5 * MINUTE);
    expect(loud[0]?.signalStartMs).toBeLessThan(loud[0]?.atMs ?? 0);
  });
});

describe('the other rule types', () => {
  const now = T0 + 2 * HOUR;

  it('threshold counts the mentions of one sentiment in the window', async () => {
    const threshold = rule({ type: 'threshold', min_mentions: 10, sentiment: 'negative' });
    const below = await evaluate(threshold, context(now, negatives(9, 9, now)));
    const at = await evaluate(threshold, context(now, negatives(10, 9, now)));
    expect([below.holds, below.counts.matching, at.holds, at.counts.matching]).toEqual([false, 9, true, 10]);
    expect(at).toMatchObject({
      summary: '10 negative mentions in the last hour (threshold 10), from 9 sites',
      figures: [
        { label: 'Negative mentions', value: '10 (threshold 10)' },
        { label: 'Sites', value: '9' },
        { label: 'Authors', value: '9' },
      ],
    });
  });

  it('keyword matches whole words of its terms, and its sentence and figures count the same mentions', async () => {
    const keyword = rule({ type: 'keyword', terms: ['boycott', 'class action'] });
    const texts = ['Time to BOYCOTT Acme', 'A class-action suit against Acme', 'Acme boycotts nothing', 'Acme class action'];
    const history = [
      ...texts.map((content, index) => mention(now - (index + 1) * MINUTE, { content, site: `s${index}.example` })),
      ...Array.from({ length: 15 }, (_, index) => mention(now - 30 * MINUTE - index * MINUTE)),
    ];
    const finding = await evaluate(keyword, context(now, history));
    expect(finding).toMatchObject({
      holds: true,
      signalStartMs: now - 4 * MINUTE,
      counts: { matching: 3, mentions: 19, sites: 3 },
      summary: '3 mentions in the last hour matching "boycott", "class action", from 3 sites',
      figures: [
        { label: 'Matching mentions', value: '3' },
        { label: 'Terms', value: '"boycott" (1), "class action" (2)' },
        { label: 'Sites', value: '3' },
        { label: 'All mentions', value: '19' },
      ],
      headline: '3 mentions matching "boycott", "class action"',
    });
  });

  it('high_reach_negative needs one negative mention at or above min_reach', async () => {
    const highReach = rule({ type: 'high_reach_negative', min_reach: 50_000 });
    const history = [
      mention(now - MINUTE, { sentimentLabel: 'negative', sentimentScore: -1, reach: 49_999 }),
      mention(now - MINUTE, { sentimentLabel: 'positive', sentimentScore: 2, reach: 900_000 }),
    ];
    expect((await evaluate(highReach, context(now, history))).holds).toBe(false);
    history.push(mention(now - 2 * MINUTE, { sentimentLabel: 'negative', sentimentScore: -1, reach: 50_000 }));
    expect(await evaluate(highReach, context(now, history))).toMatchObject({
      holds: true,
      signalStartMs: now - 2 * MINUTE,
      counts: { matching: 1 },
      summary: '1 negative mention with reach of at least 50,000 in the last hour (highest 50,000)',
    });
  });

  it('silence fires on a brand with no mentions for the period, and on a source down for the period', async () => {
    const silence = rule({ type: 'silence', period: '1h' });
    const quietSince = await evaluate(silence, context(now, [mention(now - 61 * MINUTE)]));
    expect(quietSince).toMatchObject({
      holds: true,
      signalStartMs: now - 61 * MINUTE,
      // Spelt as every other time in a message ("Since: 2026-11-01 00:59 UTC"), not as an ISO timestamp.
      summary: 'no mentions since 2026-11-01 00:59 UTC',
    });
    expect((await evaluate(silence, context(now, [mention(now - 59 * MINUTE)]))).holds).toBe(false);
    // Watching for less than the period: too early to call it silence.
    expect((await evaluate(silence, context(now, [], [], now - 30 * MINUTE))).holds).toBe(false);
    const down: SourceWatch = { id: 'hn', brandIds: null, ok: false, troubleSinceMs: now - 2 * HOUR, lastError: 'auth_failed: HTTP 403' };
    expect(await evaluate(silence, context(now, [mention(now - MINUTE)], [down]))).toMatchObject({
      holds: true,
      summary: 'source hn not ok: auth_failed: HTTP 403',
      figures: [{ label: 'Problem', value: 'source hn not ok: auth_failed: HTTP 403' }],
    });
  });

  it('silence over a period shorter than its window fires once the period has passed', async () => {
    // period 30m, window left at its default 1h: the last mention was 45 minutes ago.
    const silence = rule({ type: 'silence', period: '30m' });
    const later = T0 + 3 * HOUR;
    expect(await evaluate(silence, context(later, [mention(later - 45 * MINUTE)]))).toMatchObject({
      holds: true,
      summary: 'no mentions since 2026-11-01 02:15 UTC',
    });
  });

  it('a late mention for a bucket already judged does not fire a stale volume alert', async () => {
    const volume = rule({ type: 'volume_spike' });
    const steady: WindowMention[] = [];
    for (let time = T0; time < T0 + 2 * 24 * HOUR; time += 10 * MINUTE) steady.push(mention(time));
    const end = T0 + 2 * 24 * HOUR;
    let state: unknown = null;
    const history = memoryBrandHistory(steady);
    for (let nowMs = T0 + BUCKET; nowMs <= end; nowMs += BUCKET) state = (await evaluate(volume, { ...context(nowMs, []), history }, state)).state;
    // 300 mentions dated three hours ago arrive now (a source that was down, catching up).
    const late = Array.from({ length: 300 }, () => mention(end - 3 * HOUR));
    expect((await evaluate(volume, context(end + BUCKET, [...steady, ...late]), state)).holds).toBe(false);
  });

  it('a spike detector that has seen no mention yet starts at the first one, whatever tick it was asked at first', async () => {
    // The same brand replayed from ten days before its first mention and from that mention on: the same verdicts (fed
    // ten days of zeros, a detector would take the brand's first ordinary day for a spike).
    const volume = rule({ type: 'volume_spike' });
    const start = T0 + 10 * 24 * HOUR;
    const series: WindowMention[] = [];
    for (let time = start; time < start + 2 * 24 * HOUR; time += 10 * MINUTE) series.push(mention(time));
    for (let index = 0; index < 80; index += 1) series.push(mention(start + 40 * HOUR + index * 10_000, { site: `b${index % 9}.example` }));
    const fromEarly = await replay(volume, series, T0, start + 2 * 24 * HOUR);
    const fromLate = await replay(volume, series, start, start + 2 * 24 * HOUR);
    expect(fromEarly.map((transition) => transition.kind)).toEqual(['firing', 'resolved']);
    expect(fromLate).toEqual(fromEarly);
  });
});

describe('rule episodes', () => {
  const open: OpenEpisode = { id: 'e', calmSinceMs: null };
  const resolveAfterMs = 15 * MINUTE;

  it.each([
    ['nothing open, condition holds: fire', null, true, true, T0, { kind: 'firing' }],
    ['nothing open, stale signal: stay quiet', null, true, false, T0, { kind: 'quiet' }],
    ['open, holds: hold', open, true, true, T0 + 4 * HOUR, { kind: 'hold', calmSinceMs: null }],
    ['open, calm begins: hold and note when', open, false, true, T0 + HOUR, { kind: 'hold', calmSinceMs: T0 + HOUR }],
    ['open, calm shorter than resolve_after: hold', { ...open, calmSinceMs: T0 + HOUR }, false, true, T0 + HOUR + 14 * MINUTE, { kind: 'hold', calmSinceMs: T0 + HOUR }],
    ['open, calm for resolve_after: resolve', { ...open, calmSinceMs: T0 + HOUR }, false, true, T0 + HOUR + 15 * MINUTE, { kind: 'resolved' }],
    ['open, signal back during calm: hold, calm forgotten', { ...open, calmSinceMs: T0 + HOUR }, true, true, T0 + HOUR + 5 * MINUTE, { kind: 'hold', calmSinceMs: null }],
  ] as const)('%s', (_name, episode, holds, fresh, nowMs, expected) => {
    expect(nextEpisodeStep(episode, { holds, fresh }, resolveAfterMs, nowMs)).toEqual(expected);
  });
});

describe('volume_spike with a floor', () => {
  it('sends one firing per detector episode even when the window count dips under min_mentions for a tick', async () => {
    // Two days of 6 to 10 mentions a bucket, then bursts of 40, 30 and 60 more at buckets 612, 619 and 626. The
    // detector's episode opens at 619 and holds past 630; the floor (150 mentions in 1 h) is met at 619, missed at
    // 624–625 (the 40 has left the window), met again at 626. (No earlier burst: one within 12 hours would make this
    // one its after-shock, with no firing at all.)
    const mentions: WindowMention[] = [];
    const days = 2;
    const bursts = new Map([
      [36, 40],
      [43, 30],
      [50, 60],
    ]);
    for (let index = 0; index < days * 288 + 60; index += 1) {
      const bucketStart = T0 + index * BUCKET;
      const count = 6 + (index % 3) * 2 + (bursts.get(index - days * 288) ?? 0);
      for (let item = 0; item < count; item += 1) mentions.push(mention(bucketStart + item * 1000, { site: `s${item % 5}.example` }));
    }
    const volume = rule({ type: 'volume_spike', window: '1h', min_mentions: 150 });
    const transitions = await replay(volume, mentions, T0 + BUCKET, T0 + (days * 288 + 60) * BUCKET);
    const secondIncident = transitions.filter((transition) => (transition.atMs - T0) / BUCKET >= 610);
    // Resolving while the floor is missed would send firing@619, resolved, firing@626.
    expect(secondIncident.filter((transition) => transition.kind === 'firing')).toHaveLength(1);
  });
});

describe('volume_spike cooldown', () => {
  // Two days of 6 to 10 mentions a bucket, then a burst of 60 more a bucket for half an hour at 12:00 on day 3 and
  // the same burst 8 hours later: the first episode resolves an hour or so after its burst, so the second burst falls
  // well within the default 12 hours of cooldown.
  const days = 2;
  const first = days * 288 + 144;
  const second = first + 8 * 12;
  const end = second + 4 * 12;
  const mentions: WindowMention[] = [];
  const csvRows = ['timestamp,value'];
  for (let index = 0; index < end; index += 1) {
    const bucketStart = T0 + index * BUCKET;
    const bursting = (index >= first && index < first + 6) || (index >= second && index < second + 6);
    const count = 6 + (index % 3) * 2 + (bursting ? 60 : 0);
    csvRows.push(`${new Date(bucketStart).toISOString()},${count}`);
    for (let item = 0; item < count; item += 1) mentions.push(mention(bucketStart + item * 1000, { site: `s${item % 5}.example` }));
  }
  const firingBuckets = (transitions: { kind: string; atMs: number }[]) =>
    transitions.filter((transition) => transition.kind === 'firing').map((transition) => (transition.atMs - T0) / BUCKET);

  it('with cooldown: 0 a second burst 8 hours after the first sends a second firing; by default it does not', async () => {
    const off = firingBuckets(await replay(rule({ type: 'volume_spike', cooldown: '0' }), mentions, T0 + BUCKET, T0 + end * BUCKET));
    expect(off).toHaveLength(2);
    expect(off[0]).toBeGreaterThan(first);
    expect(off[0]).toBeLessThanOrEqual(first + 4);
    expect(off[1]).toBeGreaterThan(second);
    expect(off[1]).toBeLessThanOrEqual(second + 4);
    const byDefault = firingBuckets(await replay(rule({ type: 'volume_spike' }), mentions, T0 + BUCKET, T0 + end * BUCKET));
    expect(byDefault).toEqual([off[0]]);
    // 0s is the same as 0.
    expect(firingBuckets(await replay(rule({ type: 'volume_spike', cooldown: '0s' }), mentions, T0 + BUCKET, T0 + end * BUCKET))).toEqual(off);
    // `backtest --csv --cooldown 0` and without it put them where live alerting does (a bucket is seen once it ended).
    const csvFirings = (cooldownMs?: number) =>
      backtestCsv(csvRows.join('\n'), cooldownMs === undefined ? {} : { cooldownMs })
        .flatMap((row, index) => (row.alert === 1 ? [index + 1] : []));
    expect(csvFirings(0)).toEqual(off);
    expect(csvFirings()).toEqual(byDefault);
  });

  it('follows only an alerted episode: a blip held back by min_mentions does not silence the real spike after it', async () => {
    // The same two days, then a blip of 25 more a bucket for 15 minutes at 12:00 on day 3 (the detector flags it, but
    // the 1-hour window stays under 300 mentions) and a burst of 60 more a bucket for half an hour 4 hours later
    // (over 400 in the window).
    const blip = days * 288 + 144;
    const burst = blip + 4 * 12;
    const last = burst + 4 * 12;
    const series: WindowMention[] = [];
    for (let index = 0; index < last; index += 1) {
      const bucketStart = T0 + index * BUCKET;
      const extra = index >= blip && index < blip + 3 ? 25 : index >= burst && index < burst + 6 ? 60 : 0;
      const count = 6 + (index % 3) * 2 + extra;
      for (let item = 0; item < count; item += 1) series.push(mention(bucketStart + item * 1000, { site: `s${item % 5}.example` }));
    }
    // Without a floor the blip is an episode, and its cooldown holds back the burst.
    const unfloored = firingBuckets(await replay(rule({ type: 'volume_spike', window: '1h' }), series, T0 + BUCKET, T0 + last * BUCKET));
    expect(unfloored).toHaveLength(1);
    expect(unfloored[0]).toBeGreaterThan(blip);
    expect(unfloored[0]).toBeLessThanOrEqual(blip + 4);
    // With the floor the blip alerts no one, so it starts no cooldown: the burst fires, once.
    const floored = rule({ type: 'volume_spike', window: '1h', min_mentions: 300 });
    const firings = firingBuckets(await replay(floored, series, T0 + BUCKET, T0 + last * BUCKET));
    expect(firings).toHaveLength(1);
    expect(firings[0]).toBeGreaterThan(burst);
    expect(firings[0]).toBeLessThanOrEqual(burst + 4);
    // State saved before the flag existed reads as alerted: the blip's cooldown still holds the burst back.
    const history = memoryBrandHistory(series);
    let state: unknown = null;
    let nowMs = T0 + BUCKET;
    for (; (state as { spikeFiringSince?: number | null } | null)?.spikeFiringSince == null; nowMs += BUCKET) {
      expect(nowMs).toBeLessThan(T0 + burst * BUCKET);
      state = (await evaluate(floored, { ...context(nowMs, []), history }, state)).state;
    }
    state = { ...(state as { spikeAlerted?: boolean }), spikeAlerted: undefined };
    let alerted = false;
    for (; nowMs <= T0 + last * BUCKET; nowMs += BUCKET) {
      const finding = await evaluate(floored, { ...context(nowMs, []), history }, state);
      state = finding.state;
      alerted ||= finding.holds && finding.fresh;
    }
    expect(alerted).toBe(false);
  });

  it('turned off during a cooldown, keeps what the detector learnt and lets the next burst through', async () => {
    const byDefault = rule({ type: 'volume_spike' });
    const off = rule({ type: 'volume_spike', cooldown: '0s' });
    const history = memoryBrandHistory(mentions);
    const switchAt = T0 + (second - 12) * BUCKET;
    let state: unknown = null;
    for (let nowMs = T0 + BUCKET; nowMs <= switchAt; nowMs += BUCKET) state = (await evaluate(byDefault, { ...context(nowMs, []), history }, state)).state;
    // One more tick under either setting: the same detector (not started over), the same expected count.
    const next = { ...context(switchAt + BUCKET, []), history };
    const kept = (await evaluate(byDefault, next, state)).state as { settingsKey: string; detector: unknown; episodes: { cooldownLeft: number } };
    const switched = (await evaluate(off, next, state)).state as typeof kept;
    expect(kept.episodes.cooldownLeft).toBeGreaterThan(0);
    expect(switched.settingsKey).toBe(kept.settingsKey);
    expect(switched.detector).toEqual(kept.detector);
    expect(switched.episodes.cooldownLeft).toBe(0);
    // From the switch on, the second burst fires.
    let holds = false;
    state = switched;
    for (let nowMs = switchAt + 2 * BUCKET; nowMs <= T0 + end * BUCKET; nowMs += BUCKET) {
      const finding = await evaluate(off, { ...context(nowMs, []), history }, state);
      state = finding.state;
      holds ||= finding.holds && finding.fresh;
    }
    expect(holds).toBe(true);
  });
});
