// Google News search as RSS (/rss/search), one feed per brand query in one edition (language and region). The
// feed has no "since" parameter: each query asks for a time window with the `when:` operator, and the articles
// already returned are remembered (as short hashes of their guids) so that a poll hands back only new ones.
import { createHash } from 'node:crypto';
import { Type, type StaticDecode } from '@sinclair/typebox';
import { decodeXML } from 'entities';
import type { SourceItem } from '../mentions/mention.js';
import { brandSearches, distinctSearches } from './brand-search.js';
import { parseFeedItems } from './rss.js';
import { backfillStart } from './search-fetch.js';
import { defineSourceKind, searchSourceFields, sourceConfigSchema } from './source-config.js';
import { SourceError, httpStatusError } from './source-error.js';
import type { PollContext, PollResult, SourceKind, SourceState } from './source.js';
import { decodeXmlBody } from './xml-charset.js';

/** Google News answers one query at most once a minute; faster polling only gets the same feed (or a block). */
export const GOOGLE_NEWS_QUERY_INTERVAL_MS = 60_000;
// Each poll's window reaches this far behind the previous poll: articles appear in the index a while after their
// publication time, and the seen-guid memory drops the ones already returned.
const WINDOW_OVERLAP_MS = 60 * 60_000;
// The feed has at most 100 articles per query; remembering a few feeds' worth per query covers every article that
// can still come back inside the window.
const SEEN_PER_QUERY = 300;
const HOUR_MS = 3_600_000;
const ACCEPT = 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';

export const googleNewsConfigSchema = sourceConfigSchema({
  ...searchSourceFields('https://news.google.com'),
  /** The edition, language-REGION: en-US, en-GB, pl-PL, de-DE, pt-BR… (gives hl, gl and ceid). */
  locale: Type.String({ pattern: '^[a-z]{2,3}-[A-Z]{2}$', default: 'en-US', errorMessage: '{value} is not a locale such as en-US or pl-PL' }),
  /** Overrides for editions the locale does not spell the way Google does (e.g. hl: es-419, ceid: "US:es-419"). */
  hl: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]+$' })),
  gl: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  ceid: Type.Optional(Type.String({ pattern: '^[A-Z]{2}:[A-Za-z0-9-]+$' })),
});

type GoogleNewsConfig = StaticDecode<typeof googleNewsConfigSchema>;

interface Edition {
  hl: string;
  gl: string;
  ceid: string;
}

interface GoogleNewsState extends SourceState {
  /** When the last successful poll ran (its window's end). */
  polledAt?: string;
  /** Hashes of the guids returned lately, newest first. */
  seen?: string[];
}

export const googleNewsSourceKind: SourceKind = {
  // Google News answers one query per minute at most; polling faster only queues behind the throttle.
  minEvery: '60s',
  ...defineSourceKind({
    configSchema: googleNewsConfigSchema,
    create: (config, environment) => {
      const queries = distinctSearches(brandSearches(environment.brands, 'google-news'));
      const edition = editionOf(config);
      return {
        config,
        searchKey: JSON.stringify(queries),
        poll: (state, context) => pollGoogleNews(queries, edition, config, state as GoogleNewsState, context),
      };
    },
  }),
};

// Google spells the language with its region for the editions that differ by region (en-US vs en-GB, pt-BR vs
// pt-PT, zh-TW) and as the bare language elsewhere (hl=pl&gl=PL&ceid=PL:pl); a few ceids name a script or area.
const REGIONAL_LANGUAGES = new Set(['en', 'pt', 'zh']);
const CEID_LANGUAGE: Record<string, string> = { 'pt-BR': 'pt-419', 'pt-PT': 'pt-150', 'zh-CN': 'zh-Hans', 'zh-TW': 'zh-Hant', 'zh-HK': 'zh-Hant' };

export function editionOf(config: Pick<GoogleNewsConfig, 'locale' | 'hl' | 'gl' | 'ceid'>): Edition {
  const [language = 'en', region = 'US'] = config.locale.split('-');
  const hl = config.hl ?? (REGIONAL_LANGUAGES.has(language) || config.locale === 'fr-CA' ? config.locale : language);
  const gl = config.gl ?? region;
  const ceid = config.ceid ?? `${gl}:${CEID_LANGUAGE[config.locale] ?? language}`;
  return { hl, gl, ceid };
}

async function pollGoogleNews(
  queries: string[],
  edition: Edition,
  config: GoogleNewsConfig,
  state: GoogleNewsState,
  context: PollContext,
): Promise<PollResult> {
  const since = state.polledAt === undefined ? backfillStart(context.now, config.backfill) : new Date(Date.parse(state.polledAt) - WINDOW_OVERLAP_MS);
  const window = whenOperator(context.now.getTime() - since.getTime());
  const seen = new Set(state.seen ?? []);
  const returned: string[] = [];
  const items: SourceItem[] = [];
  for (const query of queries) {
    for (const item of await searchFeed(query, window, edition, config.base_url, context)) {
      const key = seenKey(item);
      if (seen.has(key)) continue;
      seen.add(key);
      returned.push(key);
      items.push(item);
    }
  }
  const remembered = [...returned, ...(state.seen ?? [])].slice(0, SEEN_PER_QUERY * Math.max(1, queries.length));
  return { items, nextState: { polledAt: context.now.toISOString(), seen: remembered } };
}

/** Google News' `when:` takes hours or days: the smallest one that covers `spanMs`. */
export function whenOperator(spanMs: number): string {
  const hours = Math.max(1, Math.ceil(spanMs / HOUR_MS));
  return hours <= 48 ? `when:${hours}h` : `when:${Math.ceil(hours / 24)}d`;
}

async function searchFeed(query: string, window: string, edition: Edition, baseUrl: string, context: PollContext): Promise<SourceItem[]> {
  const base = baseUrl.replace(/\/+$/, '');
  await context.throttle(`google-news:${new URL(base).host}:${edition.ceid}:${edition.hl}:${query}`, GOOGLE_NEWS_QUERY_INTERVAL_MS);
  const parameters = new URLSearchParams({ q: `${query} ${window}`, hl: edition.hl, gl: edition.gl, ceid: edition.ceid });
  const response = await context.http.request({ url: `${base}/rss/search?${parameters.toString()}`, headers: { accept: ACCEPT } });
  if (response.status < 200 || response.status > 299) {
    const error = httpStatusError(response.status, response.url, response.headers.get('retry-after'), context.now);
    if (error.kind !== 'auth_failed') throw error;
    // Google News needs no credentials: a refusal means it has blocked this client (too many requests, or a user
    // agent or address it distrusts).
    throw new SourceError(
      'auth_failed',
      `HTTP ${response.status} from ${new URL(response.url).host}: Google News refused the request; check http.user_agent and that this host is not blocked (poll less often)`,
    );
  }
  const items = await parseFeedItems(response);
  const publishers = publishersByGuid(decodeXmlBody(response.body, response.headers.get('content-type')));
  return items.map((item) => withPublisher(item, item.externalId === null ? undefined : publishers.get(item.externalId)));
}

interface Publisher {
  name: string;
  /** The publisher's site (its home page), not the article. */
  site: string | null;
}

/**
 * Each item's <source url="https://publisher.example">Publisher</source>, by guid. rss-parser drops the element, so
 * it is read here from Google's (machine-written, one-line-per-element) XML.
 */
function publishersByGuid(xml: string): Map<string, Publisher> {
  const publishers = new Map<string, Publisher>();
  for (const [, item = ''] of xml.matchAll(/<item\b[^>]*>([\s\S]*?)<\/item>/g)) {
    const guid = item.match(/<guid\b[^>]*>([\s\S]*?)<\/guid>/)?.[1];
    const source = item.match(/<source\b([^>]*)>([\s\S]*?)<\/source>/);
    if (guid === undefined || source === null) continue;
    const site = source[1]?.match(/\burl\s*=\s*"([^"]*)"/)?.[1];
    publishers.set(xmlText(guid), { name: xmlText(source[2] ?? ''), site: site === undefined ? null : xmlText(site) });
  }
  return publishers;
}

function xmlText(text: string): string {
  const cdata = text.trim().match(/^<!\[CDATA\[([\s\S]*)\]\]>$/);
  return cdata ? (cdata[1] ?? '').trim() : decodeXML(text).trim();
}

/**
 * The item with its outlet as author and the " - Outlet" suffix Google appends to titles removed. Its URL is the
 * article's own when the Google News link still carries it (older article ids do), else the news.google.com link,
 * which redirects readers to the article; the <source> URL is only the publisher's home page, never a permalink, so
 * it becomes the item's siteUrl (what site: in a brand query judges).
 */
function withPublisher(item: SourceItem, publisher: Publisher | undefined): SourceItem {
  const url = item.url === null ? null : (articleUrlOf(item.url) ?? item.url);
  // The publisher's site is what a brand query's site: means, whatever link Google gives the article.
  const siteUrl = publisher?.site ?? null;
  if (publisher === undefined || publisher.name === '') return { ...item, url, ...(siteUrl === null ? {} : { siteUrl }) };
  const suffix = ` - ${publisher.name}`;
  const title = item.title?.endsWith(suffix) ? item.title.slice(0, -suffix.length).trim() : item.title;
  return { ...item, url, title, author: publisher.name, ...(siteUrl === null ? {} : { siteUrl }) };
}

/**
 * The article URL inside a news.google.com/rss/articles/<id> link: older ids are base64url of a small protobuf
 * (0x08 0x13 0x22, a varint length, the URL); newer ids hold an opaque token instead, and only Google can resolve them.
 */
export function articleUrlOf(link: string): string | null {
  let id: string;
  try {
    const url = new URL(link);
    if (url.hostname !== 'news.google.com') return null;
    id = url.pathname.match(/\/articles\/([A-Za-z0-9_-]+)$/)?.[1] ?? '';
  } catch {
    return null;
  }
  const bytes = Buffer.from(id, 'base64url');
  if (bytes.length < 4 || bytes[0] !== 0x08 || bytes[1] !== 0x13 || bytes[2] !== 0x22) return null;
  let length = 0;
  let offset = 3;
  for (let shift = 0; offset < bytes.length && shift < 28; shift += 7) {
    const byte = bytes[offset++] ?? 0;
    length |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  const embedded = bytes.subarray(offset, offset + length).toString('utf8');
  return /^https?:\/\/[^\s]+$/.test(embedded) && offset + length <= bytes.length ? embedded : null;
}

function seenKey(item: SourceItem): string {
  return createHash('sha256')
    .update(item.externalId ?? item.url ?? '')
    .digest('base64url')
    .slice(0, 16);
}
