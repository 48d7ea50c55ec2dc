// Config reload without downtime (POST /v1/admin/reload, as SIGHUP does): the API keeps answering throughout and
// swaps its keys and sources, the poller resyncs its schedules, the alerter evaluates the new rules; an invalid file
// is refused with its problems while the config in force keeps running; the reload is announced to the installation's
// other processes, which reload too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RSS_ENTRIES, rss2 } from '../fixtures/feeds.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { uniqueName } from '../helpers/services.js';
import { ADMIN_KEY, READ_KEY, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const NEW_READ_KEY = 'reloaded-read-key-0123456789';

function configYaml(options: { feedUrl: string; sources: string[]; readKey: string; withRule: boolean }): string {
  const rule = `
alerts:
  tick: 1h
  rules:
    - { id: acme-volume, type: volume_spike, brands: [acme], channels: [ops-slack] }
  channels:
    - { id: ops-slack, type: slack, url: "${options.feedUrl}/slack" }`;
  return `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
${options.sources.map((id) => `  - { id: ${id}, type: rss, url: "${options.feedUrl}/feed.xml", every: 1h }`).join('\n')}
api:
  keys:
    - { name: reader, key: "${options.readKey}", scope: read }
    - { name: admin, key: "${ADMIN_KEY}", scope: admin }
  # Requests sent back to back for as long as a reload takes: the default 1200 a minute is reached in under two
  # seconds, which a reload waiting on a Redis shared with the whole suite can take.
  rate_limit: { max: 1000000, window: 1m }
${options.withRule ? rule : ''}
`;
}

describe('config reload', () => {
  let feeds: FixtureServer;
  let directory: string;
  let configFile: string;
  let system: TestSystem;
  let config: (options: { sources: string[]; readKey: string; withRule: boolean }) => string;

  const get = (path: string, key: string) => system.api(path, { key });
  const reload = () => system.api('/v1/admin/reload', { key: ADMIN_KEY, method: 'POST' });

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/feed.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8'));
    config = (options) => configYaml({ feedUrl: feeds.baseUrl, ...options });
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-reload-'));
    configFile = join(directory, 'buzzwatch.yaml');
    const initial = config({ sources: ['news'], readKey: READ_KEY, withRule: false });
    writeFileSync(configFile, initial);
    system = await startTestSystem({ configYaml: initial, configFile, roles: ['api', 'poller', 'scorer', 'alerter'] });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('refuses an invalid file with every problem, and the config in force keeps running', async () => {
    writeFileSync(configFile, `${config({ sources: ['news', 'news'], readKey: 'short', withRule: false })}\nqueue: { poll_concurrency: 0 }\n`);
    const refused = await reload();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'BUZZ_ERR_INVALID_CONFIG', message: `${configFile}: 3 problems; the config in force keeps running` });
    expect(refused.body.error.problems).toEqual([
      { path: 'api.keys[0].key', message: 'must be at least 16 characters (a guessable key is no key)' },
      { path: 'queue.poll_concurrency', message: 'must be a whole number from 1 to 256' },
      { path: 'sources[1].id', message: '"news" is already used by sources[0]' },
    ]);
    const sources = await get('/v1/sources', READ_KEY);
    expect(sources.status).toBe(200);
    expect(sources.body.data.map((source: { id: string }) => source.id)).toEqual(['news']);
  });

  it('swaps keys, sources, schedules and rules while the API answers every request', async () => {
    writeFileSync(configFile, config({ sources: ['news', 'wire'], readKey: NEW_READ_KEY, withRule: true }));
    // Requests one after another through the whole reload; the admin key is in both configs.
    const statuses: number[] = [];
    let reloading = true;
    const poller = (async () => {
      while (reloading || statuses.length < 20) statuses.push((await get('/v1/sources', ADMIN_KEY)).status);
    })();
    const reloaded = await reload();
    reloading = false;
    await poller;
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.data).toMatchObject({ brands: 1, sources: 2, rules: 1, warnings: [] });
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    // The API: the old read key is gone, the new one works, the new source is listed.
    expect((await get('/v1/sources', READ_KEY)).status).toBe(401);
    const sources = await get('/v1/sources', NEW_READ_KEY);
    expect(sources.body.data.map((source: { id: string }) => source.id)).toEqual(['news', 'wire']);
    // The poller: a schedule for the new source, whose first poll runs.
    expect(await system.runtime.queues.poll.getJobScheduler('wire')).toMatchObject({ every: 3_600_000 });
    const firstPoll = await system.polls.next((job) => job.jobId.startsWith('repeat:wire:'));
    expect(firstPoll.result).toMatchObject({ status: 'ok' });
    // The alerter: the next evaluation runs the new rule for the brand.
    expect(await system.evaluateAlerts()).toMatchObject({ evaluated: true });
    const { rows } = await system.db.database.query<{ rule_id: string; brand_id: string }>('SELECT rule_id, brand_id FROM alert_rule_memory');
    expect(rows).toEqual([{ rule_id: 'acme-volume', brand_id: 'acme' }]);
  });

  it('says which changed settings wait for a restart (it answered warnings: [] as if they were in force), at every reload', async () => {
    const readOnStart = `${config({ sources: ['news', 'wire'], readKey: NEW_READ_KEY, withRule: false })}\ndatabase: { pool_size: 20 }\nqueue: { stalled_after: 45s }\n`;
    writeFileSync(configFile, readOnStart);
    const expected = ['queue.stalled_after, database.pool_size: changed in the file, in force only after a restart'];
    for (let attempt = 0; attempt < 2; attempt++) {
      const reloaded = await reload();
      expect(reloaded.status).toBe(200);
      expect(reloaded.body.data).toMatchObject({ sources: 2, rules: 0, warnings: expected });
    }
  });
});

describe('a reload asked of the API', () => {
  let feeds: FixtureServer;
  let directory: string;
  let configFile: string;
  let api: TestSystem;
  let poller: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/feed.xml', serveFeed(rss2(RSS_ENTRIES), 'application/rss+xml; charset=utf-8'));
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-reload-announced-'));
    configFile = join(directory, 'buzzwatch.yaml');
    const initial = configYaml({ feedUrl: feeds.baseUrl, sources: ['news'], readKey: READ_KEY, withRule: false });
    writeFileSync(configFile, initial);
    // Two processes of one installation (one Redis prefix), each reading the same file, as on two hosts.
    const queuePrefix = uniqueName('bwq');
    api = await startTestSystem({ configYaml: initial, configFile, roles: ['api'], queuePrefix });
    poller = await startTestSystem({ configYaml: initial, configFile, roles: ['poller'], queuePrefix });
  });

  afterAll(async () => {
    await poller?.stop();
    await api?.stop();
    await feeds?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('is announced to the other processes, which reload their own copy: the poller schedules the new source', async () => {
    writeFileSync(configFile, configYaml({ feedUrl: feeds.baseUrl, sources: ['news', 'wire'], readKey: READ_KEY, withRule: false }));
    const reloaded = await api.api('/v1/admin/reload', { key: ADMIN_KEY, method: 'POST' });
    expect(reloaded.status).toBe(200);
    const firstPoll = await poller.polls.next((job) => job.jobId.startsWith('repeat:wire:'));
    expect(firstPoll.result).toMatchObject({ status: 'ok' });
    // The poller logs its reload after releasing the schedule lock, a Redis round trip after the new scheduler
    // exists: the new source's first poll may complete before that line is written.
    await vi.waitFor(
      () => {
        const pollerReload = poller.logLines.map((line) => JSON.parse(line) as { msg: string; trigger?: string }).find((line) => line.msg === 'config reloaded');
        expect(pollerReload).toMatchObject({ trigger: 'announced by another process', sources: 2 });
      },
      { timeout: 20_000 },
    );
    // The API logs the announcement before it answers the reload request.
    expect(api.logLines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain('config reload announced to the other processes');
  });
});
