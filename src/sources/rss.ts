// RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom feeds, fetched with a conditional GET and parsed by rss-parser.
import { createRequire } from 'node:module';
import Parser from 'rss-parser';
import { HttpUrl } from '../config/schema-types.js';
import { htmlToText } from '../mentions/html-text.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpResponse } from '../net/http-client.js';
import type { PollContext, PollResult, SourceState } from './source.js';
import { MaxBodySize, RequestHeaders, defineSourceKind, sourceConfigSchema } from './source-config.js';
import { parseFeedDate } from './feed-date.js';
import { SourceError, httpStatusError } from './source-error.js';
import { decodeXmlBody } from './xml-charset.js';
import { FEED_MAX_ITEMS, parseFeedItemsOffThread } from './feed-parsing-thread.js';

interface FeedState extends SourceState {
  etag?: string;
  lastModified?: string;
  /** The feed as last fetched had more items than a poll takes: said again while it answers 304 (not modified). */
  capped?: { read: number; leftOut: number };
}

type FeedItem = Parser.Item & {
  id?: string;
  author?: string;
  summary?: string;
  language?: string;
  date?: string;
  'content:encoded'?: string;
  'rdf:about'?: string;
  'media:title'?: unknown;
  'media:description'?: unknown;
  'media:group'?: Record<string, unknown[] | undefined>;
  /** Every <link> of the item, as xml2js gives them (Atom: { $: { href, rel, type } }). */
  links?: unknown[];
  /** The item element's own attributes (Atom entries: xml:base, xml:lang). */
  attributes?: Record<string, string | undefined>;
};

interface AtomLink {
  $?: { href?: string; rel?: string; type?: string; 'xml:base'?: string };
}

// RSS 1.0 channels state their language as dc:language; rss-parser only reads RSS 2.0's <language> by itself.
// Media RSS: YouTube's feeds (and many video and podcast feeds) carry a video's description only as
// media:description, usually inside media:group; a brand named there was never seen.
// defaultRSS: an <rss> root without a version attribute (sites drop it) is read as RSS 2.0, not refused as no feed.
const PARSER_OPTIONS: Parser.ParserOptions<Record<string, unknown>, FeedItem> = {
  defaultRSS: 2,
  customFields: {
    feed: ['dc:language'],
    // rss-parser keeps one Atom link (rel="alternate", else the first) and no entry attributes; links and attributes
    // are read here so that a link without rel (which means alternate) and xml:base are honoured.
    item: ['media:group', 'media:title', 'media:description', ['link', 'links', { keepArray: true }], ['$', 'attributes', { keepArray: true }]],
  },
};

// rss-parser sets every item's contentSnippet (read nowhere here) from its description or content with regular
// expressions that scan to the end of the text from every "<" without a ">" after it: 200 KB of escaped "<" cost 11 s of
// CPU. Its one helper for that is replaced, once, by one that makes no snippet.
(createRequire(import.meta.url)('rss-parser/lib/utils.js') as { getSnippet(html: string): string }).getSnippet = () => '';

// A parser per feed, never one shared: after a document with two XML errors, xml2js's parser goes on reading the rest of
// it after reporting the first and marks its successor as having failed already, so the next feed parsed (any
// source's) had its own XML errors swallowed and a broken feed was stored as if it were fine.
const newParser = () => new Parser<Record<string, unknown>, FeedItem>(PARSER_OPTIONS);

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';

export const rssSourceKind = defineSourceKind({
  // A private feed authenticates with userinfo in the URL (sent as HTTP Basic) or with headers.
  configSchema: sourceConfigSchema({ url: HttpUrl(), headers: RequestHeaders(), max_body_size: MaxBodySize() }),
  create: (config) => {
    const configHeaders = lowerCaseNames(config.headers ?? {});
    return {
      config,
      poll: (state, context) => pollFeed(config.url, configHeaders, state as FeedState, context),
    };
  },
});

/** Header names are case-insensitive; one spelling each, so a configured Accept replaces ours instead of joining it. */
function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

async function pollFeed(url: string, configHeaders: Record<string, string>, state: FeedState, context: PollContext): Promise<PollResult> {
  const headers: Record<string, string> = { accept: ACCEPT, ...configHeaders };
  if (state.etag) headers['if-none-match'] = state.etag;
  if (state.lastModified) headers['if-modified-since'] = state.lastModified;
  const response = await context.http.request({ url, headers });
  if (response.status === 304) {
    // A poll's warning is the source's health until the next poll: the feed still holds what the last one left out.
    return state.capped === undefined ? { items: [], nextState: state } : { items: [], nextState: state, warning: leftOutWarning(state.capped) };
  }
  if (response.status < 200 || response.status > 299) {
    throw httpStatusError(response.status, response.url, response.headers.get('retry-after'), context.now);
  }
  const { items, leftOut } = await parseFeedItemsOffThread(response);
  const nextState: FeedState = {};
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (etag) nextState.etag = etag;
  if (lastModified) nextState.lastModified = lastModified;
  if (leftOut === 0) return { items, nextState };
  nextState.capped = { read: items.length, leftOut };
  return { items, nextState, warning: leftOutWarning(nextState.capped) };
}

/** The source's warning for a feed of more items than a poll takes. */
function leftOutWarning({ read, leftOut }: { read: number; leftOut: number }): string {
  return `the feed had ${read + leftOut} items: the newest ${read} were read, the other ${leftOut} left out (at most ${FEED_MAX_ITEMS} per poll)`;
}

/** The items of a fetched feed, normalised; throws a SourceError when the body is not a readable feed. */
export async function parseFeedItems(response: HttpResponse): Promise<SourceItem[]> {
  const host = new URL(response.url).host;
  const contentType = response.headers.get('content-type');
  const xml = decodeXmlBody(response.body, contentType);
  if (looksLikeHtml(xml)) {
    throw new SourceError('not_a_feed', `${host} answered with an HTML page, not a feed (content-type ${contentType ?? 'none'})`);
  }
  const notXml = notXmlReason(xml);
  if (notXml !== null) throw new SourceError('not_a_feed', `${host} answered HTTP ${response.status} with ${notXml}, not a feed (content-type ${contentType ?? 'none'})`);
  const feed = await parseFeed(xml, host);
  const channel = feed as { language?: string; 'dc:language'?: string };
  const feedLanguage = channel.language ?? channel['dc:language'] ?? rootXmlLang(xml);
  const feedBase = resolveBase(rootXmlBase(xml), response.url);
  return feed.items.map((item) => normaliseItem(item, feedBase, feedLanguage));
}

/**
 * The parsed feed. A feed that is not XML only for its bare "&" ("Acme & friends", "?a=1&b=2": the commonest flaw of
 * real feeds, which browsers and feed readers read past) is parsed once more with them escaped, rather than losing
 * every item of the feed; if that fails too, the first error is the one reported.
 */
async function parseFeed(xml: string, host: string): Promise<Parser.Output<FeedItem>> {
  try {
    return await newParser().parseString(readableAtom(xml));
  } catch (error) {
    const repaired = /entity/i.test(error instanceof Error ? error.message : '') ? withBareAmpersandsEscaped(xml) : xml;
    if (repaired !== xml) {
      try {
        return await newParser().parseString(readableAtom(repaired));
      } catch {
        // The feed is broken beyond its ampersands: say what the parser first found.
      }
    }
    throw parseError(error, host, rootElementName(xml));
  }
}

// An "&" that starts no character or entity reference. CDATA sections and comments are passed over: "&" is text there
// already, and escaping it would change the text (a CDATA link's "?a=1&b=2"). One pass, each part read once: an
// unclosed section runs to the end, as it does for the parser.
const MARKUP_OR_AMPERSAND = /<!\[CDATA\[|<!--|&/g;
const REFERENCE = /^&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);/;

function withBareAmpersandsEscaped(xml: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  MARKUP_OR_AMPERSAND.lastIndex = 0;
  for (let match = MARKUP_OR_AMPERSAND.exec(xml); match !== null; match = MARKUP_OR_AMPERSAND.exec(xml)) {
    if (match[0] === '&') {
      if (REFERENCE.test(xml.slice(match.index, match.index + 64))) continue;
      parts.push(xml.slice(copiedTo, match.index), '&amp;');
      copiedTo = match.index + 1;
      continue;
    }
    const end = xml.indexOf(match[0] === '<!--' ? '-->' : ']]>', MARKUP_OR_AMPERSAND.lastIndex);
    if (end === -1) break;
    MARKUP_OR_AMPERSAND.lastIndex = end + 3;
  }
  parts.push(xml.slice(copiedTo));
  return parts.join('');
}

/** Atom (and any XML) may say what relative links are relative to with xml:base on the root, an entry or a link. */
function rootXmlBase(xml: string): string | null {
  return xml.match(/<(?:feed|rss|rdf:RDF)\b[^>]*\sxml:base=["']([^"']+)["']/)?.[1] ?? null;
}

function resolveBase(base: string | null | undefined, against: string): string {
  if (typeof base !== 'string' || base.trim() === '') return against;
  try {
    return new URL(base.trim(), against).toString();
  } catch {
    return against;
  }
}

/** Atom states the language of the whole feed as xml:lang on its root element. */
function rootXmlLang(xml: string): string | null {
  return xml.match(/<feed\b[^>]*\sxml:lang=["']([^"']+)["']/)?.[1] ?? null;
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>])/i.test(text);
}

/** The document with what rss-parser cannot read in an Atom feed rewritten into what it can (RSS is left as it is). */
function readableAtom(xml: string): string {
  if (rootElementName(xml) !== 'feed') return xml;
  return atomTextLinksAsHref(xhtmlAsEscapedHtml(normaliseAtomDates(xml)));
}

const PROLOG = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*/i;

/** The name of the root element (past the XML declaration, comments, a doctype and processing instructions). */
function rootElementName(xml: string): string | undefined {
  const prologLength = xml.match(PROLOG)?.[0].length ?? 0;
  return xml.slice(prologLength, prologLength + 256).match(/^<([A-Za-z_][\w:.-]*)/)?.[1];
}

// An Atom link is <link href="…"/>; some generators write RSS's <link>URL</link>, on which rss-parser failed the
// whole feed ("Cannot read properties of undefined (reading 'rel')"). The text is the href they meant.
function atomTextLinksAsHref(xml: string): string {
  return xml.replace(/<link>([^<]*)<\/link\s*>/g, (_element, text: string) => `<link href="${text.trim().replace(/"/g, '&quot;')}"/>`);
}

// rss-parser calls toISOString() on Atom <published>/<updated> unguarded, so one bad date would reject the whole
// feed; emptying unparseable ones keeps the entry (with no date) and the rest of the feed. Readable ones are written
// as the instant parseFeedDate reads, so rss-parser's own Date.parse cannot read them otherwise (in local time).
function normaliseAtomDates(xml: string): string {
  return xml.replace(/<(published|updated)>([^<]*)<\/\1>/g, (_element, name: string, value: string) => {
    const date = parseFeedDate(value);
    return `<${name}>${date === null ? '' : date.toISOString()}</${name}>`;
  });
}

// Atom's type="xhtml" puts markup inside <title>, <summary> and <content>. xml2js hands such an element over as an
// object (a title as an object failed the whole feed: "html.replace is not a function") and keeps its text apart from
// its children's, out of order; the same markup escaped, as type="html", reaches htmlToText as written.
// (Not a self-closed one, whose "/>" the lookbehind refuses: it has no text, and no closing tag to look for.) The
// text stops at the next opening of the same element: an element left unclosed is then not searched to the end of the
// document for every one of them (20,000 unclosed <content type="xhtml"> took 7.6 s of CPU, quadratic).
const XHTML_ELEMENT = /<(title|summary|content)(\s[^>]*?\btype\s*=\s*["']xhtml["'][^>]*?)(?<!\/)>((?:(?!<\1[\s>/])[\s\S])*?)<\/\1\s*>/g;

function xhtmlAsEscapedHtml(xml: string): string {
  return xml.replace(XHTML_ELEMENT, (_element, name: string, attributes: string, inner: string) => {
    const htmlAttributes = attributes.replace(/\btype\s*=\s*["']xhtml["']/, 'type="html"');
    return `<${name}${htmlAttributes}>${inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</${name}>`;
  });
}

/** What a body that cannot be XML is, said plainly (the XML parser's "Non-whitespace before first tag" was all). */
function notXmlReason(text: string): string | null {
  const start = text.trimStart();
  if (start === '') return 'an empty body';
  if (/^[[{]/.test(start)) return 'JSON (a JSON Feed is not supported: use the site’s RSS or Atom feed)';
  if (start.startsWith('<')) return null;
  const opening = start.slice(0, 40);
  // Control characters or undecodable bytes: quoting them would put binary noise into last_error and the logs.
  if ([...opening].some(isBinaryNoise)) return 'binary data (compressed without saying so, or not text)';
  return `text that is not XML ("${opening.replace(/\s+/g, ' ')}${start.length > 40 ? '…' : ''}")`;
}

/** A control character other than whitespace, or what a decoder made of bytes that were no text. */
function isBinaryNoise(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x09 || (code > 0x0d && code < 0x20) || code === 0xfffd;
}

function parseError(error: unknown, host: string, root: string | undefined): SourceError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/not recognized as RSS/i.test(detail)) {
    return new SourceError('not_a_feed', `${host} answered with XML that is not RSS or Atom`);
  }
  // Well-formed XML that rss-parser fails on while building the feed (it reads an RSS <channel> unguarded): the
  // document lacks a part of a feed, which "invalid XML: Cannot read properties of undefined" did not say.
  if (error instanceof TypeError) {
    const what = root === 'rss' || root === 'rdf:RDF' ? `an <${root}> document without a <channel>` : `a <${root ?? '?'}> document it cannot read as a feed`;
    return new SourceError('not_a_feed', `${host} answered with ${what}`);
  }
  // Elements nested a few thousand levels deep overflow the stack of the code that turns the document into objects:
  // the XML may be well-formed, and "Maximum call stack size exceeded" said nothing a feed's owner could act on.
  if (error instanceof RangeError && /call stack/i.test(detail)) {
    return new SourceError('parse', `${host} answered with XML nested too deeply to read (elements thousands of levels inside each other)`);
  }
  const position = detail.match(/Line: (\d+)\s+Column: (\d+)/);
  const reason = detail.split('\n')[0] ?? detail;
  const where = position ? ` at line ${Number(position[1]) + 1}, column ${position[2]}` : '';
  return new SourceError('parse', `invalid XML from ${host}: ${reason}${where}`);
}

function normaliseItem(item: FeedItem, feedBase: string, feedLanguage: string | null): SourceItem {
  const itemBase = resolveBase(item.attributes?.['xml:base'], feedBase);
  const atomLink = alternateAtomLink(item.links);
  const link =
    (atomLink === undefined ? resolveLink(item.link, itemBase) : resolveLink(atomLink.$?.href, resolveBase(atomLink.$?.['xml:base'], itemBase))) ??
    permalinkGuid(item.guid, itemBase);
  const html = firstNonEmpty(item['content:encoded'], item.content, item.summary, mediaText(item, 'media:description')) ?? '';
  return {
    externalId: firstNonEmpty(item.guid, item.id, item['rdf:about']) ?? link,
    url: link,
    title: titleText(item.title) ?? titleText(mediaText(item, 'media:title')),
    text: htmlToText(html),
    author: firstNonEmpty(item.creator, item.author)?.trim() ?? null,
    lang: primaryLanguage(item.language ?? item.attributes?.['xml:lang'] ?? feedLanguage),
    // The text as the feed wrote it, not rss-parser's isoDate (Date.parse: no CEST, zoneless dates in local time).
    publishedAt: parseFeedDate(item.pubDate) ?? parseFeedDate(item.date),
    reach: null,
  };
}

/**
 * An element with attributes reaches us as an object ({ _: text, $: attributes }), and one with attributes and no
 * text (<title type="html"></title>, common for untitled Atom notes) as an object without `_`: an untitled item,
 * not a reason to reject the feed.
 */
function titleText(title: unknown): string | null {
  const text = elementText(title);
  return text !== undefined && text.trim() !== '' ? htmlToText(text) : null;
}

/** The text of an element as xml2js gives it: a string, or an object whose `_` is the text (undefined: none). */
function elementText(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : (value as { _?: unknown } | null | undefined)?._;
  return typeof text === 'string' ? text : undefined;
}

/** A Media RSS element of the item itself, else of its media:group. */
function mediaText(item: FeedItem, name: 'media:title' | 'media:description'): string | undefined {
  return elementText(item[name]) ?? elementText(item['media:group']?.[name]?.[0]);
}

function firstNonEmpty(...values: Array<string | undefined>): string | undefined {
  return values.find((value) => typeof value === 'string' && value.trim() !== '');
}

/**
 * An Atom entry's link to itself: rel="alternate", or a link without rel (which means the same), an HTML one first;
 * else its first link, as rss-parser chose. Undefined for RSS, whose <link> is text.
 */
function alternateAtomLink(links: unknown[] | undefined): AtomLink | undefined {
  const atomLinks = (links ?? []).filter((link): link is AtomLink => typeof (link as AtomLink | null)?.$?.href === 'string');
  if (atomLinks.length === 0) return undefined;
  const alternates = atomLinks.filter((link) => (link.$?.rel ?? 'alternate') === 'alternate');
  return alternates.find((link) => /html/i.test(link.$?.type ?? 'text/html')) ?? alternates[0] ?? atomLinks[0];
}

function resolveLink(link: string | undefined, feedUrl: string): string | null {
  if (typeof link !== 'string' || link.trim() === '') return null;
  try {
    const url = new URL(link.trim(), feedUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function permalinkGuid(guid: string | undefined, feedUrl: string): string | null {
  return typeof guid === 'string' && /^https?:\/\//i.test(guid.trim()) ? resolveLink(guid, feedUrl) : null;
}

function primaryLanguage(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}
