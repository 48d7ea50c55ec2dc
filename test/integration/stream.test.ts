// The live stream (GET /v1/stream) over a real HTTP connection, with a real API, scorer and alerter on Redis and
// PostgreSQL: stream tokens, both ways to authenticate (and none with a key in the URL), mentions pushed by signed
// webhook arriving as `mention` events equal to the list's items, the brand filter, alert changes equal to
// GET /v1/alerts/:id, resuming after Last-Event-ID, heartbeats, token expiry, and no token in any log line.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEventsKey } from '../../src/live/live-event-log.js';
import { streamTokenKey } from '../../src/live/stream-token-store.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { openSse, type SseConnection, type SseMessage } from '../helpers/sse-client.js';
import { ADMIN_KEY, READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';

const HOOK_SECRET = 'stream-hook-secret-0123456789';

const configYaml = (slackUrl: string, api = '') => `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
alerts:
  tick: 1h
  group_wait: 0s
  rules:
    - { id: acme-boycott, type: keyword, window: 1h, terms: [boycott], brands: [acme], channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "${slackUrl}" }
${TEST_API_KEYS}${api}`;

const isMention = (message: SseMessage) => message.event === 'mention';
const isAlert = (message: SseMessage) => message.event === 'alert';

describe('GET /v1/stream', () => {
  let system: TestSystem;
  let slack: FixtureServer;
  let redis: Redis;
  const opened: SseConnection[] = [];
  const issuedTokens: string[] = [];
  let pushed = 0;

  const open = async (query: string, headers: Record<string, string> = {}) => {
    const connection = await openSse(`${system.baseUrl}/v1/stream${query}`, headers);
    opened.push(connection);
    return connection;
  };
  const issueToken = async (key = READ_KEY) => {
    const answer = await system.api('/v1/stream-tokens', { key, method: 'POST' });
    if (answer.status === 201) issuedTokens.push(answer.body.token);
    return answer;
  };
  /** Pushes one mention by signed webhook and waits until the scorer has stored its batch; answers its id. */
  const pushMention = async (text: string): Promise<string> => {
    pushed += 1;
    const storedBefore = new Set(system.stores.completed.map((job) => job.jobId));
    const body = { mentions: [{ id: `stream-${pushed}`, url: `https://news.example/stream/${pushed}`, title: `Item ${pushed}`, text, published_at: new Date().toISOString() }] };
    const answer = await pushWebhook(system.baseUrl, 'hook', JSON.stringify(body), { secret: HOOK_SECRET });
    expect(answer.status).toBe(202);
    await system.stores.next((job) => !storedBefore.has(job.jobId));
    const { body: page } = await system.api(`/v1/mentions?limit=1&q=${encodeURIComponent(`"Item ${pushed}"`)}`);
    return page.data[0].id as string;
  };
  /** The item GET /v1/mentions answers for this mention (with ?brand= when given). */
  const listItem = async (mentionId: string, brand?: string) => {
    const { body } = await system.api(`/v1/mentions?limit=500${brand === undefined ? '' : `&brand=${brand}`}`);
    return (body.data as Array<{ id: string }>).find((item) => item.id === mentionId);
  };

  beforeAll(async () => {
    slack = await startFixtureServer();
    slack.route('/services/T000/B000/stream', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    system = await startTestSystem({
      configYaml: configYaml(`${slack.baseUrl}/services/T000/B000/stream`),
      roles: ['api', 'scorer', 'alerter'],
      logLevel: 'debug',
    });
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    for (const connection of opened) connection.close();
    redis?.disconnect();
    await system?.stop();
    await slack?.close();
  });

  it('issues a stream token to any key: 201, an opaque url-safe token and when it expires', async () => {
    const before = Date.now();
    const answer = await issueToken();
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['expires_at', 'token']);
    expect(answer.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAtMs = Date.parse(answer.body.expires_at);
    expect(expiresAtMs).toBeGreaterThanOrEqual(before + 300_000);
    expect(expiresAtMs).toBeLessThanOrEqual(Date.now() + 300_000);
    // Kept in Redis by its hash only, under the installation's prefix, for the configured 5 minutes.
    const ttlMs = await redis.pttl(streamTokenKey(system.prefix, answer.body.token));
    expect(ttlMs).toBeGreaterThan(290_000);
    expect(ttlMs).toBeLessThanOrEqual(300_000);
    expect(await redis.get(streamTokenKey(system.prefix, answer.body.token))).toBe(JSON.stringify({ key: 'reader', scope: 'read' }));
    expect((await issueToken()).body.token).not.toBe(answer.body.token);
    expect((await system.api('/v1/stream-tokens', { key: null, method: 'POST' })).status).toBe(401);
  });

  it('opens with a token or with a Bearer key, as an event stream that starts with retry: 3000', async () => {
    const { body } = await issueToken();
    for (const stream of [await open(`?token=${body.token}`), await open('', { authorization: `Bearer ${READ_KEY}` })]) {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-cache');
      expect(stream.headers['x-accel-buffering']).toBe('no');
      expect(await stream.next()).toEqual({ retry: 3000 });
      stream.close();
    }
  });

  it('refuses a missing, unknown or expired token with 401, and a key in the URL', async () => {
    const missing = await open('');
    expect([missing.status, missing.errorBody.error.code]).toEqual([401, 'BUZZ_ERR_UNAUTHORIZED']);
    const unknown = await open(`?token=${'A'.repeat(43)}`);
    expect([unknown.status, unknown.errorBody]).toEqual([
      401,
      { error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'unknown or expired stream token: ask POST /v1/stream-tokens for a new one' } },
    ]);
    // The key itself is no token.
    const keyAsToken = await open(`?token=${READ_KEY}`);
    expect([keyAsToken.status, keyAsToken.errorBody.error.code]).toEqual([401, 'BUZZ_ERR_UNAUTHORIZED']);
    const keyOnly = await open(`?key=${READ_KEY}`);
    expect([keyOnly.status, keyOnly.errorBody]).toEqual([
      401,
      { error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'missing API key: send Authorization: Bearer <key>' } },
    ]);
    const keyParameter = await open(`?key=${READ_KEY}`, { authorization: `Bearer ${READ_KEY}` });
    expect([keyParameter.status, keyParameter.errorBody]).toEqual([
      400,
      { error: { code: 'BUZZ_ERR_VALIDATION', message: 'querystring.key is not a known parameter' } },
    ]);
    const unknownBrand = await open('?brand=initech', { authorization: `Bearer ${READ_KEY}` });
    expect([unknownBrand.status, unknownBrand.errorBody]).toEqual([
      400,
      { error: { code: 'BUZZ_ERR_VALIDATION', message: 'brand: brand "initech" is not configured (known: acme, globex)' } },
    ]);
    // A token opens only streams.
    const { body } = await issueToken();
    const elsewhere = await fetch(`${system.baseUrl}/v1/mentions?token=${body.token}`);
    expect(elsewhere.status).toBe(401);
  });

  it('sends each newly stored mention as a mention event equal to its GET /v1/mentions item, per brand', async () => {
    const { body } = await issueToken();
    const all = await open(`?token=${body.token}`);
    const acmeOnly = await open('?brand=acme', { authorization: `Bearer ${READ_KEY}` });
    const globexOnly = await open('?brand=globex', { authorization: `Bearer ${READ_KEY}` });
    for (const stream of [all, acmeOnly, globexOnly]) expect(stream.status).toBe(200);

    const globexId = await pushMention('Globex opens a new plant.');
    const bothId = await pushMention('Acme and Globex announce a merger.');
    const acmeId = await pushMention('Acme ships a new phone.');

    const allEvents = [await all.next(isMention), await all.next(isMention), await all.next(isMention)];
    expect(allEvents.map((event) => JSON.parse(event.data as string))).toEqual([await listItem(globexId), await listItem(bothId), await listItem(acmeId)]);
    expect(allEvents.map((event) => typeof event.id)).toEqual(['string', 'string', 'string']);
    // The acme stream never saw the globex mention: its first mention is the merger, then the phone.
    const acmeEvents = [await acmeOnly.next(isMention), await acmeOnly.next(isMention)];
    expect(acmeEvents.map((event) => JSON.parse(event.data as string))).toEqual([await listItem(bothId, 'acme'), await listItem(acmeId, 'acme')]);
    expect(acmeOnly.messages.filter(isMention)).toHaveLength(2);
    const globexEvents = [await globexOnly.next(isMention), await globexOnly.next(isMention)];
    expect(globexEvents.map((event) => JSON.parse(event.data as string))).toEqual([await listItem(globexId, 'globex'), await listItem(bothId, 'globex')]);
    // The same event has the same id on every stream.
    expect(acmeEvents[0]?.id).toBe(allEvents[1]?.id);
    expect(globexEvents[1]?.id).toBe(allEvents[1]?.id);
  });

  it('publishes nothing for a redelivered batch that stores nothing new', async () => {
    const stream = await open('', { authorization: `Bearer ${READ_KEY}` });
    const mentionId = await pushMention('Acme hires a new designer.');
    await stream.next((message) => isMention(message) && JSON.parse(message.data as string).id === mentionId);
    const logged = await redis.xlen(liveEventsKey(system.prefix));
    // The same mention again, as a sender retrying would push it: stored once, announced once.
    const storedBefore = new Set(system.stores.completed.map((job) => job.jobId));
    const body = { mentions: [{ id: `stream-${pushed}`, url: `https://news.example/stream/${pushed}`, title: `Item ${pushed}`, text: 'Acme hires a new designer.', published_at: new Date().toISOString() }] };
    expect((await pushWebhook(system.baseUrl, 'hook', JSON.stringify(body), { secret: HOOK_SECRET })).status).toBe(202);
    const { result } = await system.stores.next((job) => !storedBefore.has(job.jobId));
    expect(result).toEqual({ received: 1, inserted: 0, duplicates: 1, rejected: 0, expired: 0 });
    expect(await redis.xlen(liveEventsKey(system.prefix))).toBe(logged);
    const nextId = await pushMention('Acme opens a store.');
    expect(JSON.parse((await stream.next(isMention)).data as string).id).toBe(nextId);
  });

  it('replays exactly the events after Last-Event-ID (header or last_event_id with a fresh token), then goes on live', async () => {
    const first = await open('?brand=acme', { authorization: `Bearer ${READ_KEY}` });
    const seenId = await pushMention('Acme before the break.');
    const seen = await first.next((message) => isMention(message) && JSON.parse(message.data as string).id === seenId);
    first.close();
    const missedAcme = await pushMention('Acme during the break.');
    await pushMention('Globex during the break.');
    const missedAcmeToo = await pushMention('Acme still during the break.');

    const resumed = await open('?brand=acme', { authorization: `Bearer ${READ_KEY}`, 'last-event-id': seen.id as string });
    const { body } = await issueToken();
    const resumedByQuery = await open(`?brand=acme&token=${body.token}&last_event_id=${seen.id}`);
    for (const stream of [resumed, resumedByQuery]) {
      const replayed = [await stream.next(isMention), await stream.next(isMention)];
      expect(replayed.map((event) => JSON.parse(event.data as string))).toEqual([await listItem(missedAcme, 'acme'), await listItem(missedAcmeToo, 'acme')]);
    }
    const afterwards = await pushMention('Acme after the break.');
    for (const stream of [resumed, resumedByQuery]) {
      expect(JSON.parse((await stream.next(isMention)).data as string)).toEqual(await listItem(afterwards, 'acme'));
      // Nothing twice, nothing of globex.
      expect(stream.messages.filter(isMention)).toHaveLength(3);
    }
    const bad = await open('', { authorization: `Bearer ${READ_KEY}`, 'last-event-id': 'yesterday' });
    expect([bad.status, bad.errorBody]).toEqual([400, { error: { code: 'BUZZ_ERR_VALIDATION', message: 'Last-Event-ID is not an event id of this stream' } }]);
  });

  it('sends an alert event when the alerter opens an alert, when its message is delivered, and when it is acknowledged', async () => {
    const acme = await open('?brand=acme', { authorization: `Bearer ${READ_KEY}` });
    const globex = await open('?brand=globex', { authorization: `Bearer ${READ_KEY}` });
    await pushMention('Everyone should boycott Acme now.');
    // The scorer asks for an evaluation after new mentions; the keyword rule fires.
    const opened = JSON.parse((await acme.next(isAlert, 'alert opened')).data as string);
    expect(opened).toMatchObject({ brand_id: 'acme', status: 'firing', acked_at: null });
    const sent = JSON.parse(
      (await acme.next((message) => isAlert(message) && JSON.parse(message.data as string).notifications[0]?.status === 'sent', 'alert delivered')).data as string,
    );
    expect(sent).toEqual((await system.api(`/v1/alerts/${opened.id}`)).body.data);

    const ack = await system.api(`/v1/alerts/${opened.id}/ack`, { key: ADMIN_KEY, method: 'POST', body: { comment: 'on it' } });
    expect(ack.status).toBe(200);
    const acked = JSON.parse((await acme.next((message) => isAlert(message) && JSON.parse(message.data as string).acked_at !== null, 'alert acked')).data as string);
    expect(acked).toMatchObject({ id: opened.id, acked_by: 'admin', ack_comment: 'on it' });
    expect(acked).toEqual((await system.api(`/v1/alerts/${opened.id}`)).body.data);
    // Another brand's stream hears none of it.
    const globexMention = await pushMention('Globex builds a bridge.');
    await globex.next((message) => isMention(message) && JSON.parse(message.data as string).id === globexMention);
    expect(globex.messages.filter(isAlert)).toEqual([]);
  });

  it('never writes a stream token, or a key sent in a URL, to the log', () => {
    expect(issuedTokens.length).toBeGreaterThan(3);
    const logText = system.logLines.join('\n');
    // The requests were logged (with the parameter, its value hidden)...
    expect(logText).toContain('/v1/stream?token=[redacted]');
    expect(logText).toContain('/v1/stream?key=[redacted]');
    for (const token of issuedTokens) expect(logText).not.toContain(token);
    expect(logText).not.toContain(READ_KEY);
    expect(logText).not.toContain(ADMIN_KEY);
  });
});

// Short enough to wait out, long enough for the stream to be opened with the token before it expires: with the
// least allowed (1 s) the open had to come within a second of the issue, which a loaded machine does not promise.
const TOKEN_TTL_MS = 5_000;

describe('GET /v1/stream with short token and heartbeat settings', () => {
  let system: TestSystem;
  let redis: Redis;
  const opened: SseConnection[] = [];

  beforeAll(async () => {
    system = await startTestSystem({
      configYaml: configYaml('http://127.0.0.1:9/unused', `\n  stream_token_ttl: ${TOKEN_TTL_MS / 1000}s\n  stream_heartbeat: 200ms\n`),
      roles: ['api'],
    });
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    for (const connection of opened) connection.close();
    redis?.disconnect();
    await system?.stop();
  });

  it('sends a heartbeat comment every api.stream_heartbeat', async () => {
    const stream = await openSse(`${system.baseUrl}/v1/stream`, { authorization: `Bearer ${READ_KEY}` });
    opened.push(stream);
    expect(await stream.next()).toEqual({ retry: 3000 });
    expect(await stream.next()).toEqual({ comment: 'heartbeat' });
    expect(await stream.next()).toEqual({ comment: 'heartbeat' });
  });

  it('lets a token open streams until api.stream_token_ttl, and keeps a stream open past its token', async () => {
    const before = Date.now();
    const { status, body } = await system.api('/v1/stream-tokens', { method: 'POST' });
    expect(status).toBe(201);
    expect(Date.parse(body.expires_at)).toBeGreaterThanOrEqual(before + TOKEN_TTL_MS);
    expect(Date.parse(body.expires_at)).toBeLessThanOrEqual(Date.now() + TOKEN_TTL_MS);
    const stream = await openSse(`${system.baseUrl}/v1/stream?token=${body.token}`);
    opened.push(stream);
    expect(stream.status).toBe(200);
    // Redis expires it; nothing else can be awaited.
    const tokenKey = streamTokenKey(system.prefix, body.token);
    while ((await redis.exists(tokenKey)) === 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await openSse(`${system.baseUrl}/v1/stream?token=${body.token}`);
    expect([refused.status, refused.errorBody.error.code]).toEqual([401, 'BUZZ_ERR_UNAUTHORIZED']);
    // The stream opened with it goes on.
    const heartbeatsBefore = stream.messages.filter((message) => message.comment === 'heartbeat').length;
    await stream.next((message) => message.comment === 'heartbeat' && stream.messages.filter((each) => each.comment === 'heartbeat').length > heartbeatsBefore);
  });

  it('ends every stream on a config reload, so that clients resume under the new config', async () => {
    const stream = await openSse(`${system.baseUrl}/v1/stream`, { authorization: `Bearer ${READ_KEY}` });
    opened.push(stream);
    expect(stream.status).toBe(200);
    await system.reload('test');
    await stream.ended;
    expect(stream.messages[0]).toEqual({ retry: 3000 });
    // The reloaded app serves streams.
    const again = await openSse(`${system.baseUrl}/v1/stream`, { authorization: `Bearer ${READ_KEY}` });
    opened.push(again);
    expect(again.status).toBe(200);
    expect(await again.next((message) => message.comment === 'heartbeat')).toEqual({ comment: 'heartbeat' });
  });

  it('ends every stream when the process stops, so that the server can drain', async () => {
    const stream = await openSse(`${system.baseUrl}/v1/stream`, { authorization: `Bearer ${READ_KEY}` });
    opened.push(stream);
    expect(stream.status).toBe(200);
    const stopping = system.stop();
    system = undefined as unknown as TestSystem;
    await stream.ended;
    await stopping;
  });
});
