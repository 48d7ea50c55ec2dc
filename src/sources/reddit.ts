// Reddit search (search.json, all of reddit or per subreddit), newest first, anonymous or through OAuth client
// credentials for the higher rate limit.
import { Type, type Static, type StaticDecode } from '@sinclair/typebox';
import { HttpUrl, NonEmptyString } from '../config/schema-types.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpResponse } from '../net/http-client.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, fetchJson, resultsInShape, type JsonAnswer } from './search-fetch.js';
import { cursorAtNewestRead, cursorToAdvance, knownIds, reportProgress, settleSearch, storedEntries, type SearchStanding } from './search-cursor.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import { SourceError } from './source-error.js';
import type { PollContext, PollResult, SourceState } from './source.js';

const PERMALINK_ORIGIN = 'https://www.reddit.com';
const PAGE_SIZE = 100;
/**
 * Pages (of 100 posts) per search per poll. A catch-up bigger than this stops there and goes on at the next poll from
 * the listing position it reached (`after`), so nothing is skipped; only a first poll's backfill ends at the cap.
 */
export const REDDIT_MAX_PAGES = 5;
// Search indexes a post a little after it is created, so each poll looks this far behind the newest post it has
// seen; the posts in that window are remembered by name, so they are not returned twice.
const OVERLAP_SECONDS = 15 * 60;
// reddit asks for at most one request a second with OAuth and one every two seconds without.
const OAUTH_PACE_MS = 1_000;
// reddit allows about 10 requests a minute without OAuth and 100 with it (its 2023 API terms).
const ANONYMOUS_PACE_MS = 6_000;
// A token is renewed this long before it expires, so no request goes out with one about to lapse.
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
const CREDENTIALS_HINT = 'check client_id and client_secret (REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET)';

const SUBREDDIT = '^[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*$';

export const redditConfigSchema = sourceConfigSchema({
  ...searchSourceFields(PERMALINK_ORIGIN),
  /** Search only these subreddits (one search each; "a+b" searches both in one request); all of reddit when absent. */
  subreddits: Type.Optional(
    Type.Array(Type.String({ pattern: SUBREDDIT, errorMessage: '{value} is not a subreddit name (write it without r/)' }), {
      minItems: 1,
    }),
  ),
  /** OAuth client credentials (an app of type "script" or "web" at reddit.com/prefs/apps) for the higher limit. */
  client_id: Type.Optional(NonEmptyString()),
  client_secret: Type.Optional(NonEmptyString()),
  /** Where the access token comes from, and where searches go once there is one. */
  auth_url: HttpUrl({ default: 'https://www.reddit.com' }),
  oauth_base_url: HttpUrl({ default: 'https://oauth.reddit.com' }),
});

type RedditConfig = StaticDecode<typeof redditConfigSchema>;

interface RedditSearch {
  /** null: all of reddit. */
  subreddit: string | null;
  query: string;
}

/**
 * Per search: created_utc (seconds) of the newest post seen, and the names (t3_…) of the posts seen within
 * OVERLAP_SECONDS of it. `catchUp`: a catch-up the page cap cut short, to go on with at the next poll: the posts below
 * the listing position `after` (the name reddit gave for the next page), down to the cursor, are still to be read;
 * once they are, its `newest` and `seen` (the newest post the catch-up read, and the names within the overlap of it)
 * become the cursor.
 */
const StoredCursor = Type.Object({
  newest: Type.Number(),
  seen: Type.Array(Type.String()),
  catchUp: Type.Optional(Type.Object({ after: Type.String(), newest: Type.Number(), seen: Type.Array(Type.String()) })),
});
type StoredCursor = Static<typeof StoredCursor>;

interface RedditState extends SourceState {
  searches?: Record<string, StoredCursor>;
}

/** Where one search stands: its position in the listing to go on from is reddit's `after` name. */
type Standing = SearchStanding<string>;

const Thing = Type.Object({
  kind: Type.String(),
  data: Type.Object({
    name: Type.String(),
    created_utc: Type.Number(),
    permalink: Type.String(),
    title: Type.Optional(Type.String()),
    selftext: Type.Optional(Type.String()),
    // Comments (t1) carry their text in body and their post's title in link_title.
    body: Type.Optional(Type.String()),
    link_title: Type.Optional(Type.String()),
    author: Type.Optional(Type.String()),
    score: Type.Optional(Type.Number()),
  }),
});

// Each child is checked on its own (resultsInShape): one that is off is skipped, not the whole listing.
const ListingPage = Type.Object({
  after: Type.Union([Type.String(), Type.Null()]),
  children: Type.Array(Type.Unknown()),
});
const Listing = Type.Object({ kind: Type.Literal('Listing'), data: ListingPage });

type RedditThing = Static<typeof Thing>;
/** A listing's page with the children in shape. */
type RedditListing = Omit<Static<typeof ListingPage>, 'children'> & { children: RedditThing[] };

const TokenAnswer = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Number() });

interface AccessToken {
  value: string;
  expiresAt: number;
}

export const redditSourceKind = defineSourceKind({
  configSchema: redditConfigSchema,
  create: (config, environment) => {
    const searches = redditSearches(distinctSearches(brandSearches(environment.brands, 'reddit')), config.subreddits);
    const client = new RedditClient(config);
    return {
      config,
      searchKey: JSON.stringify(searches),
      poll: (state, context) => pollReddit(searches, config, client, state as RedditState, context),
    };
  },
});

function redditSearches(queries: string[], subreddits: string[] | undefined): RedditSearch[] {
  return (subreddits ?? [null]).flatMap((subreddit) => queries.map((query) => ({ subreddit, query })));
}

const cursorKey = (search: RedditSearch) => `${search.subreddit ?? ''}|${search.query}`;

async function pollReddit(
  searches: RedditSearch[],
  config: RedditConfig,
  client: RedditClient,
  state: RedditState,
  context: PollContext,
): Promise<PollResult> {
  const items: SourceItem[] = [];
  const stored = storedEntries(StoredCursor, state.searches);
  const cursors: Record<string, StoredCursor> = {};
  const returned = new Set<string>();
  for (const search of searches) {
    const key = cursorKey(search);
    const { things, standing } = await newPosts(search, standingOf(stored[key]), config.backfill, client, context);
    cursors[key] = storedCursor(standing);
    for (const thing of things) {
      // One post found by two searches (two subreddits, two brands) is one item.
      if (returned.has(thing.data.name)) continue;
      returned.add(thing.data.name);
      items.push(toSourceItem(thing));
    }
  }
  // Cursors of searches no longer configured are dropped with the rest of the old state.
  return { items, nextState: { searches: cursors } };
}

/**
 * The posts of one search newer than its cursor (or the backfill start), newest first, page by page, and where the
 * search stands then (see settleSearch): a catch-up goes on from the listing position it stopped at, below the
 * posts newer than its start, which are read after it, from the top. Should reddit drop the post `after` names
 * meanwhile (deleted, removed), its listing may come back empty and the catch-up end there.
 */
async function newPosts(
  search: RedditSearch,
  standing: Standing | undefined,
  backfillMs: number,
  client: RedditClient,
  context: PollContext,
): Promise<{ things: RedditThing[]; standing: Standing }> {
  const since = standing === undefined ? Math.floor(backfillStart(context.now, backfillMs).getTime() / 1000) : standing.cursor.mark - OVERLAP_SECONDS;
  const catchUp = standing?.catchUp;
  const walk = await walkDown(search, since, catchUp?.from ?? null, client, context);
  const known = knownIds(standing);
  const read = walk.found.map((thing) => ({ id: thing.data.name, time: thing.data.created_utc }));
  const progress = settleSearch({
    standing,
    next: cursorAtNewestRead(cursorToAdvance(standing, standing?.cursor.mark ?? since), read, (mark) => mark - OVERLAP_SECONDS),
    stoppedAtPageCap: walk.stoppedAt !== null,
    goOnFrom: walk.stoppedAt === null ? undefined : { from: walk.stoppedAt, seen: [] },
  });
  reportProgress(context.logger, search, progress, REDDIT_MAX_PAGES);
  return { things: walk.found.filter((thing) => !known.has(thing.data.name)), standing: progress.standing };
}

interface Walk {
  /** The posts at or after `since`, newest first. */
  found: RedditThing[];
  /** The `after` to go on from when the page cap ended the walk before it reached `since` or the listing's end. */
  stoppedAt: string | null;
}

async function walkDown(search: RedditSearch, since: number, from: string | null, client: RedditClient, context: PollContext): Promise<Walk> {
  const found: RedditThing[] = [];
  let after = from;
  for (let page = 1; ; page++) {
    const listing = await client.search(search, after, context);
    const recent = listing.children.filter((thing) => thing.data.created_utc >= since);
    found.push(...recent);
    after = listing.after;
    const reachedKnown = recent.length < listing.children.length;
    if (after === null || reachedKnown) return { found, stoppedAt: null };
    if (page === REDDIT_MAX_PAGES) return { found, stoppedAt: after };
  }
}

function standingOf(stored: StoredCursor | undefined): Standing | undefined {
  if (stored === undefined) return undefined;
  const { catchUp } = stored;
  const next = catchUp === undefined ? undefined : { from: catchUp.after, seen: [], next: { mark: catchUp.newest, seen: catchUp.seen } };
  return { cursor: { mark: stored.newest, seen: stored.seen }, catchUp: next };
}

function storedCursor({ cursor, catchUp }: Standing): StoredCursor {
  const stored = { newest: cursor.mark, seen: cursor.seen };
  return catchUp === undefined ? stored : { ...stored, catchUp: { after: catchUp.from, newest: catchUp.next.mark, seen: catchUp.next.seen } };
}

function toSourceItem(thing: RedditThing): SourceItem {
  const post = thing.data;
  const isComment = thing.kind === 't1';
  return {
    externalId: post.name,
    url: `${PERMALINK_ORIGIN}${post.permalink}`,
    title: (isComment ? post.link_title : post.title) ?? null,
    // raw_json=1 makes reddit send the markdown source as written, without its legacy HTML escaping.
    text: (isComment ? post.body : post.selftext) ?? '',
    author: post.author === undefined || post.author === '[deleted]' ? null : post.author,
    lang: null,
    publishedAt: new Date(post.created_utc * 1000),
    reach: post.score === undefined ? null : Math.max(0, post.score),
  };
}

/**
 * Talks to reddit for one source: builds search requests, keeps the OAuth token (in memory only: it is a
 * credential, and the source state is stored in PostgreSQL) and remembers when reddit said the request budget is
 * used up, so that the next request waits instead of being refused.
 */
class RedditClient {
  private token: AccessToken | null = null;
  private budgetResetAt: number | null = null;

  constructor(private readonly config: RedditConfig) {}

  private get usesOAuth(): boolean {
    return this.config.client_id !== undefined || this.config.client_secret !== undefined;
  }

  async search(search: RedditSearch, after: string | null, context: PollContext): Promise<RedditListing> {
    this.waitForBudget(context);
    const url = this.searchUrl(search, after);
    let answer: JsonAnswer;
    try {
      answer = await this.fetchSearch(url, search, context);
    } catch (error) {
      if (!this.isRefusedToken(error)) throw error;
      // A token revoked or expired early: one fresh token, one more try.
      this.token = null;
      answer = await this.fetchSearch(url, search, context);
    }
    this.noteBudget(answer.response, context);
    const listing = expectShape(Listing, answer.body, new URL(answer.response.url).host);
    return { ...listing.data, children: resultsInShape(Thing, listing.data.children, 'data.children', context.skipped) };
  }

  private async fetchSearch(url: string, search: RedditSearch, context: PollContext): Promise<JsonAnswer> {
    const headers: Record<string, string> = {};
    if (this.usesOAuth) headers.authorization = `bearer ${await this.accessToken(context)}`;
    const paceKey = `reddit:${new URL(url).host}:${this.config.client_id ?? 'anonymous'}`;
    await context.throttle(paceKey, this.usesOAuth ? OAUTH_PACE_MS : ANONYMOUS_PACE_MS);
    return fetchJson(context, { url, headers }, { authHint: this.searchAuthHint(search) });
  }

  private isRefusedToken(error: unknown): boolean {
    return this.token !== null && error instanceof SourceError && error.kind === 'auth_failed' && error.message.startsWith('HTTP 401 ');
  }

  private searchUrl(search: RedditSearch, after: string | null): string {
    const base = this.usesOAuth ? this.config.oauth_base_url : this.config.base_url;
    const path = search.subreddit === null ? '/search.json' : `/r/${search.subreddit}/search.json`;
    const parameters = new URLSearchParams({ q: search.query, sort: 'new', type: 'link', limit: String(PAGE_SIZE), raw_json: '1' });
    if (search.subreddit !== null) parameters.set('restrict_sr', '1');
    if (after !== null) parameters.set('after', after);
    return `${base.replace(/\/+$/, '')}${path}?${parameters.toString()}`;
  }

  private searchAuthHint(search: RedditSearch): string {
    const privateSubreddit = search.subreddit === null ? '' : ` (or r/${search.subreddit} is private or quarantined)`;
    if (this.usesOAuth) return `${CREDENTIALS_HINT}${privateSubreddit}`;
    return `reddit refused an anonymous search${privateSubreddit}; set client_id/client_secret to search through OAuth`;
  }

  /** reddit counts requests per window: with none left, wait until the window resets instead of being refused. */
  private waitForBudget(context: PollContext): void {
    if (this.budgetResetAt === null) return;
    const waitMs = this.budgetResetAt - context.now.getTime();
    if (waitMs <= 0) {
      this.budgetResetAt = null;
      return;
    }
    throw new SourceError(
      'rate_limited',
      `reddit's request budget is used up (X-Ratelimit-Remaining 0); retrying after ${Math.ceil(waitMs / 1000)} s`,
      waitMs,
    );
  }

  private noteBudget(response: HttpResponse, context: PollContext): void {
    const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
    const resetSeconds = Number(response.headers.get('x-ratelimit-reset') ?? Number.NaN);
    if (Number.isFinite(remaining) && remaining < 1 && Number.isFinite(resetSeconds)) {
      this.budgetResetAt = context.now.getTime() + Math.ceil(resetSeconds) * 1000;
    }
  }

  private async accessToken(context: PollContext): Promise<string> {
    if (this.token !== null && this.token.expiresAt - TOKEN_REFRESH_MARGIN_MS > context.now.getTime()) return this.token.value;
    const { client_id: clientId, client_secret: clientSecret } = this.config;
    if (clientId === undefined || clientSecret === undefined) {
      throw new SourceError('auth_failed', `${clientId === undefined ? 'client_id' : 'client_secret'} is missing: give both or neither`);
    }
    const { response, body } = await fetchJson(
      context,
      {
        url: `${this.config.auth_url.replace(/\/+$/, '')}/api/v1/access_token`,
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      },
      { authHint: CREDENTIALS_HINT },
    );
    const host = new URL(response.url).host;
    // A refused grant comes back as 200 with {"error": "invalid_grant"} rather than as a 401.
    const refusal = (body as { error?: unknown } | null)?.error;
    if (typeof refusal === 'string') throw new SourceError('auth_failed', `${host} refused the client credentials (${refusal}); ${CREDENTIALS_HINT}`);
    const answer = expectShape(TokenAnswer, body, host);
    this.token = { value: answer.access_token, expiresAt: context.now.getTime() + answer.expires_in * 1000 };
    return this.token.value;
  }
}
