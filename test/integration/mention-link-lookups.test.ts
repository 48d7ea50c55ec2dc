// A mention's brands and story ids (its links in mention_brands) come from one lookup per mention of a page: each
// probe of an older month's links reads one btree page more as the month grows (docs/benchmarks.md), and a page read
// them twice, once for brands and once for story ids. Seen in EXPLAIN ANALYZE of the statements the API sends, and in
// the answers: the same brands in order, each story id at its brand's place, nulls kept, none for an unlinked mention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, type Database } from '../../src/store/database.js';
import { findMention, findMentions, listMentions, type MentionFilter, type StoredMention } from '../../src/store/mention-queries.js';
import { insertMentions, linkKey, type ScoredMention } from '../../src/store/mention-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { capturingDatabase, conditionsOf, planNodes, planOf, type CapturedStatement, type PlanNode } from '../helpers/statement-plan.js';

const START = Date.UTC(2026, 8, 10);
const HOUR = 3_600_000;
const MENTIONS = 30;

/** The brands of mention `index`: both, one or none (every fifth mention has no link). */
function brandsOf(index: number): string[] {
  if (index % 5 === 0) return [];
  return index % 3 === 0 ? ['globex', 'acme'] : index % 3 === 1 ? ['acme'] : ['globex'];
}

function scored(index: number): ScoredMention {
  return {
    id: `l${String(index).padStart(3, '0')}`,
    sourceId: index % 2 === 0 ? 'feed-a' : 'feed-b',
    sourceType: 'rss',
    externalId: null,
    url: `https://links.example/${index}`,
    title: null,
    text: `Acme and Globex report ${index}${index % 4 === 0 ? ' boycott' : ''}`,
    author: null,
    lang: 'en',
    // Two days apart: the mentions span September to November.
    publishedAt: new Date(START + index * 48 * HOUR).toISOString(),
    seenAt: '2026-11-20T00:00:00.000Z',
    brands: brandsOf(index),
    backfill: false,
    reach: null,
    sentiment: { label: 'neutral', score: 0 },
  };
}

/** acme's links are in a story of their own for every other mention; globex's in none. */
function storyOf(mentionId: string, brandId: string): string | undefined {
  return brandId === 'acme' && Number(mentionId.slice(1)) % 2 === 0 ? `story-${mentionId}` : undefined;
}

/**
 * How many times the statement's per-row subqueries looked a mention's links up in mention_brands (a scan run once per
 * row counts once per row; a partition pruned away counts none). A full-text page's check of the brand or story asked
 * for (`brand_id = …`, `story_id = …`) and the page's walk itself are not the links of its rows and are left out.
 */
function linkProbes(plan: PlanNode): number {
  return planNodes(plan)
    .filter(({ node, underSubPlan }) => underSubPlan && node['Relation Name']?.startsWith('mention_brands') === true && !/(brand_id|story_id) = /.test(conditionsOf(node)))
    .reduce((sum, { node }) => sum + (node['Actual Loops'] ?? 0), 0);
}

async function probesAndRows(database: Database, statement: CapturedStatement): Promise<{ rows: number; probes: number }> {
  const plan = await planOf(database, statement);
  return { rows: plan['Actual Rows'] ?? 0, probes: linkProbes(plan) };
}

const linksOf = (mention: StoredMention) => ({ id: mention.id, brands: mention.brands, storyIds: mention.storyIds });

describe('the links of the mentions of a page', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const month of ['2026-09-01', '2026-10-01', '2026-11-01']) {
      await db.database.query('SELECT create_mention_partition($1)', [month]);
    }
    const mentions = Array.from({ length: MENTIONS }, (_, index) => scored(index));
    await inTransaction(db.database, (client) =>
      insertMentions(client, mentions, async (links) => {
        const stories = new Map<string, string>();
        for (const link of links) {
          const story = storyOf(link.mentionId, link.brandId);
          if (story !== undefined) stories.set(linkKey(link), story);
        }
        return stories;
      }),
    );
    await db.database.query('ANALYZE');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('answers each mention with its brands in order and the story of each, null where none, and none when unlinked', async () => {
    const page = await listMentions(db.database, { limit: 7 });
    expect(page.mentions.map(linksOf)).toEqual([
      { id: 'l029', brands: ['globex'], storyIds: [null] },
      { id: 'l028', brands: ['acme'], storyIds: ['story-l028'] },
      { id: 'l027', brands: ['acme', 'globex'], storyIds: [null, null] },
      { id: 'l026', brands: ['globex'], storyIds: [null] },
      { id: 'l025', brands: [], storyIds: [] },
      { id: 'l024', brands: ['acme', 'globex'], storyIds: ['story-l024', null] },
      { id: 'l023', brands: ['globex'], storyIds: [null] },
    ]);
    const single = await findMention(db.database, 'l006');
    expect(single === null ? null : linksOf(single)).toEqual({ id: 'l006', brands: ['acme', 'globex'], storyIds: ['story-l006', null] });
    const several = await findMentions(db.database, ['l010', 'l016', 'missing']);
    expect(several.map(linksOf).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'l010', brands: [], storyIds: [] },
      { id: 'l016', brands: ['acme'], storyIds: ['story-l016'] },
    ]);
  });

  const pages: Array<[string, MentionFilter]> = [
    ['the newest page', { limit: 10 }],
    ['a brand page', { brand: 'acme', limit: 10 }],
    ['a source page of an older month', { source: 'feed-a', until: new Date(START + 20 * 24 * HOUR), limit: 10 }],
    ['a full-text page', { q: 'boycott', limit: 5 }],
    ['a full-text page of a brand', { brand: 'acme', q: 'boycott', limit: 5 }],
  ];

  it.each(pages)('looks the links of each mention of %s up once', async (_name, filter) => {
    const captured = capturingDatabase(db.database);
    await listMentions(captured.database, filter);
    const { rows, probes } = await probesAndRows(db.database, captured.last());
    expect(rows).toBeGreaterThan(2);
    expect(probes).toBe(rows);
  });

  it('looks the links of a mention read by id up once', async () => {
    const captured = capturingDatabase(db.database);
    await findMention(captured.database, 'l006');
    expect(await probesAndRows(db.database, captured.last())).toEqual({ rows: 1, probes: 1 });
    await findMentions(captured.database, ['l006', 'l007', 'l008']);
    expect(await probesAndRows(db.database, captured.last())).toEqual({ rows: 3, probes: 3 });
  });
});
