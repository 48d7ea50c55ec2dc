// Issue 13, defect 1: a 100,000-character mention (one run of letters, the worst case for the old tokenizer) is
// scored in bounded time by the real scorer, stored, and does not hold back the batch queued behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { startTestSystem, TEST_API_KEYS, type TestSystem } from '../helpers/test-system.js';

const CONFIG = `
brands:
  - { id: acme, name: Acme, keywords: [acme] }
sources:
  - { id: hook, type: webhook, secret: "hook-secret-0123456789abcdef" }
${TEST_API_KEYS}`;

function mention(id: string, text: string): Mention {
  const at = new Date().toISOString();
  return {
    id,
    sourceId: 'hook',
    sourceType: 'webhook',
    externalId: id,
    url: `https://long.example/${id}`,
    title: 'Acme',
    text,
    author: null,
    lang: null,
    publishedAt: at,
    seenAt: at,
    brands: ['acme'],
    backfill: false,
    reach: null,
  };
}

describe('a 100,000-character mention', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG, roles: ['api', 'scorer'] });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('is stored, and so is the batch behind it, each at its first attempt', async () => {
    const long = mention('long-run', `Acme ${'a'.repeat(100_000)}`);
    const [longBatch] = await enqueueMentions(system.runtime.queues.mentions, [long, mention('beside-long', 'Acme is great')]);
    const [behind] = await enqueueMentions(system.runtime.queues.mentions, [mention('behind-long', 'Acme is awful')]);
    const stored = await Promise.all([longBatch, behind].map((jobId) => system.stores.next((job) => job.jobId === jobId)));
    expect(stored.map((job) => job.result)).toEqual([
      { received: 2, inserted: 2, duplicates: 0, rejected: 0, expired: 0 },
      { received: 1, inserted: 1, duplicates: 0, rejected: 0, expired: 0 },
    ]);
    expect(system.stores.retried).toEqual([]);
    const { rows } = await system.db.database.query<{ id: string; length: number; sentiment_label: string }>(
      'SELECT id, length(content) AS length, sentiment_label FROM mentions ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'behind-long', length: 13, sentiment_label: 'negative' },
      { id: 'beside-long', length: 13, sentiment_label: 'positive' },
      { id: 'long-run', length: 100_005, sentiment_label: 'neutral' },
    ]);
  });
});
