// GET /openapi.json documents every route the app registers, each with its response schema (and its query, params
// and body schemas); /docs serves the reader from this process without a single asset from another host.
import type { RouteOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { TEST_API_KEYS } from '../helpers/test-system.js';

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; description?: string }>;
}

describe('the OpenAPI document', () => {
  let db: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const routes: RouteOptions[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = parseConfig(
      `brands:\n  - { id: acme, name: Acme, keywords: [acme] }\nsources:\n  - { id: hook, type: webhook, secret: "0123456789abcdef0123" }\n${TEST_API_KEYS}`,
      {},
    );
    const unused = () => Promise.reject(new Error('not used here'));
    app = await buildApp(
      { config, database: db.database, pingRedis: () => Promise.resolve(), pollNow: unused, enqueueMentionBatch: unused, queueStats: () => Promise.resolve([]) },
      { logger: pino({ level: 'silent' }), onRoute: (route) => routes.push(route) },
    );
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is OpenAPI 3.1, served without a key', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('buzzwatch API');
    expect(document.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('has every registered route with a response schema, and its request schemas', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const documented = routes.filter((route) => !(route.schema as { hide?: boolean } | undefined)?.hide && !route.url.startsWith('/docs'));
    expect(documented.length).toBeGreaterThanOrEqual(22);
    const missing: string[] = [];
    for (const route of documented) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      for (const method of [route.method].flat().filter((each) => each !== 'HEAD')) {
        const operation = document.paths[path]?.[method.toLowerCase()];
        const success = Object.entries(operation?.responses ?? {}).find(([status]) => /^2\d\d$/.test(status));
        const hasSchema = success !== undefined && (success[0] === '204' || Object.values(success[1].content ?? {}).some((media) => media.schema !== undefined));
        if (!hasSchema) missing.push(`${method} ${route.url}`);
        const schema = route.schema as { querystring?: unknown; params?: unknown; body?: unknown } | undefined;
        if (schema?.querystring !== undefined && !operation?.parameters?.some((parameter) => parameter.in === 'query')) missing.push(`${method} ${route.url} query`);
        if (schema?.params !== undefined && !operation?.parameters?.some((parameter) => parameter.in === 'path')) missing.push(`${method} ${route.url} params`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/stats', '/v1/share-of-voice', '/v1/top', '/v1/reports/monthly', '/v1/mentions/export', '/v1/mentions/{id}']));
    const stats = document.paths['/v1/stats']?.get;
    expect(stats?.parameters?.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['brand', 'since', 'until', 'tz', 'interval', 'group_by', 'include_backfill']),
    );
    expect(Object.keys(stats?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401']));
  });

  it('serves /docs and every asset it loads from this process, and names no other host', async () => {
    const entry = await app.inject({ method: 'GET', url: '/docs' });
    const pageUrl = entry.statusCode === 302 ? new URL(entry.headers.location as string, 'http://local/').pathname : '/docs';
    const page = await app.inject({ method: 'GET', url: pageUrl });
    expect(page.statusCode).toBe(200);
    const html = page.body;
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const assetResponse = await app.inject({ method: 'GET', url: new URL(asset, `http://local${pageUrl}`).pathname });
      expect({ asset, status: assetResponse.statusCode }).toEqual({ asset, status: 200 });
      // The initializer must read the document from here and ask no validator elsewhere.
      if (asset.includes('initializer')) {
        const code = assetResponse.body.replace(/^\s*\/\/.*$/gm, '');
        expect(code).not.toMatch(/https?:\/\//);
        expect(assetResponse.body).toContain('"validatorUrl":null');
      }
    }
  });
});
