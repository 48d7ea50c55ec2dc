// Bad input never answers 500: every route the app registers is called with NUL characters, invalid Unicode,
// non-finite numbers, forged cursors and malformed URLs in each of its path parameters, query parameters and body
// fields, against the real PostgreSQL and Redis, and must answer 4xx in the API's error shape.
import { Writable } from 'node:stream';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { apiDepsOf, createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { TEST_REDIS_URL, createTestDatabase, obliterateQueues, uniqueName, type TestDatabase } from '../helpers/services.js';
import { ADMIN_KEY, TEST_API_KEYS } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
sources:
  - { id: tech-news, type: rss, url: "http://127.0.0.1:9/feed.xml", every: 1h }
  - { id: press-hook, type: webhook, secret: "press-secret-0123456789abcdef" }
alerts:
  rules:
    - { id: buzz, type: negative_buzz, channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "http://127.0.0.1:9/hook" }
${TEST_API_KEYS}
  rate_limit: { max: 100000 }
`;

const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Values for a path parameter, as they appear in the URL. */
const PATH_VALUES = ['%00', 'a%00b', '%ED%A0%80', '%E0%A4%A', 'x'.repeat(101), '%F0%9F%98%80', 'abc'];

/** Values for a query parameter, already percent-encoded. */
const QUERY_VALUES = [
  '%00',
  'acme%00',
  '%ED%A0%80',
  'Infinity',
  '-Infinity',
  '1e400',
  'NaN',
  '-1',
  '0',
  '99999999999999999999',
  '',
  encodeURIComponent(cursorOf(['2026-11-01T00:00:00.000Z', 'a\u0000b'])),
  encodeURIComponent(cursorOf(['-271821-04-20T00:00:00.000Z', 'abc'])),
  encodeURIComponent(cursorOf(['+275760-09-13T00:00:00.000Z', 'abc'])),
  encodeURIComponent(cursorOf(['2026-11-01T00:00:00.000Z', 'x'.repeat(5000)])),
  '-271821-04-20',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
];

// JSON.stringify cannot write a number that overflows; this placeholder is swapped for one in the sent text.
const HUGE_NUMBER = '<1e400>';

/** Values for a JSON body field. */
const BODY_VALUES: unknown[] = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', HUGE_NUMBER, -1, '', null, [], {}, 'x'.repeat(10_000)];

/** Every declared property of a route schema part (querystring, body), or none. */
function declaredProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

/** A plausible value per body property, so that one bad field at a time is what the route sees. */
function plausibleBody(properties: string[]): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const property of properties) base[property] = property.endsWith('_at') ? '2099-01-01T00:00:00Z' : 'acme';
  return base;
}

interface Probe {
  method: string;
  url: string;
  body?: unknown;
}

function probesFor(route: RouteOptions): Probe[] {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD');
  const parameters = route.url.match(/:\w+/g) ?? [];
  const fill = (value: string) => parameters.reduce((url, parameter) => url.replace(parameter, value), route.url);
  const probes: Probe[] = [];
  for (const method of methods) {
    const bodyProperties = declaredProperties(route.schema?.body);
    const body = bodyProperties.length > 0 ? plausibleBody(bodyProperties) : undefined;
    for (const value of PATH_VALUES) probes.push({ method, url: fill(value), body });
    const queryNames = [...declaredProperties(route.schema?.querystring), 'undeclared', 'a%00b'];
    for (const name of queryNames) {
      for (const value of QUERY_VALUES) probes.push({ method, url: `${fill('abc')}?${name}=${value}`, body });
    }
    for (const property of bodyProperties) {
      for (const value of BODY_VALUES) probes.push({ method, url: fill('abc'), body: { ...body, [property]: value } });
    }
    if (bodyProperties.length > 0) probes.push({ method, url: fill('abc'), body: { ...body, 'bad\u0000name': 'x' } });
  }
  return probes;
}

describe('every route under hostile input', () => {
  let db: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;
  const routes: RouteOptions[] = [];
  const logLines: string[] = [];

  const call = async (probe: Probe) => {
    const response = await app.inject({
      method: probe.method as 'GET',
      url: probe.url,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(probe.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(probe.body === undefined ? {} : { payload: JSON.stringify(probe.body).replaceAll(JSON.stringify(HUGE_NUMBER), '1e400') }),
      // A live stream (GET /v1/stream) never ends: the answer is taken as its headers arrive.
      payloadAsStream: true,
    });
    const contentType = (response.headers['content-type'] ?? '').toString();
    const stream = response.stream();
    if (contentType.startsWith('text/event-stream')) {
      stream.destroy();
      return { status: response.statusCode, body: {} as { error?: { code: string; message: string } } };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    // Successful answers may be text (/metrics); errors are always JSON.
    const json = contentType.startsWith('application/json');
    return { status: response.statusCode, body: (json ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as { error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = parseConfig(CONFIG_YAML, {});
    // Errors only: a request that failed unexpectedly logs "request failed" at error level.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
        done();
      },
    });
    const logger = createLogger('error', sink);
    runtime = await createRuntime(
      { configFile: 'inline', databaseUrl: db.url, redisUrl: TEST_REDIS_URL, port: 0, host: '127.0.0.1', logLevel: 'error', queuePrefix: uniqueName('bwq') },
      config,
      logger,
    );
    app = await buildApp(apiDepsOf(runtime), { logger, onRoute: (route) => routes.push(route) });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    if (runtime !== undefined) {
      await obliterateQueues(runtime.queues);
      await runtime.close();
    }
    await db?.drop();
  });

  it('answers the cases found by the fuzz campaign with a 400 naming the parameter', async () => {
    const cases: Array<[Probe, string]> = [
      [{ method: 'GET', url: '/v1/mentions/%00' }, 'params.id contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'GET', url: '/v1/alerts/ep%00' }, 'params.id contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'POST', url: '/v1/alerts/%00/ack' }, 'params.id contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'DELETE', url: '/v1/silences/%00' }, 'params.id contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'GET', url: '/v1/mentions?source=a%00' }, 'querystring.source contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'GET', url: '/v1/alerts?brand=%00' }, 'querystring.brand contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'GET', url: '/v1/alerts?rule=%00' }, 'querystring.rule contains a NUL character (\\u0000), which cannot be stored or searched'],
      [{ method: 'GET', url: '/v1/mentions?limit=Infinity' }, 'querystring.limit must be a finite number'],
      [{ method: 'GET', url: '/v1/alerts?limit=-Infinity' }, 'querystring.limit must be a finite number'],
      [
        { method: 'POST', url: '/v1/silences', body: { ends_at: '2099-01-01T00:00:00Z', comment: 'quiet\u0000please' } },
        'body.comment contains a NUL character (\\u0000), which cannot be stored or searched',
      ],
      [
        { method: 'POST', url: '/v1/silences', body: { ends_at: '2099-01-01T00:00:00Z', comment: 'half a pair \ud83d' } },
        'body.comment is not valid Unicode (it has an unpaired surrogate)',
      ],
      [{ method: 'GET', url: '/v1/mentions/%E0%A4%A' }, 'the URL path is not valid (malformed percent-encoding)'],
      [{ method: 'GET', url: `/v1/mentions/${'x'.repeat(101)}` }, 'a path parameter is longer than 100 characters'],
    ];
    for (const [probe, message] of cases) {
      const answer = await call(probe);
      expect(answer, `${probe.method} ${probe.url}`).toEqual({ status: 400, body: { error: { code: 'BUZZ_ERR_VALIDATION', message } } });
    }
    const forgedCursors = [cursorOf(['2026-11-01T00:00:00.000Z', 'a\u0000b']), cursorOf(['-271821-04-20T00:00:00.000Z', 'abc'])];
    for (const path of ['/v1/mentions', '/v1/alerts']) {
      for (const cursor of forgedCursors) {
        const answer = await call({ method: 'GET', url: `${path}?cursor=${encodeURIComponent(cursor)}` });
        expect(answer, `${path} ${cursor}`).toEqual({
          status: 400,
          body: { error: { code: 'BUZZ_ERR_INVALID_CURSOR', message: 'cursor is not one this API returned; start again without it' } },
        });
      }
    }
  });

  it('answers every probe of every route below 500, in the API error shape', async () => {
    const probed = new Set<string>();
    const failures: string[] = [];
    let probes = 0;
    for (const route of routes) {
      for (const probe of probesFor(route)) {
        probes++;
        probed.add(`${probe.method} ${route.url}`);
        const { status, body } = await call(probe);
        const shaped = status < 400 || (typeof body.error?.code === 'string' && /^BUZZ_ERR_[A-Z_]+$/.test(body.error.code));
        if (status >= 500 || !shaped) failures.push(`${probe.method} ${probe.url} ${JSON.stringify(probe.body)} → ${status} ${JSON.stringify(body)}`);
      }
    }
    expect(failures).toEqual([]);
    // The walk really covered the app: every resource the README documents was probed.
    for (const route of ['GET /v1/mentions/:id', 'POST /v1/alerts/:id/ack', 'DELETE /v1/silences/:id', 'POST /v1/silences', 'POST /v1/webhooks/:sourceId']) {
      expect(probed).toContain(route);
    }
    expect(probes).toBeGreaterThan(500);
    expect(logLines).toEqual([]);
  });
});
