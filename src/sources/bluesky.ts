// Bluesky post search (app.bsky.feed.searchPosts) as an account with an app password. The session lives only in
// this Source instance (never in the stored state, logs or errors) and is refreshed before its access token expires.
import { Type, type Static } from '@sinclair/typebox';
import { HttpUrl, NonEmptyString } from '../config/schema-types.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpClient, HttpRequest } from '../net/http-client.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, fetchJson, type JsonAnswer } from './search-fetch.js';
import type { PollContext, PollResult, SourceState } from './source.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import { SourceError } from './source-error.js';

/** searchPosts' maximum page size. */
const PAGE_SIZE = 100;
/**
 * Pages read per query in one poll (500 posts). Results come newest first; a catch-up stopped here keeps the query's
 * cursor and goes on at the next poll below the oldest post read (`until`, kept in `resume`), so nothing is skipped.
 * Only a first poll's backfill ends at the cap (short of its 24 h, with a warning).
 */
export const BLUESKY_MAX_PAGES_PER_POLL = 5;
/**
 * How far before the newest post read the next poll asks again. `since` filters on a post's sort time (the earlier of
 * createdAt and indexedAt), so a post created before the newest one read but indexed after the poll sorts before
 * `since`: it is found if it is indexed within this overlap of its creation.
 */
export const BLUESKY_OVERLAP_MS = 15 * 60_000;
/**
 * The overlap's post uris kept per query: a bound on the state, above the 500 one poll reads, since a catch-up over
 * several polls remembers the overlap before its newest post across them.
 */
const MAX_SEEN_URIS = 2_000;
/** A session whose access token expires sooner than this is refreshed before the poll, not half-way through it. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

const AUTH_HINT = 'check identifier and app_password (BLUESKY_APP_PASSWORD)';

const SessionBody = Type.Object({
  accessJwt: Type.String({ minLength: 1 }),
  refreshJwt: Type.String({ minLength: 1 }),
  did: Type.String(),
  handle: Type.String(),
  active: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.String()),
});

const PostView = Type.Object({
  uri: Type.String({ pattern: '^at://' }),
  cid: Type.String(),
  author: Type.Object({ did: Type.String(), handle: Type.String(), displayName: Type.Optional(Type.String()) }),
  record: Type.Object({
    text: Type.String(),
    createdAt: Type.String(),
    langs: Type.Optional(Type.Array(Type.String())),
  }),
  likeCount: Type.Optional(Type.Number()),
  repostCount: Type.Optional(Type.Number()),
  replyCount: Type.Optional(Type.Number()),
  quoteCount: Type.Optional(Type.Number()),
  indexedAt: Type.String(),
});
const SearchBody = Type.Object({ posts: Type.Array(PostView), cursor: Type.Optional(Type.String()) });

type Post = Static<typeof PostView>;

interface QueryCursor {
  /** The newest sort time read (ISO): the next poll asks from BLUESKY_OVERLAP_MS before it (inclusive). */
  since: string;
  /** The uris of the posts read that sort within the overlap before `since`: the next poll returns them again. */
  seen: string[];
}

interface BlueskyState extends SourceState {
  queries?: Record<string, QueryCursor>;
  /** Queries whose catch-up stopped at the page cap, to go on with at the next poll (see SearchResume). */
  resume?: Record<string, SearchResume>;
}

/**
 * A catch-up cut short: the posts sorting from the query's `since` (less the overlap) up to `until` (exclusive) are
 * still to be read; when they are, `next` (the newest post the catch-up read, and the overlap before it) becomes the
 * query's cursor. `seen`: the posts read that sort in the last millisecond before `until`, which come again.
 */
interface SearchResume {
  until: string;
  seen: string[];
  next: QueryCursor;
}

export const blueskySourceKind = defineSourceKind({
  configSchema: sourceConfigSchema({
    /** Where the account lives: createSession and refreshSession go here (the bsky.social entryway for most). */
    ...searchSourceFields('https://bsky.social'),
    /**
     * Where searchPosts goes; default base_url, whose PDS forwards authenticated app.bsky.* calls to the Bluesky
     * AppView (Bluesky's documented setup; the public AppView does not accept a session's token).
     */
    search_url: Type.Optional(HttpUrl()),
    /** The account's handle (or e-mail or DID). */
    identifier: NonEmptyString(),
    /** An app password ("${BLUESKY_APP_PASSWORD}", Settings → App passwords), not the account password. */
    app_password: NonEmptyString(),
  }),
  create: (config, environment) => {
    const searches = distinctSearches(brandSearches(environment.brands, 'bluesky'));
    const session = new BlueskySession(xrpcBase(config.base_url), config.identifier, config.app_password);
    const settings: SearchSettings = { session, searchBase: xrpcBase(config.search_url ?? config.base_url), backfillMs: config.backfill };
    return {
      config,
      searchKey: JSON.stringify(searches),
      poll: (state, context) => pollSearches(searches, state as BlueskyState, settings, context),
    };
  },
});

function xrpcBase(baseUrl: string): URL {
  return new URL('xrpc/', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

interface SearchSettings {
  session: BlueskySession;
  searchBase: URL;
  backfillMs: number;
}

async function pollSearches(searches: string[], state: BlueskyState, settings: SearchSettings, context: PollContext): Promise<PollResult> {
  const queries = { ...state.queries };
  const resume: Record<string, SearchResume> = {};
  const posts = new Map<string, Post>();
  await settings.session.prepare(context);
  for (const query of searches) {
    const cursor = readCursor(queries[query]);
    const resuming = cursor === undefined ? undefined : readResume(state.resume?.[query]);
    const since = cursor === undefined ? backfillStart(context.now, settings.backfillMs) : new Date(Date.parse(cursor.since) - BLUESKY_OVERLAP_MS);
    const found = await searchSince(query, { since: since.toISOString(), until: resuming?.until }, settings, context);
    const seen = new Set([...(cursor?.seen ?? []), ...(resuming?.seen ?? [])]);
    for (const post of found.posts) if (!seen.has(post.uri) && !posts.has(post.uri)) posts.set(post.uri, post);
    const next = resuming === undefined ? nextCursor(found.posts, cursor) : carriedCursor(resuming.next, found.posts);
    const stopped = found.stoppedAtCap && cursor !== undefined && next !== undefined ? resumeBelow(found.posts, resuming, next) : undefined;
    if (stopped !== undefined) {
      // The cursor stays until the catch-up gets down to it.
      resume[query] = stopped;
      context.logger.info({ query, pages: BLUESKY_MAX_PAGES_PER_POLL }, 'bluesky search stopped at the page cap; the next poll goes on from there');
      continue;
    }
    if (found.stoppedAtCap) {
      context.logger.warn({ query, pages: BLUESKY_MAX_PAGES_PER_POLL }, 'bluesky search stopped at the page cap; older posts are left out');
    }
    if (next !== undefined) queries[query] = next;
  }
  const nextState: BlueskyState = Object.keys(resume).length === 0 ? { queries } : { queries, resume };
  return { items: [...posts.values()].map(toItem), nextState };
}

interface SearchRead {
  posts: Post[];
  /** The last page read had a cursor to more: the posts below it are still to be read. */
  stoppedAtCap: boolean;
}

async function searchSince(
  query: string,
  range: { since: string; until: string | undefined },
  settings: SearchSettings,
  context: PollContext,
): Promise<SearchRead> {
  const posts: Post[] = [];
  let pageCursor: string | undefined;
  for (let page = 0; page < BLUESKY_MAX_PAGES_PER_POLL; page++) {
    const url = new URL('app.bsky.feed.searchPosts', settings.searchBase);
    url.searchParams.set('q', query);
    url.searchParams.set('sort', 'latest');
    url.searchParams.set('since', range.since);
    if (range.until !== undefined) url.searchParams.set('until', range.until);
    url.searchParams.set('limit', String(PAGE_SIZE));
    if (pageCursor !== undefined) url.searchParams.set('cursor', pageCursor);
    const { response, body } = await settings.session.authorizedJson(context, { url: url.toString() });
    const answer = expectShape(SearchBody, body, new URL(response.url).host);
    posts.push(...answer.posts);
    if (answer.posts.length === 0 || answer.cursor === undefined || answer.cursor === '') return { posts, stoppedAtCap: false };
    pageCursor = answer.cursor;
  }
  return { posts, stoppedAtCap: true };
}

/**
 * Where a catch-up stopped at the cap goes on: below the oldest post read, by sort time. The next search ends a
 * millisecond after it (`until` is exclusive), so the other posts of that millisecond are not skipped; those read
 * already come again and are left out by `seen`. Only when a whole poll read nothing older than the last stop
 * (over 500 posts in one millisecond) does it step below that millisecond, so that a catch-up always ends.
 * Undefined when no post read has a sort time to go on from (the catch-up then ends here).
 */
function resumeBelow(posts: Post[], previous: SearchResume | undefined, next: QueryCursor): SearchResume | undefined {
  const times = posts.map((post) => ({ uri: post.uri, time: sortTime(post) })).filter((post): post is { uri: string; time: number } => post.time !== null);
  if (times.length === 0) return undefined;
  const oldest = Math.min(...times.map((post) => post.time));
  const stuck = previous !== undefined && oldest + 1 >= Date.parse(previous.until);
  const until = stuck ? oldest : oldest + 1;
  const seen = stuck ? [] : times.filter((post) => post.time === oldest).map((post) => post.uri);
  return { until: new Date(until).toISOString(), seen: [...new Set(seen)].slice(0, MAX_SEEN_URIS), next };
}

/**
 * searchPosts filters `since` on a post's sort time: the earlier of its createdAt and indexedAt (a post dated in the
 * future sorts when it was indexed). The cursor is the newest such time read (never moving back), with the posts read
 * that sort within the overlap before it: the next poll is sent them again, and they are not new.
 */
function nextCursor(posts: Post[], previous: QueryCursor | undefined): QueryCursor | undefined {
  const sorted = posts
    .map((post) => ({ uri: post.uri, time: sortTime(post) }))
    .filter((post): post is { uri: string; time: number } => post.time !== null)
    .sort((a, b) => b.time - a.time);
  const newest = Math.max(previous === undefined ? -Infinity : Date.parse(previous.since), sorted[0]?.time ?? -Infinity);
  if (newest === -Infinity) return undefined;
  const seen = sorted.filter((post) => post.time >= newest - BLUESKY_OVERLAP_MS).map((post) => post.uri);
  return { since: new Date(newest).toISOString(), seen: [...new Set(seen)].slice(0, MAX_SEEN_URIS) };
}

/**
 * The cursor a catch-up leaves once done, with the posts of this poll added: a catch-up reads down from its newest
 * post, so the overlap before it may span polls, and what each read of it is remembered.
 */
function carriedCursor(carried: QueryCursor, posts: Post[]): QueryCursor {
  const next = nextCursor(posts, carried) ?? carried;
  if (next.since !== carried.since) return next;
  return { since: next.since, seen: [...new Set([...carried.seen, ...next.seen])].slice(0, MAX_SEEN_URIS) };
}

/** A stored catch-up, or undefined (none, or not of the shape this file writes: the cursor is read down from anew). */
function readResume(stored: unknown): SearchResume | undefined {
  if (stored === null || typeof stored !== 'object') return undefined;
  const { until, seen, next } = stored as Partial<SearchResume>;
  const cursor = readCursor(next);
  if (typeof until !== 'string' || Number.isNaN(Date.parse(until)) || cursor === undefined) return undefined;
  return { until, seen: Array.isArray(seen) ? seen.filter((uri): uri is string => typeof uri === 'string') : [], next: cursor };
}

/**
 * A stored cursor, or undefined (start over from the backfill) without a valid `since`. Without `seen` (a cursor
 * stored before the overlap existed) the posts of the overlap come back once more, and their ids dedupe them.
 */
function readCursor(stored: unknown): QueryCursor | undefined {
  if (stored === null || typeof stored !== 'object') return undefined;
  const { since, seen } = stored as Partial<QueryCursor>;
  if (typeof since !== 'string' || Number.isNaN(Date.parse(since))) return undefined;
  return { since, seen: Array.isArray(seen) ? seen.filter((uri): uri is string => typeof uri === 'string') : [] };
}

function sortTime(post: Post): number | null {
  const times = [Date.parse(post.record.createdAt), Date.parse(post.indexedAt)].filter((time) => !Number.isNaN(time));
  return times.length === 0 ? null : Math.min(...times);
}

/** reach = likes + reposts + replies + quotes (searchPosts does not give the author's follower count). */
function toItem(post: Post): SourceItem {
  const rkey = post.uri.split('/').at(-1) ?? '';
  const profile = post.author.handle === '' || post.author.handle === 'handle.invalid' ? post.author.did : post.author.handle;
  const counts = [post.likeCount, post.repostCount, post.replyCount, post.quoteCount].filter((count) => count !== undefined);
  const createdAt = Date.parse(post.record.createdAt);
  const indexedAt = Date.parse(post.indexedAt);
  return {
    externalId: post.uri,
    // Handles (DNS names), DIDs and record keys are URL-safe as they are; bsky.app links show the colons of a DID.
    url: `https://bsky.app/profile/${profile}/post/${rkey}`,
    title: null,
    text: post.record.text,
    author: profile,
    lang: primaryLanguage(post.record.langs?.[0]),
    publishedAt: !Number.isNaN(createdAt) ? new Date(createdAt) : Number.isNaN(indexedAt) ? null : new Date(indexedAt),
    reach: counts.length === 0 ? null : counts.reduce((sum, count) => sum + Math.max(0, count), 0),
  };
}

function primaryLanguage(tag: string | undefined): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

interface Session {
  accessJwt: string;
  refreshJwt: string;
  /** When the access token expires (ms since epoch), from its `exp` claim; null when the token does not say. */
  accessExpiresAt: number | null;
}

/** A call answered 400/401 {"error":"ExpiredToken"}: refresh and try again; auth_failed if it escapes even so. */
class ExpiredTokenError extends SourceError {
  constructor(status: number, host: string) {
    super('auth_failed', `HTTP ${status} from ${host}: the session's token has expired; ${AUTH_HINT}`);
  }
}

/** One account's session, created on first use and refreshed before (or when) its access token expires. */
class BlueskySession {
  private session: Session | null = null;

  constructor(
    private readonly xrpc: URL,
    private readonly identifier: string,
    private readonly appPassword: string,
  ) {}

  /**
   * Signs in if there is no session, or refreshes one whose access token expires within REFRESH_BEFORE_EXPIRY_MS:
   * once at the start of a poll, so that a short-lived token cannot make every page of the poll refresh.
   */
  async prepare(context: PollContext): Promise<void> {
    if (this.session === null) {
      await this.create(context);
      return;
    }
    const { accessExpiresAt } = this.session;
    if (accessExpiresAt !== null && accessExpiresAt - context.now.getTime() < REFRESH_BEFORE_EXPIRY_MS) await this.refresh(context);
  }

  /** A JSON GET with the session's access token; an expired token is refreshed once and the request repeated. */
  async authorizedJson(context: PollContext, request: HttpRequest): Promise<JsonAnswer> {
    const accessJwt = (this.session ?? (await this.create(context))).accessJwt;
    try {
      return await this.fetch(context, request, accessJwt);
    } catch (error) {
      if (!(error instanceof ExpiredTokenError)) {
        // A revoked token (app password deleted) cannot be refreshed: the next poll signs in again.
        if (error instanceof SourceError && error.kind === 'auth_failed') this.session = null;
        throw error;
      }
      const refreshed = await this.refresh(context);
      return this.fetch(context, request, refreshed.accessJwt);
    }
  }

  private fetch(context: PollContext, request: HttpRequest, accessJwt: string): Promise<JsonAnswer> {
    const authorized = { ...request, headers: { ...request.headers, authorization: `Bearer ${accessJwt}` } };
    return fetchJson(blueskyErrors(context), authorized, { authHint: AUTH_HINT });
  }

  private async create(context: PollContext): Promise<Session> {
    this.session = null;
    const { response, body } = await fetchJson(
      blueskyErrors(context),
      {
        url: new URL('com.atproto.server.createSession', this.xrpc).toString(),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: this.identifier, password: this.appPassword }),
      },
      { authHint: AUTH_HINT },
    );
    return this.keep(body, new URL(response.url).host);
  }

  // A refresh token that expired or was revoked means signing in again.
  private async refresh(context: PollContext): Promise<Session> {
    const refreshJwt = this.session?.refreshJwt;
    if (refreshJwt === undefined) return this.create(context);
    try {
      const { response, body } = await fetchJson(
        blueskyErrors(context),
        {
          url: new URL('com.atproto.server.refreshSession', this.xrpc).toString(),
          method: 'POST',
          headers: { authorization: `Bearer ${refreshJwt}` },
        },
        { authHint: AUTH_HINT },
      );
      return this.keep(body, new URL(response.url).host);
    } catch (error) {
      if (!(error instanceof SourceError && error.kind === 'auth_failed')) throw error;
      return this.create(context);
    }
  }

  private keep(body: unknown, host: string): Session {
    const answer = expectShape(SessionBody, body, host);
    if (answer.active === false) {
      throw new SourceError('auth_failed', `${host}: the account ${answer.handle} is ${answer.status ?? 'not active'}; ${AUTH_HINT}`);
    }
    this.session = { accessJwt: answer.accessJwt, refreshJwt: answer.refreshJwt, accessExpiresAt: jwtExpiry(answer.accessJwt) };
    return this.session;
  }
}

/** The `exp` claim of a JWT in milliseconds, read without verifying the signature (only to know when to refresh). */
function jwtExpiry(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = claims !== null && typeof claims === 'object' ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Bluesky's own error signals, before the shared classification sees the answer: {"error":"ExpiredToken"} (sent
 * with 400 or 401) becomes ExpiredTokenError, and a 429's RateLimit-Reset (a Unix time in seconds) becomes the
 * equivalent Retry-After so that the source waits exactly until the window resets.
 */
function blueskyErrors(context: PollContext): PollContext {
  const http: HttpClient = {
    request: async (request) => {
      const response = await context.http.request(request);
      if ((response.status === 400 || response.status === 401) && errorName(response.body) === 'ExpiredToken') {
        throw new ExpiredTokenError(response.status, new URL(response.url).host);
      }
      const reset = response.headers.get('ratelimit-reset')?.trim();
      if (response.status !== 429 || response.headers.has('retry-after') || reset === undefined || !/^\d+$/.test(reset)) return response;
      const headers = new Headers(response.headers);
      headers.set('retry-after', String(Math.max(0, Math.ceil((Number(reset) * 1000 - context.now.getTime()) / 1000))));
      return { ...response, headers };
    },
  };
  return { ...context, http };
}

function errorName(body: Buffer): string | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const error = parsed !== null && typeof parsed === 'object' ? (parsed as { error?: unknown }).error : undefined;
    return typeof error === 'string' ? error : null;
  } catch {
    return null;
  }
}
