// DATABASE_READ_URL: the API's read-only queries (mentions, brands, sources) go to a replica; writes stay on the
// primary. Here the "replica" is a database of its own holding a mention the primary does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionId } from '../../src/mentions/mention-id.js';
import type { Mention } from '../../src/mentions/mention.js';
import { scoreMention } from '../../src/scorer/score-and-store.js';
import { inTransaction } from '../../src/store/database.js';
import { insertMentions } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const REPLICA_URL = 'https://replica.example/acme-story';

describe('API reads from DATABASE_READ_URL', () => {
  let replica: TestDatabase;
  let system: TestSystem;

  beforeAll(async () => {
    replica = await createTestDatabase();
    const mention: Mention = {
      id: mentionId(REPLICA_URL, 'rss', null),
      sourceId: 'news',
      sourceType: 'rss',
      externalId: null,
      url: REPLICA_URL,
      title: 'Acme on the replica',
      text: 'Acme story stored on the replica only.',
      author: null,
      lang: 'en',
      publishedAt: '2026-11-25T10:00:00.000Z',
      seenAt: '2026-11-25T10:05:00.000Z',
      brands: ['acme'],
      backfill: false,
      reach: null,
    };
    await inTransaction(replica.database, (client) => insertMentions(client, [scoreMention(mention, new Map())]));
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
${TEST_API_KEYS}`,
      roles: ['api'],
      databaseReadUrl: replica.url,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await replica?.drop();
  });

  it('answers mention queries from the replica while the primary holds none', async () => {
    const list = await system.api('/v1/mentions?brand=acme');
    expect(list.status).toBe(200);
    expect(list.body.data.map((mention: { url: string }) => mention.url)).toEqual([REPLICA_URL]);
    const one = await system.api(`/v1/mentions/${mentionId(REPLICA_URL, 'rss', null)}`);
    expect(one.status).toBe(200);
    const brands = await system.api('/v1/brands');
    expect(brands.status).toBe(200);
    expect(JSON.stringify(brands.body)).toContain('"mentions_total":1');
    const { rows } = await system.db.database.query<{ count: number }>('SELECT count(*)::int AS count FROM mentions');
    expect(rows[0]?.count).toBe(0);
  });
});
