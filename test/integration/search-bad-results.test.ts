// One search result whose fields are not what the API documents (a number where a string belongs) costs that result
// only: the others are stored, the source stays ok with the skipped result's field path in last_warning and in one
// log line per poll, and the next poll goes on. It used to fail every poll until the result left the API's window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { listedSource, storedMentions } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { HN_BRAND_CONFIG, commentHit, serveAlgolia, storyHit, type AlgoliaHitFixture } from '../fixtures/hackernews.js';

const SEARCH_PATH = '/api/v1/search_by_date';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe('a search result of the wrong shape', () => {
  let api: FixtureServer;
  let system: TestSystem;
  // Newest first, as the API answers: the bad hit is hits[1].
  const good = storyHit(501, minutesAgo(3), { title: 'Acme ships rocket skates' });
  const bad = { ...storyHit(502, minutesAgo(2), { title: 'Acme skates recalled' }), objectID: 502 } as unknown as AlgoliaHitFixture;
  const alsoGood = commentHit(503, 501, minutesAgo(1), { comment_text: 'My Acme skates arrived today.', story_title: 'Acme ships rocket skates' });
  let hits: AlgoliaHitFixture[] = [good, bad, alsoGood];

  beforeAll(async () => {
    api = await startFixtureServer();
    api.route(SEARCH_PATH, serveAlgolia(() => hits));
    system = await startTestSystem({
      configYaml: `${HN_BRAND_CONFIG}
sources:
  - { id: hn-bad-hit, type: hackernews, base_url: "${api.baseUrl}", every: 1h, brands: [acme] }
${TEST_API_KEYS}`,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await api?.close();
  });

  it('skips only that result, stores the others and says which field was off', async () => {
    const outcome = (await system.initialPolls()).get('hn-bad-hit');
    expect(outcome).toMatchObject({ status: 'ok', items: 2, mentions: 2 });
    expect((await storedMentions(system.runtime.database, 'hn-bad-hit')).map((mention) => mention.external_id)).toEqual(['501', '503']);
    expect(await listedSource(system, 'hn-bad-hit')).toMatchObject({
      status: 'ok',
      consecutive_failures: 0,
      last_error: null,
      last_warning: 'skipped 1 result not in the shape the API documents: hits[1].objectID: expected string',
      mentions_total: 2,
    });
    const logged = system.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'poll skipped results not in the shape the API documents');
    expect(logged.map(({ source, skipped, reasons }) => ({ source, skipped, reasons }))).toEqual([
      { source: 'hn-bad-hit', skipped: 1, reasons: ['hits[1].objectID: expected string'] },
    ]);
  });

  it('goes on at the next poll, and the warning goes once the API no longer sends the result', async () => {
    hits = [good, bad, alsoGood, storyHit(504, minutesAgo(0.5), { title: 'Acme opens a store in Lisbon' })];
    expect(await system.pollAndStore('hn-bad-hit')).toMatchObject({ status: 'ok', items: 1, mentions: 1 });
    expect((await storedMentions(system.runtime.database, 'hn-bad-hit')).map((mention) => mention.external_id)).toEqual(['501', '503', '504']);
    // Still sent, now below the new hit: still skipped, and said so.
    expect(await listedSource(system, 'hn-bad-hit')).toMatchObject({
      status: 'ok',
      last_warning: 'skipped 1 result not in the shape the API documents: hits[2].objectID: expected string',
    });

    hits = [good, alsoGood];
    expect(await system.pollAndStore('hn-bad-hit')).toMatchObject({ status: 'ok', items: 0 });
    expect(await listedSource(system, 'hn-bad-hit')).toMatchObject({ status: 'ok', last_warning: null, mentions_total: 3 });
  });
});
