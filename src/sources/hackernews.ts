// Hacker News through Algolia's HN Search API (search_by_date): stories and comments, newest first, keyless.
import { Type, type Static } from '@sinclair/typebox';
import { htmlToText } from '../mentions/html-text.js';
import type { SourceItem } from '../mentions/mention.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, fetchJson, resultsInShape } from './search-fetch.js';
import { cursorToAdvance, cursorWithOverlap, idsWithin, knownIds, oldestTime, reportProgress, settleSearch, storedEntries } from './search-cursor.js';
import type { Boundary, ReadItem, SearchStanding } from './search-cursor.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import type { PollContext, PollResult, SourceState } from './source.js';

export const HACKERNEWS_DEFAULT_BASE_URL = 'https://hn.algolia.com';

/** Hits per request (Algolia allows up to 1000, but 100 keeps each answer well under the HTTP client's size cap). */
export const HN_HITS_PER_PAGE = 100;
/** Algolia serves at most this many hits of one query (paginationLimitedTo): a larger window is sliced by time. */
export const HN_HIT_CAP = 1000;
/**
 * Requests per search per poll. Hits are fetched newest first, so a catch-up stopped here keeps its cursor and goes on
 * at the next poll with what is older than the oldest hit fetched (kept in `resume`): nothing is skipped. Only a first
 * poll's backfill ends here, leaving the oldest part of its window out (with a warning).
 */
export const HN_MAX_REQUESTS_PER_SEARCH = 40;
/**
 * Each poll reaches this far behind the previous one: Algolia indexes an item some time after it is posted, and an
 * item indexed late would otherwise fall behind the cursor for good. What was already seen there is skipped.
 */
export const HN_OVERLAP_SECONDS = 15 * 60;
// A sliced window aims at this many hits per slice, leaving room under the cap for an uneven spread.
const SLICE_TARGET_HITS = HN_HIT_CAP / 2;
const TAGS = '(story,comment)';

/** Per search: everything created up to `since` (unix seconds) was fetched; `seen` are ids fetched in the overlap. */
const StoredCursor = Type.Object({ since: Type.Number(), seen: Type.Array(Type.String()) });

/**
 * A catch-up cut short: the hits created after the search's cursor (less the overlap) and up to `until` (unix
 * seconds, inclusive) are still to be fetched; `seen` are those of second `until` fetched already, which come again.
 * When the rest is fetched, the cursor becomes `next`: when the catch-up started, with the ids it fetched in the
 * overlap before that.
 */
const StoredResume = Type.Object({ until: Type.Number(), seen: Type.Array(Type.String()), next: StoredCursor });

interface HackerNewsState extends SourceState {
  searches?: Record<string, Static<typeof StoredCursor>>;
  /** Searches whose catch-up stopped at the request budget, to go on with at the next poll. */
  resume?: Record<string, Static<typeof StoredResume>>;
}

type Standing = SearchStanding<number>;

const Hit = Type.Object({
  objectID: Type.String(),
  created_at_i: Type.Number(),
  _tags: Type.Optional(Type.Array(Type.String())),
  title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  story_title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  story_text: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  comment_text: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  author: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  points: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  num_comments: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});

// Each hit is checked on its own (resultsInShape): one that is off is skipped, not the whole answer.
const SearchAnswer = Type.Object({
  hits: Type.Array(Type.Unknown()),
  nbHits: Type.Number(),
  nbPages: Type.Number(),
});

type AlgoliaHit = Static<typeof Hit>;
/** A page of an answer: the hits in shape, and how many the page listed (skipped ones too). */
type AlgoliaAnswer = Omit<Static<typeof SearchAnswer>, 'hits'> & { hits: AlgoliaHit[]; listed: number };

/** A time window of created_at_i: after `after`, up to `until` (open-ended when null). */
interface TimeWindow {
  after: number;
  until: number | null;
}

export const hackerNewsSourceKind = defineSourceKind({
  configSchema: sourceConfigSchema({ ...searchSourceFields(HACKERNEWS_DEFAULT_BASE_URL) }),
  create: (config, environment) => {
    const searches = distinctSearches(brandSearches(environment.brands, 'algolia'));
    const endpoint = `${config.base_url.replace(/\/+$/, '')}/api/v1/search_by_date`;
    return {
      config,
      searchKey: JSON.stringify(searches),
      poll: (state, context) => pollHackerNews(endpoint, searches, config.backfill, state as HackerNewsState, context),
    };
  },
});

async function pollHackerNews(
  endpoint: string,
  searches: readonly string[],
  backfillMs: number,
  state: HackerNewsState,
  context: PollContext,
): Promise<PollResult> {
  const nowSeconds = Math.floor(context.now.getTime() / 1000);
  const firstSince = Math.floor(backfillStart(context.now, backfillMs).getTime() / 1000);
  const cursors = storedEntries(StoredCursor, state.searches);
  const catchUps = storedEntries(StoredResume, state.resume);
  const items = new Map<string, SourceItem>();
  const nextState: Required<HackerNewsState> = { searches: {}, resume: {} };
  for (const query of searches) {
    const standing = standingOf(cursors[query], catchUps[query]);
    const after = standing === undefined ? firstSince : standing.cursor.mark - HN_OVERLAP_SECONDS;
    const { hits, truncated } = await searchWindow(endpoint, query, { after, until: standing?.catchUp?.from ?? null }, nowSeconds, context);
    const known = knownIds(standing);
    for (const hit of hits) {
      if (!known.has(hit.objectID)) items.set(hit.objectID, toSourceItem(hit));
    }
    const read = hits.map((hit) => ({ id: hit.objectID, time: hit.created_at_i }));
    const progress = settleSearch({
      standing,
      next: cursorWithOverlap(cursorToAdvance(standing, nowSeconds), read, repeatsFrom),
      stoppedAtPageCap: truncated,
      goOnFrom: goOnBelow(read),
    });
    reportProgress(context.logger, query, progress, HN_MAX_REQUESTS_PER_SEARCH);
    store(query, progress.standing, nextState);
  }
  const { searches: cursorsAfter, resume } = nextState;
  return { items: [...items.values()], nextState: Object.keys(resume).length === 0 ? { searches: cursorsAfter } : nextState };
}

// A poll asks for created_at_i > (cursor - overlap): the hits it is sent again are those from the second after.
const repeatsFrom = (mark: number) => mark - HN_OVERLAP_SECONDS + 1;

/**
 * Where a catch-up stopped by the budget goes on: up to the second of the oldest hit fetched (inclusive, so that the
 * other hits of that second are not skipped; those fetched already are left out by `seen`). Each such stop lies below
 * the one before: a poll's first slices reach below one second's hits (Algolia serves at most 1000 of a query) well
 * within the budget.
 */
function goOnBelow(read: readonly ReadItem[]): Boundary<number> | undefined {
  const until = oldestTime(read);
  return until === undefined ? undefined : { from: until, seen: idsWithin(read, { from: until, to: until }) };
}

function standingOf(cursor: Static<typeof StoredCursor> | undefined, resume: Static<typeof StoredResume> | undefined): Standing | undefined {
  if (cursor === undefined) return undefined;
  const catchUp = resume === undefined ? undefined : { from: resume.until, seen: resume.seen, next: { mark: resume.next.since, seen: resume.next.seen } };
  return { cursor: { mark: cursor.since, seen: cursor.seen }, catchUp };
}

function store(query: string, standing: Standing, state: Required<HackerNewsState>): void {
  state.searches[query] = { since: standing.cursor.mark, seen: standing.cursor.seen };
  const { catchUp } = standing;
  if (catchUp !== undefined) state.resume[query] = { until: catchUp.from, seen: catchUp.seen, next: { since: catchUp.next.mark, seen: catchUp.next.seen } };
}

/**
 * Every hit of `query` in `window` (as far as the request budget goes), newest first: time slices newest first, and
 * pages within one newest first. So when the budget stops it, every hit newer than the oldest one fetched was fetched.
 */
async function searchWindow(
  endpoint: string,
  query: string,
  whole: TimeWindow,
  nowSeconds: number,
  context: PollContext,
): Promise<{ hits: AlgoliaHit[]; truncated: boolean }> {
  const hits = new Map<string, AlgoliaHit>();
  const collect = (answer: AlgoliaAnswer) => answer.hits.forEach((hit) => hits.set(hit.objectID, hit));
  let requests = 0;
  const pending: TimeWindow[] = [whole];
  for (let window = pending.shift(); window !== undefined; window = pending.shift()) {
    if (requests >= HN_MAX_REQUESTS_PER_SEARCH) return { hits: [...hits.values()], truncated: true };
    const first = await searchPage(endpoint, query, window, 0, context);
    requests++;
    collect(first);
    const slices = first.nbHits > HN_HIT_CAP ? sliceWindow(window, nowSeconds, first.nbHits) : [];
    if (slices.length > 0) {
      pending.unshift(...slices);
      continue;
    }
    for (let page = 1; page < first.nbPages; page++) {
      if (requests >= HN_MAX_REQUESTS_PER_SEARCH) return { hits: [...hits.values()], truncated: true };
      const answer = await searchPage(endpoint, query, window, page, context);
      requests++;
      collect(answer);
      if (answer.listed === 0) break;
    }
  }
  return { hits: [...hits.values()], truncated: false };
}

/** Splits a window holding more than the cap into equal time slices, newest first; a slice still too full is split again. */
function sliceWindow(window: TimeWindow, nowSeconds: number, nbHits: number): TimeWindow[] {
  const until = window.until ?? nowSeconds;
  const span = until - window.after;
  // A single second holding over a thousand hits cannot be split further: its pages give what the cap allows.
  if (span <= 1) return [];
  const count = Math.min(span, Math.ceil(nbHits / SLICE_TARGET_HITS));
  const slices: TimeWindow[] = [];
  for (let index = 0; index < count; index++) {
    const sliceAfter = window.after + Math.floor((span * index) / count);
    const sliceUntil = window.after + Math.floor((span * (index + 1)) / count);
    slices.push({ after: sliceAfter, until: sliceUntil });
  }
  return slices.reverse();
}

async function searchPage(endpoint: string, query: string, window: TimeWindow, page: number, context: PollContext): Promise<AlgoliaAnswer> {
  const url = new URL(endpoint);
  url.searchParams.set('query', query);
  url.searchParams.set('tags', TAGS);
  const filters = [`created_at_i>${window.after}`];
  if (window.until !== null) filters.push(`created_at_i<=${window.until}`);
  url.searchParams.set('numericFilters', filters.join(','));
  url.searchParams.set('hitsPerPage', String(HN_HITS_PER_PAGE));
  url.searchParams.set('page', String(page));
  const { response, body } = await fetchJson(context, { url: url.toString() }, {
    authHint: 'the HN Search API needs no key: check the source\'s base_url, or whether this host is blocked',
  });
  const answer = expectShape(SearchAnswer, body, new URL(response.url).host);
  return { ...answer, hits: resultsInShape(Hit, answer.hits, 'hits', context.skipped), listed: answer.hits.length };
}

function toSourceItem(hit: AlgoliaHit): SourceItem {
  const isComment = hit._tags?.includes('comment') === true;
  const title = isComment ? hit.story_title : hit.title;
  const html = (isComment ? hit.comment_text : hit.story_text) ?? '';
  return {
    externalId: hit.objectID,
    url: `https://news.ycombinator.com/item?id=${encodeURIComponent(hit.objectID)}`,
    title: title ? htmlToText(title) : null,
    text: htmlToText(html),
    author: hit.author ?? null,
    lang: null,
    publishedAt: new Date(hit.created_at_i * 1000),
    reach: reachOf(hit),
  };
}

/** Points plus comments of a story; comments carry neither (HN does not publish comment scores). */
function reachOf(hit: AlgoliaHit): number | null {
  const counts = [hit.points, hit.num_comments].filter((count): count is number => typeof count === 'number');
  return counts.length === 0 ? null : counts.reduce((sum, count) => sum + count, 0);
}
