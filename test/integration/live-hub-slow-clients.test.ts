// One slow client never holds back the others, and is judged by its own grace (LiveHub.slowClientWaitMs) wherever
// its output passes the cap — while events are written, replayed, or at a heartbeat. Real Redis, PostgreSQL and TCP:
// a slow client is a raw socket that stops reading (its kernel buffers fill, then the server's own output grows).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveEventRenderer } from '../../src/api/live-event-data.js';
import { appendLiveEvents, liveEventsKey } from '../../src/live/live-event-log.js';
import { LiveHub, type LiveHubLimits } from '../../src/live/live-hub.js';
import { createLogger } from '../../src/runtime/logger.js';
import { streamClientsDropped } from '../../src/runtime/metrics.js';
import { openRawSse, type RawSseSocket } from '../helpers/raw-sse-socket.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from '../helpers/services.js';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';

const CAP = 256 * 1024;
/** 100 events of a 100 KB mention: 10 MB, more than the kernel buffers of one loopback connection hold. */
const BURST = 100;
const dropped = async () => (await streamClientsDropped.get()).values[0]?.value ?? 0;

interface HubServer {
  hub: LiveHub;
  key: string;
  port: number;
  /** The server side of each stream, by the `name` it was opened with. */
  responses: Map<string, ServerResponse>;
  /** When the server side of each stream closed (a paused socket sees nothing until it reads again). */
  closedAt: Map<string, Promise<number>>;
  /** Resolves once a write leaves more than CAP unsent on the stream. */
  pastCap: Map<string, Promise<void>>;
  close(): Promise<void>;
}

describe('LiveHub with slow clients', () => {
  let db: TestDatabase;
  let redis: Redis;
  const sockets: RawSseSocket[] = [];
  const servers: HubServer[] = [];

  /** A hub behind an HTTP server: `/?name=x&after=<event id>` opens a stream (resuming after the id, if given). */
  async function startHub(heartbeatMs: number, limits: Partial<LiveHubLimits>): Promise<HubServer> {
    const prefix = uniqueName('{bwslow}');
    const hub = new LiveHub({
      redis,
      reader: new Redis(TEST_REDIS_URL),
      keyPrefix: prefix,
      heartbeatMs,
      render: liveEventRenderer(db.database),
      logger: createLogger('silent'),
      limits: { maxBufferedBytes: CAP, ...limits },
    });
    await hub.start();
    const responses = new Map<string, ServerResponse>();
    const closedAt = new Map<string, Promise<number>>();
    const pastCap = new Map<string, Promise<void>>();
    const server: Server = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://local').searchParams;
      const name = query.get('name') ?? '';
      responses.set(name, response);
      closedAt.set(name, new Promise((resolve) => response.once('close', () => resolve(Date.now()))));
      pastCap.set(
        name,
        new Promise((resolve) => {
          // Seen from the writes themselves: nothing else tells when the output grows.
          const write = response.write.bind(response) as (chunk: string) => boolean;
          response.write = ((chunk: string) => {
            const taken = write(chunk);
            if (response.writableLength > CAP) resolve();
            return taken;
          }) as typeof response.write;
        }),
      );
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // As the route does; it also sends the headers, which the socket client waits for.
      response.write('retry: 3000\n\n');
      void hub.attach({ response, keyName: 'test', brandId: undefined, resumeAfter: query.get('after') });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const started: HubServer = {
      hub,
      key: liveEventsKey(prefix),
      port: (server.address() as AddressInfo).port,
      responses,
      closedAt,
      pastCap,
      async close() {
        await hub.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await redis.del(started.key);
      },
    };
    servers.push(started);
    return started;
  }

  const open = async (started: HubServer, name: string, after?: string) => {
    const socket = await openRawSse(started.port, `/?name=${name}${after === undefined ? '' : `&after=${after}`}`);
    sockets.push(socket);
    return socket;
  };

  /** Appends `count` events of one mention and answers their ids, in order. */
  const append = async (started: HubServer, subjectId: string, count: number): Promise<string[]> => {
    const [newest] = (await redis.xrevrange(started.key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    await appendLiveEvents(redis, started.key, Array.from({ length: count }, () => ({ kind: 'mention' as const, subjectId, brandIds: ['acme'] })));
    const entries = (await redis.xrange(started.key, newest === undefined ? '-' : `(${newest[0]}`, '+')) as Array<[string, string[]]>;
    return entries.map(([id]) => id);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await storeMentions(db.database, [
      scoredMention({ key: 'big', at: '2026-11-20T08:00:00.000Z', text: `Acme ${'x'.repeat(100_000)}` }),
      scoredMention({ key: 'small', at: '2026-11-20T09:00:00.000Z', text: 'Acme anvils' }),
    ]);
    redis = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const started of servers.splice(0)) await started.close();
  });

  afterAll(async () => {
    redis?.disconnect();
    await db?.drop();
  });

  it('goes on delivering to the others, and reading the log, while a client is past the cap; the slow one catches up in full', async () => {
    // A grace far longer than the test waits: anything the others get, they get while the slow one is still waited on.
    const started = await startHub(60_000, { slowClientWaitMs: 60_000 });
    const droppedBefore = await dropped();
    const slow = await open(started, 'slow');
    slow.pause();
    const reader = await open(started, 'reader');
    const burst = await append(started, 'test-big', BURST);
    await reader.until(() => reader.ids.length === BURST, `the reader has the ${BURST} events`, 10_000);
    expect(reader.ids).toEqual(burst);
    // The slow client did pass the cap (its kernel buffers hold about 4 MB of the 10), and is kept.
    await started.pastCap.get('slow');
    // The hub reads on: a later event reaches the reader at once.
    const [later] = await append(started, 'test-small', 1);
    await reader.until(() => reader.ids.length === BURST + 1, 'the reader has the later event', 10_000);
    expect(reader.ids.at(-1)).toBe(later);
    expect(started.responses.get('slow')?.destroyed).toBe(false);
    expect(await dropped()).toBe(droppedBefore);

    // Reading again, the slow client gets every event once, in order, and then is live again.
    slow.resume();
    await slow.until(() => slow.ids.length === BURST + 1, 'the slow client caught up');
    expect(slow.ids).toEqual([...burst, later]);
    const [last] = await append(started, 'test-small', 1);
    await slow.until(() => slow.ids.length === BURST + 2, 'the slow client has the live event');
    await reader.until(() => reader.ids.length === BURST + 2, 'the reader has the live event');
    expect(slow.ids).toEqual([...burst, later, last]);
    expect(reader.ids).toEqual([...burst, later, last]);
    expect(await dropped()).toBe(droppedBefore);
  });

  it('keeps a client past the cap across heartbeats until its grace ends, and sends it everything once it reads', async () => {
    const started = await startHub(50, { slowClientWaitMs: 60_000 });
    const droppedBefore = await dropped();
    const slow = await open(started, 'slow');
    slow.pause();
    const reader = await open(started, 'reader');
    const burst = await append(started, 'test-big', BURST);
    await reader.until(() => reader.ids.length === BURST, `the reader has the ${BURST} events`, 10_000);
    await started.pastCap.get('slow');
    // Each heartbeat the reader gets is one round of heartbeats to every stream. The slow one is past the cap for
    // good once its kernel buffers are full (about 4 MB of the 10): well before these ten rounds are over.
    const beatsBefore = reader.heartbeats();
    await reader.until(() => reader.heartbeats() >= beatsBefore + 10, 'ten heartbeats more');
    expect(started.responses.get('slow')?.writableLength).toBeGreaterThan(CAP);
    expect(started.responses.get('slow')?.destroyed).toBe(false);
    expect(await dropped()).toBe(droppedBefore);

    slow.resume();
    await slow.until(() => slow.ids.length === BURST, 'the slow client caught up');
    expect(slow.ids).toEqual(burst);
    // Live again: heartbeats reach it too.
    const slowBeats = slow.heartbeats();
    await slow.until(() => slow.heartbeats() > slowBeats, 'a heartbeat after catching up');
    expect(await dropped()).toBe(droppedBefore);
  });

  it('drops a client that stays past the cap when its grace ends, not at a heartbeat before', async () => {
    // The reader is judged by the same grace, and must take what the kernel buffers hold (MBs) within it whenever it
    // falls behind: the product's default, not a tighter one, so that a loaded machine does not drop it too.
    const graceMs = 5_000;
    const started = await startHub(50, { slowClientWaitMs: graceMs });
    const droppedBefore = await dropped();
    const slow = await open(started, 'slow');
    slow.pause();
    const reader = await open(started, 'reader');
    const appendedAt = Date.now();
    const burst = await append(started, 'test-big', BURST);
    const closedAt = (await started.closedAt.get('slow')) as number;
    // It went past the cap after the append began: its grace cannot have ended sooner.
    expect(closedAt - appendedAt).toBeGreaterThanOrEqual(graceMs);
    expect(await dropped()).toBe(droppedBefore + 1);
    await reader.until(() => reader.ids.length === BURST, 'the reader has every event');
    expect(reader.ids).toEqual(burst);
    expect(reader.isClosed()).toBe(false);
  });

  it('replays a resuming client that is slow at its own pace, without holding up the live ones', async () => {
    const started = await startHub(60_000, { slowClientWaitMs: 60_000 });
    // The reader is there first, and has every event, so the hub has read past them all before the resuming client
    // comes: what it gets is the replay's alone (a reader opened later could race the hub's own reading of the burst).
    const reader = await open(started, 'reader');
    const [before] = await append(started, 'test-small', 1);
    const burst = await append(started, 'test-big', BURST);
    await reader.until(() => reader.ids.length === BURST + 1, `the reader has the ${BURST + 1} events`, 10_000);
    expect(reader.ids).toEqual([before, ...burst]);
    const droppedBefore = await dropped();
    const resuming = await open(started, 'resuming', before);
    resuming.pause();
    await started.pastCap.get('resuming');
    // The resuming client's replay stopped at the cap; the reader is served meanwhile.
    const [live] = await append(started, 'test-small', 1);
    await reader.until(() => reader.ids.length === BURST + 2, 'the reader has the live event', 10_000);
    expect(reader.ids).toEqual([before, ...burst, live]);
    resuming.resume();
    await resuming.until(() => resuming.ids.length === BURST + 1, 'the resuming client caught up');
    expect(resuming.ids).toEqual([...burst, live]);
    expect(await dropped()).toBe(droppedBefore);
  });
});
