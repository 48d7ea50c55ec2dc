// Stories through the real scorer: assignment in the storing transaction (rows exact), redelivery, concurrent
// batches of one brand, the same stories as `buzzwatch stories` computes, and the API (list, detail timeline,
// ?story= filter, cursor paging, bad ids).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { mentionId } from '../../src/mentions/mention-id.js';
import { enqueueMentions } from '../../src/poller/enqueue-mentions.js';
import { scoreAndStore } from '../../src/scorer/score-and-store.js';
import { StoryAssigner } from '../../src/stories/story-assigner.js';
import { storyMentionOf } from '../../src/stories/story-mention.js';
import { storyId } from '../../src/stories/story-id.js';
import type { SentimentLabel } from '../../src/sentiment/sentiment-label.js';
import { inTransaction } from '../../src/store/database.js';
import { setSentimentOverride, storeRescored } from '../../src/store/mention-sentiment-store.js';
import { ADMIN_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const BRANDS = `
brands:
  - id: acme
    name: Acme Corp
    keywords: ["acme"]
  - id: globex
    name: Globex
    keywords: ["globex"]
`;

const SEEN_AT = '2026-03-05T00:00:00.000Z';
const minutes = (count: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + count * 60_000).toISOString();

function mention(url: string, brands: string[], minute: number, title: string, text: string, author: string | null = null): Mention {
  return {
    id: mentionId(url, 'rss', null),
    sourceId: 'news',
    sourceType: 'rss',
    externalId: null,
    url,
    title,
    text,
    author,
    lang: 'en',
    publishedAt: minutes(minute),
    seenAt: SEEN_AT,
    brands,
    backfill: false,
    reach: null,
  };
}

const BAD = 'Owners are furious: a terrible, dangerous failure and an awful disaster.';
// A negative recall spreading from site to site (one copy also names Globex), and an unrelated launch.
const RECALL = [
  mention('https://first.example/acme-recall', ['acme'], 0, 'Acme recalls 37,000 Roadster vans over brake fault', BAD, 'Ann'),
  mention('https://wire.example/r/1', ['acme', 'globex'], 20, 'UPDATE 1-Acme recalls 37,000 Roadster vans over brake fault - Reuters', BAD, 'Bob'),
  mention('https://third.example/vans', ['acme'], 40, 'Acme recalling Roadster vans after brake fault reports (2)', BAD, 'Ann'),
  mention('https://www.fourth.example/a', ['acme'], 60, 'Brake fault: 37,000 Acme Roadster vans recalled', BAD),
  mention('https://first.example/acme-recall-update', ['acme'], 500, 'Acme Roadster van recall: 37,000 brake fault vans', BAD, 'Cy'),
];
const LAUNCH = [
  mention('https://gadgets.example/skyline', ['acme'], 30, 'Acme unveils Skyline phone with foldable screen', 'A lovely, wonderful phone.'),
  mention('https://phones.example/skyline', ['acme'], 90, 'Hands-on: Acme Skyline foldable phone unveiled', 'The Skyline ships in May.'),
];

describe('stories', () => {
  let system: TestSystem;
  const recallStory = storyId('acme', RECALL[0]!.id);
  const launchStory = storyId('acme', LAUNCH[0]!.id);
  const globexStory = storyId('globex', RECALL[1]!.id);

  /** How many of `mentions` were new. */
  async function store(mentions: Mention[]): Promise<number> {
    const jobIds = await enqueueMentions(system.runtime.queues.mentions, mentions);
    const reports = await Promise.all(jobIds.map((jobId) => system.stores.next((job) => job.jobId === jobId)));
    return reports.reduce((sum, report) => sum + report.result.inserted, 0);
  }

  async function tables() {
    const query = async (sql: string) => (await system.db.database.query(sql)).rows;
    return {
      stories: await query(`SELECT id, brand_id, title, first_seen_at, last_seen_at, mentions, negative_mentions,
                                   positive_mentions, sites, first_site, open FROM stories ORDER BY id`),
      centroids: await query('SELECT id, centroid FROM stories ORDER BY id'),
      sites: await query('SELECT * FROM story_sites ORDER BY story_id, site'),
      links: await query('SELECT mention_id, brand_id, story_id FROM mention_brands ORDER BY mention_id, brand_id'),
    };
  }

  beforeAll(async () => {
    // An 8-hour quiet period: the recall's 7h20m lull keeps it open, the merger (16 hours on) finds Globex's first
    // story closed.
    const stories = 'stories:\n  quiet_period: 8h\n';
    system = await startTestSystem({ configYaml: `${BRANDS}${TEST_API_KEYS}${stories}`, roles: ['api', 'scorer'] });
    // Two batches, in time order, as a poller would send them over two polls.
    await store([RECALL[0]!, RECALL[1]!, LAUNCH[0]!, RECALL[2]!]);
    await store([RECALL[3]!, LAUNCH[1]!, RECALL[4]!]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('puts each new mention into a story of each of its brands in the storing transaction', async () => {
    const { stories, sites, links } = await tables();
    expect(stories).toEqual([
      {
        id: globexStory, brand_id: 'globex', title: RECALL[1]!.title, first_seen_at: new Date(minutes(20)),
        last_seen_at: new Date(minutes(20)), mentions: 1, negative_mentions: 1, positive_mentions: 0, sites: 1,
        first_site: 'wire.example', open: true,
      },
      {
        id: launchStory, brand_id: 'acme', title: expect.any(String), first_seen_at: new Date(minutes(30)),
        last_seen_at: new Date(minutes(90)), mentions: 2, negative_mentions: 0, positive_mentions: 1, sites: 2,
        first_site: 'gadgets.example', open: true,
      },
      {
        id: recallStory, brand_id: 'acme', title: expect.any(String), first_seen_at: new Date(minutes(0)),
        last_seen_at: new Date(minutes(500)), mentions: 5, negative_mentions: 5, positive_mentions: 0, sites: 4,
        first_site: 'first.example', open: true,
      },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(RECALL.map((each) => each.title)).toContain(stories.find((story) => story.id === recallStory)?.title);
    expect(sites.filter((site) => site.story_id === recallStory)).toEqual([
      { story_id: recallStory, site: 'first.example', first_seen_at: new Date(minutes(0)), first_mention_id: RECALL[0]!.id, mentions: 2 },
      { story_id: recallStory, site: 'fourth.example', first_seen_at: new Date(minutes(60)), first_mention_id: RECALL[3]!.id, mentions: 1 },
      { story_id: recallStory, site: 'third.example', first_seen_at: new Date(minutes(40)), first_mention_id: RECALL[2]!.id, mentions: 1 },
      { story_id: recallStory, site: 'wire.example', first_seen_at: new Date(minutes(20)), first_mention_id: RECALL[1]!.id, mentions: 1 },
    ]);
    const expectedLinks = [
      ...RECALL.map((each) => ({ mention_id: each.id, brand_id: 'acme', story_id: recallStory })),
      { mention_id: RECALL[1]!.id, brand_id: 'globex', story_id: globexStory },
      ...LAUNCH.map((each) => ({ mention_id: each.id, brand_id: 'acme', story_id: launchStory })),
    ].sort((a, b) => (a.mention_id !== b.mention_id ? (a.mention_id < b.mention_id ? -1 : 1) : a.brand_id < b.brand_id ? -1 : 1));
    expect(links).toEqual(expectedLinks);
  });

  it('changes nothing when a batch is delivered again', async () => {
    const before = await tables();
    expect(await store([RECALL[3]!, LAUNCH[1]!, RECALL[4]!])).toBe(0);
    expect(await tables()).toEqual(before);
  });

  it('gives the stories `buzzwatch stories` computes for the same mentions in the same order', async () => {
    const assigner = new StoryAssigner();
    const inOrder = [...RECALL, ...LAUNCH].sort((a, b) => Date.parse(a.publishedAt!) - Date.parse(b.publishedAt!));
    const expected = inOrder.map((each) => [each.id, assigner.assign('acme', storyMentionOf(each, new Date(each.publishedAt!))).storyId]);
    const { links } = await tables();
    const stored = new Map(links.filter((link) => link.brand_id === 'acme').map((link) => [link.mention_id, link.story_id]));
    expect(inOrder.map((each) => [each.id, stored.get(each.id)])).toEqual(expected);
  });

  // Which of the concurrent batches takes the brand's lock first, and so names the story, is up to the scheduler.
  let mergerStory = '';

  it('starts one story for one event when batches of one brand are stored at once', async () => {
    const copies = Array.from({ length: 8 }, (_, at) =>
      mention(`https://site${at}.example/globex-merger`, ['globex'], 1000 + at, `Globex agrees merger with Initech (${at})`, 'Globex and Initech merge.'),
    );
    const deps = system.runtime; // the scorer's own settings (quiet period)
    await Promise.all(copies.map((copy) => scoreAndStore({ mentions: [copy] }, deps)));
    const { rows } = await system.db.database.query<{ story_id: string; count: number }>(
      `SELECT story_id, count(*)::int AS count FROM mention_brands WHERE mention_id = ANY($1::text[]) GROUP BY story_id`,
      [copies.map((copy) => copy.id)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.count).toBe(8);
    mergerStory = rows[0]!.story_id;
    expect(copies.map((copy) => storyId('globex', copy.id))).toContain(mergerStory);
  });

  it('closes a story quiet for longer than the configured period when its brand gains a mention', async () => {
    const { rows } = await system.db.database.query('SELECT id, open, centroid FROM stories WHERE brand_id = $1 ORDER BY first_seen_at', ['globex']);
    expect(rows.map((row) => [row.id, row.open, row.centroid === null])).toEqual([
      [globexStory, false, true],
      [mergerStory, true, false],
    ]);
  });

  describe('API', () => {
    it('lists stories with their spread, newest first by default', async () => {
      const { status, body } = await system.api('/v1/stories?brand=acme');
      expect(status).toBe(200);
      expect(body.next_cursor).toBeNull();
      expect(body.data.map((story: { id: string }) => story.id)).toEqual([recallStory, launchStory]);
      expect(body.data[0]).toEqual({
        id: recallStory,
        brand: 'acme',
        title: expect.any(String),
        first_seen_at: minutes(0),
        last_seen_at: minutes(500),
        mentions: 5,
        sites: 4,
        authors: 3,
        negative_share: 1,
        // first.example, wire, third and fourth all first carried it more than 6 hours before minute 500
        sites_last_6h: 0,
        first_site: 'first.example',
        sample_urls: [RECALL[0]!.url, RECALL[1]!.url, RECALL[2]!.url],
        open: true,
      });
      expect(body.data[1]).toMatchObject({ id: launchStory, sites_last_6h: 2, negative_share: 0, authors: 0 });
    });

    it('filters by sentiment and sorts by spread or size', async () => {
      const ids = (body: { data: Array<{ id: string }> }) => body.data.map((story) => story.id);
      expect(ids((await system.api('/v1/stories?sentiment=negative&sort=size')).body)).toEqual([recallStory, globexStory]);
      expect(ids((await system.api('/v1/stories?sentiment=positive')).body)).toEqual([mergerStory, launchStory]);
      expect(ids((await system.api('/v1/stories?sentiment=neutral')).body)).toEqual([]);
      expect(ids((await system.api('/v1/stories?since=2026-03-02T16:00:00Z')).body)).toEqual([mergerStory, recallStory]);
      const spread = await system.api('/v1/stories?sort=spread&until=2026-03-02T10:00:00Z');
      expect(spread.body.data.map((story: { id: string; sites: number }) => [story.id, story.sites])).toEqual(
        [[recallStory, 4], [launchStory, 2], [globexStory, 1]],
      );
    });

    it('reads a since/until date in tz as /v1/mentions does, so both answer for the same days', async () => {
      const names = (body: { data: Array<{ id: string }> }) => body.data.map((each) => each.id);
      // Midnight of 2026-03-03 in Tokyo is 15:00 UTC on the 2nd: only the recall went on after it (until 16:20 UTC).
      const tokyo = 'since=2026-03-03&until=2026-03-04&tz=Asia/Tokyo&brand=acme';
      const mentions = await system.api(`/v1/mentions?${tokyo}`);
      expect(names(mentions.body)).toEqual([RECALL[4]!.id]);
      const stories = await system.api(`/v1/stories?${tokyo}`);
      expect(stories.status).toBe(200);
      expect(names(stories.body)).toEqual([recallStory]);
      // The configured zone (UTC here) without tz: nothing of Acme's happened on the 3rd.
      expect(names((await system.api('/v1/stories?since=2026-03-03&brand=acme')).body)).toEqual([]);
      const badZone = await system.api('/v1/stories?since=2026-03-03&tz=Mars/Olympus');
      expect(badZone.status).toBe(400);
      expect(badZone.body.error.message).toMatch(/^tz: "Mars\/Olympus" is not an IANA time zone/);
    });

    it("moves a story's sentiment counts with a sentiment correction and a rescore, and back", async () => {
      const negativeShare = async (id: string) => (await system.api(`/v1/stories/${id}`)).body.data.negative_share;
      const negativeBySize = async () => (await system.api('/v1/stories?sentiment=negative&sort=size')).body.data.map((story: { id: string }) => story.id);
      const correct = (mention: Mention, sentiment: string | null) =>
        system.api(`/v1/mentions/${mention.id}`, { key: ADMIN_KEY, method: 'PATCH', body: { sentiment } });
      expect(await negativeBySize()).toEqual([recallStory, globexStory]);
      // The wire copy is in Acme's recall story and in Globex's own one-mention story.
      expect((await correct(RECALL[1]!, 'neutral')).status).toBe(200);
      expect(await negativeShare(recallStory)).toBe(0.8);
      expect(await negativeShare(globexStory)).toBe(0);
      expect(await negativeBySize()).toEqual([recallStory]);
      expect((await correct(RECALL[1]!, null)).status).toBe(200);
      expect(await negativeShare(recallStory)).toBe(1);
      expect(await negativeBySize()).toEqual([recallStory, globexStory]);

      // A rescore that relabels a mention (as `buzzwatch rescore` stores it), then the model's first label again.
      const { rows } = await system.db.database.query<{ lang: string; model_sentiment_label: SentimentLabel; sentiment_score: number; sentiment_version: number }>(
        'SELECT lang, model_sentiment_label, sentiment_score, sentiment_version FROM mentions WHERE id = $1',
        [RECALL[2]!.id],
      );
      const scored = rows[0]!;
      const rescore = (label: SentimentLabel, score: number) =>
        inTransaction(system.db.database, (client) => storeRescored(client, [{ id: RECALL[2]!.id, lang: scored.lang, label, score }], scored.sentiment_version));
      expect(await rescore('positive', 0.5)).toBe(1);
      expect(await negativeShare(recallStory)).toBe(0.8);
      expect((await system.api('/v1/stories?sentiment=negative&brand=acme')).body.data).toHaveLength(1);
      expect(await rescore(scored.model_sentiment_label, scored.sentiment_score)).toBe(1);
      expect(await negativeShare(recallStory)).toBe(1);
    });

    it('pages with a cursor, without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const { status, body } = await system.api(`/v1/stories?sort=size&limit=1${query}`);
        expect(status).toBe(200);
        seen.push(...body.data.map((story: { id: string }) => story.id));
        cursor = body.next_cursor;
      } while (cursor !== null);
      const all = await system.api('/v1/stories?sort=size&limit=100');
      expect(seen).toEqual(all.body.data.map((story: { id: string }) => story.id));
      expect(seen).toHaveLength(4);
    });

    it('shows one story with each site and the time it first carried it, and its mentions', async () => {
      const { status, body } = await system.api(`/v1/stories/${recallStory}`);
      expect(status).toBe(200);
      expect(body.data.timeline).toEqual([
        { site: 'first.example', first_seen_at: minutes(0), first_url: RECALL[0]!.url, mentions: 2 },
        { site: 'wire.example', first_seen_at: minutes(20), first_url: RECALL[1]!.url, mentions: 1 },
        { site: 'third.example', first_seen_at: minutes(40), first_url: RECALL[2]!.url, mentions: 1 },
        { site: 'fourth.example', first_seen_at: minutes(60), first_url: RECALL[3]!.url, mentions: 1 },
      ]);
      expect(body.data.latest_mentions.map((each: { id: string }) => each.id)).toEqual([...RECALL].reverse().map((each) => each.id));
      expect(body.data.latest_mentions.every((each: { story_id: string }) => each.story_id === recallStory)).toBe(true);
    });

    it('filters mentions by story and shows each mention’s story', async () => {
      const { status, body } = await system.api(`/v1/mentions?story=${launchStory}`);
      expect(status).toBe(200);
      expect(body.data.map((each: { id: string }) => each.id)).toEqual([LAUNCH[1]!.id, LAUNCH[0]!.id]);
      const wire = await system.api(`/v1/mentions/${RECALL[1]!.id}`);
      expect(wire.body.data).toMatchObject({ story_id: recallStory, stories: { acme: recallStory, globex: globexStory } });
      const asGlobex = await system.api(`/v1/mentions?brand=globex&until=2026-03-02T09:00:00Z`);
      expect(asGlobex.body.data.map((each: { story_id: string }) => each.story_id)).toEqual([globexStory]);
      const paged = await system.api(`/v1/mentions?story=${recallStory}&limit=2`);
      const rest = await system.api(`/v1/mentions?story=${recallStory}&limit=10&cursor=${paged.body.next_cursor}`);
      expect([...paged.body.data, ...rest.body.data].map((each: { id: string }) => each.id)).toEqual(
        [...RECALL].reverse().map((each) => each.id),
      );
    });

    it('answers 400 for a malformed story id or a cursor of another order, 404 for an unknown story', async () => {
      const badPath = await system.api('/v1/stories/not-a-story');
      expect(badPath.status).toBe(400);
      expect(badPath.body.error).toEqual({ code: 'BUZZ_ERR_VALIDATION', message: 'story id must be a story id (24 hexadecimal digits), got "not-a-story"' });
      const badFilter = await system.api('/v1/mentions?story=xyz');
      expect(badFilter.status).toBe(400);
      expect(badFilter.body.error.message).toMatch(/^story must be a story id/);
      const unknown = await system.api(`/v1/stories/${'0'.repeat(24)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('BUZZ_ERR_NOT_FOUND');
      const page = await system.api('/v1/stories?sort=size&limit=1');
      const mixed = await system.api(`/v1/stories?sort=recent&cursor=${page.body.next_cursor}`);
      expect(mixed.status).toBe(400);
      expect(mixed.body.error.code).toBe('BUZZ_ERR_INVALID_CURSOR');
      const badSort = await system.api('/v1/stories?sort=loudest');
      expect(badSort.status).toBe(400);
      const badBrand = await system.api('/v1/stories?brand=initech');
      expect(badBrand.status).toBe(400);
    });
  });

  it("writes a batch's mention rows, then waits for its brand's story lock while another batch holds it", async () => {
    const holder = await system.db.database.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtextextended('buzzwatch:stories:globex', 0))");
      const deps = system.runtime; // the scorer's own settings (quiet period)
      const late = mention('https://late.example/globex', ['globex'], 2000, 'Globex opens a plant in Ohio', 'New plant.');
      const storing = scoreAndStore({ mentions: [late] }, deps);
      // Waits until PostgreSQL shows the scorer's transaction queued behind the held lock.
      let waiter = 0;
      for (;;) {
        const { rows } = await holder.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        if (rows.length > 0) {
          waiter = rows[0].pid;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Its mention rows are written already (the statement that claims the ids holds its table lock), not committed.
      const { rows: tables } = await holder.query(
        `SELECT relation::regclass::text AS name FROM pg_locks
          WHERE pid = $1 AND granted AND mode = 'RowExclusiveLock' AND relation::regclass::text IN ('mention_ids', 'mentions')
          ORDER BY 1`,
        [waiter],
      );
      expect(tables.map((table) => table.name)).toEqual(['mention_ids', 'mentions']);
      const { rows } = await holder.query('SELECT count(*)::int AS stored FROM mentions WHERE id = $1', [late.id]);
      expect(rows[0].stored).toBe(0);
      await holder.query("SELECT pg_advisory_unlock(hashtextextended('buzzwatch:stories:globex', 0))");
      expect((await storing).insertedIds).toEqual([late.id]);
    } finally {
      holder.release();
    }
  });

  it("waits for its brand's story lock before a sentiment correction moves its story's counts", async () => {
    const deps = system.runtime;
    const corrected = mention('https://corrected.example/globex', ['globex'], 2200, 'Globex mixer praised', 'Great mixer.');
    await scoreAndStore({ mentions: [corrected] }, deps);
    const holder = await system.db.database.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtextextended('buzzwatch:stories:globex', 0))");
      const correcting = setSentimentOverride(system.db.database, corrected.id, { label: 'negative', by: 'pr', at: new Date() });
      const waitingForLock = (async () => {
        for (;;) {
          const { rows } = await holder.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
          if (rows.length > 0) return 'waits for the story lock';
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      // Without the lock the correction would end first, moving story counts the scorer may be writing.
      expect(await Promise.race([waitingForLock, correcting.then(() => 'corrected without the lock')])).toBe('waits for the story lock');
      await holder.query("SELECT pg_advisory_unlock(hashtextextended('buzzwatch:stories:globex', 0))");
      expect(await correcting).toBe(true);
    } finally {
      holder.release();
    }
  });

  it('stores each mention once when batches sharing ids are stored at once (no deadlock, none lost)', async () => {
    const pool = Array.from({ length: 6 }, (_, at) =>
      mention(`https://shared${at}.example/globex-plant`, ['globex'], 1500 + at, `Globex plant story ${at}`, 'Globex builds.'),
    );
    const batches = Array.from({ length: 6 }, (_, at) => [pool[at]!, pool[(at + 1) % 6]!, pool[(at + 3) % 6]!]);
    const deps = system.runtime;
    const reports = await Promise.all(batches.map((batch) => scoreAndStore({ mentions: batch }, deps)));
    expect(reports.flatMap((report) => report.insertedIds).sort()).toEqual(pool.map((one) => one.id).sort());
    const { rows } = await system.db.database.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM mention_brands WHERE mention_id = ANY($1::text[])',
      [pool.map((one) => one.id)],
    );
    expect(rows[0]?.count).toBe(6);
  });
});
