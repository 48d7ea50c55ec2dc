// The dashboard in a real browser: Debian's Chromium driven by playwright-core against a whole buzzwatch (api, poller,
// scorer, alerter) with seeded history, a feed source, a failing source, a search source that skips a result of the
// wrong shape (ok, with a warning), a webhook source and an alert. One browser
// for the file; every request the pages make and everything they log is recorded and checked at the end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { rss2 } from '../fixtures/feeds.js';
import { serveAlgolia, storyHit, type AlgoliaHitFixture } from '../fixtures/hackernews.js';
import { startHoldingProxy } from '../helpers/holding-proxy.js';
import { serveFeed, startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { scoredMention, storeMentions, type StoredMentionFields } from '../helpers/stored-mentions.js';
import { ADMIN_KEY, READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { pushWebhook } from '../helpers/webhook-push.js';

// The functions handed to page.evaluate run in the browser; this file is compiled without DOM types, so the few
// browser globals they use are declared here (module scope: nothing leaks into the rest of the project).
declare const document: { documentElement: { scrollWidth: number } };
declare const sessionStorage: { length: number };
declare const localStorage: { length: number };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const HOOK_SECRET = 'dashboard-hook-secret-0123456789';
const HOUR = 3_600_000;
const EXPECTED_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

/** Sends the webhook batch the way a sender does and waits until the scorer has stored it. */
async function pushAndStore(system: TestSystem, mentions: object[]): Promise<void> {
  const answer = await pushWebhook(system.baseUrl, 'hook', JSON.stringify({ mentions }), { secret: HOOK_SECRET });
  expect(answer.status).toBe(202);
  await system.stores.next((job) => job.result.received === mentions.length && job.result.inserted === mentions.length);
}

/** History of the last 50 days for Acme (and its competitor Globex), with chosen labels, sites, authors and reach. */
function history(nowMs: number): StoredMentionFields[] {
  const labels = ['negative', 'neutral', 'positive', 'neutral', 'positive'] as const;
  const fields: StoredMentionFields[] = [];
  for (let index = 0; index < 90; index++) {
    fields.push({
      key: `acme-${index}`,
      at: new Date(nowMs - 2 * HOUR - index * 13 * HOUR).toISOString(),
      label: labels[index % labels.length],
      site: `site${index % 6}.example`,
      author: index % 4 === 0 ? null : `author${index % 5}`,
      reach: index % 3 === 0 ? 100 + index : null,
      title: `Acme story number ${index}`,
    });
  }
  for (let index = 0; index < 40; index++) {
    fields.push({
      key: `globex-${index}`,
      brands: ['globex'],
      at: new Date(nowMs - 3 * HOUR - index * 29 * HOUR).toISOString(),
      label: labels[(index + 1) % labels.length],
      site: `globex${index % 3}.example`,
      text: `Mention ${index} of Globex.`,
    });
  }
  return fields;
}

interface Recorder {
  urls: string[];
  problems: string[];
}

// A browser and a whole system share the machine with the rest of the suite: a case that clicks through a view
// took over 30 s at load 15-20.
describe('the dashboard in a browser', { timeout: 90_000 }, () => {
  let system: TestSystem;
  let fixtures: FixtureServer;
  let browser: Browser;
  const recorder: Recorder = { urls: [], problems: [] };
  /** Origins in front of the API that a test put there (a proxy): the page may ask them too. */
  const proxies: string[] = [];
  const contexts: BrowserContext[] = [];

  /** A page in a fresh context (its own sessionStorage); `refusals` tolerates the 401s a wrong key is answered with. */
  async function openPage(options: { width?: number; height?: number; refusals?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      timezoneId: 'Europe/Warsaw',
      locale: 'en-GB',
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => recorder.urls.push(request.url()));
    page.on('console', (message) => {
      const refusal = options.refusals === true && message.text().includes('status of 401');
      if ((message.type() === 'error' || message.type() === 'warning') && !refusal) recorder.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => recorder.problems.push(`page error: ${error.message}`));
    return page;
  }

  async function signIn(page: Page, key: string, baseUrl = system.baseUrl): Promise<void> {
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#key-scope').waitFor();
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The page is served from dist/web/: built now, so the test never runs against a stale bundle.
    await buildWeb();
    fixtures = await startFixtureServer();
    const published = new Date(Date.now() - 5 * HOUR).toUTCString();
    fixtures.route(
      '/feed.xml',
      serveFeed(
        rss2([
          { id: 'feed-1', link: 'https://feed.example/acme-skates', title: 'Acme rocket skates reviewed', html: '<p>The Acme rocket skates are wonderful.</p>', date: published },
          { id: 'feed-2', link: 'https://feed.example/acme-anvils', title: 'Acme anvils back in stock', html: '<p>Acme anvils are back.</p>', date: published },
        ]),
        'application/rss+xml',
      ),
    );
    fixtures.route('/broken.xml', (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('down for maintenance');
    });
    // Hacker News search: one hit as documented, and one whose objectID is a number, which the poll skips and tells
    // in the source's last_warning.
    const good = storyHit(701, new Date(Date.now() - 4 * HOUR), { title: 'Acme rocket skates on Hacker News' });
    const wrongShape = { ...storyHit(702, new Date(Date.now() - 5 * HOUR), { title: 'Acme skates again' }), objectID: 702 } as unknown as AlgoliaHitFixture;
    fixtures.route('/api/v1/search_by_date', serveAlgolia(() => [good, wrongShape]));
    fixtures.route('/slack', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
sources:
  - { id: hook, type: webhook, secret: "${HOOK_SECRET}" }
  - { id: news, type: rss, url: "${fixtures.baseUrl}/feed.xml", every: 1h }
  - { id: broken, type: rss, url: "${fixtures.baseUrl}/broken.xml", every: 1h }
  - { id: hn, type: hackernews, base_url: "${fixtures.baseUrl}", every: 1h, brands: [acme] }
alerts:
  tick: 1h
  group_wait: 0s
  rules:
    - { id: acme-boycott, type: keyword, window: 1h, terms: [boycott], channels: [pr-slack] }
  channels:
    - { id: pr-slack, type: slack, url: "${fixtures.baseUrl}/slack" }
${TEST_API_KEYS}`,
      roles: ['api', 'poller', 'scorer', 'alerter'],
      logLevel: 'warn',
    });
    await system.initialPolls();
    const nowMs = Date.now();
    await storeMentions(
      system.db.database,
      history(nowMs).map((fields) => ({ ...scoredMention(fields), seenAt: new Date(nowMs).toISOString() })),
    );
    // A story spreading over four sites, told by webhook through the scorer (which assigns stories), that trips the
    // keyword rule: the alert the alerts view shows.
    await pushAndStore(
      system,
      Array.from({ length: 5 }, (_, index) => ({
        id: `boycott-${index}`,
        url: `https://spread${index % 4}.example/acme-boycott-${index}`,
        title: 'Acme boycott grows after the anvil recall',
        text: `Customers call for an Acme boycott after the terrible anvil recall; angry and disappointed (${index}).`,
        author: `reporter${index}`,
        published_at: new Date(nowMs - (30 - index * 5) * 60_000).toISOString(),
      })),
    );
    // The scorer asks for an evaluation soon after it stores mentions, which may open the episode before this one
    // runs (whose report then tells no transition): what is checked is the alert stored once an evaluation has run.
    await system.evaluateAlerts();
    const alerts = (await system.api('/v1/alerts?brand=acme')).body.data;
    expect(alerts.map((alert: any) => alert.rules.map((rule: any) => rule.rule_id))).toEqual([['acme-boycott']]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await system?.stop();
    await fixtures?.close();
    // Stopping four roles waits for their jobs in flight: slow on a loaded machine.
  }, 120_000);

  it('sends / to the dashboard, whose every answer carries the strict CSP', async () => {
    const root = await fetch(`${system.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard/');
    for (const [path, type] of [
      ['/dashboard/', 'text/html'],
      ['/dashboard/app.js', 'javascript'],
      ['/dashboard/app.css', 'text/css'],
    ] as const) {
      const answer = await fetch(`${system.baseUrl}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers.get('content-type')).toContain(type);
      expect(answer.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const html = await (await fetch(`${system.baseUrl}/dashboard/`)).text();
    // Nothing inline for the CSP to refuse, and nothing from another host.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    // The JSON API keeps its own headers.
    expect((await system.api('/v1/brands')).status).toBe(200);
    expect((await fetch(`${system.baseUrl}/v1/brands`, { headers: { authorization: `Bearer ${READ_KEY}` } })).headers.get('content-security-policy')).toBeNull();
  });

  it('tells a client the name and scope of its key at GET /v1/key', async () => {
    expect(await system.api('/v1/key')).toEqual({ status: 200, body: { data: { name: 'reader', scope: 'read' } } });
    expect(await system.api('/v1/key', { key: ADMIN_KEY })).toEqual({ status: 200, body: { data: { name: 'admin', scope: 'admin' } } });
    const refused = await system.api('/v1/key', { key: 'not-a-key' });
    expect(refused).toEqual({ status: 401, body: { error: { code: 'BUZZ_ERR_UNAUTHORIZED', message: 'unknown API key' } } });
  });

  it('refuses a wrong key at sign-in in words, then signs in with the read key', async () => {
    // A refused key is a 401, which the browser logs as a failed resource: expected on this page.
    const page = await openPage({ refusals: true });
    await page.goto(`${system.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#problem').textContent()).toBe('The key was refused or expired — sign in again.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('API key').fill(READ_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#overview').waitFor();
    expect(await page.locator('#key-scope').textContent()).toBe('read-only');
    expect(await page.locator('#problem').isHidden()).toBe(true);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['buzzwatch.apiKey']);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('shows overview totals equal to /v1/stats for the same brand and range, and draws its charts', async () => {
    const page = await openPage();
    await signIn(page, READ_KEY);
    const overview = page.locator('#overview');
    await overview.waitFor();
    const window = await overview.evaluate((element: any) => ({ ...element.dataset }) as Record<string, string>);
    expect(window.tz).toBe('Europe/Warsaw');
    expect(window.interval).toBe('day');
    const stats = await system.api(`/v1/stats?brand=acme&since=${window.since}&until=${window.until}&tz=Europe/Warsaw&interval=day`);
    expect(stats.status).toBe(200);
    const sum = (field: string) => stats.body.data.reduce((total: number, row: any) => total + row[field], 0);
    // 30 days of history: every seeded Acme mention within the range, plus the five pushed ones.
    expect(sum('total')).toBeGreaterThan(50);
    expect(Number(await page.locator('[data-kpi="mentions"]').getAttribute('data-value'))).toBe(sum('total'));
    expect(await page.locator('[data-kpi="mentions"] .kpi-value').textContent()).toBe(sum('total').toLocaleString('en'));
    expect(Number(await page.locator('[data-kpi="negative-share"]').getAttribute('data-value'))).toBeCloseTo(sum('negative') / (sum('total') - sum('unknown')), 10);
    expect(Number(await page.locator('[data-kpi="reach"]').getAttribute('data-value'))).toBe(sum('reach'));

    // The volume chart: four stacked sentiments and the negative share line, one bar group per day.
    const volume = page.locator('#volume-chart');
    expect(await volume.getAttribute('data-series')).toBe('5');
    expect(Number(await volume.getAttribute('data-buckets'))).toBe(stats.body.data.length);
    expect(await volume.locator('.u-legend .u-series .u-label').allTextContents()).toEqual(['Time', 'Unknown', 'Positive', 'Neutral', 'Negative', 'Negative share']);
    // Share of voice: Acme and its competitor Globex.
    const voice = page.locator('#voice-chart');
    expect(await voice.getAttribute('data-series')).toBe('2');
    expect(await voice.locator('.u-legend .u-series .u-label').allTextContents()).toEqual(['Time', 'Acme Corp', 'Globex']);
    for (const chart of [volume, voice]) {
      const painted = await chart.locator('canvas').evaluate((canvas: any) => {
        const pixels: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let opaque = 0;
        const colours = new Set<string>();
        for (let index = 0; index < pixels.length; index += 4) {
          if ((pixels[index + 3] ?? 0) > 0) {
            opaque++;
            colours.add(`${pixels[index]},${pixels[index + 1]},${pixels[index + 2]}`);
          }
        }
        return { opaque, colours: colours.size, total: pixels.length / 4 };
      });
      // Drawn: axes, grid and series in several colours over a good part of the canvas, not a blank one.
      expect(painted.opaque).toBeGreaterThan(painted.total / 50);
      expect(painted.colours).toBeGreaterThan(5);
    }
    const sites = await system.api(`/v1/top?brand=acme&since=${window.since}&until=${window.until}&by=site&limit=10`);
    expect(await page.locator('table', { hasText: 'Top sites' }).locator('tbody tr td:first-child').allTextContents()).toEqual(sites.body.data.map((row: any) => row.key));
    await screenshot(page, 'overview-1280');
  });

  it('works at phone width', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await signIn(page, READ_KEY);
    await page.locator('#overview').waitFor();
    // Nothing wider than the screen: no sideways scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'overview-390');
  });

  it('lists mentions page by page as the list scrolls, filters them, and exports them with the key in a header', async () => {
    const page = await openPage();
    await signIn(page, READ_KEY);
    await page.getByRole('link', { name: 'Mentions' }).click();
    const items = page.locator('#mention-list > li.mention');
    await expect.poll(() => items.count()).toBe(50);
    const range = await page.locator('#mentions').evaluate((element: any) => ({ ...element.dataset }) as Record<string, string>);
    // The API's own pages over the same filters, for comparison.
    const expected: string[] = [];
    let cursor: string | null = null;
    const query = `brand=acme&since=${range.since}&until=${range.until}&tz=${encodeURIComponent(range.tz as string)}&limit=50`;
    do {
      const answer: { status: number; body: any } = await system.api(`/v1/mentions?${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expected.push(...answer.body.data.map((mention: any) => mention.id));
      cursor = answer.body.next_cursor;
    } while (cursor !== null);
    expect(expected.length).toBeGreaterThan(50);
    // Infinite scroll: bringing the end of the list into view loads the next page, until there is none.
    await page.locator('button.more').scrollIntoViewIfNeeded();
    await expect.poll(() => items.count()).toBe(expected.length);
    expect(await items.evaluateAll((elements: any[]) => elements.map((element) => element.dataset.id))).toEqual(expected);
    expect(await page.locator('button.more').isHidden()).toBe(true);
    // A read key may not correct sentiment: no control for it.
    expect(await page.locator('#mention-list select').count()).toBe(0);

    await page.getByLabel('Sentiment').selectOption('negative');
    await page.getByRole('button', { name: 'Filter' }).click();
    const negatives = await system.api(`/v1/mentions?${query}&sentiment=negative`);
    await expect.poll(() => items.evaluateAll((elements: any[]) => elements.map((element) => element.dataset.id))).toEqual(negatives.body.data.map((mention: any) => mention.id));
    expect(await page.locator('#mention-list .badge.sentiment-negative').count()).toBe(negatives.body.data.length);
    await screenshot(page, 'mentions-1280');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = await (await import('node:fs/promises')).readFile((await download.path()) as string, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,occurred_at,published_at,seen_at,brands,source_id,source_type,url,title,text,author,lang,backfill,reach,sentiment_label,sentiment_score');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(negatives.body.data.map((mention: any) => mention.id));
    expect(download.suggestedFilename()).toMatch(/^mentions-\d{8}T\d{6}\.csv$/);
  });

  it('shows the alert with its figures and samples to a read key, without any control to change it', async () => {
    const page = await openPage();
    await signIn(page, READ_KEY);
    await page.getByRole('link', { name: 'Alerts' }).click();
    const card = page.locator('#alert-list > li.alert');
    await expect.poll(() => card.count()).toBe(1);
    const [alert] = (await system.api('/v1/alerts?brand=acme')).body.data;
    expect(await card.getAttribute('data-id')).toBe(alert.id);
    await expect.poll(() => card.locator('h3').textContent()).toContain(alert.rules[0].latest.summary);
    // The keyword rule's sentence counts matching mentions: the figure with the same number leads, the brand's
    // whole volume is named apart so the two cannot be confused.
    const counts = alert.rules[0].latest.counts;
    expect(alert.rules[0].latest.summary).toContain(`${counts.matching} mentions`);
    expect(await card.locator('.figures li').allTextContents()).toEqual(
      expect.arrayContaining([`Matching: ${counts.matching}`, `All mentions: ${counts.mentions}`]),
    );
    expect((await card.locator('.figures li').first().textContent())).toBe(`Matching: ${counts.matching}`);
    const detail = (await system.api(`/v1/alerts/${alert.id}`)).body.data;
    expect(detail.samples.length).toBeGreaterThan(0);
    expect(await card.locator('.samples > li a').allTextContents()).toEqual(detail.samples.map((sample: any) => sample.title));
    // Read-only: no acknowledge or silence control is rendered at all.
    expect(await page.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Silence/ }).count()).toBe(0);
    expect(await page.locator('#silences').textContent()).toContain('No silence is running or planned for this brand.');
    await screenshot(page, 'alerts-read-1280');
  });

  it('shows a mention pushed by signed webhook without reloading, over a stream opened with a token', async () => {
    const page = await openPage();
    await signIn(page, READ_KEY);
    await page.getByRole('link', { name: 'Mentions' }).click();
    await page.locator('#mention-list > li.mention').first().waitFor();
    await expect.poll(() => page.locator('#live').textContent()).toBe('Live');
    // A mark in this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as Record<string, unknown>).sameDocument = true;
    });
    const title = 'Acme rocket skates win the live award';
    // Found now but dated two years ago (before the range shown): stored and streamed before the award below, so
    // handled by the page before it, and left out of the list, whose newest it is not.
    const old = 'Acme rocket skates, as reviewed two years ago';
    const oldAnswer = await pushWebhook(
      system.baseUrl,
      'hook',
      JSON.stringify({ id: 'live-0', url: 'https://live.example/acme-old-review', title: old, text: 'Acme rocket skates retrospectively reviewed.', published_at: new Date(Date.now() - 730 * 86_400_000).toISOString() }),
      { secret: HOOK_SECRET },
    );
    expect(oldAnswer.status).toBe(202);
    await expect.poll(async () => (await system.api('/v1/mentions?q=retrospectively')).body.data.length, { interval: 100 }).toBe(1);
    const answer = await pushWebhook(
      system.baseUrl,
      'hook',
      JSON.stringify({ id: 'live-1', url: 'https://live.example/acme-award', title, text: 'Acme rocket skates are wonderful, say the judges.', published_at: new Date().toISOString() }),
      { secret: HOOK_SECRET },
    );
    expect(answer.status).toBe(202);
    const newest = page.locator('#mention-list > li.mention').first();
    // The configured budget (15 s), not the 5 s the product aims for: on two cores shared by the whole suite the
    // scorer's job and the stream's event can take longer, and a speed target is the benchmark's business.
    await expect.poll(() => newest.locator('h3').textContent(), { interval: 100 }).toBe(title);
    expect(await newest.getAttribute('class')).toBe('mention new');
    expect(await page.locator('#mention-list > li.mention h3', { hasText: old }).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).sameDocument)).toBe(true);

    // A config reload ends every stream: the page opens it again with a fresh token, from the last event it saw, so
    // a mention stored meanwhile still arrives.
    expect((await system.reload('test')).ok).toBe(true);
    await expect.poll(() => page.locator('#live').textContent()).toBe('Reconnecting…');
    const meanwhile = 'Acme anvils ship again after the reload';
    const second = await pushWebhook(
      system.baseUrl,
      'hook',
      JSON.stringify({ id: 'live-2', url: 'https://live.example/acme-anvils', title: meanwhile, text: 'Acme anvils ship again.', published_at: new Date().toISOString() }),
      { secret: HOOK_SECRET },
    );
    expect(second.status).toBe(202);
    await expect.poll(() => page.locator('#mention-list > li.mention').first().locator('h3').textContent(), { timeout: 15_000, interval: 100 }).toBe(meanwhile);
    expect(await page.locator('#live').textContent()).toBe('Live');
    expect(await page.locator('#mention-list > li.mention h3', { hasText: title }).count()).toBe(1);
    expect(recorder.urls.some((url) => new URL(url).pathname === '/v1/stream' && new URL(url).searchParams.has('last_event_id'))).toBe(true);
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).sameDocument)).toBe(true);
    // The stream was opened with a short-lived token from POST /v1/stream-tokens, never with the key.
    const streams = recorder.urls.filter((url) => new URL(url).pathname === '/v1/stream');
    expect(streams.length).toBeGreaterThan(0);
    for (const url of streams) expect([...new URL(url).searchParams.keys()].filter((name) => name !== 'last_event_id')).toEqual(['token']);
  });

  it('gives up a stream-token request the API does not answer within 10 s, and asks again 3 s later until the stream is live', async () => {
    // The page is served through a proxy that never answers its first POST /v1/stream-tokens: a hung API.
    let tokenRequests = 0;
    const proxy = await startHoldingProxy(system.baseUrl, (request) => request.method === 'POST' && request.url === '/v1/stream-tokens' && ++tokenRequests === 1);
    proxies.push(proxy.baseUrl);
    const page = await openPage();
    const live = page.locator('#live');
    try {
      // The page's clock is the test's: once the page has loaded, none of its timers fires unless the test moves it,
      // so the 10 s and the 3 s are the page's own waits, not the machine's speed.
      await page.clock.install();
      await page.goto(`${proxy.baseUrl}/`);
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
      await page.getByLabel('API key').fill(READ_KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#key-scope').waitFor();
      const hung = await proxy.nextHeld();
      expect(await live.textContent()).toBe('Connecting…');
      await page.clock.runFor(9_999);
      expect(await live.getAttribute('title')).toBe('Live updates: connecting');
      // 10 s: the page gives up on it (the proxy sees the request aborted) and says when it tries again.
      await page.clock.runFor(1);
      await hung.closed;
      await expect.poll(() => live.getAttribute('title')).toBe('Live updates: The API did not answer within 10 s; trying again in 3 s');
      expect(await live.textContent()).toBe('Reconnecting…');
      // Not a moment before the 3 s are up: asking again is what sets the title back to "connecting".
      await page.clock.runFor(2_999);
      expect(await live.getAttribute('title')).toBe('Live updates: The API did not answer within 10 s; trying again in 3 s');
      await page.clock.runFor(1);
      expect(await live.getAttribute('title')).toBe('Live updates: connecting');
      await page.clock.resume();
      await expect.poll(() => live.textContent(), { timeout: 15_000, interval: 100 }).toBe('Live');
      expect(tokenRequests).toBe(2);
    } finally {
      // The page first: its stream would otherwise be cut by the proxy going, and its reconnects refused.
      await page.context().close();
      await proxy.close();
    }
  });

  it('lets an admin acknowledge the alert with a comment, which /v1/alerts/:id then shows and a reader sees live', async () => {
    // Someone watching the alerts with a read key sees the acknowledgement arrive without reloading.
    const watcher = await openPage();
    await signIn(watcher, READ_KEY);
    await watcher.getByRole('link', { name: 'Alerts' }).click();
    await watcher.locator('#alert-list > li.alert').waitFor();
    await expect.poll(() => watcher.locator('#live').textContent()).toBe('Live');
    expect(await watcher.locator('.ack-note').count()).toBe(0);
    const page = await openPage();
    await signIn(page, ADMIN_KEY);
    expect(await page.locator('#key-scope').textContent()).toBe('admin');
    await page.getByRole('link', { name: 'Alerts' }).click();
    const card = page.locator('#alert-list > li.alert');
    await card.getByRole('button', { name: 'Acknowledge…' }).click();
    await card.getByLabel('Comment (optional): what is being done').fill('Statement going out at 10:00');
    await card.getByRole('button', { name: 'Acknowledge alert' }).click();
    await expect.poll(() => card.locator('.ack-note').textContent()).toMatch(/^Acknowledged by admin at .+: “Statement going out at 10:00”$/);
    const alertId = await card.getAttribute('data-id');
    const stored = (await system.api(`/v1/alerts/${alertId}`)).body.data;
    expect({ acked_by: stored.acked_by, ack_comment: stored.ack_comment }).toEqual({ acked_by: 'admin', ack_comment: 'Statement going out at 10:00' });
    expect(await card.getByRole('button', { name: 'Acknowledge…' }).count()).toBe(0);
    await expect
      .poll(() => watcher.locator('#alert-list > li.alert .ack-note').textContent(), { interval: 100 })
      .toMatch(/^Acknowledged by admin at .+: “Statement going out at 10:00”$/);

    await card.getByRole('button', { name: 'Silence…' }).click();
    await card.getByLabel('Silence', { exact: true }).selectOption('acme-boycott');
    await card.getByLabel('Comment (required)').fill('Handled by the press office');
    await card.getByRole('button', { name: 'Add silence' }).click();
    await expect.poll(() => page.locator('#silences li').count()).toBe(1);
    const silences = (await system.api('/v1/silences')).body.data;
    expect(silences.map((silence: any) => [silence.brand_id, silence.rule_id, silence.comment, silence.created_by])).toEqual([['acme', 'acme-boycott', 'Handled by the press office', 'admin']]);
    await screenshot(page, 'alerts-admin-1280');
  });

  it('lets an admin correct a mention’s sentiment, which the API then reports as manual', async () => {
    const page = await openPage();
    await signIn(page, ADMIN_KEY);
    await page.getByRole('link', { name: 'Mentions' }).click();
    const first = page.locator('#mention-list > li.mention').first();
    await first.waitFor();
    const mentionId = (await first.getAttribute('data-id')) as string;
    const before = (await system.api(`/v1/mentions/${mentionId}`)).body.data;
    const corrected = before.sentiment.label === 'positive' ? 'neutral' : 'positive';
    await first.getByLabel('Sentiment').selectOption(corrected);
    await expect.poll(() => first.locator('.badge').first().textContent()).toContain(`${corrected} (corrected)`);
    const after = (await system.api(`/v1/mentions/${mentionId}`)).body.data;
    expect([after.sentiment.label, after.sentiment_source, after.sentiment_override.set_by]).toEqual([corrected, 'manual', 'admin']);
  });

  it('shows each source’s health with its warning apart from its error, and lets an admin poll one now', async () => {
    const page = await openPage();
    await signIn(page, ADMIN_KEY);
    await page.getByRole('link', { name: 'Sources' }).click();
    const rows = page.locator('#sources tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const sources = (await system.api('/v1/sources')).body.data;
    const broken = sources.find((source: any) => source.id === 'broken');
    expect(broken.status).toBe('failing');
    const brokenRow = rows.filter({ hasText: 'broken' });
    expect(await brokenRow.locator('td').nth(1).textContent()).toContain('failing');
    expect(await brokenRow.locator('td').nth(4).textContent()).toBe(broken.last_error);
    // The search source is ok with a warning: shown under its status, marked as a warning, with no error.
    const hn = sources.find((source: any) => source.id === 'hn');
    expect([hn.status, hn.last_error, hn.last_warning]).toEqual(['ok', null, 'skipped 1 result not in the shape the API documents: hits[1].objectID: expected string']);
    const hnStatus = rows.filter({ hasText: 'hackernews' }).locator('td').nth(1);
    expect(await hnStatus.locator('.badge').allTextContents()).toEqual(['ok', '⚠ warning']);
    expect(await hnStatus.locator('.source-warning .warning-text').textContent()).toBe(hn.last_warning);
    expect(await rows.filter({ hasText: 'hackernews' }).locator('td').nth(4).textContent()).toBe('–');
    // Sources without one show none.
    for (const id of ['news', 'broken', 'hook']) {
      expect({ id, warning: sources.find((source: any) => source.id === id).last_warning }).toEqual({ id, warning: null });
      expect({ id, shown: await rows.filter({ has: page.locator('strong', { hasText: new RegExp(`^${id}$`) }) }).locator('.source-warning').count() }).toEqual({ id, shown: 0 });
    }
    expect(await page.locator('#sources .period').textContent()).toBe('4 sources feed this brand; 1 needs attention; 1 with a warning. Times in Europe/Warsaw.');
    // A webhook source is pushed to, never polled: no button for it.
    expect(await rows.filter({ hasText: 'hook' }).getByRole('button').count()).toBe(0);
    const polled = system.polls.completed.length;
    await page.getByRole('button', { name: 'Poll news now' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Poll of news queued \(job \S+\)/);
    await system.polls.next((job) => system.polls.completed.indexOf(job) >= polled && job.result.status === 'ok');
    await screenshot(page, 'sources-1280');
  });

  it('lists spreading stories with their site timeline', async () => {
    const page = await openPage();
    await signIn(page, READ_KEY);
    await page.getByRole('link', { name: 'Stories' }).click();
    const stories = page.locator('#story-list > li.story');
    await stories.first().waitFor();
    const listed = (await system.api('/v1/stories?brand=acme&sort=spread&limit=20&since=30d')).body.data;
    expect(listed[0].title).toBe('Acme boycott grows after the anvil recall');
    expect(await stories.first().locator('h3').textContent()).toBe(listed[0].title);
    await stories.first().getByRole('button', { name: 'Show site timeline' }).click();
    const timeline = (await system.api(`/v1/stories/${listed[0].id}`)).body.data.timeline;
    expect(timeline.map((site: any) => site.site)).toEqual(expect.arrayContaining(['spread0.example', 'spread1.example', 'spread2.example', 'spread3.example']));
    await expect.poll(() => stories.first().locator('.timeline a').allTextContents()).toEqual(timeline.map((site: any) => site.site));
    expect(await stories.first().getByRole('button', { name: 'Hide site timeline' }).getAttribute('aria-expanded')).toBe('true');
    await screenshot(page, 'stories-1280');
  });

  it('works at phone width on every view', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await signIn(page, ADMIN_KEY);
    for (const view of ['mentions', 'alerts', 'sources', 'stories']) {
      await page.getByRole('link', { name: view[0]?.toUpperCase() + view.slice(1) }).click();
      await page.locator(`#${view}`).waitFor();
      expect({ view, width: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ view, width: 390 });
      await screenshot(page, `${view}-390`);
    }
  });

  it('sent the key in no request URL, asked no other host, and logged no error', () => {
    expect(recorder.urls.length).toBeGreaterThan(10);
    const leaking = recorder.urls.filter((url) => url.includes(READ_KEY) || url.includes(ADMIN_KEY) || url.includes(encodeURIComponent(READ_KEY)));
    expect(leaking).toEqual([]);
    const elsewhere = recorder.urls.filter(
      (url) => ![system.baseUrl, ...proxies].some((origin) => url.startsWith(`${origin}/`)) && !url.startsWith('blob:') && !url.startsWith('data:'),
    );
    expect(elsewhere).toEqual([]);
    expect(recorder.problems).toEqual([]);
  });
});
