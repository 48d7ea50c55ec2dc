// How the scorer's transaction writes (mention, brand) links: each with its story in the INSERT itself, no second
// UPDATE of the rows it has just written; and a mention stored again for another brand gains that brand's link only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/store/database.js';
import { insertMentionsWithStories } from '../../src/store/story-store.js';
import { storyId } from '../../src/stories/story-id.js';
import { scoredMention } from '../helpers/stored-mentions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

// Two unrelated events: each starts a story of its own.
const RECALL = { title: 'Acme recalls Roadster vans over brake fault', text: 'Owners report failing brakes on Roadster vans.' };
const STORE = { title: 'Skyline phone shop opens in Berlin', text: 'Queues formed outside the new flagship shop downtown.' };

describe('story links', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const links = async () =>
    (await db.database.query('SELECT mention_id, brand_id, story_id FROM mention_brands ORDER BY mention_id, brand_id')).rows;

  it('writes each new link with its story at once: no mention_brands row is updated', async () => {
    const batch = [
      scoredMention({ key: 'a', at: '2026-03-02T08:00:00.000Z', brands: ['acme', 'globex'], ...RECALL }),
      scoredMention({ key: 'b', at: '2026-03-02T08:10:00.000Z', ...STORE }),
    ];
    const counts = await inTransaction(db.database, async (client) => {
      await insertMentionsWithStories(client, batch);
      // This transaction's own counts: exact, and untouched by anyone else's work.
      // mention_brands is partitioned by month: its rows are in the partitions.
      const { rows } = await client.query<{ updated: string; inserted: string }>(
        `SELECT sum(n_tup_upd) AS updated, sum(n_tup_ins) AS inserted FROM pg_stat_xact_user_tables
          WHERE relid IN (SELECT relid FROM pg_partition_tree('mention_brands'))`,
      );
      return { updated: Number(rows[0]?.updated), inserted: Number(rows[0]?.inserted) };
    });
    expect(counts).toEqual({ updated: 0, inserted: 3 });
    expect(await links()).toEqual([
      { mention_id: 'test-a', brand_id: 'acme', story_id: storyId('acme', 'test-a') },
      { mention_id: 'test-a', brand_id: 'globex', story_id: storyId('globex', 'test-a') },
      { mention_id: 'test-b', brand_id: 'acme', story_id: storyId('acme', 'test-b') },
    ]);
  });

  it('adds only the missing link, with its story, when a stored mention comes again with another brand', async () => {
    const again = scoredMention({ key: 'b', at: '2026-03-02T08:10:00.000Z', brands: ['acme', 'initech'], ...STORE });
    const report = await inTransaction(db.database, (client) => insertMentionsWithStories(client, [again]));
    expect(report).toEqual({
      insertedIds: [],
      newLinks: [{ mentionId: 'test-b', brandId: 'initech', occurredAt: new Date('2026-03-02T08:10:00.000Z') }],
    });
    expect(await links()).toEqual([
      { mention_id: 'test-a', brand_id: 'acme', story_id: storyId('acme', 'test-a') },
      { mention_id: 'test-a', brand_id: 'globex', story_id: storyId('globex', 'test-a') },
      { mention_id: 'test-b', brand_id: 'acme', story_id: storyId('acme', 'test-b') },
      { mention_id: 'test-b', brand_id: 'initech', story_id: storyId('initech', 'test-b') },
    ]);
    const { rows } = await db.database.query("SELECT id, mentions FROM stories WHERE brand_id = 'initech'");
    expect(rows).toEqual([{ id: storyId('initech', 'test-b'), mentions: 1 }]);
  });

  it('writes each changed story once per batch, with its site count and first site', async () => {
    const first = scoredMention({ key: 'c', at: '2026-03-02T08:00:00.000Z', brands: ['umbrella'], site: 'a.example', ...RECALL });
    await inTransaction(db.database, (client) => insertMentionsWithStories(client, [first]));
    // The same event again: from a new site earlier than the story's first (its first site moves) and from the known site.
    const batch = [
      scoredMention({ key: 'd', at: '2026-03-02T07:50:00.000Z', brands: ['umbrella'], site: 'b.example', ...RECALL }),
      scoredMention({ key: 'e', at: '2026-03-02T08:30:00.000Z', brands: ['umbrella'], site: 'a.example', ...RECALL }),
    ];
    const writes = await inTransaction(db.database, async (client) => {
      // This backend's counts not yet flushed to the shared statistics include its earlier transactions': the
      // difference across the batch is the batch's own.
      const storyWrites = async () => {
        const { rows } = await client.query<{ writes: string }>(
          "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) AS writes FROM pg_stat_xact_user_tables WHERE relname = 'stories'",
        );
        return Number(rows[0]?.writes);
      };
      const before = await storyWrites();
      await insertMentionsWithStories(client, batch);
      return (await storyWrites()) - before;
    });
    expect(writes).toBe(1);
    const { rows: stories } = await db.database.query("SELECT id, mentions, sites, first_site FROM stories WHERE brand_id = 'umbrella'");
    expect(stories).toEqual([{ id: storyId('umbrella', 'test-c'), mentions: 3, sites: 2, first_site: 'b.example' }]);
    const { rows: sites } = await db.database.query(
      "SELECT site, first_mention_id, mentions FROM story_sites WHERE story_id = $1 ORDER BY site",
      [storyId('umbrella', 'test-c')],
    );
    expect(sites).toEqual([
      { site: 'a.example', first_mention_id: 'test-c', mentions: 2 },
      { site: 'b.example', first_mention_id: 'test-d', mentions: 1 },
    ]);
  });
});
