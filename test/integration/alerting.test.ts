// Negative-buzz alerting end to end: webhook → scorer → PostgreSQL → alerter → notify queue → a fake Slack (loopback
// HTTP) and a real SMTP server. The alerter's clock is the test's, so "an hour later" takes no hour.
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { subjectOf } from '../helpers/mime-message.js';
import { startRecordingSmtp, type RecordingSmtp } from '../helpers/recording-smtp.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';
import type { TickReport } from '../../src/alerts/alerter.js';
import { backtestHistory } from '../../src/alerts/history-backtest.js';
import { sqlBrandHistory } from '../../src/store/sql-brand-history.js';
import { utcTime } from '../../src/alerts/alert-wording.js';
import { notifyJobId } from '../../src/queue/queues.js';

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const MINUTE = 60_000;

interface Harness {
  system: TestSystem;
  slack: FixtureServer;
  smtp: RecordingSmtp;
  /** The alerter's "now"; move it to let time pass. */
  clock: { nowMs: number };
  slackBodies(): any[];
}

let harness: Harness | null = null;

afterEach(async () => {
  if (harness === null) return;
  await harness.system.stop();
  await harness.slack.close();
  await harness.smtp.close();
  harness = null;
});

const NEGATIVE_BUZZ_RULE = `
    - id: acme-negative-buzz
      type: negative_buzz
      brands: [acme]
      window: 1h
      min_mentions: 5
      min_sources: 3
      repeat_interval: 30m
      channels: [pr-slack, pr-email]`;

/** The same burst trips three rules. */
const THREE_RULES = `
    - { id: acme-negative-buzz, type: negative_buzz, window: 1h, min_mentions: 5, min_sources: 3, channels: [pr-slack, pr-email] }
    - { id: acme-volume-bar, type: threshold, window: 1h, min_mentions: 10, channels: [pr-slack, pr-email] }
    - { id: acme-terrible, type: keyword, window: 1h, terms: [terrible], channels: [pr-slack, pr-email] }`;

function configYaml(slackUrl: string, smtpUrl: string, options: { extraSource?: string; rules?: string; grouping?: string } = {}): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
${options.extraSource ?? ''}
alerts:
  tick: 1h
  bucket: 5m
  delivery: { attempts: 4, backoff: 50ms }
  ${options.grouping ?? 'group_wait: 0s'}
  rules:${options.rules ?? NEGATIVE_BUZZ_RULE}
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
    - { id: pr-email, type: email, smtp: "${smtpUrl}", from: "buzzwatch@acme.example", to: ["pr@acme.example"] }
${TEST_API_KEYS}`;
}

async function startHarness(slackStatuses: number[] = [], options: { feedUrl?: string; rules?: string; grouping?: string } = {}): Promise<Harness> {
  const slack = await startFixtureServer();
  const statuses = [...slackStatuses];
  slack.route('/services/T000/B000/s3cr3tpath', (_request, response) => {
    const status = statuses.shift() ?? 200;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : status === 404 ? 'no_service' : 'server_error');
  });
  const smtp = await startRecordingSmtp();
  const clock = { nowMs: Date.now() };
  const system = await startTestSystem({
    configYaml: configYaml(`${slack.baseUrl}/services/T000/B000/s3cr3tpath`, smtp.url, {
      extraSource: options.feedUrl === undefined ? '' : `  - { id: news, type: rss, url: "${options.feedUrl}", every: 1h }`,
      rules: options.rules,
      grouping: options.grouping,
    }),
    roles: options.feedUrl === undefined ? ['api', 'scorer', 'alerter'] : ['api', 'poller', 'scorer', 'alerter'],
    clock: () => new Date(clock.nowMs),
  });
  const slackBodies = () => slack.requestsTo('/services/T000/B000/s3cr3tpath').map((request) => JSON.parse(request.body.toString('utf8')));
  return { system, slack, smtp, clock, slackBodies };
}

/**
 * `count` negative mentions of Acme from `sites` different sites (and as many authors), in the minutes before the
 * alerter's clock (not the wall clock: a slow start must not put them after "now").
 */
function negativeBurst(count: number, sites: number, label = 'burst') {
  const endMs = harness?.clock.nowMs ?? Date.now();
  return {
    mentions: Array.from({ length: count }, (_, index) => ({
      id: `${label}-${index}`,
      url: `https://site${index % sites}.example/${label}/${index}`,
      title: `Acme outage ${index}`,
      text: `Acme is terrible today: the app is broken, support is awful and I hate this horrible mess (${index}).`,
      author: `author${index % sites}`,
      published_at: new Date(endMs - (count - index) * MINUTE / 2).toISOString(),
    })),
  };
}

async function pushAndStore(system: TestSystem, body: unknown): Promise<void> {
  const answer = await pushWebhook(system.baseUrl, 'hook', JSON.stringify(body), { secret: HOOK_SECRET });
  expect(answer.status).toBe(202);
}

/** Waits for the evaluation that new mentions trigger (no tick needed) and answers it. */
async function evaluationAfterMentions(system: TestSystem) {
  const job = await system.evaluations.next((completed) => completed.result.evaluated && completed.result.episodes.length > 0);
  return job.result;
}

// No digest is configured: none is ever due.
const NOTHING = { evaluated: true, episodes: [], messages: [], queued: 0, requeued: 0, digests: { scheduled: [], requeued: 0 } };

/** The messages of an evaluation as `kind channel`. */
const told = (report: TickReport) => report.messages.map((message) => `${message.kind} ${message.channelId}${message.silenced ? ' (silenced)' : ''}`);

/** Waits until every message of the evaluation has been through its delivery job. */
async function delivered(system: TestSystem, report: TickReport): Promise<void> {
  await Promise.all(
    report.messages
      .filter((message) => !message.silenced)
      .map((message) => system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: message.eventId, channelId: message.channelId }))),
  );
}

async function postJson(system: TestSystem, path: string, body: unknown, key = ADMIN_KEY) {
  const response = await fetch(`${system.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data: any; error?: { code: string; message: string } } };
}

async function alertView(system: TestSystem, alertId: string) {
  const { status, body } = await system.api(`/v1/alerts/${alertId}`);
  expect(status).toBe(200);
  return body.data;
}


describe('negative buzz alerting', () => {
  it('sends one Slack message and one e-mail per transition: firing, a reminder at repeat_interval, resolved', async () => {
    harness = await startHarness();
    const { system, clock, smtp } = harness;
    const t0 = clock.nowMs;
    await pushAndStore(system, negativeBurst(12, 4));

    // Within one evaluation after the burst, without waiting for the tick.
    const firing = await evaluationAfterMentions(system);
    expect(firing.episodes).toEqual([{ ruleId: 'acme-negative-buzz', brandId: 'acme', kind: 'firing', episodeId: expect.stringMatching(/^ep_[0-9a-f]{20}$/) }]);
    expect(told(firing)).toEqual(['firing pr-email', 'firing pr-slack']);
    expect(firing.messages[0]?.eventId).toMatch(/^al_[0-9a-f]{20}-pr-email-1-firing$/);
    expect(firing.queued).toBe(2);
    const alertId = firing.messages[0]?.alertId as string;
    await delivered(system, firing);
    expect(harness.slackBodies()).toHaveLength(1);
    const [firingMessage] = harness.slackBodies();
    expect(firingMessage.text).toBe('🔴 Negative buzz: Acme Corp — 12 negative mentions in the last hour, from 4 sites.');
    const mails = await smtp.waitForMessages(1);
    expect(mails[0]?.to).toEqual(['pr@acme.example']);
    expect(subjectOf(mails[0]?.raw ?? '')).toBe('[buzzwatch] Negative buzz: Acme Corp — 12 negative mentions');

    // More ticks before repeat_interval: nothing new.
    for (const minutes of [5, 10, 20, 29]) {
      clock.nowMs = t0 + minutes * MINUTE;
      expect(await system.evaluateAlerts()).toEqual(NOTHING);
    }
    // At repeat_interval, still negative: one reminder per channel.
    clock.nowMs = t0 + 31 * MINUTE;
    const reminder = await system.evaluateAlerts();
    expect(told(reminder)).toEqual(['reminder pr-email', 'reminder pr-slack']);
    expect(reminder.messages[1]?.eventId).toBe(`${alertId}-pr-slack-2-reminder`);
    await delivered(system, reminder);

    // The burst has left the window: calm for resolve_after (3 buckets), then exactly one resolved message.
    clock.nowMs = t0 + 2 * 60 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
    clock.nowMs = t0 + 2 * 60 * MINUTE + 10 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
    clock.nowMs = t0 + 2 * 60 * MINUTE + 16 * MINUTE;
    const resolved = await system.evaluateAlerts();
    expect(told(resolved)).toEqual(['resolved pr-email', 'resolved pr-slack']);
    expect(resolved.episodes.map((episode) => episode.kind)).toEqual(['resolved']);
    await delivered(system, resolved);
    clock.nowMs = t0 + 4 * 60 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);

    const bodies = harness.slackBodies();
    expect(bodies).toHaveLength(3);
    // The duration once; calm since the tick that first saw it calm (two hours after the burst's first mention).
    expect(bodies[2].text).toMatch(/^✅ Resolved: Negative buzz: Acme Corp — Resolved after 2 h( \d+ min)?\. At its peak: 12 negative mentions/);
    expect(bodies[2].text.match(/ h/g)).toHaveLength(2);
    expect(smtp.received).toHaveLength(3);
    expect(subjectOf(smtp.received[2]?.raw ?? '')).toMatch(/^\[buzzwatch\] Resolved: Negative buzz: Acme Corp — lasted 2 h( \d+ min)?$/);

    const alert = await alertView(system, alertId);
    // Ended when it calmed (two hours in), the time its resolved message gives, not when resolve_after closed it (136).
    expect(alert).toMatchObject({ id: alertId, brand_id: 'acme', status: 'resolved', resolved_at: new Date(t0 + 120 * MINUTE).toISOString() });
    const resolvedFields = bodies[2].blocks.flatMap((block: any) => block.fields ?? []).map((field: any) => field.text);
    expect(resolvedFields).toContain(`*Resolved*\n${utcTime(alert.resolved_at)}`);
    expect(alert.rules).toMatchObject([{ rule_id: 'acme-negative-buzz', rule_type: 'negative_buzz', status: 'resolved', inhibited_by: null }]);
    expect(alert.notifications.map((n: any) => [n.kind, n.channel_id, n.status, n.attempts])).toEqual([
      ['firing', 'pr-email', 'sent', 1],
      ['firing', 'pr-slack', 'sent', 1],
      ['reminder', 'pr-email', 'sent', 1],
      ['reminder', 'pr-slack', 'sent', 1],
      ['resolved', 'pr-email', 'sent', 1],
      ['resolved', 'pr-slack', 'sent', 1],
    ]);
    expect(alert.samples).toHaveLength(3);
    // snake_case like the rest of the API.
    expect(Object.keys(alert.samples[0]).sort()).toEqual(
      ['author', 'mention_id', 'published_at', 'reach', 'sentiment', 'sentiment_score', 'site', 'snippet', 'source_id', 'title', 'url'],
    );
    expect(alert.samples[0]).toMatchObject({ sentiment: 'negative', site: expect.stringMatching(/^site\d\.example$/) });
  });

  it('sends one firing and one resolved message per channel for a burst that trips three rules, naming all three', async () => {
    harness = await startHarness([], { rules: THREE_RULES, grouping: 'group_wait: 30s' });
    const { system, clock, smtp } = harness;
    const t0 = clock.nowMs;
    await pushAndStore(system, negativeBurst(12, 4));
    // The rules fire together; the message waits group_wait for the rest of the incident.
    const opened = await evaluationAfterMentions(system);
    expect(opened.episodes.map((episode) => episode.ruleId)).toEqual(['acme-negative-buzz', 'acme-volume-bar', 'acme-terrible']);
    expect(opened.messages).toEqual([]);
    clock.nowMs = t0 + 31_000;
    const firing = await system.evaluateAlerts();
    expect(told(firing)).toEqual(['firing pr-email', 'firing pr-slack']);
    await delivered(system, firing);
    for (let minutes = 5; minutes <= 4 * 60; minutes += 5) {
      clock.nowMs = t0 + minutes * MINUTE;
      const tick = await system.evaluateAlerts();
      await delivered(system, tick);
    }
    const bodies = harness.slackBodies();
    expect(bodies.map((body) => Array.from(body.text as string)[0])).toEqual(['🔴', '✅']);
    for (const body of bodies) {
      for (const title of ['Negative buzz', 'Mention threshold', 'Keyword alert']) expect(body.text).toContain(title);
    }
    expect(bodies[0].text).toBe(
      '🔴 Negative buzz, Mention threshold and Keyword alert: Acme Corp — Negative buzz: 12 negative mentions in the last hour, ' +
        'from 4 sites. Mention threshold: 12 mentions in the last hour (threshold 10), from 4 sites. Keyword alert: 12 mentions ' +
        'in the last hour matching "terrible", from 4 sites.',
    );
    const subjects = smtp.received.map((mail) => subjectOf(mail.raw));
    expect(subjects).toHaveLength(2);
    expect(subjects[0]).toBe('[buzzwatch] Negative buzz, Mention threshold and Keyword alert: Acme Corp — 12 negative mentions');
    expect(subjects[1]).toMatch(/^\[buzzwatch\] Resolved: Negative buzz, Mention threshold and Keyword alert: Acme Corp — lasted /);
    const { body } = await system.api('/v1/alerts');
    expect(body.data).toHaveLength(1);
    const live = body.data[0].rules as { rule_id: string; status: string; started_at: string; fired_at: string; calm_since: string }[];
    expect(live.map((rule) => [rule.rule_id, rule.status])).toEqual([
      ['acme-negative-buzz', 'resolved'],
      ['acme-terrible', 'resolved'],
      ['acme-volume-bar', 'resolved'],
    ]);

    // Backtest = live: replaying the stored mentions through each rule finds the same episode, with the same start.
    // The replay ticks on the bucket grid and sees mentions when they occurred, not when they arrived: it opens the
    // episode after its start and no later than the first bucket boundary after the live tick.
    for (const rule of live) {
      const replay = await backtestHistory(system.db.database, system.runtime.config, {
        brandId: 'acme',
        ruleId: rule.rule_id,
        sinceMs: t0 - 60 * MINUTE,
        nowMs: t0 + 4 * 60 * MINUTE,
      });
      expect(replay.episodes.map((episode) => episode.startedAt)).toEqual([rule.started_at]);
      const firedMs = Date.parse(replay.episodes[0]?.firedAt ?? '');
      expect(firedMs).toBeGreaterThanOrEqual(Date.parse(rule.started_at));
      expect(firedMs - Date.parse(rule.fired_at)).toBeLessThan(5 * MINUTE);
      // It ends when it calmed down, as the resolved message says, within a bucket of the live tick that saw it calm
      // (it ended resolve_after later, 15 minutes past what the message said).
      const endedMs = Date.parse(replay.episodes[0]?.resolvedAt ?? '');
      expect(Math.abs(endedMs - Date.parse(rule.calm_since))).toBeLessThan(5 * MINUTE);
    }
  });

  it('leaves an inhibited rule out of the message and shows what inhibits it', async () => {
    harness = await startHarness([], {
      rules: THREE_RULES,
      grouping: 'group_wait: 0s\n  inhibit:\n    - { source: [negative_buzz], target: [threshold, acme-terrible] }',
    });
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    expect(told(firing)).toEqual(['firing pr-email', 'firing pr-slack']);
    await delivered(system, firing);
    const [message] = harness.slackBodies();
    expect(message.text).toBe('🔴 Negative buzz: Acme Corp — 12 negative mentions in the last hour, from 4 sites.');
    const alert = await alertView(system, firing.messages[0]?.alertId as string);
    expect(alert.rules.map((rule: any) => [rule.rule_id, rule.status, rule.inhibited_by])).toEqual([
      ['acme-negative-buzz', 'firing', null],
      ['acme-terrible', 'firing', 'acme-negative-buzz'],
      ['acme-volume-bar', 'firing', 'acme-negative-buzz'],
    ]);
  });

  it('gives rules each mention with its story, as the scorer assigned it (what a rule about stories groups by)', async () => {
    harness = await startHarness();
    const { system, clock } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    await system.stores.next(() => true);
    const mentions = await sqlBrandHistory(system.db.database).windowMentions('acme', clock.nowMs - 60 * MINUTE, clock.nowMs + 1, {}, 100);
    expect(mentions).toHaveLength(12);
    const { rows } = await system.db.database.query<{ mention_id: string; story_id: string }>(
      `SELECT mention_id, story_id FROM mention_brands WHERE brand_id = 'acme'`,
    );
    expect(rows.every((row) => typeof row.story_id === 'string')).toBe(true);
    const stories = new Map(rows.map((row) => [row.mention_id, row.story_id]));
    expect(mentions.map((mention) => mention.storyId)).toEqual(mentions.map((mention) => stories.get(mention.id)));
  });

  it('does not alert on the same burst from one site only (min_sources counts sites)', async () => {
    harness = await startHarness();
    const { system } = harness;
    // Twelve authors, all on one site.
    const burst = negativeBurst(12, 1);
    burst.mentions.forEach((mention, index) => Object.assign(mention, { author: `author${index}` }));
    await pushAndStore(system, burst);
    await system.stores.next(() => true);
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
    const { body } = await system.api('/v1/alerts');
    expect(body.data).toEqual([]);
    expect(harness.slackBodies()).toEqual([]);
  });

  it('retries Slack on 5xx with identical bodies and records every attempt', async () => {
    harness = await startHarness([500, 500]);
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const slackMessage = firing.messages.find((message) => message.channelId === 'pr-slack');
    const eventId = slackMessage?.eventId as string;
    await system.deliveries.next((job) => job.jobId === notifyJobId({ eventId, channelId: 'pr-slack' }));
    const requests = harness.slack.requestsTo('/services/T000/B000/s3cr3tpath');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.body.toString('utf8'))).size).toBe(1);
    const alert = await alertView(system, slackMessage?.alertId as string);
    expect(alert.notifications.find((n: any) => n.channel_id === 'pr-slack')).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
  });

  it('does not retry a Slack 404 and shows the failed delivery with its reason', async () => {
    harness = await startHarness([404]);
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const slackMessage = firing.messages.find((message) => message.channelId === 'pr-slack');
    const eventId = slackMessage?.eventId as string;
    const reason = await system.deliveries.nextFailure(notifyJobId({ eventId, channelId: 'pr-slack' }));
    expect(reason).toMatch(/404/);
    expect(harness.slack.requestsTo('/services/T000/B000/s3cr3tpath')).toHaveLength(1);
    const alert = await alertView(system, slackMessage?.alertId as string);
    const delivery = alert.notifications.find((n: any) => n.channel_id === 'pr-slack');
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.last_error).toMatch(/404/);
    const metrics = await (await fetch(`${system.baseUrl}/metrics`)).text();
    expect(metrics).toContain('buzzwatch_alerts_firing{rule="acme-negative-buzz",brand="acme"} 1');
    expect(metrics).toContain('buzzwatch_alert_deliveries{channel="pr-slack",status="failed"} 1');
    // The secret part of the webhook URL reaches neither the API nor the logs.
    expect(JSON.stringify(alert)).not.toContain('s3cr3tpath');
    expect(system.logLines.some((line) => line.includes('delivery failed') && line.includes('404'))).toBe(true);
    expect(system.logLines.filter((line) => line.includes('s3cr3tpath'))).toEqual([]);
  });

  it('records but does not send an alert covered by a silence, and tells the team with a firing once the silence is over', async () => {
    harness = await startHarness();
    const { system, clock } = harness;
    const t0 = clock.nowMs;
    const created = await postJson(system, '/v1/silences', {
      brand: 'acme',
      starts_at: new Date(t0 - MINUTE).toISOString(),
      ends_at: new Date(t0 + 10 * MINUTE).toISOString(),
      comment: 'planned maintenance',
    });
    expect(created.status).toBe(201);
    const silence = created.body.data as { id: string };
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    expect(told(firing)).toEqual(['firing pr-email (silenced)', 'firing pr-slack (silenced)']);
    expect(firing.queued).toBe(0);
    const alert = await alertView(system, firing.messages[0]?.alertId as string);
    expect(alert.notifications.map((n: any) => [n.kind, n.channel_id, n.status, n.silenced_by])).toEqual([
      ['firing', 'pr-email', 'silenced', silence.id],
      ['firing', 'pr-slack', 'silenced', silence.id],
    ]);
    expect(harness.slackBodies()).toEqual([]);
    expect(harness.smtp.received).toEqual([]);
    const listed = await system.api('/v1/silences');
    expect(listed.body.data).toEqual([expect.objectContaining({ id: silence.id, brand_id: 'acme', active: true, created_by: 'admin' })]);

    // Still silenced: nothing. The silence over and the burst still in the window: a firing per channel, at once
    // rather than at repeat_interval, and never "still firing" to a channel that never heard of it.
    clock.nowMs = t0 + 5 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
    clock.nowMs = t0 + 11 * MINUTE;
    const notice = await system.evaluateAlerts();
    expect(told(notice)).toEqual(['firing pr-email', 'firing pr-slack']);
    expect(notice.queued).toBe(2);
    await delivered(system, notice);
    expect(harness.slackBodies()).toHaveLength(1);
    expect(harness.slackBodies()[0].text).toMatch(/^🔴 Negative buzz: Acme Corp — /);
    clock.nowMs = t0 + 12 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
  });

  it('records an acknowledgement with its comment, who and when; stops reminders; shows it and the resolution', async () => {
    harness = await startHarness();
    const { system, clock } = harness;
    const t0 = clock.nowMs;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const alertId = firing.messages[0]?.alertId as string;
    await delivered(system, firing);
    const before = Date.now();
    const ack = await postJson(system, `/v1/alerts/${alertId}/ack`, { comment: 'On it: statement going out at 10:00' });
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({ id: alertId, acked_by: 'admin', ack_comment: 'On it: statement going out at 10:00', status: 'firing' });
    expect(Date.parse(ack.body.data.acked_at)).toBeGreaterThanOrEqual(before - 1000);
    // A second acknowledgement changes nothing; a read key may not acknowledge; a bad comment is named.
    const again = await postJson(system, `/v1/alerts/${alertId}/ack`, { comment: 'me too' });
    expect(again.body.data).toMatchObject({ acked_by: 'admin', ack_comment: 'On it: statement going out at 10:00', acked_at: ack.body.data.acked_at });
    expect((await system.api(`/v1/alerts/${alertId}/ack`, { method: 'POST' })).status).toBe(403);
    const badComment = await postJson(system, `/v1/alerts/${alertId}/ack`, { comment: '' });
    expect(badComment.status).toBe(400);
    expect(badComment.body.error?.message).toMatch(/comment/);
    clock.nowMs = t0 + 31 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual(NOTHING);
    expect(harness.slackBodies()).toHaveLength(1);
    clock.nowMs = t0 + 2 * 60 * MINUTE;
    await system.evaluateAlerts();
    clock.nowMs = t0 + 2 * 60 * MINUTE + 16 * MINUTE;
    const resolved = await system.evaluateAlerts();
    expect(told(resolved)).toEqual(['resolved pr-email', 'resolved pr-slack']);
    const alert = await alertView(system, alertId);
    expect(alert).toMatchObject({
      status: 'resolved',
      resolved_at: new Date(t0 + 120 * MINUTE).toISOString(),
      acked_by: 'admin',
      ack_comment: 'On it: statement going out at 10:00',
      acked_at: ack.body.data.acked_at,
    });
  });

  it('does not alert on a first poll that backfills 500 recent negative items', async () => {
    const feeds = await startFixtureServer();
    const entries: FeedEntry[] = Array.from({ length: 500 }, (_, index) => ({
      id: `old-${index}`,
      link: `https://outlet${index % 50}.example/acme/${index}`,
      title: `Acme disaster ${index}`,
      html: '<p>Acme is terrible: broken, awful, a horrible failure.</p>',
      // Recent enough to sit inside the rule's window: only the backfill flag keeps them out of the counts.
      date: new Date(Date.now() - (index % 50) * MINUTE).toUTCString(),
      author: `reporter${index % 50}`,
    }));
    feeds.route('/feed.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss2(entries));
    });
    try {
      harness = await startHarness([], { feedUrl: `${feeds.baseUrl}/feed.xml` });
      const { system } = harness;
      const [first] = (await system.initialPolls()).values();
      expect(first).toMatchObject({ status: 'ok', items: 500, mentions: 500, backfill: true });
      const { rows } = await system.db.database.query<{ backfill: boolean; negative: number }>(
        `SELECT backfill, count(*) FILTER (WHERE sentiment_label = 'negative')::int AS negative FROM mentions GROUP BY backfill`,
      );
      expect(rows).toEqual([{ backfill: true, negative: 500 }]);
      expect(await system.evaluateAlerts()).toEqual(NOTHING);
      expect((await system.api('/v1/alerts')).body.data).toEqual([]);
      expect(harness.slackBodies()).toEqual([]);
    } finally {
      await feeds.close();
    }
  });
});
