// Negative-buzz alerting end to end: webhook → scorer → PostgreSQL → alerter → notify queue → a fake Slack (loopback
// HTTP) and a real SMTP server. The alerter's clock is the test's, so "an hour later" takes no hour.
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { subjectOf } from '../helpers/mime-message.js';
import { startRecordingSmtp, type RecordingSmtp } from '../helpers/recording-smtp.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';
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

function configYaml(slackUrl: string, smtpUrl: string, extraSource = ''): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
${extraSource}
alerts:
  tick: 1h
  bucket: 5m
  delivery: { attempts: 4, backoff: 50ms }
  rules:
    - id: acme-negative-buzz
      type: negative_buzz
      brands: [acme]
      window: 1h
      min_mentions: 5
      min_sources: 3
      repeat_interval: 30m
      channels: [pr-slack, pr-email]
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
    - { id: pr-email, type: email, smtp: "${smtpUrl}", from: "buzzwatch@acme.example", to: ["pr@acme.example"] }
${TEST_API_KEYS}`;
}

async function startHarness(slackStatuses: number[] = [], options: { feedUrl?: string } = {}): Promise<Harness> {
  const slack = await startFixtureServer();
  const statuses = [...slackStatuses];
  slack.route('/services/T000/B000/s3cr3tpath', (_request, response) => {
    const status = statuses.shift() ?? 200;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : status === 404 ? 'no_service' : 'server_error');
  });
  const smtp = await startRecordingSmtp();
  const clock = { nowMs: Date.now() };
  const system = await startTestSystem({
    configYaml: configYaml(
      `${slack.baseUrl}/services/T000/B000/s3cr3tpath`,
      smtp.url,
      options.feedUrl === undefined ? '' : `  - { id: news, type: rss, url: "${options.feedUrl}", every: 1h }`,
    ),
    roles: options.feedUrl === undefined ? ['api', 'scorer', 'alerter'] : ['api', 'poller', 'scorer', 'alerter'],
    clock: () => new Date(clock.nowMs),
  });
  const slackBodies = () => slack.requestsTo('/services/T000/B000/s3cr3tpath').map((request) => JSON.parse(request.body.toString('utf8')));
  return { system, slack, smtp, clock, slackBodies };
}

/** `count` negative mentions of Acme from `sites` different sites (and as many authors), minutes before now. */
function negativeBurst(count: number, sites: number, label = 'burst') {
  return {
    mentions: Array.from({ length: count }, (_, index) => ({
      id: `${label}-${index}`,
      url: `https://site${index % sites}.example/${label}/${index}`,
      title: `Acme outage ${index}`,
      text: `Acme is terrible today: the app is broken, support is awful and I hate this horrible mess (${index}).`,
      author: `author${index % sites}`,
      published_at: new Date(Date.now() - (count - index) * MINUTE / 2).toISOString(),
    })),
  };
}

async function pushAndStore(system: TestSystem, body: unknown): Promise<void> {
  const answer = await pushWebhook(system.baseUrl, 'hook', JSON.stringify(body), { secret: HOOK_SECRET });
  expect(answer.status).toBe(202);
}

/** Waits for the evaluation that new mentions trigger (no tick needed) and answers it. */
async function evaluationAfterMentions(system: TestSystem) {
  const job = await system.evaluations.next((completed) => completed.result.evaluated && completed.result.transitions.length > 0);
  return job.result;
}

async function episodeView(system: TestSystem, episodeId: string) {
  const { status, body } = await system.api(`/v1/alerts/${episodeId}`);
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
    expect(firing.transitions).toEqual([
      { ruleId: 'acme-negative-buzz', brandId: 'acme', kind: 'firing', eventId: expect.stringMatching(/^ep_[0-9a-f]{20}-firing$/) },
    ]);
    expect(firing.queued).toBe(2);
    const firingEventId = firing.transitions[0]?.eventId as string;
    await Promise.all(['pr-slack', 'pr-email'].map((channelId) =>
      system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: firingEventId, channelId }))));
    expect(harness.slackBodies()).toHaveLength(1);
    const [firingMessage] = harness.slackBodies();
    expect(firingMessage.text).toContain('Acme Corp');
    expect(firingMessage.text).toContain('12 negative mentions in the last hour');
    expect(firingMessage.text).toContain('from 4 sources');
    const mails = await smtp.waitForMessages(1);
    expect(mails[0]?.to).toEqual(['pr@acme.example']);
    expect(subjectOf(mails[0]?.raw ?? '')).toBe('[buzzwatch] Negative buzz: Acme Corp — 12 mentions');

    // More ticks before repeat_interval: nothing new.
    for (const minutes of [5, 10, 20, 29]) {
      clock.nowMs = t0 + minutes * MINUTE;
      const tick = await system.evaluateAlerts();
      expect(tick).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    }
    // At repeat_interval, still negative: one reminder per channel.
    clock.nowMs = t0 + 31 * MINUTE;
    const reminder = await system.evaluateAlerts();
    expect(reminder.transitions.map((transition) => transition.kind)).toEqual(['reminder']);
    const reminderEventId = reminder.transitions[0]?.eventId as string;
    expect(reminderEventId).toBe(firingEventId.replace(/-firing$/, '-reminder-1'));
    await Promise.all(['pr-slack', 'pr-email'].map((channelId) =>
      system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: reminderEventId, channelId }))));

    // The burst has left the window: calm for resolve_after (3 buckets), then exactly one resolved message.
    clock.nowMs = t0 + 2 * 60 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    clock.nowMs = t0 + 2 * 60 * MINUTE + 10 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    clock.nowMs = t0 + 2 * 60 * MINUTE + 16 * MINUTE;
    const resolved = await system.evaluateAlerts();
    expect(resolved.transitions.map((transition) => transition.kind)).toEqual(['resolved']);
    const resolvedEventId = resolved.transitions[0]?.eventId as string;
    await Promise.all(['pr-slack', 'pr-email'].map((channelId) =>
      system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: resolvedEventId, channelId }))));
    clock.nowMs = t0 + 4 * 60 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });

    const bodies = harness.slackBodies();
    expect(bodies).toHaveLength(3);
    expect(bodies[2].text).toMatch(/resolved/i);
    expect(smtp.received).toHaveLength(3);
    expect(subjectOf(smtp.received[2]?.raw ?? '')).toMatch(/^\[buzzwatch\] Resolved: Negative buzz: Acme Corp — lasted 2 h 16 min$/);

    const episodeId = firingEventId.replace(/-firing$/, '');
    const episode = await episodeView(system, episodeId);
    expect(episode).toMatchObject({ id: episodeId, rule_id: 'acme-negative-buzz', brand_id: 'acme', status: 'resolved', reminders: 1 });
    expect(episode.events.map((event: any) => [event.kind, event.deliveries.map((d: any) => [d.channel_id, d.status, d.attempts])])).toEqual([
      ['firing', [['pr-email', 'sent', 1], ['pr-slack', 'sent', 1]]],
      ['reminder', [['pr-email', 'sent', 1], ['pr-slack', 'sent', 1]]],
      ['resolved', [['pr-email', 'sent', 1], ['pr-slack', 'sent', 1]]],
    ]);
    expect(episode.samples).toHaveLength(3);
    expect(episode.samples[0]).toMatchObject({ sentiment: 'negative', site: expect.stringMatching(/^site\d\.example$/) });
  });

  it('does not alert on the same burst from one source only (min_sources)', async () => {
    harness = await startHarness();
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 1));
    await system.stores.next(() => true);
    const tick = await system.evaluateAlerts();
    expect(tick).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    const { body } = await system.api('/v1/alerts');
    expect(body.data).toEqual([]);
    expect(harness.slackBodies()).toEqual([]);
  });

  it('retries Slack on 5xx with identical bodies and records every attempt', async () => {
    harness = await startHarness([500, 500]);
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const eventId = firing.transitions[0]?.eventId as string;
    await system.deliveries.next((job) => job.jobId === notifyJobId({ eventId, channelId: 'pr-slack' }));
    const requests = harness.slack.requestsTo('/services/T000/B000/s3cr3tpath');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.body.toString('utf8'))).size).toBe(1);
    const episode = await episodeView(system, eventId.replace(/-firing$/, ''));
    expect(episode.events[0].deliveries.find((d: any) => d.channel_id === 'pr-slack')).toMatchObject({
      status: 'sent',
      attempts: 3,
      last_error: null,
    });
  });

  it('does not retry a Slack 404 and shows the failed delivery with its reason', async () => {
    harness = await startHarness([404]);
    const { system } = harness;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const eventId = firing.transitions[0]?.eventId as string;
    const reason = await system.deliveries.nextFailure(notifyJobId({ eventId, channelId: 'pr-slack' }));
    expect(reason).toMatch(/404/);
    expect(harness.slack.requestsTo('/services/T000/B000/s3cr3tpath')).toHaveLength(1);
    const episode = await episodeView(system, eventId.replace(/-firing$/, ''));
    const delivery = episode.events[0].deliveries.find((d: any) => d.channel_id === 'pr-slack');
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.last_error).toMatch(/404/);
    const metrics = await (await fetch(`${system.baseUrl}/metrics`)).text();
    expect(metrics).toContain('buzzwatch_alerts_firing{rule="acme-negative-buzz",brand="acme"} 1');
    expect(metrics).toContain('buzzwatch_alert_deliveries{channel="pr-slack",status="failed"} 1');
    // The secret part of the webhook URL reaches neither the API nor the logs.
    expect(JSON.stringify(episode)).not.toContain('s3cr3tpath');
    expect(system.logLines.some((line) => line.includes('delivery failed') && line.includes('404'))).toBe(true);
    expect(system.logLines.filter((line) => line.includes('s3cr3tpath'))).toEqual([]);
  });

  it('records but does not send an episode covered by a silence, and tells the team once the silence is over', async () => {
    harness = await startHarness();
    const { system, clock } = harness;
    const t0 = clock.nowMs;
    const endsAt = new Date(t0 + 10 * MINUTE).toISOString();
    const created = await fetch(`${system.baseUrl}/v1/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        brand: 'acme',
        starts_at: new Date(harness.clock.nowMs - MINUTE).toISOString(),
        ends_at: endsAt,
        comment: 'planned maintenance',
      }),
    });
    expect(created.status).toBe(201);
    const silence = ((await created.json()) as { data: { id: string } }).data;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    expect(firing.transitions.map((transition) => transition.kind)).toEqual(['firing']);
    expect(firing.queued).toBe(0);
    const episode = await episodeView(system, (firing.transitions[0]?.eventId as string).replace(/-firing$/, ''));
    expect(episode.events[0]).toMatchObject({ kind: 'firing', silenced_by: silence.id });
    expect(episode.events[0].deliveries.map((d: any) => d.status)).toEqual(['silenced', 'silenced']);
    expect(harness.slackBodies()).toEqual([]);
    expect(harness.smtp.received).toEqual([]);
    const listed = await system.api('/v1/silences');
    expect(listed.body.data).toEqual([expect.objectContaining({ id: silence.id, brand_id: 'acme', active: true, created_by: 'admin' })]);

    // Still silenced: nothing. The silence over and the burst still in the window: one notice per channel, at once
    // rather than at repeat_interval.
    clock.nowMs = t0 + 5 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    clock.nowMs = t0 + 11 * MINUTE;
    const notice = await system.evaluateAlerts();
    expect(notice.transitions.map((transition) => transition.kind)).toEqual(['reminder']);
    expect(notice.queued).toBe(2);
    const noticeEventId = notice.transitions[0]?.eventId as string;
    await Promise.all(['pr-slack', 'pr-email'].map((channelId) =>
      system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: noticeEventId, channelId }))));
    expect(harness.slackBodies()).toHaveLength(1);
    clock.nowMs = t0 + 12 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
  });

  it('stops reminders once someone acknowledges the episode', async () => {
    harness = await startHarness();
    const { system, clock } = harness;
    const t0 = clock.nowMs;
    await pushAndStore(system, negativeBurst(12, 4));
    const firing = await evaluationAfterMentions(system);
    const firingEventId = firing.transitions[0]?.eventId as string;
    const episodeId = firingEventId.replace(/-firing$/, '');
    await Promise.all(['pr-slack', 'pr-email'].map((channelId) =>
      system.deliveries.next((job) => job.jobId === notifyJobId({ eventId: firingEventId, channelId }))));
    const ack = await system.api(`/v1/alerts/${episodeId}/ack`, { key: ADMIN_KEY, method: 'POST' });
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({ id: episodeId, acked_by: 'admin' });
    const readOnly = await system.api(`/v1/alerts/${episodeId}/ack`, { method: 'POST' });
    expect(readOnly.status).toBe(403);
    clock.nowMs = t0 + 31 * MINUTE;
    expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
    expect(harness.slackBodies()).toHaveLength(1);
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
      expect(await system.evaluateAlerts()).toEqual({ evaluated: true, transitions: [], queued: 0, requeued: 0 });
      expect((await system.api('/v1/alerts')).body.data).toEqual([]);
      expect(harness.slackBodies()).toEqual([]);
    } finally {
      await feeds.close();
    }
  });
});
