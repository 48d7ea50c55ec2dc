// Private feeds: userinfo in a feed URL is sent as HTTP Basic authentication and `headers:` with every request, and
// no password, token or key (nor the Basic credentials they make) reaches a log line, last_error, an API answer,
// a preview or a config error, whichever way the poll ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { createLogger } from '../../src/runtime/logger.js';
import { BRAND_CONFIG, RSS_ENTRIES, rss2, type FeedEntry } from '../fixtures/feeds.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { closedPort } from '../helpers/ports.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const FEED_USER = 'feed-reader';
const FEED_PASS = 'pw-4b1d-private-feed';
const WRONG_PASS = 'pw-9c2e-not-the-password';
const FEED_TOKEN = 'tok-77aa-query-token';
const FEED_KEY = 'key-31f0-header-value';
const ENV = { FEED_PASS, WRONG_PASS, FEED_TOKEN, FEED_KEY };
const basic = (password: string) => `Basic ${Buffer.from(`${FEED_USER}:${password}`).toString('base64')}`;
const SECRETS = [FEED_PASS, WRONG_PASS, FEED_TOKEN, FEED_KEY, basic(FEED_PASS).slice(6), basic(WRONG_PASS).slice(6)];

// A relative link is resolved against the URL that answered, which must not carry the userinfo into a mention.
const KEYED_ENTRIES: FeedEntry[] = [
  { id: 'keyed-1', link: '/acme-private-note', title: 'Acme private note', html: '<p>Acme internals.</p>', date: 'Wed, 25 Nov 2026 10:00:00 GMT' },
];

describe('feeds behind credentials', () => {
  let feeds: FixtureServer;
  let system: TestSystem;
  let refusedPort: number;
  const answers: string[] = [];
  const api = async (path: string, options: { key?: string; method?: string } = {}) => {
    const answer = await system.api(path, options);
    answers.push(JSON.stringify(answer.body));
    return answer;
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    refusedPort = await closedPort();
    feeds.route('/private.xml', (request, response) => {
      if (request.headers.authorization !== basic(FEED_PASS)) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end('who are you?');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss2(RSS_ENTRIES));
    });
    feeds.route('/keyed.xml', (request, response) => {
      const allowed = request.headers['x-api-key'] === FEED_KEY && request.url.searchParams.get('token') === FEED_TOKEN;
      response.writeHead(allowed ? 200 : 403, { 'content-type': 'application/rss+xml' }).end(allowed ? rss2(KEYED_ENTRIES) : 'no');
    });
    const host = new URL(feeds.baseUrl).host;
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: basic-feed, type: rss, url: "http://${FEED_USER}:\${FEED_PASS}@${host}/private.xml", every: 1h }
  - id: keyed-feed
    type: rss
    url: "http://${host}/keyed.xml?token=\${FEED_TOKEN}"
    headers: { X-Api-Key: "\${FEED_KEY}", Accept: application/rss+xml }
    every: 1h
  - { id: wrong-feed, type: rss, url: "http://${FEED_USER}:\${WRONG_PASS}@${host}/private.xml", every: 1h }
  - { id: gone-feed, type: rss, url: "http://${FEED_USER}:\${FEED_PASS}@${host}/gone.xml?token=\${FEED_TOKEN}", every: 1h }
  - { id: refused-feed, type: rss, url: "http://${FEED_USER}:\${FEED_PASS}@127.0.0.1:${refusedPort}/feed.xml?api_key=\${FEED_TOKEN}", every: 1h }
${TEST_API_KEYS}`,
      env: ENV,
      roles: ['api', 'poller', 'scorer'],
      logLevel: 'debug',
    });
    await system.initialPolls();
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('polls a feed with Basic credentials from the URL and one with configured headers', async () => {
    const [first] = feeds.requestsTo('/private.xml').filter((request) => request.headers.authorization === basic(FEED_PASS));
    expect(first?.url.pathname).toBe('/private.xml');
    const [keyed] = feeds.requestsTo('/keyed.xml');
    expect(keyed?.headers['x-api-key']).toBe(FEED_KEY);
    // A configured Accept replaces the default one instead of being joined to it.
    expect(keyed?.headers.accept).toBe('application/rss+xml');
    expect(keyed?.headers.authorization).toBeUndefined();

    const { body } = await api('/v1/sources');
    const byId = new Map(body.data.map((source: any) => [source.id, source]));
    expect(byId.get('basic-feed')).toMatchObject({ status: 'ok', last_error: null, mentions_total: 3 });
    expect(byId.get('keyed-feed')).toMatchObject({ status: 'ok', last_error: null, mentions_total: 1 });
    const mentions = await api('/v1/mentions?source=keyed-feed');
    expect(mentions.body.data.map((mention: any) => mention.url)).toEqual([`${feeds.baseUrl}/acme-private-note`]);
  });

  it('reports failures by host and path, never with the password, the token or the key', async () => {
    const { body } = await api('/v1/sources');
    const byId = new Map(body.data.map((source: any) => [source.id, source]));
    const host = new URL(feeds.baseUrl).host;
    expect(byId.get('wrong-feed')).toMatchObject({
      status: 'auth_failed',
      last_error: `HTTP 401 from ${host}: access denied; check the source's credentials`,
    });
    expect(byId.get('gone-feed')).toMatchObject({
      status: 'failing',
      last_error: `HTTP 404 from ${host}: the feed is not at ${feeds.baseUrl}/gone.xml (moved or deleted?)`,
    });
    expect(byId.get('refused-feed')).toMatchObject({ status: 'failing', last_error: `cannot reach 127.0.0.1:${refusedPort}: ECONNREFUSED` });

    // An operator's poll and a preview say the same, and nothing more.
    const poll = await api('/v1/sources/wrong-feed/poll', { key: ADMIN_KEY, method: 'POST' });
    expect(poll.status).toBe(202);
    for (const sourceId of ['wrong-feed', 'gone-feed', 'refused-feed']) {
      const source = system.runtime.sources.get(sourceId);
      if (source === undefined) throw new Error(`${sourceId} was not built`);
      const preview = await previewSource(source, { brandRules: system.runtime.brandRules, http: system.runtime.http, logger: createLogger('silent') });
      expect(preview.ok, sourceId).toBe(false);
      answers.push(JSON.stringify(preview));
    }
  });

  it('never shows a URL secret in a config error', () => {
    let thrown: unknown;
    try {
      parseConfig(`${BRAND_CONFIG}
sources:
  - { id: typo-feed, type: rss, url: "htp://${FEED_USER}:\${FEED_PASS}@feeds.example/feed.xml?token=\${FEED_TOKEN}" }
  - { id: bad-header, type: rss, url: "https://feeds.example/feed.xml", headers: { "X Key": "\${FEED_KEY}", X-Token: "a\\nb" } }
`, ENV);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([
      { path: 'sources[0].url', message: '"htp://***@feeds.example/feed.xml?token=***" is not an http(s) URL' },
      { path: 'sources[1].headers.X Key', message: 'is not a valid name' },
      { path: 'sources[1].headers.X-Token', message: 'must be one line of at most 8192 characters' },
    ]);
    const message = (thrown as Error).message;
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it('never writes a secret into a log line or an API answer', () => {
    const log = system.logLines.join('\n');
    expect(log).toContain('poll failed');
    for (const secret of SECRETS) {
      expect(log).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});
