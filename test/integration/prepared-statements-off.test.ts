// database.prepared_statements: false, for a connection pooler that cannot keep prepared statements (PgBouncer in
// transaction mode): the API opens no pool of prepared pages, and a page of GET /v1/mentions prepares nothing on the
// connection it runs on (the API's pool of one, seen through pg_prepared_statements of that connection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoredMention, storeMentions } from '../helpers/stored-mentions.js';
import { READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
${TEST_API_KEYS}
database:
  pool_size: 1
  prepared_statements: false
`;

describe('an API told not to prepare statements', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG_YAML, roles: ['api'] });
    await storeMentions(
      system.db.database,
      ['a', 'b', 'c'].map((key, index) => scoredMention({ key, at: `2026-11-2${index}T10:00:00.000Z` })),
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers pages from its read pool, with no statement prepared on its connection', async () => {
    expect(system.runtime.pageDatabase).toBeUndefined();
    const response = await fetch(`${system.baseUrl}/v1/mentions?brand=acme&limit=2`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ id: string }>; next_cursor: string | null };
    expect(body.data.map((mention) => mention.id)).toEqual(['test-c', 'test-b']);
    const next = await fetch(`${system.baseUrl}/v1/mentions?brand=acme&limit=2&cursor=${encodeURIComponent(body.next_cursor ?? '')}`, {
      headers: { authorization: `Bearer ${READ_KEY}` },
    });
    expect(((await next.json()) as { data: Array<{ id: string }> }).data.map((mention) => mention.id)).toEqual(['test-a']);
    const { rows } = await system.runtime.readDatabase.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
    expect(rows).toEqual([]);
  });
});
