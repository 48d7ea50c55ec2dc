// What brand matching looks at in one item, prepared once and shared by every brand: the word tokens of title and
// text, the host of its URL (for site:) and its language (for lang:), detected only when a query first asks for it.
import { detect } from 'tinyld';
import { wordTokens, type WordToken } from './word-tokens.js';

export interface QueryDocument {
  tokens: WordToken[];
  /** Lower-case host of the item's publisher (siteUrl) or URL, without a trailing dot; null without a (parseable)
   * URL. */
  host: string | null;
  /** The item's language code (e.g. en, pl): the source's own `lang` (its primary subtag), else detected from the
   * text on the first call (later calls reuse it); null when neither gives one. */
  language: () => string | null;
}

export type LanguageDetector = (text: string) => string;

export interface QueryDocumentItem {
  title: string | null;
  text: string;
  url?: string | null;
  /** The publisher's URL when `url` is an aggregator's link; site: judges this one first. */
  siteUrl?: string | null;
  lang?: string | null;
}

// Language detection needs a few sentences, not a whole article; this keeps it fast on long texts.
const DETECTION_SAMPLE_LENGTH = 2_000;

export function toQueryDocument(item: QueryDocumentItem, detectLanguage: LanguageDetector = detect): QueryDocument {
  const text = `${item.title ?? ''}\n${item.text}`;
  const givenLanguage = primarySubtag(item.lang ?? null);
  let detection: { language: string | null } | null = null;
  return {
    tokens: wordTokens(text),
    host: hostOf(item.siteUrl ?? null) ?? hostOf(item.url ?? null),
    language: () => {
      if (givenLanguage !== null) return givenLanguage;
      detection ??= { language: detectLanguage(text.slice(0, DETECTION_SAMPLE_LENGTH)).toLowerCase() || null };
      return detection.language;
    },
  };
}

/** `en-US` → `en`, `pt_BR` → `pt`; null for a missing or blank tag. */
function primarySubtag(lang: string | null): string | null {
  const subtag = lang?.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return subtag === '' ? null : subtag;
}

function hostOf(url: string | null): string | null {
  if (url === null || !URL.canParse(url)) return null;
  const host = new URL(url).hostname.replace(/\.$/, '').toLowerCase();
  return host === '' ? null : host;
}
