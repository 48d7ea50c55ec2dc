// Digests end to end on real PostgreSQL and Redis with loopback channels: the monthly digest leads with the report's
// flags on Slack (Block Kit body as a fake Slack recorded it), e-mail (smtp-server) and a webhook (checked against the
// published JSON Schema); daily digests across Warsaw's DST changes cover 23 and 25 hours and go out at 09:00 local;
// a config reload adds a digest.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestOutcome } from '../../src/analytics/digests/deliver-digest.js';
import { DIGEST_SCHEMA_FILE } from '../../src/analytics/digests/formats/webhook.js';
import { verifySignature } from '../../src/net/webhook-signature.js';
import { QueueName, digestJobId } from '../../src/queue/queues.js';
import { ADVISORY_LOCKS } from '../../src/store/advisory-locks.js';
import type { EvaluationReport } from '../../workers/alerter.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { alternativeParts, decodeEncodedWords, mimeEntity } from '../helpers/mime-message.js';
import { watchQueue, type QueueWatch } from '../helpers/queue-watch.js';
import { startRecordingSmtp, type RecordingSmtp } from '../helpers/recording-smtp.js';
import { reportMonthsMentions } from '../helpers/report-months.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';
import { uniqueName } from '../helpers/services.js';
import { startTestSystem, type TestSystem } from '../helpers/test-system.js';

const SLACK_PATH = '/services/T0D/B0D/digestsecret';
const HOOK_PATH = '/hooks/digests';
const HOOK_SECRET = 'digest-hook-secret-0123456789';

const validateDigestPayload = (() => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(DIGEST_SCHEMA_FILE, 'utf8')));
})();

interface Harness {
  system: TestSystem;
  /** Writes the config file with these digests and reloads it, as SIGHUP does. */
  configure(digests: string): Promise<void>;
  slack: FixtureServer;
  smtp: RecordingSmtp;
  digests: QueueWatch<DigestOutcome>;
  clock: { now: Date };
  configFile: string;
  directory: string;
}

function configYaml(slackUrl: string, hookUrl: string, smtpUrl: string, digests: string): string {
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
alerts:
  # The scheduled tick runs once at start; after that only the test's ticks run (at the test's clock).
  tick: 1h
  delivery: { attempts: 3, backoff: 10ms }
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
    - { id: pr-email, type: email, smtp: "${smtpUrl}", from: "buzzwatch <digests@acme.example>", to: [pr@acme.example] }
    - { id: pr-hook, type: webhook, url: "${hookUrl}", secret: "${HOOK_SECRET}" }
reports:
  timezone: Europe/Warsaw
digests:
${digests}`;
}

async function startHarness(now: Date): Promise<Harness> {
  const slack = await startFixtureServer();
  slack.route(SLACK_PATH, (_request, response) => void response.writeHead(200).end('ok'));
  slack.route(HOOK_PATH, (_request, response) => void response.writeHead(204).end());
  const smtp = await startRecordingSmtp();
  const directory = mkdtempSync(join(tmpdir(), 'buzzwatch-digests-'));
  const configFile = join(directory, 'buzzwatch.yaml');
  const writeConfig = (digests: string) =>
    writeFileSync(configFile, configYaml(`${slack.baseUrl}${SLACK_PATH}`, `${slack.baseUrl}${HOOK_PATH}`, smtp.url, digests));
  // No digest until the test has stored its mentions: the first tick would send a summary of nothing.
  writeConfig('  []');
  const clock = { now };
  // Watching before the alerter starts: its first tick (at start) may already send.
  const prefix = uniqueName('bwq');
  const digestWatch = await watchQueue<DigestOutcome>(QueueName.digests, prefix);
  const system = await startTestSystem({ configYaml: readFileSync(configFile, 'utf8'), configFile, roles: ['alerter'], clock: () => clock.now, queuePrefix: prefix });
  const configure = async (digests: string) => {
    writeConfig(digests);
    const outcome = await system.reload('test');
    if (!outcome.ok) throw new Error(`config reload refused: ${JSON.stringify(outcome.problems)}`);
  };
  return { system, configure, slack, smtp, digests: digestWatch, clock, configFile, directory };
}

async function stopHarness(harness: Harness | undefined): Promise<void> {
  if (harness === undefined) return;
  await harness.digests.close();
  await harness.system.stop();
  await harness.slack.close();
  await harness.smtp.close();
  rmSync(harness.directory, { recursive: true, force: true });
}

/**
 * Stores mentions while no mention partition maintenance runs: the alerter runs one at start (for the months around
 * the test's clock), and it must not create a month's partition while these rows go into the default one.
 */
async function storeWhileMaintenanceWaits(harness: Harness, mentions: ReturnType<typeof scoredMention>[]): Promise<void> {
  const client = await harness.system.db.database.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.mentionMaintenance]);
    try {
      await storeMentions(harness.system.db.database, mentions);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.mentionMaintenance]);
    }
  } finally {
    client.release();
  }
}

/** One alert tick at the harness's clock, and the digests it scheduled. */
async function tick(harness: Harness): Promise<EvaluationReport> {
  return harness.system.evaluateAlerts();
}

/** Waits until the job of each (digest, period, channel) has completed, and answers their outcomes. */
async function delivered(harness: Harness, keys: Array<{ digestId: string; period: string; channelId: string }>): Promise<DigestOutcome[]> {
  const outcomes = await Promise.all(keys.map((key) => harness.digests.next((job) => job.jobId === digestJobId(key), 30_000)));
  return outcomes.map((outcome) => outcome.result);
}

const MONTHLY_CHANNELS = ['pr-slack', 'pr-email', 'pr-hook'].map((channelId) => ({ digestId: 'monthly-pr', period: '2026-11', channelId }));

const mrkdwnSection = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const NOVEMBER_FLAGS = [
  'Mentions fell 60 % (100 → 40) against October — significant',
  'Reach fell 68 % (14,950 → 4,780) against October — significant',
  'Share of voice fell from 67 % to 44 % against October — significant',
  'Negative share flat for three months (20 %)',
  'Net sentiment flat for three months (+0)',
];
const NOVEMBER_FIGURES = [
  ['Mentions', '40 (−60 % vs October, significant ↓)'],
  ['Negative share', '20 % (±0.0 pts vs October)'],
  ['Positive share', '20 % (±0.0 pts vs October)'],
  ['Net sentiment', '+0 (±0.0 pts vs October)'],
  ['Reach', '4,780 (−68 % vs October, significant ↓)'],
  ['Alert episodes', '0'],
];
const NOVEMBER_TOP = [
  ['Top sites', 'site0.example (7), site1.example (7), site2.example (7)'],
  ['Top authors', 'author 0 (5), author 1 (5), author 2 (5)'],
  ['Top terms', 'answered questions (32), customer support (32), support team (32)'],
];
// The worst mentions of November (most negative, then widest reach), with their local (Warsaw) times.
const NOVEMBER_WORST = [
  { index: 20, site: 'site2.example', author: 'author 2', score: '-4.00', reach: 120, at: '2026-11-21 11:20' },
  { index: 5, site: 'site5.example', author: 'author 5', score: '-3.50', reach: 105, at: '2026-11-06 11:05' },
  { index: 25, site: 'site1.example', author: 'author 7', score: '-3.00', reach: 125, at: '2026-11-26 11:25' },
];
const detailsOf = (worst: (typeof NOVEMBER_WORST)[number]) => `${worst.site} · ${worst.author} · sentiment ${worst.score} · reach ${worst.reach} · ${worst.at}`;
const FOOTER = "Digest monthly-pr · changes against October; significant: p < 0.05 (the monthly report's tests) · times in Europe/Warsaw";

describe('a monthly digest', () => {
  let harness: Harness | undefined;
  let firstTick: EvaluationReport;
  let secondTick: EvaluationReport;
  let outcomes: DigestOutcome[];

  beforeAll(async () => {
    harness = await startHarness(new Date('2026-12-01T08:00:00Z'));
    await storeWhileMaintenanceWaits(harness, reportMonthsMentions());
    await harness.configure(`  - { id: monthly-pr, brands: [acme], every: monthly, at: "09:00", channels: [pr-slack, pr-email, pr-hook] }`);
    firstTick = await tick(harness);
    outcomes = await delivered(harness, MONTHLY_CHANNELS);
    secondTick = await tick(harness);
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('is picked up by a config reload and sent to each channel once, at 09:00 Warsaw time on the 1st', () => {
    expect(firstTick.digests).toEqual({ scheduled: MONTHLY_CHANNELS, requeued: 0 });
    expect(outcomes).toEqual(['sent', 'sent', 'sent']);
    // Scheduled already: a later tick queues nothing.
    expect(secondTick.digests).toEqual({ scheduled: [], requeued: 0 });
    const h = harness as Harness;
    expect([h.slack.requestsTo(SLACK_PATH).length, h.smtp.received.length, h.slack.requestsTo(HOOK_PATH).length]).toEqual([1, 1, 1]);
  });

  it('posts Slack a Block Kit message that leads with the flags', () => {
    const [request] = (harness as Harness).slack.requestsTo(SLACK_PATH);
    expect(JSON.parse(request?.body.toString('utf8') ?? 'null')).toEqual({
      text: '📊 Monthly digest: Acme Corp — November 2026 — Mentions fell 60 % (100 → 40) against October — significant',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '📊 Monthly digest: Acme Corp — November 2026', emoji: true } },
        mrkdwnSection(NOVEMBER_FLAGS.map((flag) => `• ${flag}`).join('\n')),
        { type: 'section', fields: NOVEMBER_FIGURES.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })) },
        mrkdwnSection(NOVEMBER_TOP.map(([label, value]) => `${label}: ${value}`).join('\n')),
        ...NOVEMBER_WORST.map((worst) =>
          mrkdwnSection(
            `*<https://${worst.site}/acme-2026-11-${worst.index}|Acme delivery delays anger customers ${worst.index}>*\n_${detailsOf(worst)}_`,
          ),
        ),
        { type: 'context', elements: [{ type: 'mrkdwn', text: FOOTER.replace('<', '&lt;') }] },
      ],
    });
  });

  it('sends an e-mail whose subject and both parts lead with the flags', () => {
    const [mail] = (harness as Harness).smtp.received;
    expect(mail?.to).toEqual(['pr@acme.example']);
    const message = mimeEntity((mail?.raw ?? '').replace(/\r\n/g, '\n'));
    expect(decodeEncodedWords(message.headers.get('subject') ?? '')).toBe(
      '[buzzwatch] Monthly digest: Acme Corp — November 2026 — Mentions fell 60 % (100 → 40) against October — significant',
    );
    expect(message.headers.get('message-id')).toBe('<buzzwatch.digest.monthly-pr.2026-11.pr-email@acme.example>');
    expect(message.headers.get('x-buzzwatch-event-id')).toBe('digest.monthly-pr.2026-11.pr-email');
    expect(message.headers.get('auto-submitted')).toBe('auto-generated');
    const parts = alternativeParts(message);
    const aligned = (rows: string[][]) => {
      const width = Math.max(...rows.map(([label]) => (label ?? '').length)) + 2;
      return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
    };
    expect(parts.get('text/plain')).toBe(
      [
        'Monthly digest: Acme Corp — November 2026',
        '',
        ...NOVEMBER_FLAGS.map((flag) => `* ${flag}`),
        '',
        ...aligned(NOVEMBER_FIGURES),
        '',
        ...aligned(NOVEMBER_TOP),
        '',
        'Most negative mentions',
        '',
        ...NOVEMBER_WORST.flatMap((worst, position) => [
          `${position + 1}. Acme delivery delays anger customers ${worst.index}`,
          `   https://${worst.site}/acme-2026-11-${worst.index}`,
          `   ${detailsOf(worst)}`,
          '',
        ]),
        '-- ',
        FOOTER,
        'Sent by buzzwatch.',
        '',
      ].join('\n'),
    );
    const html = parts.get('text/html') ?? '';
    expect(html).toContain(
      `<ul style="margin:0 0 16px;padding-left:20px">${NOVEMBER_FLAGS.map((flag) => `<li><strong>${flag}</strong></li>`).join('')}</ul>`,
    );
    // The flags come first, before the figures.
    expect(html.indexOf('<ul')).toBeLessThan(html.indexOf('<table'));
    expect(html).toContain(
      '<a href="https://site2.example/acme-2026-11-20"><strong>Acme delivery delays anger customers 20</strong></a><br><span style="font-size:12px;color:#667085">site2.example · author 2 · sentiment -4.00 · reach 120 · 2026-11-21 11:20</span>',
    );
    expect(html).not.toMatch(/<script|<img|src=/i);
  });

  it('POSTs the webhook signed JSON that the published schema accepts', () => {
    const [request] = (harness as Harness).slack.requestsTo(HOOK_PATH);
    const body = request?.body.toString('utf8') ?? '';
    expect(request?.headers['x-buzzwatch-event-id']).toBe('digest.monthly-pr.2026-11.pr-hook');
    expect(verifySignature(request?.headers['x-buzzwatch-signature'] as string | undefined, HOOK_SECRET, request?.body ?? Buffer.alloc(0))).toEqual({ ok: true });
    const payload = JSON.parse(body);
    expect(validateDigestPayload(payload), JSON.stringify(validateDigestPayload.errors)).toBe(true);
    const figure = (value: number | null, previous: number | null, change: number | null, significant: boolean, direction: string, pValue: number) => ({
      value,
      previous,
      change,
      significant,
      direction,
      p_value: pValue === 0 || pValue === 1 ? pValue : expect.closeTo(pValue, 12),
    });
    const top = (key: string, mentions: number, negative: number, reach: number) => ({ key, mentions, negative, negative_share: negative / mentions, reach });
    expect(payload).toEqual({
      type: 'buzzwatch.digest',
      version: 1,
      delivery_id: 'digest.monthly-pr.2026-11.pr-hook',
      digest: {
        digest_id: 'monthly-pr',
        every: 'monthly',
        period: {
          key: '2026-11',
          label: 'November 2026',
          since: '2026-10-31T23:00:00.000Z',
          until: '2026-11-30T23:00:00.000Z',
          tz: 'Europe/Warsaw',
          previous_label: 'October',
        },
        brands: [
          {
            brand: { id: 'acme', name: 'Acme Corp' },
            flags: NOVEMBER_FLAGS,
            figures: {
              mentions: figure(40, 100, -0.6, true, 'down', 1.032622402843948e-6),
              negative_share: figure(0.2, 0.2, 0, false, 'flat', 1),
              positive_share: figure(0.2, 0.2, 0, false, 'flat', 1),
              net_sentiment: figure(0, 0, 0, false, 'flat', 1),
              reach: figure(4780, 14950, expect.closeTo(4780 / 14950 - 1, 12), true, 'down', 0),
              alert_episodes: figure(0, 0, null, false, 'flat', 1),
            },
            episodes: [],
            top: {
              sites: [top('site0.example', 7, 2, 826), top('site1.example', 7, 1, 833), top('site2.example', 7, 1, 840)],
              authors: [top('author 0', 5, 1, 590), top('author 1', 5, 1, 595), top('author 2', 5, 1, 600)],
              terms: [top('answered questions', 32, 0, 3840), top('customer support', 32, 0, 3840), top('support team', 32, 0, 3840)],
            },
            worst_mentions: NOVEMBER_WORST.map((worst) => ({
              id: `test-acme-2026-11-${worst.index}`,
              url: `https://${worst.site}/acme-2026-11-${worst.index}`,
              title: `Acme delivery delays anger customers ${worst.index}`,
              snippet: 'Customers say the Acme delivery delays are terrible.',
              site: worst.site,
              author: worst.author,
              occurred_at: `2026-11-${String(1 + (worst.index % 28)).padStart(2, '0')}T10:${String(worst.index).padStart(2, '0')}:00.000Z`,
              reach: worst.reach,
              sentiment_score: Number(worst.score),
            })),
          },
        ],
      },
    });
  });
});

/** One mention of Acme at the start of every hour of [fromIso, fromIso + hours). */
function hourlyMentions(prefix: string, fromIso: string, hours: number) {
  const fromMs = Date.parse(fromIso);
  return Array.from({ length: hours }, (_, hour) => scoredMention({ key: `${prefix}-${hour}`, at: new Date(fromMs + hour * 3_600_000).toISOString() }));
}

describe('a daily digest across the DST changes in Europe/Warsaw', () => {
  let harness: Harness | undefined;

  beforeAll(async () => {
    harness = await startHarness(new Date('2026-03-30T06:59:00Z'));
    // Saturday and Sunday, local time, around each change: 24 + 23 hours in March, 24 + 25 hours in October.
    await storeWhileMaintenanceWaits(harness, [
      ...hourlyMentions('spring', '2026-03-27T23:00:00Z', 24 + 23),
      ...hourlyMentions('autumn', '2026-10-23T22:00:00Z', 24 + 25),
    ]);
    await harness.configure(`  - { id: daily-ops, brands: [acme], every: daily, channels: [pr-hook] }`);
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  /** Ticks at `nowIso`, expects exactly that day's digest scheduled, and answers the digest the webhook got. */
  async function digestAt(nowIso: string, day: string) {
    const h = harness as Harness;
    h.clock.now = new Date(nowIso);
    const key = { digestId: 'daily-ops', period: day, channelId: 'pr-hook' };
    expect((await tick(h)).digests).toEqual({ scheduled: [key], requeued: 0 });
    expect(await delivered(h, [key])).toEqual(['sent']);
    const request = h.slack.requestsTo(HOOK_PATH).find((each) => each.headers['x-buzzwatch-event-id'] === digestJobId(key));
    return JSON.parse(request?.body.toString('utf8') ?? 'null').digest;
  }

  it('covers the 23 hours of the spring-forward Sunday and goes out at 09:00 local (07:00 UTC) on Monday', async () => {
    // At 08:59 local time, Saturday's digest is the latest due.
    expect((await digestAt('2026-03-30T06:59:00Z', '2026-03-28')).period).toMatchObject({ since: '2026-03-27T23:00:00.000Z', until: '2026-03-28T23:00:00.000Z' });
    const sunday = await digestAt('2026-03-30T07:00:00Z', '2026-03-29');
    expect(sunday.period).toEqual({
      key: '2026-03-29',
      label: 'Sunday 29 March 2026',
      since: '2026-03-28T23:00:00.000Z',
      until: '2026-03-29T22:00:00.000Z',
      tz: 'Europe/Warsaw',
      previous_label: 'Saturday 28 March',
    });
    // One mention an hour: 23 on the short day against 24 — the same rate, so not significant.
    expect(sunday.brands[0].figures.mentions).toMatchObject({ value: 23, previous: 24, significant: false, direction: 'flat' });
    // No mention told a reach, in either day: no figure (the channels leave it out), not "Reach: 0".
    expect(sunday.brands[0].figures.reach).toMatchObject({ value: null, previous: null, change: null });
  });

  it('covers the 25 hours of the fall-back Sunday and goes out at 09:00 local (08:00 UTC) on Monday', async () => {
    expect((await digestAt('2026-10-26T07:59:00Z', '2026-10-24')).period).toMatchObject({ since: '2026-10-23T22:00:00.000Z', until: '2026-10-24T22:00:00.000Z' });
    const sunday = await digestAt('2026-10-26T08:00:00Z', '2026-10-25');
    expect(sunday.period).toEqual({
      key: '2026-10-25',
      label: 'Sunday 25 October 2026',
      since: '2026-10-24T22:00:00.000Z',
      until: '2026-10-25T23:00:00.000Z',
      tz: 'Europe/Warsaw',
      previous_label: 'Saturday 24 October',
    });
    expect(sunday.brands[0].figures.mentions).toMatchObject({ value: 25, previous: 24, significant: false, direction: 'flat' });
  });
});
