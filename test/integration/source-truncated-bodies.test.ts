// A feed whose transfer broke is a failed poll saying so, storing nothing, whether its body was compressed (gzip,
// deflate, brotli: fetch's lenient decoding handed over what it had decoded, read as a short or whole feed) or plain
// and shorter than its Content-Length; the same feeds whole are read as before.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceFromConfig } from '../helpers/configured-source.js';
import { startFixtureServer, type FixtureServer, type RouteHandler } from '../helpers/http-fixture-server.js';
import { startPollHarness, storedMentions, type PollHarness } from '../helpers/poll-harness.js';
import { rss2, type FeedEntry } from '../fixtures/feeds.js';

const BRANDS = 'brands:\n  - { id: acme, name: Acme Corp, keywords: ["acme"] }\n';

/** Six stories under `https://cut.example/<section>/` (each feed its own: a link is a mention's identity). */
function entries(section: string): FeedEntry[] {
  return Array.from({ length: 6 }, (_, index) => ({
    id: `${section}-${index}`,
    link: `https://cut.example/${section}/acme-${index}`,
    title: `Acme story number ${index}`,
    html: `<p>Acme did thing ${index} today.</p>`,
    date: `Wed, 25 Nov 2026 1${index}:00:00 GMT`,
  }));
}
const feed = (section: string) => Buffer.from(rss2(entries(section)), 'utf8');

const COMPRESSED = { gzip: gzipSync(feed('gzip')), deflate: deflateSync(feed('deflate')), br: brotliCompressSync(feed('br')) };
const PLAIN = feed('plain');

/** Source `id` reading `path` of `feeds`, as the config loader builds it. */
function feedSource(feeds: FixtureServer, id: string, path: string) {
  return sourceFromConfig(`${BRANDS}sources:\n  - { id: ${id}, type: rss, url: "${feeds.baseUrl}${path}" }\n`);
}

describe('a feed whose transfer broke', () => {
  let feeds: FixtureServer;
  let harness: PollHarness;
  let host: string;

  beforeAll(async () => {
    feeds = await startFixtureServer();
    host = new URL(feeds.baseUrl).host;
    for (const [coding, body] of Object.entries(COMPRESSED)) {
      // A complete HTTP answer (chunked, ended properly) whose compressed body stops early: only the coding can tell.
      const serve = (bytes: Buffer): RouteHandler => (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': coding }).end(bytes);
      };
      feeds.route(`/whole.${coding}`, serve(body));
      // Its last 4 bytes gone: gzip loses half its trailer, deflate its checksum, brotli the end of its last block.
      feeds.route(`/tail-cut.${coding}`, serve(body.subarray(0, body.length - 4)));
      feeds.route(`/half.${coding}`, serve(body.subarray(0, Math.floor(body.length / 2))));
    }
    feeds.route('/short.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(PLAIN.length) });
      response.write(PLAIN.subarray(0, PLAIN.length - 100), () => response.destroy());
    });
    harness = await startPollHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await feeds?.close();
  });

  async function lastError(sourceId: string): Promise<unknown> {
    const { rows } = await harness.db.database.query('SELECT last_error, consecutive_failures FROM sources WHERE id = $1', [sourceId]);
    return rows[0];
  }

  it.each(Object.keys(COMPRESSED))('reads the whole %s feed: every item', async (coding) => {
    const { source, brands } = feedSource(feeds, `whole-${coding}`, `/whole.${coding}`);
    expect(await harness.pollAndStore(source, brands)).toMatchObject({ status: 'ok', items: 6, mentions: 6 });
    const stored = await storedMentions(harness.db.database, `whole-${coding}`);
    expect(stored.map((mention) => mention.external_id)).toEqual(entries(coding).map((entry) => entry.id));
  });

  it.each(Object.keys(COMPRESSED).flatMap((coding) => [[coding, 'tail-cut'], [coding, 'half']]))(
    'fails a %s feed cut off (%s) with the reason, storing none of it',
    async (coding, cut) => {
      const id = `${cut}-${coding}`;
      const { source, brands } = feedSource(feeds, id, `/${cut}.${coding}`);
      const message = `the ${coding} body from ${host} ended before its end (truncated transfer)`;
      expect(await harness.pollAndStore(source, brands)).toMatchObject({ status: 'failed', error: { kind: 'network', message } });
      expect(await lastError(id)).toEqual({ last_error: message, consecutive_failures: 1 });
      expect(await storedMentions(harness.db.database, id)).toEqual([]);
    },
  );

  it('fails a plain feed shorter than its Content-Length, storing none of it', async () => {
    const { source, brands } = feedSource(feeds, 'short', '/short.xml');
    const message = `the answer from ${host} was cut off before its end: UND_ERR_SOCKET`;
    expect(await harness.pollAndStore(source, brands)).toMatchObject({ status: 'failed', error: { kind: 'network', message } });
    expect(await lastError('short')).toEqual({ last_error: message, consecutive_failures: 1 });
    expect(await storedMentions(harness.db.database, 'short')).toEqual([]);
  });
});
