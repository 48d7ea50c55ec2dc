// Inbound webhooks (POST /v1/webhooks/:sourceId): the signature is checked over the raw bytes before anything else,
// bad bodies are refused naming the field, accepted mentions are stored exactly once (invariant 1), a 202 means the
// batch is in Redis and a 503 means none of it is (invariant 2), and neither the secret nor a signature is ever
// logged or echoed (invariant 5).
import type { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';
import { canonicalUrl } from '../../src/mentions/canonical-url.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { SIGNATURE_HEADER, signatureDigest, signBody } from '../../src/net/webhook-signature.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { createLogger } from '../../src/runtime/logger.js';
import { QueueName } from '../../src/queue/queues.js';
import type { BatchOutcome } from '../../src/scorer/score-and-store.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { watchQueue } from '../helpers/queue-watch.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { jobsEverQueued, pushWebhook, sentSignatures, type PushAnswer, type PushOptions } from '../helpers/webhook-push.js';
import { SkippedResults } from '../../src/sources/skipped-results.js';

const PRESS_SECRET = 'press-secret-0123456789abcdef';
const PARTNER_SECRET = 'partner-secret-fedcba9876543210';
const WRONG_SECRET = 'wrong-secret-nobody-configured-42';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
sources:
  - { id: press-hook, type: webhook, secret: "\${PRESS_SECRET}" }
  - { id: partner-hook, type: webhook, secret: "\${PARTNER_SECRET}", brands: [globex] }
  - { id: tech-news, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
${TEST_API_KEYS}`;
const ENV = { PRESS_SECRET, PARTNER_SECRET };

const pressId = (senderId: string) => mentionId(null, 'webhook:press-hook', senderId);
const urlId = (url: string) => mentionId(canonicalUrl(url), 'webhook', null);

interface StoredRow {
  id: string;
  source_id: string;
  source_type: string;
  external_id: string | null;
  url: string | null;
  title: string | null;
  content: string;
  author: string | null;
  lang: string | null;
  published_at: Date | null;
  reach: number | null;
  backfill: boolean;
  brands: string[];
}

async function storedRows(system: TestSystem): Promise<StoredRow[]> {
  const { rows } = await system.db.database.query<StoredRow>(
    `SELECT m.id, m.source_id, m.source_type, m.external_id, m.url, m.title, m.content, m.author, m.lang, m.published_at,
            m.reach, m.backfill, array_agg(mb.brand_id ORDER BY mb.brand_id) AS brands
       FROM mentions m JOIN mention_brands mb ON mb.mention_id = m.id
      GROUP BY m.id, m.occurred_at ORDER BY m.id`,
  );
  return rows;
}

/** Pushes a body (JSON-encoded, or `rawBody` as given) and, when it queued a batch, waits until the scorer has stored it. */
async function pushAndStore(
  system: TestSystem,
  sourceId: string,
  body: unknown,
  options: PushOptions & { rawBody?: Buffer },
): Promise<{ answer: PushAnswer; report: BatchOutcome | null }> {
  const storedBefore = new Set(system.stores.completed.map((job) => job.jobId));
  const answer = await pushWebhook(system.baseUrl, sourceId, options.rawBody ?? JSON.stringify(body), options);
  if (answer.status !== 202 || answer.body.matched === 0) return { answer, report: null };
  const { result } = await system.stores.next((job) => !storedBefore.has(job.jobId));
  return { answer, report: result };
}

describe('POST /v1/webhooks/:sourceId', () => {
  let system: TestSystem;
  /** Every answer this block received, checked at the end for secrets and signatures. */
  const answers: PushAnswer[] = [];
  const push = async (sourceId: string, body: string | Buffer, options: PushOptions) => {
    const answer = await pushWebhook(system.baseUrl, sourceId, body, options);
    answers.push(answer);
    return answer;
  };
  const queuedJobs = () => jobsEverQueued(system.runtime.queues.mentions);

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG_YAML, env: ENV, roles: ['api', 'poller', 'scorer'], logLevel: 'debug' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('stores a signed mention once, without an API key, and stores nothing new when the same body comes again', async () => {
    const before = await system.api('/v1/sources');
    expect(before.body.data.find((source: any) => source.id === 'press-hook')).toMatchObject({ status: 'new', last_ok_at: null });

    const mention = {
      id: 'story-1',
      url: 'https://News.example/acme-launch?utm_source=zapier#top',
      text: 'Acme launches its rocket skates today.',
      title: 'Acme launch',
      author: 'Jane Reporter',
      published_at: '2026-03-01T10:00:00+01:00',
      lang: 'en-GB',
      reach: 1200,
    };
    const pushedAt = Date.now();
    const first = await pushAndStore(system, 'press-hook', mention, { secret: PRESS_SECRET });
    answers.push(first.answer);
    expect(first.answer.status).toBe(202);
    expect(first.answer.body).toEqual({ accepted: 1, matched: 1 });
    // The job's result is counts only: ids would be kept in Redis with every completed job.
    expect(first.report).toEqual({ received: 1, inserted: 1, duplicates: 0, rejected: 0, expired: 0 });
    expect(await storedRows(system)).toEqual([
      {
        id: pressId('story-1'),
        source_id: 'press-hook',
        source_type: 'webhook',
        external_id: 'story-1',
        url: 'https://news.example/acme-launch',
        title: 'Acme launch',
        content: 'Acme launches its rocket skates today.',
        author: 'Jane Reporter',
        lang: 'en',
        published_at: new Date('2026-03-01T09:00:00Z'),
        reach: 1200,
        backfill: false,
        brands: ['acme'],
      },
    ]);

    const again = await pushAndStore(system, 'press-hook', mention, { secret: PRESS_SECRET });
    answers.push(again.answer);
    expect(again.answer.status).toBe(202);
    expect(again.answer.body).toEqual({ accepted: 1, matched: 1 });
    expect(again.report).toEqual({ received: 1, inserted: 0, duplicates: 1, rejected: 0, expired: 0 });
    expect((await storedRows(system)).map((row) => row.id)).toEqual([pressId('story-1')]);

    // A push is the source's sign of life.
    const after = await system.api('/v1/sources');
    const press = after.body.data.find((source: any) => source.id === 'press-hook');
    expect(press).toMatchObject({ type: 'webhook', status: 'ok', consecutive_failures: 0, last_error: null, mentions_total: 1 });
    expect(Date.parse(press.last_ok_at)).toBeGreaterThanOrEqual(pushedAt - 1000);
    expect(after.body.data.find((source: any) => source.id === 'partner-hook')).toMatchObject({ status: 'new', last_ok_at: null });
  });

  it('takes a batch: ids from the sender scoped by source, the canonical URL without one, unmatched items not queued', async () => {
    const before = new Set((await storedRows(system)).map((row) => row.id));
    const batch = {
      mentions: [
        { id: 'a-1', url: 'https://blog.example/acme-review', text: 'An Acme review.' },
        { url: 'https://forum.example/t/42?utm_medium=social', text: 'Has anyone tried Acme skates?' },
        { id: 'a-3', url: 'https://blog.example/weather', text: 'Sunny all week.' },
      ],
    };
    const { answer, report } = await pushAndStore(system, 'press-hook', batch, { secret: PRESS_SECRET });
    answers.push(answer);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: 3, matched: 2 });
    expect(report).toEqual({ received: 2, inserted: 2, duplicates: 0, rejected: 0, expired: 0 });
    const added = (await storedRows(system)).filter((row) => !before.has(row.id));
    expect(added.map((row) => [row.id, row.external_id, row.url]).sort()).toEqual(
      [
        [pressId('a-1'), 'a-1', 'https://blog.example/acme-review'],
        [urlId('https://forum.example/t/42'), null, 'https://forum.example/t/42'],
      ].sort(),
    );

    // Another sender numbering its items the same way gets its own rows; a numeric id is the same as its digits.
    const partner = await pushAndStore(
      system,
      'partner-hook',
      { mentions: [{ id: 'a-1', url: 'https://partner.example/1', text: 'Globex news.' }, { id: 7, url: 'https://partner.example/7', text: 'Globex and Acme.' }] },
      { secret: PARTNER_SECRET },
    );
    answers.push(partner.answer);
    expect(partner.answer.body).toEqual({ accepted: 2, matched: 2 });
    const partnerIds = [mentionId(null, 'webhook:partner-hook', 'a-1'), mentionId(null, 'webhook:partner-hook', '7')];
    expect(partner.report).toEqual({ received: 2, inserted: 2, duplicates: 0, rejected: 0, expired: 0 });
    expect(partnerIds).not.toContain(pressId('a-1'));
    // partner-hook is limited to globex: Acme in the text does not link the mention to acme.
    const rows = await storedRows(system);
    expect(rows.filter((row) => row.source_id === 'partner-hook').map((row) => row.id).sort()).toEqual([...partnerIds].sort());
    expect(rows.find((row) => row.id === partnerIds[1])).toMatchObject({ external_id: '7', brands: ['globex'] });
  });

  it('answers 401 naming what is wrong with the signature, and queues nothing', async () => {
    const body = JSON.stringify({ url: 'https://news.example/acme-401', text: 'Acme is great.' });
    const queuedBefore = await queuedJobs();
    const signed = signBody(PRESS_SECRET, body);
    const timestamp = Number(/^t=(\d+)/.exec(signed)?.[1]);
    const altered = body.replace('great', 'grEat');
    const cases: Array<[string, string | Buffer, PushOptions, string]> = [
      ['wrong secret', body, { secret: WRONG_SECRET }, 'signature does not match the body'],
      ['one byte altered', altered, { signature: signed }, 'signature does not match the body'],
      ['stale (301 s)', body, { secret: PRESS_SECRET, signedAt: new Date(Date.now() - 301_000) }, 'signature timestamp is more than 300 s from now'],
      // Seconds are rounded down, so a future one needs a margin to stay out of the window until the request lands.
      ['from the future', body, { secret: PRESS_SECRET, signedAt: new Date(Date.now() + 310_000) }, 'signature timestamp is more than 300 s from now'],
      ['missing', body, { signature: null }, 'missing X-Buzzwatch-Signature header'],
      [
        'malformed',
        body,
        { signature: `sha256=${signatureDigest(PRESS_SECRET, timestamp, body)}` },
        'malformed X-Buzzwatch-Signature header (expected t=<unix seconds>,v1=<hex>)',
      ],
      // An API key is no substitute for the signature.
      ['API key only', body, { signature: null, headers: { authorization: `Bearer ${ADMIN_KEY}` } }, 'missing X-Buzzwatch-Signature header'],
      // The signature comes before the body: an unauthenticated caller learns nothing about the schema.
      ['invalid body, wrong secret', '{"nonsense": true', { secret: WRONG_SECRET }, 'signature does not match the body'],
    ];
    for (const [name, sent, options, message] of cases) {
      const answer = await push('press-hook', sent, options);
      expect(answer.status, name).toBe(401);
      expect(answer.body, name).toEqual({ error: { code: 'BUZZ_ERR_INVALID_SIGNATURE', message } });
    }
    // The answer to the altered body never gives away the signature that would have matched it.
    const wouldMatch = signatureDigest(PRESS_SECRET, timestamp, altered);
    expect(answers.some((answer) => answer.text.includes(wouldMatch))).toBe(false);
    expect(await queuedJobs()).toBe(queuedBefore);
    // Within the tolerance is fine.
    const recent = await push('press-hook', JSON.stringify({ url: 'https://news.example/weather', text: 'Rain.' }), {
      secret: PRESS_SECRET,
      signedAt: new Date(Date.now() - 290_000),
    });
    expect(recent.status).toBe(202);
    expect(recent.body).toEqual({ accepted: 1, matched: 0 });
    expect(await queuedJobs()).toBe(queuedBefore);
  });

  it('answers 400 naming the bad field, and queues nothing', async () => {
    const queuedBefore = await queuedJobs();
    const valid = (index: number) => ({ url: `https://news.example/acme-${index}`, text: 'Acme news.' });
    const cases: Array<[unknown, string]> = [
      [{ text: 'Acme without a link.' }, 'url is required'],
      [{ url: 'https://news.example/x' }, 'text is required'],
      [
        { mentions: [valid(0), valid(1), valid(2), { url: 'ftp://files.example/acme', text: 'Acme.' }] },
        'mentions[3].url must be an http(s) URL of at most 8000 characters',
      ],
      [{ url: 'https://news.example/long', text: 'a'.repeat(100_001) }, 'text must be a string of at most 100000 characters'],
      [
        { url: 'https://news.example/date', text: 'Acme.', published_at: '01/03/2026 10:00' },
        'published_at must be an ISO 8601 time with a time zone, such as 2026-01-31T09:30:00Z, or null',
      ],
      [{ mentions: [valid(0), { ...valid(1), reach: -1 }] }, 'mentions[1].reach must be a number of at least 0, or null'],
      [{ mentions: Array.from({ length: 501 }, (_unused, index) => valid(index)) }, 'mentions must be an array of 1 to 500 mentions'],
      [{ mentions: [] }, 'mentions must be an array of 1 to 500 mentions'],
      [
        { url: 'https://news.example/typo', text: 'Acme.', publised_at: '2026-03-01T10:00:00Z' },
        'publised_at is not a known field (known: url, text, id, title, author, published_at, lang, reach)',
      ],
      [
        { mentions: [valid(0)], source: 'zapier' },
        'source is not a known field (known: mentions)',
      ],
      [[valid(0)], 'the body must be a JSON object: one mention object, or {"mentions": [...]}'],
      [
        { mentions: [{ url: 'mailto:x@example.com', text: 7 }, { ...valid(1), id: '' }] },
        'mentions[0].url must be an http(s) URL of at most 8000 characters; mentions[0].text must be a string of at most 100000 characters; ' +
          'mentions[1].id must be a string of 1 to 2000 characters or a whole number, or null',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await push('press-hook', JSON.stringify(body), { secret: PRESS_SECRET });
      expect(answer.status, message).toBe(400);
      expect(answer.body, message).toEqual({ error: { code: 'BUZZ_ERR_VALIDATION', message } });
    }
    const notJson = await push('press-hook', '{"url": "https://news.example/x",', { secret: PRESS_SECRET });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('BUZZ_ERR_VALIDATION');
    expect(notJson.body.error.message).toMatch(/^the body is not valid JSON: /);
    expect(await queuedJobs()).toBe(queuedBefore);
  });

  it('answers 413 for a signed body over 1 MiB and takes one of exactly 1 MiB', async () => {
    const MiB = 1024 * 1024;
    /** Eleven mentions of filler text (no brand) padded to `size` bytes of JSON. */
    const bodyOf = (size: number) => {
      const mentions = Array.from({ length: 11 }, (_unused, index) => ({ url: `https://big.example/${index}`, text: 'x'.repeat(95_000) }));
      const shortBy = size - Buffer.byteLength(JSON.stringify({ mentions }));
      mentions[0] = { url: 'https://big.example/0', text: 'x'.repeat(95_000 + shortBy) };
      const body = JSON.stringify({ mentions });
      expect(Buffer.byteLength(body)).toBe(size);
      return body;
    };
    const over = await push('press-hook', bodyOf(MiB + 1), { secret: PRESS_SECRET });
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ error: { code: 'BUZZ_ERR_PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
    const limit = await push('press-hook', bodyOf(MiB), { secret: PRESS_SECRET });
    expect(limit.status).toBe(202);
    expect(limit.body).toEqual({ accepted: 11, matched: 0 });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const body = 'url=https://news.example/acme&text=Acme';
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await push('press-hook', body, { secret: PRESS_SECRET, contentType });
      expect(answer.status, contentType).toBe(415);
      expect(answer.body, contentType).toEqual({ error: { code: 'BUZZ_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type' } });
    }
    // No body and no content type at all (signed, or it would be a 401): not JSON.
    const bare = await fetch(`${system.baseUrl}/v1/webhooks/press-hook`, {
      method: 'POST',
      headers: { [SIGNATURE_HEADER]: signBody(PRESS_SECRET, '') },
    });
    expect(bare.status).toBe(415);
    expect(await bare.json()).toEqual({
      error: { code: 'BUZZ_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'send the mentions as JSON, with Content-Type: application/json' },
    });
    // A charset parameter is still JSON.
    const json = JSON.stringify({ url: 'https://news.example/charset', text: 'No brand here.' });
    const withCharset = await push('press-hook', json, { secret: PRESS_SECRET, contentType: 'application/json; charset=utf-8' });
    expect(withCharset.status).toBe(202);
  });

  it('reads a body in the charset it declares: UTF-16 in either byte order, with or without a byte-order mark', async () => {
    const text = 'Acme в Łodzi: świetne ☕ 😀';
    const utf16le = (json: string) => Buffer.from(json, 'utf16le');
    const utf16be = (json: string) => Buffer.from(json, 'utf16le').swap16();
    const withBom = (bom: number[], body: Buffer) => Buffer.concat([Buffer.from(bom), body]);
    const cases: Array<[string, (json: string) => Buffer]> = [
      ['utf-16le', utf16le],
      ['utf-16be', utf16be],
      ['utf-16', (json) => withBom([0xff, 0xfe], utf16le(json))],
      ['utf-16', (json) => withBom([0xfe, 0xff], utf16be(json))],
      ['utf-16', utf16le],
      ['utf-16', utf16be],
    ];
    for (const [index, [charset, encode]] of cases.entries()) {
      const url = `https://news.example/utf16-${index}`;
      const { answer, report } = await pushAndStore(system, 'press-hook', null, {
        secret: PRESS_SECRET,
        contentType: `application/json; charset=${charset}`,
        rawBody: encode(JSON.stringify({ url, text })),
      });
      answers.push(answer);
      expect(answer.status, `${index} ${charset}`).toBe(202);
      expect(report, `${index} ${charset}`).toMatchObject({ received: 1, inserted: 1 });
      const stored = (await storedRows(system)).find((row) => row.id === urlId(url));
      expect(stored?.content, `${index} ${charset}`).toBe(text);
    }
    const unreadable = await push('press-hook', Buffer.from('{}'), { secret: PRESS_SECRET, contentType: 'application/json; charset=utf-32' });
    expect(unreadable.status).toBe(415);
    expect(unreadable.body).toEqual({
      error: { code: 'BUZZ_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'charset "utf-32" is not one this API can read; send UTF-8 (or UTF-16)' },
    });
  });

  it('answers 404 for an unknown source and for a source that is not a webhook, before looking at the signature', async () => {
    const body = JSON.stringify({ url: 'https://news.example/acme', text: 'Acme.' });
    for (const sourceId of ['no-such-source', 'tech-news']) {
      for (const options of [{ secret: PRESS_SECRET }, { signature: null }] satisfies PushOptions[]) {
        const answer = await push(sourceId, body, options);
        expect(answer.status, sourceId).toBe(404);
        expect(answer.body, sourceId).toEqual({ error: { code: 'BUZZ_ERR_NOT_FOUND', message: `no webhook source with id ${sourceId}` } });
      }
    }
  });

  it('gives webhook sources no poll schedule, and previewing or polling one says it is push-only', async () => {
    const schedulers = await system.runtime.queues.poll.getJobSchedulers(0, -1);
    expect(schedulers.map((scheduler) => scheduler.key)).toEqual(['tech-news']);
    const press = system.runtime.sources.get('press-hook');
    if (press === undefined) throw new Error('press-hook was not built');
    const preview = await previewSource(press, { brandRules: system.runtime.brandRules, http: system.runtime.http, logger: createLogger('silent') });
    expect(preview).toEqual({
      ok: false,
      reason: 'press-hook: a webhook source is push-only (senders POST to /v1/webhooks/press-hook); there is nothing to preview',
    });
    await expect(press.poll({}, { http: system.runtime.http, logger: createLogger('silent'), now: new Date(), throttle: system.runtime.throttle, skipped: new SkippedResults() })).rejects.toThrow(
      'press-hook is a webhook source: senders push to POST /v1/webhooks/press-hook; it is never polled',
    );
    expect(system.polls.completed.filter((job) => job.jobId.includes('hook'))).toEqual([]);
  });

  it('never writes a secret or a signature into a log line or an answer', () => {
    expect(sentSignatures.length).toBeGreaterThan(20);
    const log = system.logLines.join('\n');
    expect(log).toContain('webhook signature refused');
    expect(log).toContain('webhook accepted');
    for (const secret of [PRESS_SECRET, PARTNER_SECRET, WRONG_SECRET]) {
      expect(log).not.toContain(secret);
      for (const answer of answers) expect(answer.text).not.toContain(secret);
    }
    for (const signature of sentSignatures) {
      const digest = signature.split('v1=')[1] ?? signature;
      expect(log).not.toContain(digest);
    }
  });
});

describe('a webhook secret in the config', () => {
  it('must be at least 16 characters, and the error does not print it', () => {
    const yaml = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: short-hook, type: webhook, secret: "\${HOOK_SECRET}" }
`;
    let thrown: unknown;
    try {
      parseConfig(yaml, { HOOK_SECRET: 'tooshort-123' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([
      { path: 'sources[0].secret', message: 'must be at least 16 characters (a guessable secret is no secret)' },
    ]);
    expect((thrown as Error).message).not.toContain('tooshort-123');
  });
});

/**
 * Resolves on the next `event`. Not events.once: that rejects on an 'error' event, and a connection to a Redis that
 * is down reports a refused reconnect as one.
 */
const nextEvent = (emitter: EventEmitter, event: string) => new Promise<void>((resolve) => emitter.once(event, () => resolve()));

describe('Redis unreachable', () => {
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    // Append-only, so that whatever Redis held before the kill is still there after the restart.
    redis = await startPrivateRedis({ appendOnly: true });
    system = await startTestSystem({ configYaml: CONFIG_YAML, env: ENV, roles: ['api', 'scorer'], redisUrl: redis.url });
  });

  afterAll(async () => {
    await system?.stop();
    await redis?.destroy();
  });

  it('answers 503 while Redis is down, and nothing from that request is stored once it is back', async () => {
    const closed = nextEvent(system.runtime.redis, 'close');
    await redis.kill();
    await closed;
    const lost = [1, 2, 3].map((index) => ({ id: `outage-${index}`, url: `https://news.example/acme-outage-${index}`, text: 'Acme, meanwhile.' }));
    const down = await pushWebhook(system.baseUrl, 'press-hook', JSON.stringify({ mentions: lost }), { secret: PRESS_SECRET });
    expect(down.status).toBe(503);
    expect(down.body).toEqual({
      error: { code: 'BUZZ_ERR_UNAVAILABLE', message: 'Redis is unreachable: nothing from this request was accepted; retry later' },
    });

    const ready = nextEvent(system.runtime.redis, 'ready');
    await redis.restart();
    await ready;
    const later = { id: 'after-outage', url: 'https://news.example/acme-back', text: 'Acme is back.' };
    // The system's own watcher may still be reconnecting and miss the event; a fresh one listens from now on.
    const stores = await watchQueue<BatchOutcome>(QueueName.mentions, system.prefix, redis.url);
    let answer: PushAnswer;
    let report: BatchOutcome;
    try {
      answer = await pushWebhook(system.baseUrl, 'press-hook', JSON.stringify({ mentions: [later] }), { secret: PRESS_SECRET });
      ({ result: report } = await stores.next(() => true));
    } finally {
      await stores.close();
    }
    expect(answer.status).toBe(202);
    expect(report).toEqual({ received: 1, inserted: 1, duplicates: 0, rejected: 0, expired: 0 });
    expect((await storedRows(system)).map((row) => row.id)).toEqual([pressId('after-outage')]);
    // The refused request left no job behind: the only one Redis ever held is the later push's.
    expect(await jobsEverQueued(system.runtime.queues.mentions)).toBe(1);
  });

  it('answers 503, not 500, when Redis dies while the push is being written to it', async () => {
    // Frozen, Redis takes the command and never answers; killed, it drops the connection under it, and the client
    // gives up on the command (ioredis' MaxRetriesPerRequestError).
    redis.pause();
    const body = JSON.stringify({ id: 'mid-push', url: 'https://news.example/acme-mid-push', text: 'Acme, mid-push.' });
    const answering = pushWebhook(system.baseUrl, 'press-hook', body, { secret: PRESS_SECRET });
    const closed = nextEvent(system.runtime.redis, 'close');
    try {
      // The command must be on the wire before the kill: wait until the producer has written it.
      // The request goes through the HTTP server, the signature check and the body parser first: 1 s (the default)
      // is not always enough for that on a loaded machine.
      await vi.waitFor(() => expect(system.runtime.redis.commandQueue.length).toBeGreaterThan(0), { timeout: 20_000 });
      await redis.kill();
      await closed;
      const answer = await answering;
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        error: { code: 'BUZZ_ERR_UNAVAILABLE', message: 'Redis is unreachable: nothing from this request was accepted; retry later' },
      });
    } finally {
      const ready = nextEvent(system.runtime.redis, 'ready');
      await redis.kill();
      await redis.restart();
      await ready;
    }
  });
});
