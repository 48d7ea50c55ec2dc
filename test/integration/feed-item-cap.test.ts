// A feed of more items than one poll takes (FEED_MAX_ITEMS): the newest ones are matched and stored, here the last ones
// of a feed listed oldest first (an archive that is appended to), the rest left out and said so in the source's health (last_warning) and one log line; the source stays ok.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewSource } from '../../src/poller/preview-source.js';
import { createLogger } from '../../src/runtime/logger.js';
import { FEED_MAX_ITEMS } from '../../src/sources/feed-parsing-thread.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { listedSource, storedMentions } from '../helpers/poll-harness.js';
import { TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { BRAND_CONFIG } from '../fixtures/feeds.js';

const LEFT_OUT = 3;
const WARNING = `the feed had ${FEED_MAX_ITEMS + LEFT_OUT} items: the newest ${FEED_MAX_ITEMS} were read, the other ${LEFT_OUT} left out (at most ${FEED_MAX_ITEMS} per poll)`;

const OLDEST = Date.parse('2026-11-01T00:00:00Z');

/** One-line items listed oldest first, a minute apart; the first and the last name the brand, the others do not. */
function manyItemsFeed(count: number): string {
  const items = Array.from({ length: count }, (_, index) => {
    const title = index === 0 || index === count - 1 ? `Acme story ${index}` : `Other story ${index}`;
    const published = new Date(OLDEST + index * 60_000).toUTCString();
    return `<item><title>${title}</title><link>https://many.example/${index}</link><pubDate>${published}</pubDate></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title><link>https://many.example/</link>${items.join('')}</channel></rss>`;
}

describe('a feed of more items than a poll takes', () => {
  let feeds: FixtureServer;
  let system: TestSystem;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/many.xml', serveFeed(manyItemsFeed(FEED_MAX_ITEMS + LEFT_OUT), 'application/rss+xml', { etag: '"many-1"' }));
    system = await startTestSystem({
      configYaml: `${BRAND_CONFIG}
sources:
  - { id: many, type: rss, url: "${feeds.baseUrl}/many.xml", every: 1h, max_body_size: 10MiB }
${TEST_API_KEYS}`,
    });
  });

  afterAll(async () => {
    await system?.stop();
    await feeds?.close();
  });

  it('is polled for its newest FEED_MAX_ITEMS items, and the older rest are left out with a warning', async () => {
    const outcome = (await system.initialPolls()).get('many');
    expect(outcome).toMatchObject({ status: 'ok', items: FEED_MAX_ITEMS, mentions: 1 });
    expect((await storedMentions(system.runtime.database, 'many')).map((mention) => mention.url)).toEqual([`https://many.example/${FEED_MAX_ITEMS + LEFT_OUT - 1}`]);
    expect(await listedSource(system, 'many')).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null, last_warning: WARNING });
    const logged = system.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'poll left out part of what the source sent');
    expect(logged.map(({ source, warning }) => ({ source, warning }))).toEqual([{ source: 'many', warning: WARNING }]);
  });

  it('keeps its warning while the feed answers 304 (not modified), with nothing more stored', async () => {
    expect(await system.pollAsScheduled('many')).toMatchObject({ status: 'ok', items: 0, mentions: 0 });
    expect(await listedSource(system, 'many')).toMatchObject({ status: 'ok', last_warning: WARNING });
    expect(await storedMentions(system.runtime.database, 'many')).toHaveLength(1);
  });

  it('is previewed for the same items, with the same warning', async () => {
    const source = system.runtime.sources.get('many');
    if (source === undefined) throw new Error('the source was not built');
    const preview = await previewSource(source, { brandRules: system.runtime.brandRules, http: system.runtime.http, logger: createLogger('silent') });
    if (!preview.ok) throw new Error(preview.reason);
    expect([preview.lines.length, preview.lines[0]?.url, preview.lines.at(-1)?.url, preview.warning]).toEqual([
      FEED_MAX_ITEMS,
      `https://many.example/${LEFT_OUT}`,
      `https://many.example/${FEED_MAX_ITEMS + LEFT_OUT - 1}`,
      WARNING,
    ]);
  });
});
