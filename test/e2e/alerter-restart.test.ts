// Invariant 3 across a crash: the alerter process is SIGKILLed mid-alert and started again; the alert it reopens
// from PostgreSQL sends no second "firing" message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyJobId } from '../../src/queue/queues.js';
import { killAllCliProcesses, spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const SLACK_PATH = '/services/T111/B111/YYYY';

const configYaml = (slackUrl: string) => `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
alerts:
  tick: 1s
  group_wait: 0s
  rules:
    - { id: acme-negative-buzz, type: negative_buzz, window: 1h, min_mentions: 5, min_sources: 3, channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
${TEST_API_KEYS}`;

// Two process start-ups (each allowed 30 s) and three ticks: 30 s, the suite's default, is no budget for them.
describe('an alerter killed mid-episode', { timeout: 120_000 }, () => {
  let system: TestSystem | undefined;
  let slack: FixtureServer | undefined;
  let directory: string | undefined;

  afterAll(async () => {
    await killAllCliProcesses();
    await system?.stop();
    await slack?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('sends no second firing message after a restart', async () => {
    slack = await startFixtureServer();
    slack.route(SLACK_PATH, (_request, response) => {
      response.writeHead(200).end('ok');
    });
    const yaml = configYaml(`${slack.baseUrl}${SLACK_PATH}`);
    // API and scorer in this process; the alerter is a real `buzzwatch start --role alerter` on the same stores.
    system = await startTestSystem({ configYaml: yaml, roles: ['api', 'scorer'] });
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-alerter-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(configFile, yaml);
    const env = {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: system.db.url,
      REDIS_URL: TEST_REDIS_URL,
      BUZZWATCH_QUEUE_PREFIX: system.prefix,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const startAlerter = async (): Promise<CliProcess> => {
      const child = spawnCli(['start', '--role', 'alerter'], env);
      await child.waitForLog((line) => line.msg === 'buzzwatch started', 30_000);
      return child;
    };

    const first = await startAlerter();
    const mentions = Array.from({ length: 10 }, (_, index) => ({
      id: `crash-${index}`,
      url: `https://site${index % 4}.example/${index}`,
      text: `Acme is terrible: broken, awful and a horrible failure (${index}).`,
      author: `author${index % 4}`,
    }));
    const pushed = await pushWebhook(system.baseUrl, 'hook', JSON.stringify({ mentions }), { secret: HOOK_SECRET });
    expect(pushed.status).toBe(202);
    const firing = await first.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('alert firing'), 30_000);
    const eventId = firing.eventId as string;
    await system.deliveries.next((job) => job.jobId === notifyJobId({ eventId, channelId: 'pr-slack' }), 30_000);
    expect(slack.requestsTo(SLACK_PATH)).toHaveLength(1);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startAlerter();
    // Three evaluations by the new process (ticks every second), each with the burst still in its window.
    const seenBefore = system.evaluations.completed.length;
    for (let count = 1; count <= 3; count += 1) {
      await system.evaluations.next((_job) => system !== undefined && system.evaluations.completed.length >= seenBefore + count, 20_000);
    }
    expect(second.logLines().filter((line) => typeof line.msg === 'string' && line.msg.startsWith('alert '))).toEqual([]);
    expect(slack.requestsTo(SLACK_PATH)).toHaveLength(1);
    const { body } = await system.api('/v1/alerts');
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ status: 'firing', rules: [{ rule_id: 'acme-negative-buzz', status: 'firing' }] });
    expect(body.data[0].notifications.map((message: { kind: string }) => message.kind)).toEqual(['firing']);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
