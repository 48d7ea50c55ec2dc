// The API's reader of the live event log (LiveHub) with a real Redis, PostgreSQL and HTTP connections: limits on
// open streams, a client that stops reading is dropped instead of buffered without end, the open-streams gauge.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEventRenderer } from '../../src/api/live-event-data.js';
import { appendLiveEvents, liveEventsKey } from '../../src/live/live-event-log.js';
import { LiveHub } from '../../src/live/live-hub.js';
import { createLogger } from '../../src/runtime/logger.js';
import { streamClients, streamClientsDropped } from '../../src/runtime/metrics.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const gauge = async () => (await streamClients.get()).values[0]?.value ?? 0;
const dropped = async () => (await streamClientsDropped.get()).values[0]?.value ?? 0;

describe('LiveHub', () => {
  let db: TestDatabase;
  let redis: Redis;
  let hub: LiveHub;
  let server: Server;
  let baseUrl: string;
  const prefix = uniqueName('{bwhub}');
  const responses: IncomingMessage[] = [];

  /** Opens a stream as `key`: the admission's verdict, and the response when admitted. */
  const open = (key: string): Promise<{ status: number; response: IncomingMessage }> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(`${baseUrl}/?key=${key}`, (response) => {
        responses.push(response);
        resolve({ status: response.statusCode ?? 0, response });
      });
      request.on('error', reject);
      request.end();
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    // 100 KB each: a few hundred events fill any socket buffer.
    await storeMentions(db.database, [scoredMention({ key: 'big', at: '2026-11-20T08:00:00.000Z', text: `Acme ${'x'.repeat(100_000)}` })]);
    redis = new Redis(TEST_REDIS_URL);
    hub = new LiveHub({
      redis,
      reader: new Redis(TEST_REDIS_URL),
      keyPrefix: prefix,
      heartbeatMs: 60_000,
      render: liveEventRenderer(db.database),
      logger: createLogger('silent'),
      // The grace is the product's default: the reading client is judged by it too, and must take the few MB the
      // kernel buffers hold within it whenever it falls behind (at load 10 it took 3.7-5.1 s for its 30 MB, so 1 s
      // left a margin of about two).
      limits: { maxClients: 3, maxClientsPerKey: 2, maxBufferedBytes: 256 * 1024, slowClientWaitMs: 5_000 },
    });
    await hub.start();
    server = createServer((request, response) => {
      const keyName = new URL(request.url ?? '/', 'http://local').searchParams.get('key') ?? '';
      const admission = hub.admission(keyName);
      if (admission !== 'ok') {
        response.writeHead(admission === 'key-full' ? 429 : 503).end(admission);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': open\n\n');
      void hub.attach({ response, keyName, brandId: undefined, resumeAfter: null });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const response of responses) response.destroy();
    await hub?.close();
    await new Promise((resolve) => server?.close(resolve));
    await redis?.del(liveEventsKey(prefix));
    redis?.disconnect();
    await db?.drop();
  });

  it('caps open streams per key and per process, and counts them', async () => {
    const first = await open('team');
    const second = await open('team');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await open('team')).status).toBe(429);
    const other = await open('ops');
    expect(other.status).toBe(200);
    expect(await gauge()).toBe(3);
    expect((await open('someone')).status).toBe(503);
    // A client leaving frees its place.
    second.response.destroy();
    while ((await gauge()) !== 2) await new Promise((resolve) => setImmediate(resolve));
    expect((await open('team')).status).toBe(200);
  });

  it('drops a client that stops reading (output past the cap for slowClientWaitMs), and serves the others in full', async () => {
    for (const response of responses) response.destroy();
    while ((await gauge()) !== 0) await new Promise((resolve) => setImmediate(resolve));
    const droppedBefore = await dropped();
    const stalled = await open('stalled');
    stalled.response.pause();
    const reading = await open('reading');
    let received = 0;
    // Every event in full: 300 of 100 KB and more.
    const readAll = new Promise<void>((resolve) => {
      reading.response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 300 * 100_000) resolve();
      });
    });
    // 300 events of one 100 KB mention: 30 MB for each client.
    const events = Array.from({ length: 300 }, () => ({ kind: 'mention' as const, subjectId: 'test-big', brandIds: ['acme'] }));
    await appendLiveEvents(redis, liveEventsKey(prefix), events);
    // The reader gets everything (the hub never waits for the stalled one, which is dropped when its grace ends).
    await readAll;
    // The stalled one is judged by its own timer, started when it first went over the cap: the reader may finish
    // before that timer ends (on a quiet machine 30 MB take well under slowClientWaitMs), so wait for the drop.
    while ((await dropped()) === droppedBefore) await new Promise((resolve) => setImmediate(resolve));
    expect(await dropped()).toBe(droppedBefore + 1);
    expect(await gauge()).toBe(1);
    // The stalled client, reading again, finds its stream cut short.
    let stalledReceived = 0;
    stalled.response.on('data', (chunk: Buffer) => {
      stalledReceived += chunk.length;
    });
    await new Promise<void>((resolve) => {
      stalled.response.on('close', () => resolve());
      stalled.response.resume();
    });
    expect(stalledReceived).toBeLessThan(300 * 100_000);
  });
});
