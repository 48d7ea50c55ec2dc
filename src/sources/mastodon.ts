// Mastodon (one instance per source): hashtag timelines without a key, and full-text status search when an access
// token is configured. Status ids are the cursor (min_id), one per hashtag and per search; timelines page forward
// from it, search pages back down to it (see readSearch).
import { Type, type Static } from '@sinclair/typebox';
import { HttpUrl, NonEmptyString } from '../config/schema-types.js';
import type { BrandConfig } from '../config/schema.js';
import { parseQuery, toSearchTerms } from '../mentions/brand-query.js';
import { htmlToText } from '../mentions/html-text.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpClient } from '../net/http-client.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, fetchJson, resultsInShape } from './search-fetch.js';
import { knownIds, reportProgress, settleSearch, storedEntries, type SearchStanding } from './search-cursor.js';
import type { PollContext, PollResult, SourceState } from './source.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';

/** Mastodon's maximum page size for timelines and search. */
const PAGE_SIZE = 40;
/**
 * Pages read per hashtag or search in one poll (400 statuses). Catching up stops there and goes on at the next poll
 * (a timeline from the newest status read, a search from below the oldest one read, kept in `resume`), so nothing
 * is skipped; only a first poll's backfill can end before its 24 h.
 */
const MAX_PAGES_PER_POLL = 10;

const AUTH_HINT = 'check access_token (FEDIVERSE_ACCESS_TOKEN); without one, this instance may not serve hashtag timelines';

const StatusFields = {
  id: Type.String(),
  uri: Type.String(),
  url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  created_at: Type.String(),
  content: Type.String(),
  spoiler_text: Type.Optional(Type.String()),
  language: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  account: Type.Object({ acct: Type.String(), followers_count: Type.Number(), url: Type.String() }),
  reblogs_count: Type.Number(),
  favourites_count: Type.Number(),
};
const OriginalStatus = Type.Object(StatusFields);
// A boost is a status of its own (own id, empty content) wrapping the original in `reblog`.
const TimelineStatus = Type.Object({ ...StatusFields, reblog: Type.Optional(Type.Union([OriginalStatus, Type.Null()])) });
// Each status is checked on its own (resultsInShape): one that is off is skipped, not the whole page.
const TimelineBody = Type.Array(Type.Unknown());
const SearchBody = Type.Object({ statuses: TimelineBody });

type Status = Static<typeof OriginalStatus>;
type TimelineEntry = Static<typeof TimelineStatus>;

/**
 * A search catch-up cut short: the statuses above its cursor (minIds) and below `maxId` are still to be read; when
 * they are, `newestId` (the newest status the catch-up read) becomes the cursor. `seen`: the statuses below `maxId`
 * already read (those of the oldest second read, see nextMaxId), which the next page returns again.
 */
const StoredResume = Type.Object({ maxId: Type.String(), newestId: Type.String(), seen: Type.Array(Type.String()) });

interface MastodonState extends SourceState {
  /** The newest status id read per feed (`tag:acme`, `search:"acme corp"`): the next poll asks for what follows. */
  minIds?: Record<string, string>;
  /** Searches whose catch-up stopped at the page cap, to go on with at the next poll. */
  resume?: Record<string, Static<typeof StoredResume>>;
}

/** Where one status search stands: marks and positions are status ids (min_id, max_id); ids need no overlap. */
type Standing = SearchStanding<string, string>;

/** A hashtag timeline or a status search: where it is, and how its answer holds the statuses. */
interface StatusFeed {
  key: string;
  kind: 'timeline' | 'search';
  url: URL;
  /** The statuses the answer lists, unchecked (an answer of another shape is an error). */
  statusesOf(body: unknown, host: string): unknown[];
  /** Where they are in the answer, for the reason a status is skipped: `statuses[3].content`. */
  statusesPath: string;
}

const { backfill, max_body_size } = searchSourceFields('https://mastodon.social');

export const mastodonSourceKind = defineSourceKind({
  configSchema: sourceConfigSchema({
    /** The instance's base URL, e.g. https://mastodon.social. */
    instance: HttpUrl(),
    backfill,
    max_body_size,
    /** Hashtags to follow (with or without #); default: each brand's terms as hashtags ("acme corp" → acmecorp). */
    hashtags: Type.Optional(
      Type.Array(NonEmptyString({ pattern: '^#?[^\\s#]+$', errorMessage: '{value} is not a hashtag' }), { minItems: 1 }),
    ),
    /** A user access token ("${FEDIVERSE_ACCESS_TOKEN}"): adds a full-text status search per brand query. */
    access_token: Type.Optional(NonEmptyString()),
  }),
  create: (config, environment) => {
    const instance = new URL(config.instance.endsWith('/') ? config.instance : `${config.instance}/`);
    const hashtags = distinct((config.hashtags ?? brandHashtags(environment.brands)).map((tag) => tag.replace(/^#/, '').toLowerCase()));
    const searches = config.access_token === undefined ? [] : distinctSearches(brandSearches(environment.brands, 'mastodon'));
    const feeds = [...hashtags.map((tag) => hashtagFeed(instance, tag)), ...searches.map((query) => searchFeed(instance, query))];
    const headers: Record<string, string> = config.access_token === undefined ? {} : { authorization: `Bearer ${config.access_token}` };
    const settings: PollSettings = { headers, instance, backfillMs: config.backfill };
    return {
      config,
      searchKey: JSON.stringify({ hashtags, searches }),
      poll: (state, context) => pollFeeds(feeds, state as MastodonState, settings, withResetTimeAsRetryAfter(context)),
    };
  },
});

/** The hashtags to follow when none are configured: every brand's search terms as hashtag words. */
export function brandHashtags(brands: readonly BrandConfig[]): string[] {
  const terms = brands.flatMap((brand) => {
    const brandTerms = brand.query !== undefined ? toSearchTerms(parseQuery(brand.query)) : (brand.keywords ?? []);
    return brandTerms.length > 0 ? brandTerms : [brand.name];
  });
  return distinct(terms.map(asHashtag).filter((tag): tag is string => tag !== null));
}

// A hashtag is letters, digits and underscores with at least one letter: "#Acme Corp!" → acmecorp, "2024" → none.
function asHashtag(term: string): string | null {
  const word = (term.match(/[\p{L}\p{N}_]+/gu) ?? []).join('').toLowerCase();
  return /\p{L}/u.test(word) ? word : null;
}

function hashtagFeed(instance: URL, tag: string): StatusFeed {
  return {
    key: `tag:${tag}`,
    kind: 'timeline',
    url: new URL(`api/v1/timelines/tag/${encodeURIComponent(tag)}`, instance),
    statusesOf: (body, host) => expectShape(TimelineBody, body, host),
    statusesPath: '',
  };
}

function searchFeed(instance: URL, query: string): StatusFeed {
  const url = new URL('api/v2/search', instance);
  url.searchParams.set('q', query);
  url.searchParams.set('type', 'statuses');
  return {
    key: `search:${query}`,
    kind: 'search',
    url,
    statusesOf: (body, host) => expectShape(SearchBody, body, host).statuses,
    statusesPath: 'statuses',
  };
}

interface PollSettings {
  headers: Record<string, string>;
  instance: URL;
  backfillMs: number;
}

async function pollFeeds(feeds: StatusFeed[], state: MastodonState, settings: PollSettings, context: PollContext): Promise<PollResult> {
  const minIds = storedEntries(Type.String(), state.minIds);
  const catchUps = storedEntries(StoredResume, state.resume);
  const resume: Record<string, Static<typeof StoredResume>> = {};
  const originals = new Map<string, Status>();
  for (const feed of feeds) {
    const cursor = minIds[feed.key];
    let read: FeedRead;
    if (feed.kind === 'search') {
      const search = await readSearch(feed, standingOf(cursor, catchUps[feed.key]), settings, context);
      const catchUp = search.standing?.catchUp;
      if (catchUp !== undefined) resume[feed.key] = { maxId: catchUp.from, newestId: catchUp.next.mark, seen: catchUp.seen };
      read = { entries: search.entries, newestId: search.standing?.cursor.mark };
    } else {
      read = cursor === undefined ? await readBackfill(feed, settings, context) : await readNewerThan(feed, cursor, settings, context);
    }
    if (read.newestId !== undefined) minIds[feed.key] = read.newestId;
    // A boost stands for its original, and one original boosted twice (or also in another hashtag) is one item.
    for (const entry of read.entries) {
      const original = entry.reblog ?? entry;
      if (!originals.has(original.uri)) originals.set(original.uri, original);
    }
  }
  const instanceHost = settings.instance.host;
  const nextState: MastodonState = Object.keys(resume).length === 0 ? { minIds } : { minIds, resume };
  return { items: [...originals.values()].map((status) => toItem(status, instanceHost)), nextState };
}

function standingOf(minId: string | undefined, resume: Static<typeof StoredResume> | undefined): Standing | undefined {
  if (minId === undefined) return undefined;
  const catchUp = resume === undefined ? undefined : { from: resume.maxId, seen: resume.seen, next: { mark: resume.newestId, seen: [] } };
  return { cursor: { mark: minId, seen: [] }, catchUp };
}

interface FeedRead {
  entries: TimelineEntry[];
  newestId: string | undefined;
}

// A timeline answers min_id with the statuses right after it (newest first); its Link rel="prev" asks for the next ones.
async function readNewerThan(feed: StatusFeed, cursor: string, settings: PollSettings, context: PollContext): Promise<FeedRead> {
  const entries: TimelineEntry[] = [];
  let newestId = cursor;
  let url: URL | null = pageUrl(feed.url, { min_id: cursor });
  for (let page = 0; page < MAX_PAGES_PER_POLL && url !== null; page++) {
    const { statuses, listed, links } = await fetchPage(feed, url, settings, context);
    entries.push(...statuses);
    newestId = newestOf([newestId, ...statuses.map((status) => status.id)]) ?? cursor;
    url = listed < PAGE_SIZE ? null : (sameOrigin(links.prev, settings.instance) ?? pageUrl(feed.url, { min_id: newestId }));
  }
  return { entries, newestId };
}

// Without a cursor: newest first, back through Link rel="next" until a status predates the backfill window.
async function readBackfill(feed: StatusFeed, settings: PollSettings, context: PollContext): Promise<FeedRead> {
  const windowStart = backfillStart(context.now, settings.backfillMs).getTime();
  const entries: TimelineEntry[] = [];
  let newestId: string | undefined;
  let url: URL | null = pageUrl(feed.url, {});
  for (let page = 0; page < MAX_PAGES_PER_POLL && url !== null; page++) {
    const { statuses, listed, links } = await fetchPage(feed, url, settings, context);
    const inWindow = statuses.filter((status) => Date.parse(status.created_at) >= windowStart);
    entries.push(...inWindow);
    const ids = statuses.map((status) => status.id);
    newestId = newestOf([newestId, ...ids]);
    const oldest = oldestOf(ids);
    const reachedWindowStart = inWindow.length < statuses.length;
    url =
      listed < PAGE_SIZE || reachedWindowStart || oldest === undefined
        ? null
        : (sameOrigin(links.next, settings.instance) ?? pageUrl(feed.url, { max_id: oldest }));
  }
  return { entries, newestId };
}

/**
 * Status search answers with the newest `limit` matches, newest first, whatever the cursor: Mastodon turns min_id
 * into `after:<its second>` and max_id into `before:<its second>`, and sends no Link header. So a poll walks down
 * from the newest match, max_id page after page (min_id kept as the floor), until a page is short or reaches the
 * cursor (or, on the first poll, the backfill start); a catch-up stopped by the page cap goes on from its max_id
 * (see settleSearch). Undefined standing: a first poll that found nothing.
 */
async function readSearch(
  feed: StatusFeed,
  standing: Standing | undefined,
  settings: PollSettings,
  context: PollContext,
): Promise<{ entries: TimelineEntry[]; standing: Standing | undefined }> {
  const cursor = standing?.cursor.mark;
  const windowStart = standing === undefined ? backfillStart(context.now, settings.backfillMs).getTime() : undefined;
  const known = knownIds(standing);
  const entries = new Map<string, TimelineEntry>();
  let maxId = standing?.catchUp?.from;
  let atPageCap = true;
  for (let page = 0; page < MAX_PAGES_PER_POLL && atPageCap; page++) {
    const { statuses, listed } = await fetchPage(feed, pageUrl(feed.url, { min_id: cursor, max_id: maxId }), settings, context);
    const wanted = statuses.filter(
      (status) => (cursor === undefined || compareIds(status.id, cursor) > 0) && (windowStart === undefined || Date.parse(status.created_at) >= windowStart),
    );
    for (const status of wanted) if (!known.has(status.id)) entries.set(status.id, status);
    const reachedFloor = wanted.length < statuses.length;
    const below = nextMaxId(statuses);
    if (listed < PAGE_SIZE || reachedFloor || below === undefined) atPageCap = false;
    else maxId = below;
  }
  const newest = newestOf([cursor, standing?.catchUp?.next.mark, ...entries.keys()]);
  if (newest === undefined) return { entries: [], standing: undefined };
  const bottom = maxId;
  const goOnFrom = bottom === undefined ? undefined : { from: bottom, seen: [...entries.keys()].filter((id) => compareIds(id, bottom) < 0) };
  const progress = settleSearch({ standing, next: { mark: newest, seen: [] }, stoppedAtPageCap: atPageCap, goOnFrom });
  reportProgress(context.logger, feed.key, progress, MAX_PAGES_PER_POLL);
  return { entries: [...entries.values()], standing: progress.standing };
}

/**
 * The max_id for the page below `statuses`. Mastodon reads it as `before:<the second of that id>`: the oldest
 * status's own id would skip the other statuses of its second not on this page, so it is the id of the oldest
 * status of a newer second, and that page starts by reading the oldest second again (ids dedupe). Only a page all
 * in one second has nothing newer to give.
 */
function nextMaxId(statuses: readonly TimelineEntry[]): string | undefined {
  const newestFirst = [...statuses].sort((a, b) => compareIds(b.id, a.id));
  const oldest = newestFirst.at(-1);
  if (oldest === undefined) return undefined;
  const oldestSecond = Math.floor(Date.parse(oldest.created_at) / 1000);
  const oldestOfNewerSecond = newestFirst.findLast((status) => Math.floor(Date.parse(status.created_at) / 1000) > oldestSecond);
  return (oldestOfNewerSecond ?? oldest).id;
}

async function fetchPage(feed: StatusFeed, url: URL, settings: PollSettings, context: PollContext) {
  const { response, body } = await fetchJson(context, { url: url.toString(), headers: settings.headers }, { authHint: AUTH_HINT });
  const listed = feed.statusesOf(body, new URL(response.url).host);
  const statuses = resultsInShape(TimelineStatus, listed, feed.statusesPath, context.skipped);
  // `listed`: how many the page held, skipped ones too; fewer than a page is the end of the listing.
  return { statuses, listed: listed.length, links: parseLinkHeader(response.headers.get('link')) };
}

function pageUrl(base: URL, cursor: { min_id?: string | undefined; max_id?: string | undefined }): URL {
  const url = new URL(base);
  for (const [name, value] of Object.entries(cursor)) if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('limit', String(PAGE_SIZE));
  return url;
}

/** `<https://…?max_id=1>; rel="next", <https://…?min_id=9>; rel="prev"` → { next, prev }. */
function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const [, target, rel] of (header ?? '').matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
    if (target !== undefined && rel !== undefined) links[rel.trim()] = target;
  }
  return links;
}

// The access token goes with every request: a Link pointing elsewhere is not followed.
function sameOrigin(link: string | undefined, instance: URL): URL | null {
  if (link === undefined) return null;
  try {
    const url = new URL(link, instance);
    return url.origin === instance.origin ? url : null;
  } catch {
    return null;
  }
}

// Status ids are numeric strings (Mastodon) or fixed-length sortable strings (other servers): longer is newer.
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function newestOf(ids: Array<string | undefined>): string | undefined {
  let newest: string | undefined;
  for (const id of ids) if (id !== undefined && (newest === undefined || compareIds(id, newest) > 0)) newest = id;
  return newest;
}

function oldestOf(ids: string[]): string | undefined {
  let oldest: string | undefined;
  for (const id of ids) if (oldest === undefined || compareIds(id, oldest) < 0) oldest = id;
  return oldest;
}

/**
 * reach = the author's followers + boosts + favourites: the followers see the post; each boost and favourite is at
 * least one more person who did (the boosters' own followers are not in the API's answer).
 */
function toItem(status: Status, instanceHost: string): SourceItem {
  const publishedAt = Date.parse(status.created_at);
  const spoiler = status.spoiler_text?.trim() ?? '';
  return {
    externalId: status.uri,
    url: status.url ?? status.uri,
    title: spoiler === '' ? null : spoiler,
    text: htmlToText(status.content),
    author: status.account.acct.includes('@') ? status.account.acct : `${status.account.acct}@${instanceHost}`,
    lang: primaryLanguage(status.language),
    publishedAt: Number.isNaN(publishedAt) ? null : new Date(publishedAt),
    reach: Math.max(0, status.account.followers_count) + Math.max(0, status.reblogs_count) + Math.max(0, status.favourites_count),
  };
}

function primaryLanguage(tag: string | null | undefined): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

/**
 * Mastodon states when its rate-limit window resets as a time (X-RateLimit-Reset: 2026-11-25T10:05:00.000Z), where
 * the shared classification expects seconds: a 429 gets the equivalent Retry-After, so the source waits until then.
 */
function withResetTimeAsRetryAfter(context: PollContext): PollContext {
  const http: HttpClient = {
    request: async (request) => {
      const response = await context.http.request(request);
      const reset = response.headers.get('x-ratelimit-reset')?.trim();
      if (response.status !== 429 || response.headers.has('retry-after') || reset === undefined || /^\d+(\.\d+)?$/.test(reset)) {
        return response;
      }
      const resetAt = Date.parse(reset);
      if (Number.isNaN(resetAt)) return response;
      const headers = new Headers(response.headers);
      headers.set('retry-after', String(Math.max(0, Math.ceil((resetAt - context.now.getTime()) / 1000))));
      return { ...response, headers };
    },
  };
  return { ...context, http };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
