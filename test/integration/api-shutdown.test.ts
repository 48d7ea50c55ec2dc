// A draining API answers what still arrives on open connections with a 503 in its own error shape, then hangs up,
// while the request it was already serving completes normally.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { createDatabase, type Database } from '../../src/store/database.js';
import { openRawConnection } from '../helpers/raw-http.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { READ_KEY, TEST_API_KEYS } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
${TEST_API_KEYS}`;

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: buzzwatch.test\r\nAuthorization: Bearer ${READ_KEY}\r\n\r\n`;

describe('an API shutting down', () => {
  let db: TestDatabase;
  let database: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One connection, which the test holds: a request needing PostgreSQL waits for it, so it is in flight for as
    // long as the test wants.
    database = createDatabase(db.url, { max: 1 });
    const deps: ApiDeps = {
      config: parseConfig(CONFIG_YAML, {}),
      database,
      pingRedis: () => Promise.reject(new Error('not used by this test')),
      pollNow: () => Promise.reject(new Error('not used by this test')),
      enqueueMentionBatch: () => Promise.reject(new Error('not used by this test')),
      queueStats: () => Promise.reject(new Error('not used by this test')),
    };
    app = await buildApp(deps, { logger: createLogger('silent') });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.end();
    await db?.drop();
  });

  it('finishes the request in flight and answers the next one on that connection with BUZZ_ERR_UNAVAILABLE', async () => {
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on a port');
    const held = await database.connect();
    const connection = await openRawConnection(address.port);
    connection.write(request('/v1/brands'));
    // The request goes through the HTTP server and the key check first: 1 s (the default) is not always enough for
    // that on a loaded machine.
    await vi.waitFor(() => expect(database.waitingCount).toBe(1), { timeout: 20_000 });

    const closing = app.close();
    connection.write(request('/v1/mentions'));
    held.release();
    await connection.closed;
    await closing;

    const [inFlight, late, ...more] = connection.answers();
    expect(more).toEqual([]);
    expect(inFlight?.status).toBe(200);
    expect(JSON.parse(inFlight?.body ?? '').data.map((brand: { id: string }) => brand.id)).toEqual(['acme']);
    expect(late?.status).toBe(503);
    expect(late?.headers).toMatchObject({ connection: 'close', 'retry-after': '1', 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(late?.body ?? '')).toEqual({
      error: { code: 'BUZZ_ERR_UNAVAILABLE', message: 'this server is shutting down; retry (another instance will answer)' },
    });
  });
});
