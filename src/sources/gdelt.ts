// GDELT DOC 2.0 article search (mode=artlist): news articles worldwide that GDELT has seen, newest first, keyless.
// The artlist mode gives an article's URL, title, language and when GDELT saw it, never its body: an item's text is
// its title, so the brand matching (the final word) sees only the title, and an article whose body mentions a brand
// but whose title does not is not a mention.
import { Type } from '@sinclair/typebox';
import type { SourceItem } from '../mentions/mention.js';
import { htmlToText } from '../mentions/html-text.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { backfillStart, expectShape } from './search-fetch.js';
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
 * stays well inside the poller's lock; what lies beyond (the oldest part of a huge backfill) is left out and logged.
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

interface GdeltState extends SourceState {
  /** Per search: the newest `seendate` found so far (YYYYMMDDHHMMSS); the next poll starts GDELT_OVERLAP_MS before. */
  newest?: Record<string, string>;
  /** URL → seendate of articles within the overlap window: the next poll returns them again, they are not new. */
  recent?: Record<string, string>;
}

const GdeltAnswer = Type.Object({
  articles: Type.Optional(
    Type.Array(
      Type.Object({
        url: Type.String(),
        title: Type.Optional(Type.String()),
        seendate: Type.Optional(Type.String()),
        language: Type.Optional(Type.String()),
      }),
    ),
  ),
});

interface GdeltArticle {
  url: string;
  title?: string;
  seendate?: string;
  language?: string;
}

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
  const newest: Record<string, string> = {};
  const previousNewest = stringRecord(state.newest);
  const remembered = stringRecord(state.recent);
  const found = new Map<string, GdeltArticle>();
  for (const search of setup.searches) {
    const since = searchStart(previousNewest[search], setup.backfillMs, context.now);
    const articles = await searchArticles(setup.endpoint, search, since, context);
    for (const article of articles) if (!found.has(article.url)) found.set(article.url, article);
    const newestSeen = maxStamp([previousNewest[search], ...articles.map((article) => compactSeenDate(article.seendate))]);
    if (newestSeen !== undefined) newest[search] = newestSeen;
  }
  const fresh = [...found.values()].filter((article) => remembered[article.url] === undefined);
  return {
    items: fresh.map(toSourceItem),
    nextState: { newest, recent: rememberOverlap({ ...remembered, ...seenDates(found.values()) }, newest) },
  };
}

/** Where a search starts: the overlap before its newest article, or the backfill window; never before GDELT's reach. */
function searchStart(newestStamp: string | undefined, backfillMs: number, now: Date): Date {
  const newestSeen = newestStamp === undefined ? null : parseStamp(newestStamp);
  const start = newestSeen === null ? backfillStart(now, backfillMs) : new Date(newestSeen.getTime() - GDELT_OVERLAP_MS);
  return new Date(Math.max(start.getTime(), now.getTime() - SEARCHABLE_WINDOW_MS));
}

/**
 * Every article of one search seen since `since`, newest first. A full page means there may be more: the next call
 * ends at the oldest article of the page (articles of that second come again and are deduplicated by URL), or a
 * second before it when the whole page shares one second, up to GDELT_MAX_PAGES_PER_SEARCH pages.
 */
async function searchArticles(endpoint: string, search: string, since: Date, context: PollContext): Promise<GdeltArticle[]> {
  const articles: GdeltArticle[] = [];
  let until: Date | null = null;
  for (let page = 1; ; page++) {
    const batch = await fetchArticlePage(endpoint, search, since, until, context);
    articles.push(...batch);
    if (batch.length < GDELT_PAGE_SIZE) return articles;
    const oldest = oldestSeen(batch);
    if (page >= GDELT_MAX_PAGES_PER_SEARCH || oldest === null) {
      context.logger.warn(
        { search, pages: page, oldestFetched: oldest?.toISOString() ?? null, since: since.toISOString() },
        'gdelt search has more articles than a poll fetches; older ones are left out',
      );
      return articles;
    }
    const nextUntil: Date = until === null || oldest.getTime() < until.getTime() ? oldest : new Date(oldest.getTime() - 1_000);
    if (nextUntil.getTime() <= since.getTime()) return articles;
    until = nextUntil;
  }
}

async function fetchArticlePage(
  endpoint: string,
  search: string,
  since: Date,
  until: Date | null,
  context: PollContext,
): Promise<GdeltArticle[]> {
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
  const answer = expectShape<{ articles?: GdeltArticle[] }>(GdeltAnswer, parseGdeltBody(response.body, host, search), host);
  return answer.articles ?? [];
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

/** The overlap-window URLs worth remembering: seen no earlier than the overlap before the oldest search cursor. */
function rememberOverlap(seen: Record<string, string>, newest: Record<string, string>): Record<string, string> {
  const cursors = Object.values(newest).map(parseStamp).filter((date): date is Date => date !== null);
  if (cursors.length === 0) return {};
  const floor = formatStamp(new Date(Math.min(...cursors.map((date) => date.getTime())) - GDELT_OVERLAP_MS));
  const kept = Object.entries(seen)
    .filter(([, stamp]) => stamp >= floor)
    .sort(([, a], [, b]) => (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, MAX_REMEMBERED_URLS);
  return Object.fromEntries(kept);
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

/** State read back from the database is whatever an earlier version wrote: only string entries are trusted. */
function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
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
