// A mention's times reach answers as ISO strings copied from PostgreSQL's text (isoTimeOfTimestamptz): they must be
// the stored times, to the millisecond, whatever the server's TimeZone, on the API's pool (which asks for UTC) and on
// a plain pool that gets the database's own zone (the path through a Date). Times in years 1000-9999, with every
// number of millisecond digits PostgreSQL writes (it drops trailing zeros).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, inTransaction, type Database } from '../../src/store/database.js';
import { findMention, listMentions } from '../../src/store/mention-queries.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const MENTIONS = 120;

describe('mention times in answers', () => {
  let db: TestDatabase;
  const pools: Database[] = [];
  const expected = new Map<string, { publishedAt: string | null; seenAt: string }>();

  beforeAll(async () => {
    db = await createTestDatabase();
    // A zone with a half-hour offset and DST: any text in it is not UTC's.
    await db.database.query(`ALTER DATABASE "${db.name}" SET TimeZone = 'America/St_Johns'`);
    const random = seededRandom(29);
    const seenBase = Date.UTC(2026, 10, 20);
    const mentions: ScoredMention[] = Array.from({ length: MENTIONS }, (_, index) => {
      // Milliseconds ending in 0, 00 and 000, and others.
      const ms = [0, 100, 120, 7, Math.floor(random() * 1000)][index % 5] as number;
      const published = index % 7 === 0 ? null : Date.UTC(1000 + Math.floor(random() * 9_000), Math.floor(random() * 12), 1 + Math.floor(random() * 28),
        Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60), ms);
      const seen = seenBase + Math.floor(random() * 86_400_000);
      const mention: ScoredMention = {
        id: `t${String(index).padStart(4, '0')}`,
        sourceId: 'feed',
        sourceType: 'rss',
        externalId: null,
        url: null,
        title: null,
        text: `Acme ${index}`,
        author: null,
        lang: 'en',
        publishedAt: published === null ? null : new Date(published).toISOString(),
        seenAt: new Date(seen).toISOString(),
        brands: ['acme'],
        backfill: false,
        reach: null,
        sentiment: { label: 'neutral', score: 0 },
      };
      expected.set(mention.id, { publishedAt: mention.publishedAt, seenAt: mention.seenAt });
      return mention;
    });
    await inTransaction(db.database, (client) => insertMentions(client, mentions));
    // The API's pool (statement timeout: the interactive settings, TimeZone=UTC among them) and a plain one.
    pools.push(createDatabase(db.url, { statementTimeoutMs: 10_000 }), createDatabase(db.url));
  });

  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db?.drop();
  });

  it('are the stored times on a pool in UTC and on one in another zone', async () => {
    const [utc, other] = pools as [Database, Database];
    expect((await utc.query('SHOW TimeZone')).rows[0].TimeZone).toBe('UTC');
    expect((await other.query('SHOW TimeZone')).rows[0].TimeZone).toBe('America/St_Johns');
    for (const pool of pools) {
      const page = await listMentions(pool, { limit: MENTIONS });
      expect(page.mentions).toHaveLength(MENTIONS);
      for (const mention of page.mentions) {
        const stored = expected.get(mention.id);
        const occurredAt = stored?.publishedAt === null || stored === undefined ? stored?.seenAt : [stored.publishedAt, stored.seenAt].sort()[0];
        expect([mention.id, mention.publishedAt, mention.seenAt, mention.occurredAt]).toEqual([mention.id, stored?.publishedAt, stored?.seenAt, occurredAt]);
      }
      const one = await findMention(pool, 't0001');
      expect(one?.seenAt).toBe(expected.get('t0001')?.seenAt);
    }
  });
});
