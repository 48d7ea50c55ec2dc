// sources[].max_body_size: a body over a source's own smaller cap fails its poll naming that cap and the setting,
// and a larger cap takes a feed the default 5 MiB refuses; for a poll and a preview alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBrandRules } from '../../src/mentions/brand-rules.js';
import { previewSource } from '../../src/poller/preview-source.js';
import { sourceFromConfig } from '../helpers/configured-source.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { startPollHarness, storedMentions, type PollHarness } from '../helpers/poll-harness.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';

const BRANDS = 'brands:\n  - { id: acme, name: Acme Corp, keywords: ["acme"] }\n';
const MiB = 1024 * 1024;

function entries(section: string): FeedEntry[] {
  return [1, 2].map((index) => ({
    id: `${section}-${index}`,
    link: `https://capped.example/${section}/${index}`,
    title: `Acme story ${index}`,
    html: `<p>Acme news number ${index}.</p>`,
    date: `Wed, 25 Nov 2026 1${index}:00:00 GMT`,
  }));
}

/** The feed of `section`, padded with an XML comment (which the parser passes over) to `bytes`. */
function paddedFeed(section: string, bytes: number): Buffer {
  const feed = rss2(entries(section));
  const padding = bytes - Buffer.byteLength(feed) - '<!--  -->'.length;
  const padded = feed.replace('</channel>', `<!-- ${'x'.repeat(padding)} --></channel>`);
  expect(Buffer.byteLength(padded)).toBe(bytes);
  return Buffer.from(padded, 'utf8');
}

describe('a source with its own body cap', () => {
  let feeds: FixtureServer;
  let harness: PollHarness;
  let host: string;

  const source = (id: string, path: string, cap = '') =>
    sourceFromConfig(`${BRANDS}sources:\n  - { id: ${id}, type: rss, url: "${feeds.baseUrl}${path}"${cap === '' ? '' : `, max_body_size: ${cap}`} }\n`);

  async function health(sourceId: string): Promise<unknown> {
    const { rows } = await harness.db.database.query('SELECT last_error, consecutive_failures FROM sources WHERE id = $1', [sourceId]);
    return rows[0];
  }

  beforeAll(async () => {
    feeds = await startFixtureServer();
    host = new URL(feeds.baseUrl).host;
    feeds.route('/small.xml', serveFeed(paddedFeed('small', 3 * 1024), 'application/rss+xml'));
    feeds.route('/big.xml', serveFeed(paddedFeed('big', 5 * MiB + 64 * 1024), 'application/rss+xml'));
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await feeds?.close();
  });

  it('fails a 3 KiB feed under max_body_size: 2KiB, naming the cap and the setting, storing nothing', async () => {
    const { source: capped, brands } = source('small-capped', '/small.xml', '2KiB');
    const message = `response from ${host} is larger than 2 KiB, the source's max_body_size`;
    expect(await harness.pollAndStore(capped, brands)).toMatchObject({ status: 'failed', error: { kind: 'too_large', message } });
    expect(await health('small-capped')).toEqual({ last_error: message, consecutive_failures: 1 });
    expect(await storedMentions(harness.db.database, 'small-capped')).toEqual([]);
    // The same feed under a cap it fits is read.
    const { source: roomy } = source('small-roomy', '/small.xml', '4KiB');
    expect(await harness.pollAndStore(roomy, brands)).toMatchObject({ status: 'ok', items: 2, mentions: 2 });
  });

  it('fails a 5 MiB + 64 KiB feed under the default cap, naming it', async () => {
    const { source: plain, brands } = source('big-default', '/big.xml');
    const message = `response from ${host} is larger than 5 MiB, the default max_body_size`;
    expect(await harness.pollAndStore(plain, brands)).toMatchObject({ status: 'failed', error: { kind: 'too_large', message } });
    expect(await health('big-default')).toEqual({ last_error: message, consecutive_failures: 1 });
  });

  it('reads the 5 MiB + 64 KiB feed under max_body_size: 8MiB, in a poll and in a preview', async () => {
    const { source: raised, brands } = source('big-raised', '/big.xml', '8MiB');
    expect(await harness.pollAndStore(raised, brands)).toMatchObject({ status: 'ok', items: 2, mentions: 2 });
    expect((await storedMentions(harness.db.database, 'big-raised')).map((mention) => mention.url)).toEqual([
      'https://capped.example/big/1',
      'https://capped.example/big/2',
    ]);
    const preview = await previewSource(raised, { brandRules: compileBrandRules(brands), http: harness.http, logger: harness.logger });
    expect(preview).toMatchObject({ ok: true, lines: [{}, {}] });
    const { source: plain } = source('big-default', '/big.xml');
    const refused = await previewSource(plain, { brandRules: compileBrandRules(brands), http: harness.http, logger: harness.logger });
    expect(refused).toEqual({ ok: false, reason: `big-default: response from ${host} is larger than 5 MiB, the default max_body_size` });
  });
});
