// The live event log's writer against a real Redis: events land in order with their ids and brands; with Redis away
// publishing resolves anyway (counted as lost, logged once per outage), and a mentions job still succeeds.
import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS_PER_CALL, liveEventsKey, liveEventsAfter } from '../../src/live/live-event-log.js';
import { createLivePublisher } from '../../src/live/live-publisher.js';
import type { MentionsJobData } from '../../src/queue/queues.js';
import { createProducerConnection } from '../../src/queue/redis.js';
import { createLogger } from '../../src/runtime/logger.js';
import { liveEventsLost, liveEventsPublished } from '../../src/runtime/metrics.js';
import { mentionsProcessor } from '../../src/scorer/score-and-store.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { TEST_REDIS_URL, createTestDatabase, uniqueName, type TestDatabase } from '../helpers/services.js';
import { scoredMention } from '../helpers/stored-mentions.js';

const counted = async (counter: typeof liveEventsLost, kind: string) =>
  (await counter.get()).values.find((value) => value.labels.kind === kind)?.value ?? 0;

function capturedLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('live publisher', () => {
  let redis: Redis;
  let privateRedis: PrivateRedis;
  let db: TestDatabase;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    privateRedis = await startPrivateRedis();
    db = await createTestDatabase();
  });

  afterAll(async () => {
    redis?.disconnect();
    await privateRedis?.stop();
    await db?.drop();
  });

  it('appends one entry per event, in order, under the prefix, and counts them', async () => {
    const prefix = uniqueName('{bwlive}');
    const { logger } = capturedLogger();
    const publisher = createLivePublisher({ redis, keyPrefix: prefix, logger });
    const before = await counted(liveEventsPublished, 'mention');
    await publisher.publish([
      { kind: 'mention', subjectId: 'm1', brandIds: ['acme', 'globex'] },
      { kind: 'alert', subjectId: 'al_1', brandIds: ['acme'] },
      { kind: 'mention', subjectId: 'm2', brandIds: ['globex'] },
    ]);
    const logged = await liveEventsAfter(redis, liveEventsKey(prefix), '0-0', 100);
    expect(logged.map(({ eventId: _id, ...event }) => event)).toEqual([
      { kind: 'mention', subjectId: 'm1', brandIds: ['acme', 'globex'] },
      { kind: 'alert', subjectId: 'al_1', brandIds: ['acme'] },
      { kind: 'mention', subjectId: 'm2', brandIds: ['globex'] },
    ]);
    expect(await counted(liveEventsPublished, 'mention')).toBe(before + 2);
    await redis.del(liveEventsKey(prefix));
  });

  it('appends a batch with one script call per LIVE_EVENTS_PER_CALL events, each event still its own entry, in order', async () => {
    // A Redis of this test's own, whose command counts are this test's.
    const producer = new Redis(privateRedis.url);
    try {
      const publisher = createLivePublisher({ redis: producer, keyPrefix: '{bwlive}', logger: capturedLogger().logger });
      const events = Array.from({ length: 2 * LIVE_EVENTS_PER_CALL + 500 }, (_, at) => ({
        kind: at % 7 === 0 ? ('alert' as const) : ('mention' as const),
        subjectId: `s${at}`,
        brandIds: at % 2 === 0 ? ['acme'] : ['acme', 'globex'],
      }));
      await producer.config('RESETSTAT');
      await publisher.publish(events);
      const stats = await producer.info('commandstats');
      const calls = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      expect({ eval: calls('eval'), xadd: calls('xadd') }).toEqual({ eval: 3, xadd: events.length });
      const logged = await liveEventsAfter(producer, liveEventsKey('{bwlive}'), '0-0', events.length + 1);
      expect(logged.map(({ eventId: _id, ...event }) => event)).toEqual(events);
      await producer.del(liveEventsKey('{bwlive}'));
    } finally {
      producer.disconnect();
    }
  });

  it('resolves with Redis away, counts the events as lost, logs once per outage and again when it recovers', async () => {
    const producer = createProducerConnection(privateRedis.url);
    producer.on('error', () => undefined);
    const { logger, lines } = capturedLogger();
    const publisher = createLivePublisher({ redis: producer, keyPrefix: '{bwlive}', logger });
    await publisher.publish([{ kind: 'mention', subjectId: 'm1', brandIds: ['acme'] }]);
    await privateRedis.stop();
    const lostBefore = await counted(liveEventsLost, 'alert');
    await publisher.publish([{ kind: 'alert', subjectId: 'al_1', brandIds: ['acme'] }]);
    await publisher.publish([{ kind: 'alert', subjectId: 'al_2', brandIds: ['acme'] }]);
    expect(await counted(liveEventsLost, 'alert')).toBe(lostBefore + 2);
    expect(lines.filter((line) => line.msg.startsWith('could not publish live events'))).toHaveLength(1);

    await privateRedis.restart();
    await new Promise<void>((resolve) => (producer.status === 'ready' ? resolve() : producer.once('ready', () => resolve())));
    await publisher.publish([{ kind: 'alert', subjectId: 'al_3', brandIds: ['acme'] }]);
    expect(lines.map((line) => line.msg).filter((msg) => msg.includes('live events'))).toEqual([
      'could not publish live events (live streams miss them until Redis answers; history is unaffected)',
      'live events are published again',
    ]);
    producer.disconnect();
  });

  it('never fails a mentions job: the batch is stored and its outcome answered while Redis is away', async () => {
    const producer = createProducerConnection(privateRedis.url);
    producer.on('error', () => undefined);
    await new Promise<void>((resolve) => (producer.status === 'ready' ? resolve() : producer.once('ready', () => resolve())));
    await privateRedis.stop();
    const { logger } = capturedLogger();
    const process = mentionsProcessor(
      { database: db.database, brandPhrases: new Map(), live: createLivePublisher({ redis: producer, keyPrefix: '{bwlive}', logger }) },
      logger,
    );
    const { sentiment: _scored, ...mention } = scoredMention({ key: 'away', at: new Date().toISOString() });
    const outcome = await process({ id: 'job-1', data: { mentions: [mention] } } as Job<MentionsJobData>);
    expect(outcome).toEqual({ received: 1, inserted: 1, duplicates: 0, rejected: 0, expired: 0 });
    const { rows } = await db.database.query('SELECT id FROM mentions');
    expect(rows).toEqual([{ id: 'test-away' }]);
    producer.disconnect();
    await privateRedis.restart();
  });
});
