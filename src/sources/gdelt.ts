// GDELT DOC 2.0 article search (mode=artlist): news articles worldwide that GDELT has seen, newest first, keyless.
// The artlist mode gives an article's URL, title, language and when GDELT saw it, never its body: an item's text is
// its title, so the brand matching (the final word) sees only the title, and an article whose body mentions a brand
// but whose title does not is not a mention.
import { Type, type Static } from '@sinclair/typebox';
import type { SourceItem } from '../mentions/mention.js';
import { htmlToText } from '../mentions/html-text.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape, resultsInShape } from './search-fetch.js';
import { knownIds, rememberIds, reportProgress, settleSearch, storedEntries, type Boundary, type SearchStanding } from './search-cursor.js';
import type { PollContext, PollResult, SourceState } from './source.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import { SourceError, httpStatusError } from './source-error.js';

const DOC_API_PATH = '/api/v2/doc/doc';
/** GDELT asks for at most one call every 5 s from one address: the key is shared by every gdelt source. */
export const GDELT_THROTTLE_KEY = 'gdelt';
export const GDELT_MIN_INTERVAL_MS = 5_000;
/** The most articles one artlist call returns. */
export const GDELT_PAGE_SIZE = 250;
/**
 * Full pages per search and poll: a time range with more articles is sliced (enddatetime moved back to the oldest
 * article seen) at most this often. With the 5 s pace this keeps a search under 20 s, so a poll of a few searches
 * stays well inside the poller's lock. A catch-up stopped here keeps its cursor and goes on at the next poll from
 * where it stopped (kept in `resume`); only a first poll's backfill leaves the rest (its oldest part) out, logged.
 */
export const GDELT_MAX_PAGES_PER_SEARCH = 4;
/**
 * Each poll asks again for the last 15 minutes before the newest article it has: GDELT publishes in 15-minute
 * updates, so an article seen just before the newest one may only become searchable after it.
 */
export const GDELT_OVERLAP_MS = 15 * 60_000;
/** GDELT DOC searches a rolling window of the last three months; an older startdatetime is refused. */
const SEARCHABLE_WINDOW_MS = 90 * 24 * 3_600_000;
/** The URLs found in the overlap window are remembered to leave out what the next poll is sent again; bounded. */
const MAX_REMEMBERED_URLS = 1_000;

const Stamp = Type.String({ pattern: '^\\d{14}$' });

/**
 * A catch-up cut short: the search's articles from its start (the overlap before `newest`) up to `until`
 * (enddatetime, YYYYMMDDHHMMSS) are still to be read; `seen` are the URLs of second `until` read already, which come
 * again. When the rest is read, the search's newest becomes `next`, the newest article the catch-up read.
 */
const StoredResume = Type.Object({ until: Stamp, seen: Type.Optional(Type.Array(Type.String())), next: Stamp });

interface GdeltState extends SourceState {
  /** Per search: the newest `seendate` found so far (YYYYMMDDHHMMSS); the next poll starts GDELT_OVERLAP_MS before. */
  newest?: Record<string, string>;
  /** URL → seendate of articles within the overlap window: the next poll returns them again, they are not new. */
  recent?: Record<string, string>;
  /** Searches whose catch-up stopped at the page cap, to go on with at the next poll. */
  resume?: Record<string, Static<typeof StoredResume>>;
}

/**
 * Where one search stands: marks and positions are seendate stamps. Its cursor keeps no ids of its own: the URLs in
 * the overlap are remembered for every search at once (`recent`), since one article is often found by several.
 */
type Standing = SearchStanding<string, string>;

const Article = Type.Object({
  url: Type.String(),
  title: Type.Optional(Type.String()),
  seendate: Type.Optional(Type.String()),
  language: Type.Optional(Type.String()),
});
// Each article is checked on its own (resultsInShape): one that is off is skipped, not the whole page.
const GdeltAnswer = Type.Object({ articles: Type.Optional(Type.Array(Type.Unknown())) });

type GdeltArticle = Static<typeof Article>;

export const gdeltSourceKind = defineSourceKind({
  configSchema: sourceConfigSchema(searchSourceFields('https://api.gdeltproject.org')),
  create: (config, environment) => {
    const searches = distinctSearches(brandSearches(environment.brands, 'gdelt'));
    const endpoint = `${config.base_url.replace(/\/+$/, '')}${DOC_API_PATH}`;
    return {
      config,
      searchKey: JSON.stringify(searches),
      poll: (state, context) => pollGdelt({ endpoint, searches, backfillMs: config.backfill }, state as GdeltState, context),
    };
  },
});

interface GdeltSetup {
  endpoint: string;
  searches: readonly string[];
  backfillMs: number;
}

async function pollGdelt(setup: GdeltSetup, state: GdeltState, context: PollContext): Promise<PollResult> {
  const cursors = storedEntries(Stamp, state.newest);
  const catchUps = storedEntries(StoredResume, state.resume);
  const remembered = storedEntries(Type.String(), state.recent);
  const newest: Record<string, string> = {};
  const resume: Record<string, Static<typeof StoredResume>> = {};
  const found = new Map<string, GdeltArticle>();
  for (const search of setup.searches) {
    const standing = standingOf(cursors[search], catchUps[search]);
    const since = searchStart(standing?.cursor.mark, setup.backfillMs, context.now);
    const until = standing?.catchUp === undefined ? null : parseStamp(standing.catchUp.from);
    const read = await searchArticles(setup.endpoint, search, { since, until }, context);
    const known = knownIds(standing);
    for (const article of read.articles) if (!known.has(article.url) && !found.has(article.url)) found.set(article.url, article);
    const newestRead = maxStamp([standing?.cursor.mark, standing?.catchUp?.next.mark, ...read.articles.map((article) => compactSeenDate(article.seendate))]);
    // A first poll that found nothing dated has no cursor yet: the next one backfills again.
    if (newestRead === undefined) continue;
    const { continueUntil } = read;
    const goOnFrom = continueUntil === null ? undefined : boundaryAt(continueUntil, read.articles);
    const progress = settleSearch({ standing, next: { mark: newestRead, seen: [] }, stoppedAtPageCap: continueUntil !== null, goOnFrom });
    const reached = { pages: read.pages, oldestFetched: oldestSeen(read.articles)?.toISOString() ?? null, since: since.toISOString() };
    reportProgress(context.logger, search, progress, GDELT_MAX_PAGES_PER_SEARCH, reached);
    newest[search] = progress.standing.cursor.mark;
    const { catchUp } = progress.standing;
    if (catchUp !== undefined) resume[search] = { until: catchUp.from, seen: catchUp.seen, next: catchUp.next.mark };
  }
  const fresh = [...found.values()].filter((article) => remembered[article.url] === undefined);
  const recent = rememberOverlap({ ...remembered, ...seenDates(found.values()) }, newest, resume);
  return {
    items: fresh.map(toSourceItem),
    nextState: Object.keys(resume).length === 0 ? { newest, recent } : { newest, recent, resume },
  };
}

function standingOf(newest: string | undefined, resume: Static<typeof StoredResume> | undefined): Standing | undefined {
  if (newest === undefined) return undefined;
  const catchUp = resume === undefined ? undefined : { from: resume.until, seen: resume.seen ?? [], next: { mark: resume.next, seen: [] } };
  return { cursor: { mark: newest, seen: [] }, catchUp };
}

/** Where a search starts: the overlap before its newest article, or the backfill window; never before GDELT's reach. */
function searchStart(newestStamp: string | undefined, backfillMs: number, now: Date): Date {
  const newestSeen = newestStamp === undefined ? null : parseStamp(newestStamp);
  const start = newestSeen === null ? backfillStart(now, backfillMs) : new Date(newestSeen.getTime() - GDELT_OVERLAP_MS);
  return new Date(Math.max(start.getTime(), now.getTime() - SEARCHABLE_WINDOW_MS));
}

interface SearchRead {
  articles: GdeltArticle[];
  pages: number;
  /** Set when the page cap ended the search with more to read: the enddatetime its next call would have had. */
  continueUntil: Date | null;
}

/**
 * Every article of one search seen since `since` (up to `until` when set), newest first. A full page means there may
 * be more: the next call ends at the oldest article of the page (articles of that second come again and are
 * deduplicated by URL), or a second before it when the whole page shares the second the call ended at (the rest of
 * that second is out of reach: GDELT has no offset), up to GDELT_MAX_PAGES_PER_SEARCH pages.
 */
async function searchArticles(
  endpoint: string,
  search: string,
  range: { since: Date; until: Date | null },
  context: PollContext,
): Promise<SearchRead> {
  const { since } = range;
  const articles: GdeltArticle[] = [];
  let until = range.until;
  for (let page = 1; ; page++) {
    const { articles: batch, listed } = await fetchArticlePage(endpoint, search, since, until, context);
    articles.push(...batch);
    if (listed < GDELT_PAGE_SIZE) return { articles, pages: page, continueUntil: null };
    const oldest = oldestSeen(batch);
    if (oldest === null) {
      context.logger.warn({ search, pages: page }, 'gdelt listed a full page without dates; older articles are left out');
      return { articles, pages: page, continueUntil: null };
    }
    const nextUntil: Date = until === null || oldest.getTime() < until.getTime() ? oldest : new Date(oldest.getTime() - 1_000);
    if (nextUntil.getTime() <= since.getTime()) return { articles, pages: page, continueUntil: null };
    if (page >= GDELT_MAX_PAGES_PER_SEARCH) return { articles, pages: page, continueUntil: nextUntil };
    until = nextUntil;
  }
}

/** Where a catch-up goes on: the enddatetime its next call has, and the URLs of that second read already. */
function boundaryAt(until: Date, articles: readonly GdeltArticle[]): Boundary<string> {
  const stamp = formatStamp(until);
  return { from: stamp, seen: rememberIds([], articles.filter((article) => compactSeenDate(article.seendate) === stamp).map((article) => article.url)) };
}

async function fetchArticlePage(
  endpoint: string,
  search: string,
  since: Date,
  until: Date | null,
  context: PollContext,
): Promise<{ articles: GdeltArticle[]; listed: number }> {
  const parameters: Array<[string, string]> = [
    ['query', search],
    ['mode', 'artlist'],
    ['format', 'json'],
    ['maxrecords', String(GDELT_PAGE_SIZE)],
    ['sort', 'datedesc'],
    ['startdatetime', formatStamp(since)],
  ];
  if (until !== null) parameters.push(['enddatetime', formatStamp(until)]);
  // encodeURIComponent, not URLSearchParams: GDELT's examples spell a space %20, and a "+" would be taken literally.
  const query = parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  await context.throttle(GDELT_THROTTLE_KEY, GDELT_MIN_INTERVAL_MS);
  const response = await context.http.request({ url: `${endpoint}?${query}`, headers: { accept: 'application/json' } });
  const host = new URL(response.url).host;
  if (response.status < 200 || response.status > 299) {
    const error = httpStatusError(response.status, response.url, response.headers.get('retry-after'), context.now);
    if (error.kind === 'auth_failed') {
      // GDELT has no keys: a refusal is about this server's address (or base_url points somewhere else).
      throw new SourceError(
        'auth_failed',
        `HTTP ${response.status} from ${host}: access denied; GDELT needs no key, so check base_url and whether ${host} blocks this server's address`,
      );
    }
    throw error;
  }
  const listed = expectShape(GdeltAnswer, parseGdeltBody(response.body, host, search), host).articles ?? [];
  // `listed`: how many the page held, skipped ones too; fewer than a page is the end of the results.
  return { articles: resultsInShape(Article, listed, 'articles', context.skipped), listed: listed.length };
}

// C0 control characters: never valid in JSON, yet GDELT passes them through from some titles; a space keeps the rest.
const CONTROL_CHARACTERS = new RegExp(`[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}]`, 'g');

/**
 * The JSON GDELT answered, or a parse SourceError quoting what it said instead: for a query it cannot run it answers
 * 200 with a line of text or an HTML page ("Your search contained a phrase that is too short…"). An empty body is
 * an empty result, like `{}`.
 */
function parseGdeltBody(body: Buffer, host: string, search: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text.replace(CONTROL_CHARACTERS, ' '));
  } catch {
    const said = htmlToText(text.replace(/<!doctype[^>]*>/gi, ' ')).replace(/\s+/g, ' ').trim();
    const excerpt = said.length > 200 ? `${said.slice(0, 200)}…` : said;
    throw new SourceError('parse', `${host} sent this instead of JSON for the search ${JSON.stringify(search)}: "${excerpt}"`);
  }
}

function toSourceItem(article: GdeltArticle): SourceItem {
  const title = article.title?.replace(/\s+/g, ' ').trim() || null;
  const seen = compactSeenDate(article.seendate);
  return {
    // GDELT has no article id: the URL is the article's identity.
    externalId: article.url,
    url: article.url,
    title,
    // artlist has no body (see the header): the title is all the text there is.
    text: title ?? '',
    author: null,
    lang: languageCode(article.language),
    publishedAt: seen === undefined ? null : parseStamp(seen),
    reach: null,
  };
}

/**
 * The URLs worth remembering: those a later call of some search may list again. A search asks from the overlap before
 * its newest article; one catching up asks only down from `until` until done, and then from the overlap before the
 * newest article the catch-up read, so what lies between is not asked for again.
 */
function rememberOverlap(
  seen: Record<string, string>,
  newest: Record<string, string>,
  resume: Record<string, Static<typeof StoredResume>>,
): Record<string, string> {
  const ranges = Object.entries(newest).flatMap(([search, stamp]) => {
    const from = overlapBefore(stamp);
    if (from === null) return [];
    const catchUp = resume[search];
    if (catchUp === undefined) return [{ from, to: null }];
    return [{ from, to: catchUp.until }, { from: overlapBefore(catchUp.next) ?? from, to: null }];
  });
  const kept = Object.entries(seen)
    .filter(([, stamp]) => ranges.some((range) => stamp >= range.from && (range.to === null || stamp <= range.to)))
    .sort(([, a], [, b]) => (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, MAX_REMEMBERED_URLS);
  return Object.fromEntries(kept);
}

function overlapBefore(stamp: string): string | null {
  const date = parseStamp(stamp);
  return date === null ? null : formatStamp(new Date(date.getTime() - GDELT_OVERLAP_MS));
}

function seenDates(articles: Iterable<GdeltArticle>): Record<string, string> {
  const dates: Record<string, string> = {};
  for (const article of articles) {
    const stamp = compactSeenDate(article.seendate);
    if (stamp !== undefined) dates[article.url] = stamp;
  }
  return dates;
}

function oldestSeen(articles: readonly GdeltArticle[]): Date | null {
  const stamps = articles.map((article) => compactSeenDate(article.seendate)).filter((stamp): stamp is string => stamp !== undefined);
  if (stamps.length === 0) return null;
  return parseStamp(stamps.reduce((oldest, stamp) => (stamp < oldest ? stamp : oldest)));
}

function maxStamp(stamps: Array<string | undefined>): string | undefined {
  return stamps.reduce<string | undefined>((max, stamp) => (stamp !== undefined && (max === undefined || stamp > max) ? stamp : max), undefined);
}

/** GDELT's seendate "20261125T101500Z" as "20261125101500" (the form startdatetime takes, and sortable as text). */
function compactSeenDate(seendate: string | undefined): string | undefined {
  const match = seendate?.trim().match(/^(\d{8})T(\d{6})Z$/);
  return match ? `${match[1]}${match[2]}` : undefined;
}

function formatStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '').replace(/\D/g, '');
}

function parseStamp(stamp: string): Date | null {
  const match = stamp.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

// GDELT names languages in English (its 65 translated languages plus English); the rest of buzzwatch speaks ISO 639-1.
const LANGUAGE_CODES: Record<string, string> = {
  afrikaans: 'af', albanian: 'sq', arabic: 'ar', armenian: 'hy', azerbaijani: 'az', basque: 'eu', belarusian: 'be',
  bengali: 'bn', bosnian: 'bs', bulgarian: 'bg', catalan: 'ca', chinese: 'zh', croatian: 'hr', czech: 'cs',
  danish: 'da', dutch: 'nl', english: 'en', estonian: 'et', finnish: 'fi', french: 'fr', galician: 'gl',
  georgian: 'ka', german: 'de', greek: 'el', gujarati: 'gu', hebrew: 'he', hindi: 'hi', hungarian: 'hu',
  icelandic: 'is', indonesian: 'id', irish: 'ga', italian: 'it', japanese: 'ja', kannada: 'kn', kazakh: 'kk',
  korean: 'ko', latvian: 'lv', lithuanian: 'lt', macedonian: 'mk', malay: 'ms', malayalam: 'ml', maltese: 'mt',
  marathi: 'mr', mongolian: 'mn', nepali: 'ne', norwegian: 'no', pashto: 'ps', persian: 'fa', polish: 'pl',
  portuguese: 'pt', punjabi: 'pa', romanian: 'ro', russian: 'ru', serbian: 'sr', sinhala: 'si', sinhalese: 'si',
  slovak: 'sk', slovenian: 'sl', somali: 'so', spanish: 'es', swahili: 'sw', swedish: 'sv', tagalog: 'tl',
  tamil: 'ta', telugu: 'te', thai: 'th', tibetan: 'bo', turkish: 'tr', ukrainian: 'uk', urdu: 'ur',
  uzbek: 'uz', vietnamese: 'vi', welsh: 'cy',
};

/** "Polish" → "pl"; null for a language GDELT names that is not in the table (rather than a guess). */
export function languageCode(language: string | undefined): string | null {
  if (language === undefined) return null;
  return LANGUAGE_CODES[language.trim().toLowerCase()] ?? null;
}
