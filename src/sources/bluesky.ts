// Bluesky post search (app.bsky.feed.searchPosts) as an account with an app password. The session lives only in
// this Source instance (never in the stored state, logs or errors) and is refreshed before its access token expires.
import { Type, type Static } from '@sinclair/typebox';
import { HttpUrl, NonEmptyString } from '../config/schema-types.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpClient, HttpRequest } from '../net/http-client.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, fetchJson, resultsInShape, type JsonAnswer } from './search-fetch.js';
import { cursorAtNewestRead, cursorToAdvance, idsWithin, knownIds, oldestTime, reportProgress, settleSearch, storedEntries } from './search-cursor.js';
import type { Boundary, ReadItem, SearchCursor, SearchStanding } from './search-cursor.js';
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
// Each post is checked on its own (resultsInShape): one that is off is skipped, not the whole page.
const SearchBody = Type.Object({ posts: Type.Array(Type.Unknown()), cursor: Type.Optional(Type.String()) });

type Post = Static<typeof PostView>;

/**
 * Per query: the newest sort time read (ISO; the next poll asks from BLUESKY_OVERLAP_MS before it, inclusive) and the
 * uris of the posts read that sort within the overlap before it, which the next poll returns again. Cursors stored
 * before the overlap existed have no `seen`: the posts of the overlap come back once more, and their ids dedupe them.
 */
const StoredCursor = Type.Object({ since: Type.String(), seen: Type.Optional(Type.Array(Type.String())) });

/**
 * A catch-up cut short: the posts sorting from the query's `since` (less the overlap) up to `until` (exclusive) are
 * still to be read; when they are, `next` (the newest post the catch-up read, and the overlap before it) becomes the
 * query's cursor. `seen`: the posts read that sort in the last millisecond before `until`, which come again.
 */
const StoredResume = Type.Object({ until: Type.String(), seen: Type.Optional(Type.Array(Type.String())), next: StoredCursor });

interface BlueskyState extends SourceState {
  queries?: Record<string, Static<typeof StoredCursor>>;
  /** Queries whose catch-up stopped at the page cap, to go on with at the next poll. */
  resume?: Record<string, Static<typeof StoredResume>>;
}

/** Where one query stands: its marks and positions are sort times in ms (see sortTime). */
type Standing = SearchStanding<number>;

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
  const cursors = storedEntries(StoredCursor, state.queries);
  const catchUps = storedEntries(StoredResume, state.resume);
  const nextState: Required<BlueskyState> = { queries: {}, resume: {} };
  const posts = new Map<string, Post>();
  await settings.session.prepare(context);
  for (const query of searches) {
    const standing = standingOf(cursors[query], catchUps[query]);
    const since = standing === undefined ? backfillStart(context.now, settings.backfillMs).getTime() : standing.cursor.mark - BLUESKY_OVERLAP_MS;
    const until = standing?.catchUp?.from;
    const found = await searchSince(query, { since: isoTime(since), until: until === undefined ? undefined : isoTime(until) }, settings, context);
    const known = knownIds(standing);
    for (const post of found.posts) if (!known.has(post.uri) && !posts.has(post.uri)) posts.set(post.uri, post);
    const read = found.posts.flatMap((post) => {
      const time = sortTime(post);
      return time === null ? [] : [{ id: post.uri, time }];
    });
    const base = standing === undefined ? undefined : cursorToAdvance(standing, standing.cursor.mark);
    const next = cursorAtNewestRead(base, read, (mark) => mark - BLUESKY_OVERLAP_MS);
    // A first poll that found nothing has no cursor yet: the next one backfills again.
    if (next === undefined) continue;
    const progress = settleSearch({ standing, next, stoppedAtPageCap: found.stoppedAtCap, goOnFrom: goOnBelow(read, standing?.catchUp) });
    reportProgress(context.logger, query, progress, BLUESKY_MAX_PAGES_PER_POLL);
    store(query, progress.standing, nextState);
  }
  const { queries, resume } = nextState;
  return { items: [...posts.values()].map(toItem), nextState: Object.keys(resume).length === 0 ? { queries } : nextState };
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
    posts.push(...resultsInShape(PostView, answer.posts, 'posts', context.skipped));
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
 */
function goOnBelow(read: readonly ReadItem[], previous: Boundary<number> | undefined): Boundary<number> | undefined {
  const oldest = oldestTime(read);
  if (oldest === undefined) return undefined;
  if (previous !== undefined && oldest + 1 >= previous.from) return { from: oldest, seen: [] };
  return { from: oldest + 1, seen: idsWithin(read, { from: oldest, to: oldest }) };
}

/** A stored cursor (and catch-up) as the query's standing; one whose times do not parse starts over from the backfill. */
function standingOf(cursor: Static<typeof StoredCursor> | undefined, resume: Static<typeof StoredResume> | undefined): Standing | undefined {
  const mark = timeOf(cursor?.since);
  if (cursor === undefined || mark === undefined) return undefined;
  const from = timeOf(resume?.until);
  const nextMark = timeOf(resume?.next.since);
  const catchUp =
    resume === undefined || from === undefined || nextMark === undefined
      ? undefined
      : { from, seen: resume.seen ?? [], next: { mark: nextMark, seen: resume.next.seen ?? [] } };
  return { cursor: { mark, seen: cursor.seen ?? [] }, catchUp };
}

function timeOf(iso: string | undefined): number | undefined {
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}

function store(query: string, { cursor, catchUp }: Standing, state: Required<BlueskyState>): void {
  state.queries[query] = storedCursor(cursor);
  if (catchUp !== undefined) state.resume[query] = { until: isoTime(catchUp.from), seen: catchUp.seen, next: storedCursor(catchUp.next) };
}

const storedCursor = (cursor: SearchCursor) => ({ since: isoTime(cursor.mark), seen: cursor.seen });
const isoTime = (ms: number) => new Date(ms).toISOString();

/**
 * searchPosts filters `since` on a post's sort time: the earlier of its createdAt and indexedAt (a post dated in the
 * future sorts when it was indexed). The cursor is the newest such time read.
 */
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
