// Questions and answers on one Stack Exchange site (Stack Overflow by default) through the API's /search/excerpts,
// keeping to its throttles: the per-method `backoff`, the daily `quota_remaining` and throttle_violation errors.
import { setTimeout as delay } from 'node:timers/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { NonEmptyString } from '../config/schema-types.js';
import { htmlToText } from '../mentions/html-text.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpResponse } from '../net/http-client.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, parseJson, resultsInShape } from './search-fetch.js';
import { cursorToAdvance, cursorWithOverlap, idsWithin, knownIds, oldestTime, reportProgress, settleSearch, storedEntries, type SearchStanding } from './search-cursor.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import { SourceError, httpStatusError } from './source-error.js';
import type { PollContext, PollResult, SourceState } from './source.js';

export const STACKEXCHANGE_DEFAULT_BASE_URL = 'https://api.stackexchange.com';

/** The API's largest page. */
export const SE_PAGE_SIZE = 100;
/**
 * Pages per search per poll (each costs one request of the daily quota). A catch-up bigger than this stops there and
 * goes on at the next poll below the oldest result it read (see CatchUp); only a first poll's backfill ends at the cap.
 */
export const SE_MAX_PAGES_PER_SEARCH = 5;
/** Each poll reaches this far behind the previous one (search indexes lag); what was already seen there is skipped. */
export const SE_OVERLAP_SECONDS = 15 * 60;
/** A `backoff` up to this long is waited out within the poll; a longer one ends the poll and the next one waits. */
export const SE_MAX_INLINE_BACKOFF_MS = 10_000;
const KEY_HINT = "check the stackexchange source's `key` (an app key from stackapps.com, e.g. \"${STACKEXCHANGE_KEY}\")";

/**
 * Per search: when the last search that got down to its cursor was made (seconds; the next one asks from here less
 * the overlap) and the ids of the results within SE_OVERLAP_SECONDS before then, which the next search is answered
 * again. `catchUp`: a catch-up the page cap cut short, to go on with at the next poll: the results from the cursor's
 * window up to the second `reached` (the creation date of the oldest result read) are still to be read; `read` holds
 * the ids already read from that second and the next (see searchWindow). Once the rest is read, its `since` and
 * `seen` (when the catch-up started, and the ids it read within the overlap before then) become the cursor.
 */
const StoredCursor = Type.Object({
  since: Type.Number(),
  seen: Type.Array(Type.String()),
  catchUp: Type.Optional(Type.Object({ since: Type.Number(), seen: Type.Array(Type.String()), reached: Type.Number(), read: Type.Array(Type.String()) })),
});
type StoredCursor = Static<typeof StoredCursor>;

/** Where one search stands: a catch-up goes on below the creation date (seconds) of the oldest result it read. */
type Standing = SearchStanding<number>;

interface StackExchangeState extends SourceState {
  searches?: Record<string, StoredCursor>;
  /** When the API may be called again (ms since the epoch), after a `backoff` or a used-up quota, and why. */
  pausedUntil?: number;
  pauseReason?: string;
}

const Excerpt = Type.Object({
  item_type: Type.String(),
  question_id: Type.Number(),
  answer_id: Type.Optional(Type.Number()),
  title: Type.Optional(Type.String()),
  excerpt: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  creation_date: Type.Number(),
  score: Type.Optional(Type.Number()),
  owner: Type.Optional(Type.Object({ display_name: Type.Optional(Type.String()) })),
});

// Each item is checked on its own (resultsInShape): one that is off is skipped, not the whole page.
const Wrapper = Type.Object({
  items: Type.Array(Type.Unknown()),
  has_more: Type.Boolean(),
  quota_remaining: Type.Optional(Type.Number()),
  backoff: Type.Optional(Type.Number()),
});

type SearchExcerpt = Static<typeof Excerpt>;
/** A page of the answer: the items in shape, and how many it listed (skipped ones too). */
type ExcerptPage = Omit<Static<typeof Wrapper>, 'items'> & { items: SearchExcerpt[]; listed: number };

/** The error fields of the API's common wrapper (sent with HTTP 400 for every method-call error). */
const ApiErrorBody = Type.Object({ error_id: Type.Number(), error_name: Type.Optional(Type.String()), error_message: Type.Optional(Type.String()) });
type ApiError = Required<Static<typeof ApiErrorBody>>;

interface StackExchangeSettings {
  endpoint: string;
  site: string;
  siteOrigin: string;
  key: string | undefined;
  backfillMs: number;
}

export const stackExchangeSourceKind = defineSourceKind({
  configSchema: sourceConfigSchema({
    ...searchSourceFields(STACKEXCHANGE_DEFAULT_BASE_URL),
    /** The site's API name (`stackoverflow`, `superuser`, `serverfault`, `unix`, `ru.stackoverflow`, …). */
    site: NonEmptyString({ default: 'stackoverflow', pattern: '^[a-z0-9.-]+$', errorMessage: '{value} is not a Stack Exchange site name' }),
    /** An app key (stackapps.com) raises the daily quota from 300 to 10,000 requests; not a secret, but kept out of logs. */
    key: Type.Optional(NonEmptyString()),
  }),
  create: (config, environment) => {
    const searches = distinctSearches(brandSearches(environment.brands, 'stackexchange'));
    const settings: StackExchangeSettings = {
      endpoint: `${config.base_url.replace(/\/+$/, '')}/2.3/search/excerpts`,
      site: config.site,
      siteOrigin: `https://${siteDomain(config.site)}`,
      key: config.key,
      backfillMs: config.backfill,
    };
    return {
      config,
      searchKey: JSON.stringify(searches),
      poll: (state, context) => pollStackExchange(settings, searches, state as StackExchangeState, context),
    };
  },
});

/** The web domain of a site from its API name, for permalinks. */
export function siteDomain(site: string): string {
  if (/\.(com|net)$/.test(site)) return site;
  const base = site.split('.').at(-1) ?? site;
  if (['stackoverflow', 'superuser', 'serverfault', 'askubuntu', 'stackapps'].includes(base)) return `${site}.com`;
  if (site === 'mathoverflow') return 'mathoverflow.net';
  if (site === 'meta') return 'meta.stackexchange.com';
  if (site.startsWith('meta.')) return `${site.slice('meta.'.length)}.meta.stackexchange.com`;
  return `${site}.stackexchange.com`;
}

async function pollStackExchange(
  settings: StackExchangeSettings,
  searches: readonly string[],
  state: StackExchangeState,
  context: PollContext,
): Promise<PollResult> {
  const clock = pollClock(context);
  if (typeof state.pausedUntil === 'number' && state.pausedUntil > context.now.getTime()) {
    const waitMs = state.pausedUntil - context.now.getTime();
    const reason = state.pauseReason ?? 'the API asked to wait';
    throw new SourceError('rate_limited', `${reason}; retrying after ${Math.ceil(waitMs / 1000)} s`, waitMs);
  }
  const sleep = context.sleep ?? delay;
  const nowSeconds = Math.floor(context.now.getTime() / 1000);
  const firstSince = Math.floor(backfillStart(context.now, settings.backfillMs).getTime() / 1000);
  const items = new Map<string, SourceItem>();
  const stored = storedEntries(StoredCursor, state.searches);
  const cursors: Record<string, StoredCursor> = {};
  for (const query of searches) if (stored[query] !== undefined) cursors[query] = stored[query];
  let pause: Pause | null = null;
  for (const query of searches) {
    const standing = standingOf(cursors[query]);
    const window = searchWindow(standing, firstSince);
    const found: SearchExcerpt[] = [];
    let interrupted = false;
    let capped = true;
    for (let page = 1; page <= SE_MAX_PAGES_PER_SEARCH; page++) {
      pause = await waitOutShortBackoff(pause, sleep);
      if (pause !== null) {
        interrupted = true;
        break;
      }
      const answer = await searchPage(settings, query, window, page, context);
      found.push(...answer.items);
      pause = pauseAfter(answer, clock(), settings);
      if (!answer.has_more || answer.listed === 0) {
        capped = false;
        break;
      }
    }
    const known = knownIds(standing);
    for (const excerpt of found) {
      const item = toSourceItem(excerpt, settings.siteOrigin);
      if (item.externalId !== null && !known.has(item.externalId)) items.set(item.externalId, item);
    }
    // A search cut short by a pause is asked for again from the same cursor (and catch-up) next poll (what it found
    // now is deduplicated then); the searches after it keep their cursors too.
    if (interrupted) break;
    const progress = settleSearch({ standing, ...afterRead(standing, found, capped, nowSeconds), isBelow: (second, previous) => second < previous });
    reportProgress(context.logger, query, progress, SE_MAX_PAGES_PER_SEARCH);
    cursors[query] = storedCursor(progress.standing);
  }
  const nextState: StackExchangeState = { searches: cursors };
  if (pause !== null) {
    nextState.pausedUntil = pause.until;
    nextState.pauseReason = pause.reason;
    context.logger.info({ pausedUntil: new Date(pause.until).toISOString(), reason: pause.reason }, 'stackexchange: pausing');
  }
  return { items: [...items.values()], nextState };
}

interface SearchWindow {
  fromdate: number;
  /** Set while a catch-up goes on: the newest second it asks for. */
  todate?: number;
}

/**
 * What a search asks for: from the cursor less the overlap (the backfill start on a first poll), and during a catch-up
 * only up to where it reached. The API's documentation does not say whether `todate` is inclusive; asking up to the
 * second after the oldest result read is right either way, the results of those two seconds read already being in
 * the catch-up's `read`.
 */
function searchWindow(standing: Standing | undefined, firstSince: number): SearchWindow {
  if (standing === undefined) return { fromdate: firstSince };
  const fromdate = standing.cursor.mark - SE_OVERLAP_SECONDS;
  return standing.catchUp === undefined ? { fromdate } : { fromdate, todate: standing.catchUp.from + 1 };
}

/**
 * The cursor once a search got down to its present one (when it, or the catch-up it finished, was made) and, when
 * the page cap stopped it, where to go on: below the oldest result read. A catch-up that made no headway (over 500
 * results in two seconds) stops rather than asking for the same page forever.
 */
function afterRead(standing: Standing | undefined, found: readonly SearchExcerpt[], capped: boolean, nowSeconds: number) {
  const read = found.map((excerpt) => ({ id: String(postId(excerpt)), time: excerpt.creation_date }));
  // fromdate is inclusive: the next search is answered again from the overlap's first second on.
  const next = cursorWithOverlap(cursorToAdvance(standing, nowSeconds), read, (mark) => mark - SE_OVERLAP_SECONDS);
  const reached = oldestTime(read);
  const goOnFrom = reached === undefined ? undefined : { from: reached, seen: idsWithin(read, { to: reached + 1 }) };
  return { next, stoppedAtPageCap: capped, goOnFrom };
}

function standingOf(stored: StoredCursor | undefined): Standing | undefined {
  if (stored === undefined) return undefined;
  const { catchUp } = stored;
  const next = catchUp === undefined ? undefined : { from: catchUp.reached, seen: catchUp.read, next: { mark: catchUp.since, seen: catchUp.seen } };
  return { cursor: { mark: stored.since, seen: stored.seen }, catchUp: next };
}

function storedCursor({ cursor, catchUp }: Standing): StoredCursor {
  const stored = { since: cursor.mark, seen: cursor.seen };
  if (catchUp === undefined) return stored;
  return { ...stored, catchUp: { since: catchUp.next.mark, seen: catchUp.next.seen, reached: catchUp.from, read: catchUp.seen } };
}

/** "Now" as the poll sees it (context.now) moved on by the time the poll has taken so far. */
function pollClock(context: PollContext): () => number {
  const startedAt = Date.now();
  return () => context.now.getTime() + (Date.now() - startedAt);
}

interface Pause {
  until: number;
  reason: string;
  /** The `backoff` asked for (ms), short ones of which are waited out within the poll; null: a used-up quota. */
  backoffMs: number | null;
}

/**
 * Waits out a short `backoff` so that a poll (above all a first, backfilling one) completes: in full, since the next
 * call follows the answer that asked for it at once. A longer pause, or a used-up quota, is left standing: the poll
 * stops and the next one waits for it.
 */
async function waitOutShortBackoff(pause: Pause | null, sleep: (ms: number) => Promise<unknown>): Promise<Pause | null> {
  if (pause === null) return null;
  if (pause.backoffMs === null || pause.backoffMs > SE_MAX_INLINE_BACKOFF_MS) return pause;
  await sleep(pause.backoffMs);
  return null;
}

/** When the answer asks us to stop calling: a `backoff` (seconds, for this method) or a used-up daily quota. */
function pauseAfter(answer: ExcerptPage, nowMs: number, settings: StackExchangeSettings): Pause | null {
  const host = new URL(settings.endpoint).host;
  if (answer.quota_remaining === 0) {
    const until = nextUtcMidnight(nowMs);
    const advice = settings.key !== undefined ? '' : '; set `key` for a quota of 10,000';
    return { until, reason: `${host} daily quota used up (quota_remaining 0)${advice}`, backoffMs: null };
  }
  if (typeof answer.backoff === 'number' && answer.backoff > 0) {
    const backoffMs = answer.backoff * 1000;
    return { until: nowMs + backoffMs, reason: `${host} asked for a backoff of ${answer.backoff} s`, backoffMs };
  }
  return null;
}

// The API documents a daily quota without saying when the day turns; UTC midnight is the usual reset. Should it come
// later, the call answers throttle_violation with the exact wait, which is honoured in turn.
function nextUtcMidnight(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
}

async function searchPage(
  settings: StackExchangeSettings,
  query: string,
  window: SearchWindow,
  page: number,
  context: PollContext,
): Promise<ExcerptPage> {
  const url = new URL(settings.endpoint);
  url.searchParams.set('q', query);
  url.searchParams.set('site', settings.site);
  url.searchParams.set('sort', 'creation');
  url.searchParams.set('order', 'desc');
  url.searchParams.set('fromdate', String(window.fromdate));
  if (window.todate !== undefined) url.searchParams.set('todate', String(window.todate));
  url.searchParams.set('page', String(page));
  url.searchParams.set('pagesize', String(SE_PAGE_SIZE));
  if (settings.key !== undefined) url.searchParams.set('key', settings.key);
  const response = await context.http.request({ url: url.toString(), headers: { accept: 'application/json' } });
  const host = new URL(response.url).host;
  if (response.status < 200 || response.status > 299) throw statusError(response, host, settings, context.now);
  const answer = expectShape(Wrapper, parseJson(response.body, host), host);
  return { ...answer, items: resultsInShape(Excerpt, answer.items, 'items', context.skipped), listed: answer.items.length };
}

/** A failed call as a SourceError: the API's own error (error_id/error_name) when it sent one, else by HTTP status. */
function statusError(response: HttpResponse, host: string, settings: StackExchangeSettings, now: Date): SourceError {
  const apiError = readApiError(response.body);
  if (apiError !== null) return apiErrorToSourceError(apiError, host, settings);
  if (response.status === 401 || response.status === 403) {
    return new SourceError('auth_failed', `HTTP ${response.status} from ${host}: access denied; ${KEY_HINT}`);
  }
  return httpStatusError(response.status, response.url, response.headers.get('retry-after'), now);
}

function readApiError(body: Buffer): ApiError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!Value.Check(ApiErrorBody, parsed)) return null;
  return { error_id: parsed.error_id, error_name: parsed.error_name ?? 'error', error_message: (parsed.error_message ?? '').trim().slice(0, 200) };
}

// Error ids from the API's error-handling documentation.
const AUTH_ERROR_IDS = new Set([401, 402, 403, 405, 406]);
const THROTTLE_VIOLATION = 502;

function apiErrorToSourceError(error: ApiError, host: string, settings: StackExchangeSettings): SourceError {
  const said = `${host} answered ${error.error_name} (${error.error_id})${error.error_message ? `: ${error.error_message}` : ''}`;
  if (error.error_id === THROTTLE_VIOLATION) {
    // "too many requests from this IP, more requests available in 82466 seconds"
    const seconds = error.error_message.match(/available in (\d+) seconds?/i)?.[1];
    const waitMs = seconds === undefined ? null : Number(seconds) * 1000;
    const advice = settings.key === undefined ? '; set `key` for a quota of 10,000' : '';
    const wait = waitMs === null ? '' : `; retrying after ${seconds} s`;
    return new SourceError('rate_limited', `${said}${advice}${wait}`, waitMs);
  }
  // An unknown key is reported as bad_parameter naming the `key` parameter.
  const badKey = error.error_id === 400 && settings.key !== undefined && /\bkey\b/i.test(error.error_message);
  if (AUTH_ERROR_IDS.has(error.error_id) || badKey) return new SourceError('auth_failed', `${said}; ${KEY_HINT}`);
  if (error.error_id === 400 && /\bsite\b/i.test(error.error_message)) {
    return new SourceError('http', `${said}; check the source's \`site\` (${settings.site})`);
  }
  return new SourceError('http', said);
}

function postId(excerpt: SearchExcerpt): number {
  return excerpt.item_type === 'answer' && excerpt.answer_id !== undefined ? excerpt.answer_id : excerpt.question_id;
}

function toSourceItem(excerpt: SearchExcerpt, siteOrigin: string): SourceItem {
  const isAnswer = excerpt.item_type === 'answer' && excerpt.answer_id !== undefined;
  const id = postId(excerpt);
  const html = excerpt.body !== undefined && excerpt.body.trim() !== '' ? excerpt.body : (excerpt.excerpt ?? '');
  return {
    externalId: String(id),
    // The short permalinks the sites themselves hand out for sharing.
    url: `${siteOrigin}/${isAnswer ? 'a' : 'q'}/${id}`,
    title: excerpt.title ? htmlToText(excerpt.title) : null,
    text: htmlToText(html),
    author: excerpt.owner?.display_name ? htmlToText(excerpt.owner.display_name) : null,
    lang: null,
    publishedAt: new Date(excerpt.creation_date * 1000),
    reach: typeof excerpt.score === 'number' ? Math.max(0, excerpt.score) : null,
  };
}
